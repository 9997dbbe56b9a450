"""App.net pagination and the interaction_actions filter, through HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockserver.store.appkeys import CLOCK
from tests.conftest import ClientFactory
from tests.providers.appdotnet.helpers import PATH, get, scenario_file, small_user, walk

TINY = {"Authorization": "Bearer TINY_TOKEN"}


async def tiny(make_client: ClientFactory, tmp_path: Path, interactions: int = 10) -> TestClient:
    path = scenario_file(tmp_path, {"users": [small_user(interactions)]})
    return await make_client(providers=("appdotnet",), scenario_path=path)


def pids(body: dict[str, Any]) -> list[str]:
    return [item["pagination_id"] for item in body["data"]]


async def test_the_specs_worked_example(make_client: ClientFactory, tmp_path: Path) -> None:
    client = await tiny(make_client, tmp_path)
    everything = await get(client, None, TINY)
    assert pids(everything) == [str(i) for i in range(10, 0, -1)]
    assert everything["meta"] == {"code": 200, "max_id": "10", "min_id": "1", "more": False}
    newest = await get(client, {"before_id": "9", "since_id": "2", "count": "2"}, TINY)
    assert pids(newest) == ["8", "7"]
    assert newest["meta"] == {"code": 200, "max_id": "8", "min_id": "7", "more": True}
    oldest = await get(client, {"before_id": "9", "since_id": "2", "count": "-2"}, TINY)
    assert pids(oldest) == ["4", "3"]
    assert oldest["meta"] == {"code": 200, "max_id": "4", "min_id": "3", "more": True}


async def test_ranges_at_the_edges(make_client: ClientFactory, tmp_path: Path) -> None:
    client = await tiny(make_client, tmp_path)
    assert pids(await get(client, {"since_id": "8"}, TINY)) == ["10", "9"]
    assert pids(await get(client, {"before_id": "3"}, TINY)) == ["2", "1"]
    assert pids(await get(client, {"since_id": "0", "count": "-3"}, TINY)) == ["3", "2", "1"]
    empty = await get(client, {"since_id": "10"}, TINY)
    assert empty["data"] == [] and empty["meta"] == {"code": 200, "more": False}
    assert (await get(client, {"before_id": "1"}, TINY))["data"] == []
    assert (await get(client, {"since_id": "5", "before_id": "5"}, TINY))["data"] == []
    assert pids(await get(client, {"before_id": "999999999999"}, TINY))[0] == "10"
    exact = await get(client, {"since_id": "5", "count": "5"}, TINY)
    assert pids(exact) == ["10", "9", "8", "7", "6"] and exact["meta"]["more"] is False


async def test_count_defaults_to_20_and_stops_at_200(adn: TestClient) -> None:
    body = await get(adn)
    assert len(body["data"]) == 20 and pids(body) == [str(i) for i in range(600, 580, -1)]
    assert len((await get(adn, {"count": "200"}))["data"]) == 200
    assert await get(adn, {"count": "201"}) == await get(adn, {"count": "200"})
    assert await get(adn, {"count": "-5000"}) == await get(adn, {"count": "-200"})
    assert pids(await get(adn, {"count": "-3"})) == ["3", "2", "1"]


@pytest.mark.parametrize("name, value", [
    ("count", "0"), ("count", "ten"), ("count", "1.5"), ("count", ""), ("count", "99999999999999999999"),
    ("before_id", "abc"), ("before_id", "-1"), ("since_id", "1.0"), ("since_id", "0x10"),
    ("since_id", "last_read"), ("before_id", "marker_inclusive"),
    ("include_html", "yes"), ("include_annotations", "2"), ("include_starred_by", ""),
    ("callback", "alert(1)"), ("callback", "1abc"),
])
async def test_bad_values_are_400_in_the_envelope(adn: TestClient, name: str, value: str) -> None:
    body = await get(adn, {name: value}, status=400)
    assert "data" not in body and name.split("_")[0] in body["meta"]["error_message"]


async def test_repeated_paging_parameters_are_400(adn: TestClient) -> None:
    body = await get(adn, [("count", "2"), ("count", "3")], status=400)
    assert "count" in body["meta"]["error_message"]


async def test_empty_ids_mean_no_bound(adn: TestClient) -> None:
    assert await get(adn, {"since_id": "", "before_id": ""}) == await get(adn)


async def test_ids_and_counts_padded_with_any_whitespace_are_read_as_numbers(adn: TestClient) -> None:
    # \x1c-\x1f count as whitespace for str.strip but not for int(): once a 500 (found by Schemathesis).
    newest = pids(await get(adn, {"count": "3"}))
    padded = await get(adn, {"before_id": f"\x1c\u2028{newest[0]}\x1f", "count": "\x1e2\u3000"})
    assert pids(padded) == newest[1:3]


async def test_paging_back_with_before_id_yields_every_item_once(adn: TestClient) -> None:
    items = await walk(adn)
    ids = [int(item["pagination_id"]) for item in items]
    assert ids == list(range(600, 0, -1))
    dates = [item["event_date"] for item in items]
    assert dates == sorted(dates, reverse=True)
    assert items[-1]["action"] == "welcome"


async def test_small_pages_chain_through_min_id(adn: TestClient) -> None:
    seen: list[str] = []
    query = {"count": "7"}
    for _ in range(10):
        body = await get(adn, query)
        seen += pids(body)
        query["before_id"] = body["meta"]["min_id"]
    assert seen == [str(i) for i in range(600, 530, -1)]


async def test_since_id_picks_up_new_interactions_as_the_clock_moves(adn: TestClient) -> None:
    top = (await get(adn, {"count": "1"}))["meta"]["max_id"]
    assert (await get(adn, {"since_id": top}))["data"] == []
    adn.app[CLOCK].advance(6 * 3_600_000)  # 600 over 30 days: 5 new in six hours
    fresh = await get(adn, {"since_id": top, "count": "-200"})
    assert pids(fresh) == [str(i) for i in range(int(top) + 5, int(top), -1)]
    assert fresh["meta"]["more"] is False


# -- interaction_actions ---------------------------------------------------------

ALL = ["follow", "reply", "repost", "star", "welcome", "broadcast_create", "broadcast_subscribe",
       "broadcast_unsubscribe"]


async def test_every_action_occurs_and_each_filter_selects_exactly_it(adn: TestClient) -> None:
    everything = await walk(adn)
    by_action: dict[str, list[str]] = {}
    for item in everything:
        by_action.setdefault(item["action"], []).append(item["pagination_id"])
    assert set(by_action) == set(ALL)
    for action in ALL:
        filtered = await walk(adn, {"interaction_actions": action})
        assert [item["pagination_id"] for item in filtered] == by_action[action]


async def test_filters_combine_and_page(adn: TestClient) -> None:
    everything = await walk(adn)
    wanted = [i["pagination_id"] for i in everything if i["action"] in ("repost", "follow")]
    first = await get(adn, {"interaction_actions": "repost,follow", "count": "10"})
    assert pids(first) == wanted[:10] and first["meta"]["more"] is True
    second = await get(adn, {"interaction_actions": "repost,follow", "count": "10",
                             "before_id": first["meta"]["min_id"]})
    assert pids(second) == wanted[10:20]
    repeated = await get(adn, [("interaction_actions", "repost"), ("interaction_actions", " follow ,"),
                               ("count", "10")])
    assert repeated == first
    oldest = await get(adn, {"interaction_actions": "follow,repost", "count": "-3", "since_id": "0"})
    assert pids(oldest) == wanted[-3:]


async def test_ignored_action_names_are_percent_encoded_in_the_header(adn: TestClient) -> None:
    # Found by tests/fuzz: an ESC or CR/LF echoed raw made aiohttp drop the connection.
    response = await adn.get(PATH, params={"interaction_actions": "\x1b,a\r\nSet-Cookie: x,caf\u00e9"},
                             headers={"Authorization": "Bearer YOUR_ACCESS_TOKEN"})
    assert response.status == 200
    assert response.headers["X-Mock-Ignored-Actions"] == "%1B,a%0D%0ASet-Cookie%3A%20x,caf%C3%A9"
    assert "Set-Cookie" not in response.headers


async def test_unknown_actions_match_nothing_and_are_named_in_a_header(adn: TestClient) -> None:
    response = await adn.get(PATH, params={"interaction_actions": "mention,star,Star"},
                             headers={"Authorization": "Bearer YOUR_ACCESS_TOKEN"})
    body = await response.json()
    assert response.status == 200 and response.headers["X-Mock-Ignored-Actions"] == "mention,Star"
    assert {item["action"] for item in body["data"]} == {"star"}
    nothing = await get(adn, {"interaction_actions": "mention"})
    assert nothing["data"] == [] and nothing["meta"] == {"code": 200, "more": False}
    assert await get(adn, {"interaction_actions": " , "}) == await get(adn)
