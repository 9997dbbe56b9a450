"""GET /api-interactions through HTTP: every parameter, every documented error."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockserver.core.clock import DAY_MS, date_of_ms
from mockserver.store.appkeys import CLOCK
from tests.conftest import (
    DOCS_WATCHLIST, EMPTY_WATCHLIST, FAILING_WATCHLIST, FROZEN_AT_MS, OTHER_TEAM_KEY,
    OTHER_TEAM_WATCHLIST, OUTX_KEY,
)

KEY = {"x-api-key": OUTX_KEY}


async def fetch(client: TestClient, params: Any = None, headers: dict[str, str] | None = None,
                status: int = 200) -> dict[str, Any]:
    response = await client.get("/api-interactions", params=params, headers=KEY if headers is None else headers)
    assert response.status == status, await response.text()
    assert response.content_type == "application/json"
    return await response.json()


async def test_the_documented_request_works_verbatim(client: TestClient) -> None:
    # The curl example of the docs, host swapped.
    response = await client.get(f"/api-interactions?watchlist_id={DOCS_WATCHLIST}&page=1&page_size=10",
                                headers={"x-api-key": "YOUR_API_KEY"})
    assert response.status == 200
    body = await response.json()
    assert len(body["data"]) == 10
    assert body["pagination"] == {"page": 1, "page_size": 10, "total": 5000, "total_pages": 500,
                                  "total_likes": body["pagination"]["total_likes"],
                                  "total_comments": 5000 - body["pagination"]["total_likes"]}
    times = [item["created_at"] for item in body["data"]]
    assert times == sorted(times, reverse=True) and times[0] <= FROZEN_AT_MS


async def test_defaults_are_page_1_of_10(client: TestClient) -> None:
    body = await fetch(client, {"watchlist_id": DOCS_WATCHLIST})
    assert body["pagination"]["page"] == 1 and body["pagination"]["page_size"] == 10
    assert body == await fetch(client, {"watchlist_id": DOCS_WATCHLIST, "page": "1", "page_size": "10"})


# -- documented errors ---------------------------------------------------------

@pytest.mark.parametrize("headers, message", [
    ({}, "Missing API Key"),
    ({"x-api-key": ""}, "Missing API Key"),
    ({"x-api-key": "   "}, "Missing API Key"),
    ({"x-api-key": "WRONG_KEY"}, "Invalid API Key"),
    ({"x-api-key": "your_api_key"}, "Invalid API Key"),
    ({"Authorization": "Bearer YOUR_API_KEY"}, "Missing API Key"),
])
async def test_401_missing_or_invalid_key(client: TestClient, headers: dict[str, str], message: str) -> None:
    assert await fetch(client, {"watchlist_id": DOCS_WATCHLIST}, headers, 401) == {"error": message}


async def test_the_header_name_is_case_insensitive(client: TestClient) -> None:
    await fetch(client, {"watchlist_id": DOCS_WATCHLIST}, {"X-API-KEY": OUTX_KEY})


async def test_auth_is_checked_before_parameters(client: TestClient) -> None:
    assert await fetch(client, {}, {}, 401) == {"error": "Missing API Key"}


@pytest.mark.parametrize("params", [
    {}, {"watchlist_id": ""}, {"watchlist_id": "  "},
    [("watchlist_id", DOCS_WATCHLIST), ("watchlist_id", OTHER_TEAM_WATCHLIST)],
])
async def test_400_watchlist_id_required(client: TestClient, params: Any) -> None:
    body = await fetch(client, params, status=400)
    assert body == {"error": "watchlist_id is required and must be a string"}


@pytest.mark.parametrize("watchlist_id", ["nope", "550e8400-e29b-41d4-a716-44665544ffff", "ünïcødé 🙂", "x" * 500])
async def test_400_invalid_watchlist_id(client: TestClient, watchlist_id: str) -> None:
    body = await fetch(client, {"watchlist_id": watchlist_id}, status=400)
    assert body == {"error": f"Invalid watchlist ID: {watchlist_id}"}


async def test_403_watchlist_of_another_team_both_ways(client: TestClient) -> None:
    denied = {"error": "Access denied: You don't have permission to access this watchlist"}
    assert await fetch(client, {"watchlist_id": OTHER_TEAM_WATCHLIST}, status=403) == denied
    assert await fetch(client, {"watchlist_id": DOCS_WATCHLIST}, {"x-api-key": OTHER_TEAM_KEY}, 403) == denied
    own = await fetch(client, {"watchlist_id": OTHER_TEAM_WATCHLIST}, {"x-api-key": OTHER_TEAM_KEY})
    assert own["pagination"]["total"] == 800


async def test_500_through_the_scenario_flag(client: TestClient) -> None:
    body = await fetch(client, {"watchlist_id": FAILING_WATCHLIST}, status=500)
    assert body == {"error": "Failed to fetch interactions"}


# -- filters -------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["like", "comment"])
async def test_interaction_type_filter(client: TestClient, kind: str) -> None:
    everything = await fetch(client, {"watchlist_id": DOCS_WATCHLIST})
    body = await fetch(client, {"watchlist_id": DOCS_WATCHLIST, "interaction_type": kind, "page_size": "100"})
    assert {item["interaction_type"] for item in body["data"]} == {kind}
    pagination = body["pagination"]
    assert pagination["total"] == everything["pagination"][f"total_{kind}s"]
    other = "comment" if kind == "like" else "like"
    assert pagination[f"total_{kind}s"] == pagination["total"] and pagination[f"total_{other}s"] == 0
    assert all(day[f"{other}_count"] == 0 for day in body["graph_data"])


@pytest.mark.parametrize("value", ["likes", "LIKE", "share", "", "like,comment"])
async def test_invalid_interaction_type(client: TestClient, value: str) -> None:
    body = await fetch(client, {"watchlist_id": DOCS_WATCHLIST, "interaction_type": value}, status=400)
    assert body == {"error": "interaction_type must be one of: like, comment"}


async def actors_of(client: TestClient, how_many: int) -> list[str]:
    body = await fetch(client, {"watchlist_id": DOCS_WATCHLIST, "page_size": "100"})
    return list(dict.fromkeys(item["author"]["id"] for item in body["data"]))[:how_many]


async def test_actor_ids_in_all_three_forms_and_bracket_arrays(client: TestClient) -> None:
    a, b, c = await actors_of(client, 3)
    forms = [
        [("actor_ids", f"{a},{b},{c}")],
        [("actor_ids", a), ("actor_ids", b), ("actor_ids", c)],
        [("actor_ids", f"{a}, {b}"), ("actor_ids", c)],
        [("actor_ids[]", a), ("actor_ids[]", b), ("actor_ids[]", c)],
    ]
    answers = []
    for form in forms:
        body = await fetch(client, [("watchlist_id", DOCS_WATCHLIST), ("page_size", "100"), *form])
        assert {item["author"]["id"] for item in body["data"]} <= {a, b, c}
        answers.append(body)
    assert all(answer == answers[0] for answer in answers)
    single = await fetch(client, {"watchlist_id": DOCS_WATCHLIST, "actor_ids": a, "page_size": "100"})
    assert {item["author"]["id"] for item in single["data"]} <= {a}  # or on a's posts, if a were tracked
    assert 0 < single["pagination"]["total"] < answers[0]["pagination"]["total"]


async def test_actor_ids_match_post_authors_and_company_pages(client: TestClient) -> None:
    """The docs' three kinds: users who liked or commented, post authors, companies."""
    everything = (await fetch(client, {"watchlist_id": DOCS_WATCHLIST, "page_size": "100"}))["data"]
    author = everything[0]["post"]["post_author"]["id"]
    company = next(item["author"]["id"] for item in everything if item["author"]["author_type"] == "company")
    for actor in (author, company):
        body = await fetch(client, {"watchlist_id": DOCS_WATCHLIST, "actor_ids": actor, "page_size": "100"})
        assert body["data"], f"actor_ids={actor} found nothing"
        assert all(actor in (item["author"]["id"], item["post"]["post_author"]["id"]) for item in body["data"])
        expected = [item["id"] for item in everything if actor in (item["author"]["id"], item["post"]["post_author"]["id"])]
        assert [item["id"] for item in body["data"]][:len(expected)] == expected
        pagination = body["pagination"]
        assert pagination["total_likes"] + pagination["total_comments"] == pagination["total"]
        in_graph = sum(day["like_count"] + day["comment_count"] for day in body["graph_data"])
        assert 0 < in_graph <= pagination["total"]


