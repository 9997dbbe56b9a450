"""App.net rate limits as the spec documents them: fixed windows per token (or per address), headers, 429."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockserver.paths import default_scenario_path
from mockserver.store.appkeys import CLOCK
from tests.conftest import ClientFactory
from tests.providers.appdotnet.helpers import APP_TOKEN, BEARER, OTHER_TOKEN, PATH

HEADERS = ("X-RateLimit-Remaining", "X-RateLimit-Limit", "X-RateLimit-Reset")


async def limited_client(make_client: ClientFactory, tmp_path: Path, **limits: Any) -> TestClient:
    document = json.loads(default_scenario_path().read_text())
    document["appdotnet"]["rate_limits"] = limits
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(document))
    return await make_client(providers=("appdotnet",), scenario_path=path)


def announced(response: Any) -> tuple[int, int, int]:
    return tuple(int(response.headers[name]) for name in HEADERS)  # type: ignore[return-value]


async def test_every_answer_announces_its_window(adn: TestClient) -> None:
    """The spec's defaults: 5000 an hour per token, 50 a minute per address for unauthorized calls."""
    cases = [
        (BEARER, {}, 200), (BEARER, {"count": "0"}, 400), ({"Authorization": f"Bearer {APP_TOKEN}"}, {}, 403),
        (BEARER, {"callback": "cb"}, 200),  # JSONP is never authenticated: counted per address
        ({}, {}, 401), ({"Authorization": "Bearer nope"}, {}, 401),
    ]
    seen = []
    for headers, params, status in cases:
        response = await adn.get(PATH, headers=headers, params=params)
        assert response.status == status, await response.text()
        seen.append(announced(response))
    assert seen[:3] == [(4999, 5000, 3600), (4998, 5000, 3600), (4999, 5000, 3600)]  # the app token has its own
    assert seen[3:] == [(49, 50, 60), (48, 50, 60), (47, 50, 60)]


async def test_a_full_window_answers_429_in_the_envelope_until_it_refills(make_client: ClientFactory,
                                                                         tmp_path: Path) -> None:
    client = await limited_client(make_client, tmp_path, authenticated={"limit": 3, "period_seconds": 60})
    remaining = [announced(await client.get(PATH, headers=BEARER))[0] for _ in range(3)]
    assert remaining == [2, 1, 0]
    client.app[CLOCK].advance(20_000)
    response = await client.get(PATH, headers=BEARER)
    assert response.status == 429
    assert announced(response) == (0, 3, 40) and response.headers["Retry-After"] == "40"
    body = await response.json()
    assert set(body) == {"meta"} and body["meta"]["code"] == 429 and "error_id" in body["meta"]
    assert "3 requests" in body["meta"]["error_message"]
    # Another token has a window of its own; refused requests did not count.
    assert (await client.get(PATH, headers={"Authorization": f"Bearer {OTHER_TOKEN}"})).status == 200
    client.app[CLOCK].advance(39_999)
    assert (await client.get(PATH, headers=BEARER)).status == 429
    client.app[CLOCK].advance(1)  # the whole capacity comes back at once, 60 s after the window opened
    response = await client.get(PATH, headers=BEARER)
    assert response.status == 200 and announced(response) == (2, 3, 60)


async def test_unauthorized_calls_are_limited_per_address(make_client: ClientFactory, tmp_path: Path) -> None:
    client = await limited_client(make_client, tmp_path, unauthenticated={"limit": 2, "period_seconds": 60})
    assert [(await client.get(PATH)).status for _ in range(2)] == [401, 401]
    response = await client.get(PATH, headers={"Authorization": "Bearer REVOKED_ACCESS_TOKEN"})
    assert response.status == 429 and (await response.json())["meta"]["code"] == 429
    jsonp = await client.get(PATH, params={"callback": "cb"})
    assert jsonp.status == 200 and b'"code":429' in await jsonp.read()  # JSONP: the status lives in meta
    assert (await client.get(PATH, headers=BEARER)).status == 200  # a good token is counted on its own


@pytest.mark.parametrize("switch", ["scenario", "flag"])
async def test_limits_switch_off(make_client: ClientFactory, tmp_path: Path, switch: str) -> None:
    if switch == "scenario":
        client = await limited_client(make_client, tmp_path, enabled=False, authenticated={"limit": 1})
    else:
        client = await limited_client(make_client, tmp_path, authenticated={"limit": 1})
        flipped = await client.patch("/__admin/flags", json={"appdotnet": {"rate_limits": False}})
        assert flipped.status == 200
    for _ in range(3):
        response = await client.get(PATH, headers=BEARER)
        assert response.status == 200 and not set(HEADERS) & set(response.headers)
