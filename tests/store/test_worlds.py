"""Building, resetting and re-anchoring the worlds: cheap, deterministic, and all or nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockserver.app import create_app
from mockserver.paths import default_scenario_path
from mockserver.providers import available_providers
from mockserver.scenario import ScenarioError
from mockserver.store.appkeys import WORLD
from tests.conftest import DOCS_WATCHLIST, FROZEN_AT_MS, OUTX_KEY, ClientFactory, test_settings

OUTX = {"x-api-key": OUTX_KEY}
ADN = {"Authorization": "Bearer YOUR_ACCESS_TOKEN"}
NYNE = {"X-API-Key": "YOUR_API_KEY", "X-API-Secret": "YOUR_API_SECRET"}
OUTFAME = {"Authorization": "Bearer sk_live_your_api_key"}
ACCOUNT = "acc_7Gx2kLm9Qr"
DOCS_FLAG = f"watchlist:{DOCS_WATCHLIST}:simulate_failure"

# One request of each kind a test might make first, on every provider; the Nyne submission's answer
# carries an id and times that must restart with the world.
SCRIPT: list[tuple[str, str, dict[str, str], Any]] = [
    ("GET", f"/api-interactions?watchlist_id={DOCS_WATCHLIST}&page=2&page_size=5", OUTX, None),
    ("GET", "/stream/0/users/me/interactions?count=5", ADN, None),
    ("POST", "/person/interactions", NYNE, {"username": "janedoe", "type": "followers"}),
    ("GET", f"/v1/engagement/activity?account_id={ACCOUNT}&limit=5", OUTFAME, None),
    ("GET", f"/v1/engagement/stats?account_id={ACCOUNT}", OUTFAME, None),
    ("GET", "/__admin/journal", {}, None),
    ("GET", "/__admin/state", {}, None),
]


async def run_script(client: TestClient) -> list[tuple[int, bytes]]:
    answers = []
    for method, path, headers, body in SCRIPT:
        response = await client.request(method, path, headers=headers, json=body)
        answers.append((response.status, await response.read()))
    return answers


async def change_everything(client: TestClient) -> None:
    """State in every provider, the clock, the journal, faults and strict-mode records."""
    page = await (await client.get("/api-interactions", params={"watchlist_id": DOCS_WATCHLIST}, headers=OUTX)).json()
    urn = page["data"][0]["post"]["social_urn"]
    assert (await client.post("/linkedin-agent/like-post", json={"social_urn": urn}, headers=OUTX)).status == 200
    for n in range(3):
        response = await client.post("/person/interactions", json={"username": f"user{n}", "type": "followers"},
                                     headers=NYNE)
        assert response.status in (200, 202), await response.text()
    assert (await client.post("/v1/engagement/pause", json={"account_id": ACCOUNT}, headers=OUTFAME)).status == 200
    assert (await client.patch("/__admin/flags", json={"outx": {DOCS_FLAG: True}})).status == 200
    assert (await client.post("/__admin/clock/advance", json={"by": "3h"})).status == 200
    assert (await client.post("/__admin/faults", json={"kind": "status", "status": 418, "path": "/x"})).status in (200, 201)


async def test_a_reset_gives_the_bytes_of_a_fresh_start(make_client: ClientFactory) -> None:
    used = await make_client(providers=available_providers())
    expected = await run_script(used)  # on the fresh start
    await change_everything(used)
    assert (await used.post("/__admin/reset")).status == 200
    assert await run_script(used) == expected
    # And again: nothing of the first round survives the second reset either.
    await change_everything(used)
    assert (await used.post("/__admin/reset")).status == 200
    assert await run_script(used) == expected


async def test_a_reset_keeps_what_depends_only_on_seed_and_scenario(client: TestClient) -> None:
    world = client.app[WORLD]
    derived = world.context.derived
    await client.post("/__admin/reset")
    assert world.context.derived is derived
    await client.post("/__admin/reset", json={"seed": 2})
    assert world.context.derived is not derived
    await client.post("/__admin/reset", json={"seed": 1})
    assert world.context.derived is derived  # the last few (seed, scenario) pairs stay cached
    scenario = json.loads(default_scenario_path().read_text())
    await client.post("/__admin/reset", json={"scenario": scenario})  # an equal document
    assert world.context.derived is derived
    scenario["outx"]["teams"][0]["watchlists"][0]["actors"] = 40
    await client.post("/__admin/reset", json={"scenario": scenario})
    assert world.context.derived is not derived


async def test_rendered_items_are_kept_across_resets_at_the_same_anchor(client: TestClient) -> None:
    world = client.app[WORLD]
    anchored = world.context.anchored
    assert (await client.get("/api-interactions", params={"watchlist_id": DOCS_WATCHLIST}, headers=OUTX)).status == 200
    await client.post("/__admin/reset")
    assert world.context.anchored is anchored  # a frozen start: the same anchor, the same renders
    await client.post("/__admin/clock/freeze", json={"at": "2023-01-01T00:00:00Z"})  # moves the anchor
    assert world.context.anchored is not anchored


async def test_the_journal_counts_from_one_after_a_reset(client: TestClient) -> None:
    for _ in range(2):
        await client.get("/api-interactions", params={"watchlist_id": DOCS_WATCHLIST}, headers=OUTX)
        await client.post("/__admin/reset")
    await client.get("/api-interactions", params={"watchlist_id": DOCS_WATCHLIST}, headers=OUTX)
    entries = (await (await client.get("/__admin/journal")).json())["entries"]
    assert [entry["seq"] for entry in entries] == [1]


def duplicate_adn_users() -> dict[str, Any]:
    scenario = json.loads(default_scenario_path().read_text())
    users = scenario["appdotnet"]["users"]
    users[1]["id"] = users[0]["id"]
    return scenario


async def test_a_refused_scenario_changes_nothing(make_client: ClientFactory) -> None:
    client = await make_client(providers=available_providers())
    await client.patch("/__admin/flags", json={"outx": {DOCS_FLAG: True}})
    before = await (await client.get("/__admin/state")).json()
    response = await client.post("/__admin/reset", json={"seed": 5, "scenario": duplicate_adn_users()})
    body = await response.json()
    assert response.status == 400 and body["error"] == "invalid_scenario"
    assert "at $.appdotnet.users[1].id: App.net user id '1558' is already used" in body["message"]
    assert await (await client.get("/__admin/state")).json() == before


def test_a_refused_scenario_fails_the_start_cleanly(tmp_path) -> None:
    path = tmp_path / "dup.json"
    path.write_text(json.dumps(duplicate_adn_users()))
    with pytest.raises(ScenarioError, match=r"at \$\.appdotnet\.users\[1\]\.id: App\.net user id '1558' is already used"):
        create_app(test_settings(providers=available_providers(), scenario_path=path))


async def test_a_reset_after_workers_anchor_returns_to_that_anchor(make_client: ClientFactory) -> None:
    anchor = FROZEN_AT_MS - 3_600_000
    client = await make_client(anchor_ms=anchor)
    assert client.app[WORLD].context.anchor_ms == anchor
    await client.post("/__admin/clock/advance", json={"by": "1d"})
    await client.post("/__admin/reset")
    assert client.app[WORLD].context.anchor_ms == anchor


async def test_a_scenario_the_last_provider_cannot_build_from_changes_nothing(make_client: ClientFactory) -> None:
    # The schema lets a scenario leave Outfame out; a server that serves Outfame finds out only when
    # its world is built, after the other providers' were: they must come back as they were.
    client = await make_client(providers=available_providers())
    await change_everything(client)
    before = await (await client.get("/__admin/state")).json()
    scenario = json.loads(default_scenario_path().read_text())
    del scenario["outfame"]
    response = await client.post("/__admin/reset", json={"seed": 5, "scenario": scenario})
    assert response.status == 400 and "no outfame section" in (await response.json())["message"]
    assert await (await client.get("/__admin/state")).json() == before