async def test_filters_combine(client: TestClient) -> None:
    a, b = await actors_of(client, 2)
    body = await fetch(client, [("watchlist_id", DOCS_WATCHLIST), ("actor_ids", f"{a},{b}"),
                                ("interaction_type", "comment"), ("page_size", "100")])
    assert all(i["author"]["id"] in (a, b) and i["interaction_type"] == "comment" for i in body["data"])
    assert body["pagination"]["total_likes"] == 0
    assert body["pagination"]["total"] == body["pagination"]["total_comments"] == len(body["data"])
    assert sum(day["comment_count"] for day in body["graph_data"]) <= body["pagination"]["total"]


async def test_unknown_actor_ids_match_nothing_and_empty_ones_filter_nothing(client: TestClient) -> None:
    nobody = await fetch(client, {"watchlist_id": DOCS_WATCHLIST, "actor_ids": "no-such-actor"})
    assert nobody["data"] == [] and nobody["pagination"]["total"] == 0
    assert all(day["like_count"] == day["comment_count"] == 0 for day in nobody["graph_data"])
    unfiltered = await fetch(client, {"watchlist_id": DOCS_WATCHLIST})
    assert await fetch(client, {"watchlist_id": DOCS_WATCHLIST, "actor_ids": ""}) == unfiltered
    assert await fetch(client, {"watchlist_id": DOCS_WATCHLIST, "actor_ids": " , ,"}) == unfiltered


# -- pagination ----------------------------------------------------------------

async def test_pages_are_disjoint_gap_free_and_agree_with_totals(client: TestClient) -> None:
    headers = {"x-api-key": OTHER_TEAM_KEY}
    first = await fetch(client, {"watchlist_id": OTHER_TEAM_WATCHLIST, "page_size": "100"}, headers)
    pagination = first["pagination"]
    assert pagination["total_pages"] == 8
    seen, likes = [], 0
    for page in range(1, pagination["total_pages"] + 1):
        body = await fetch(client, {"watchlist_id": OTHER_TEAM_WATCHLIST, "page_size": "100", "page": str(page)},
                           headers)
        assert body["pagination"] == {**pagination, "page": page}
        seen.extend(item["id"] for item in body["data"])
        likes += sum(item["interaction_type"] == "like" for item in body["data"])
        times = [item["created_at"] for item in body["data"]]
        assert times == sorted(times, reverse=True)
    assert len(seen) == len(set(seen)) == pagination["total"] == 800
    assert likes == pagination["total_likes"]


async def test_a_page_past_the_end_is_empty_with_true_totals(client: TestClient) -> None:
    body = await fetch(client, {"watchlist_id": DOCS_WATCHLIST, "page": "501"})
    assert body["data"] == []
    assert body["pagination"]["page"] == 501 and body["pagination"]["total"] == 5000
    last = await fetch(client, {"watchlist_id": DOCS_WATCHLIST, "page": "500"})
    assert len(last["data"]) == 10
    far = await fetch(client, {"watchlist_id": DOCS_WATCHLIST, "page": "1000000000"})
    assert far["data"] == [] and far["pagination"]["total_pages"] == 500


async def test_page_size_maximum_is_100(client: TestClient) -> None:
    body = await fetch(client, {"watchlist_id": DOCS_WATCHLIST, "page_size": "100"})
    assert len(body["data"]) == 100 and body["pagination"]["total_pages"] == 50


@pytest.mark.parametrize("name, value", [
    ("page_size", "101"), ("page_size", "0"), ("page_size", "-5"), ("page_size", "ten"), ("page_size", "1.5"),
    ("page_size", ""), ("page", "0"), ("page", "-1"), ("page", "x"), ("page", "2.0"), ("page", "1000000001"),
    ("page", "99999999999999999999999999"),
])
async def test_invalid_paging_values(client: TestClient, name: str, value: str) -> None:
    body = await fetch(client, {"watchlist_id": DOCS_WATCHLIST, name: value}, status=400)
    limit = "100" if name == "page_size" else "1000000000"
    assert body == {"error": f"{name} must be an integer between 1 and {limit}"}


async def test_repeated_paging_parameters_are_refused(client: TestClient) -> None:
    body = await fetch(client, [("watchlist_id", DOCS_WATCHLIST), ("page", "1"), ("page", "2")], status=400)
    assert body == {"error": "page and page_size may be given at most once"}


async def test_empty_watchlist(client: TestClient) -> None:
    body = await fetch(client, {"watchlist_id": EMPTY_WATCHLIST})
    assert body["data"] == []
    assert body["pagination"] == {"page": 1, "page_size": 10, "total": 0, "total_pages": 0,
                                  "total_likes": 0, "total_comments": 0}
    assert len(body["graph_data"]) == 7


# -- graph_data and the clock --------------------------------------------------

async def test_graph_data_is_the_last_7_days_ending_today(client: TestClient) -> None:
    body = await fetch(client, {"watchlist_id": DOCS_WATCHLIST})
    days = [day["posted_at"] for day in body["graph_data"]]
    assert days == [date_of_ms(FROZEN_AT_MS - back * DAY_MS) for back in range(6, -1, -1)]
    assert days[-1] == "2024-01-16"
    # 5000 interactions over 28 days: about 178 a day, today only 10h40 of it.
    totals = [day["like_count"] + day["comment_count"] for day in body["graph_data"]]
    assert all(150 < total < 210 for total in totals[:-1])
    assert 60 < totals[-1] < 100


async def test_graph_data_equals_the_days_interactions(client: TestClient) -> None:
    counted: dict[tuple[str, str], int] = {}
    page = 1
    while True:
        body = await fetch(client, {"watchlist_id": DOCS_WATCHLIST, "page_size": "100", "page": str(page)})
        oldest = body["data"][-1]["created_at"]
        for item in body["data"]:
            key = (date_of_ms(item["created_at"]), item["interaction_type"])
            counted[key] = counted.get(key, 0) + 1
        if oldest < FROZEN_AT_MS - 8 * DAY_MS:
            break
        page += 1
    for day in body["graph_data"]:
        assert day["like_count"] == counted.get((day["posted_at"], "like"), 0)
        assert day["comment_count"] == counted.get((day["posted_at"], "comment"), 0)


async def test_new_interactions_arrive_as_the_clock_moves(client: TestClient) -> None:
    before = await fetch(client, {"watchlist_id": DOCS_WATCHLIST})
    client.app[CLOCK].advance(DAY_MS)
    after = await fetch(client, {"watchlist_id": DOCS_WATCHLIST})
    grown = after["pagination"]["total"] - before["pagination"]["total"]
    assert 170 <= grown <= 190  # 5000 / 28 days
    assert after["graph_data"][-1]["posted_at"] == "2024-01-17"
    # The window slid by one day: the five complete days it kept are unchanged,
    # yesterday (formerly "today") gained its evening, and today started.
    assert after["graph_data"][:5] == before["graph_data"][1:6]
    old_today, new_yesterday = before["graph_data"][6], after["graph_data"][5]
    assert new_yesterday["posted_at"] == old_today["posted_at"]
    assert new_yesterday["like_count"] + new_yesterday["comment_count"] > old_today["like_count"] + old_today["comment_count"]
    # The old newest item is now at position `grown`.
    page = await fetch(client, {"watchlist_id": DOCS_WATCHLIST, "page_size": "1", "page": str(grown + 1)})
    then, now = before["data"][0], page["data"][0]
    assert {**now, "post": None} == {**then, "post": None}
    # Its post's public counters only grew: the day's new interactions on it count too.
    assert now["post"]["likes_count"] >= then["post"]["likes_count"]
    assert now["post"]["comments_count"] >= then["post"]["comments_count"]
    counters = ("likes_count", "comments_count")
    assert {k: v for k, v in now["post"].items() if k not in counters} == \
        {k: v for k, v in then["post"].items() if k not in counters}


# -- determinism ---------------------------------------------------------------

async def test_same_seed_and_frozen_clock_give_identical_bytes(make_client) -> None:
    params = {"watchlist_id": DOCS_WATCHLIST, "page": "7", "page_size": "50", "interaction_type": "comment"}
    bodies = []
    for seed in (5, 5, 6):
        c = await make_client(seed=seed)
        response = await c.get("/api-interactions", params=params, headers=KEY)
        bodies.append(await response.read())
    assert bodies[0] == bodies[1]
    assert bodies[0] != bodies[2]


# -- routing -------------------------------------------------------------------

async def test_unknown_paths_and_methods_answer_json(client: TestClient) -> None:
    response = await client.get("/api-interactionz", headers=KEY)
    assert response.status == 404 and (await response.json()) == {"error": "No route for GET /api-interactionz"}
    response = await client.post("/api-interactions", headers=KEY)
    assert response.status == 405 and "GET" in response.headers["Allow"]
    assert (await response.json())["error"] == "Method POST not allowed on /api-interactions"
