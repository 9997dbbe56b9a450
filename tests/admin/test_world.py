"""/__admin health, reset, state snapshots and flags."""

from __future__ import annotations

import copy
import json
from typing import Any

from aiohttp.test_utils import TestClient

from mockserver.paths import default_scenario_path
from tests.conftest import DOCS_WATCHLIST, FAILING_WATCHLIST, FROZEN_AT_MS, OUTX_KEY

KEY = {"x-api-key": OUTX_KEY}
FAIL_FLAG = f"watchlist:{FAILING_WATCHLIST}:simulate_failure"
DOCS_FLAG = f"watchlist:{DOCS_WATCHLIST}:simulate_failure"


async def interactions(client: TestClient, watchlist: str = DOCS_WATCHLIST) -> tuple[int, bytes]:
    response = await client.get("/api-interactions", params={"watchlist_id": watchlist}, headers=KEY)
    return response.status, await response.read()


async def test_health(client: TestClient) -> None:
    body = await (await client.get("/__admin/health")).json()
    assert body["status"] == "ok" and body["providers"] == ["outx"] and body["seed"] == 1
    assert body["clock"]["now_ms"] == FROZEN_AT_MS and body["strict"] == {"enabled": True, "violations": 0}
    assert body["faults"] == 0 and body["scheduled"] == 0


async def test_flags_switch_at_run_time(client: TestClient) -> None:
    flags = await (await client.get("/__admin/flags")).json()
    assert flags["outx"][FAIL_FLAG] is True and flags["outx"][DOCS_FLAG] is False
    response = await client.patch("/__admin/flags", json={"outx": {DOCS_FLAG: True, FAIL_FLAG: False}})
    assert response.status == 200 and (await response.json())["outx"][DOCS_FLAG] is True
    assert (await interactions(client))[0] == 500
    assert (await interactions(client, FAILING_WATCHLIST))[0] == 200


async def test_bad_flag_changes_change_nothing(client: TestClient) -> None:
    for payload, status in [
        ({"outx": {DOCS_FLAG: True, "watchlist:nope:simulate_failure": True}}, 404),
        ({"outx": {DOCS_FLAG: "yes"}}, 400),
        ({"twitter": {}}, 400),
        ({"outx": [DOCS_FLAG]}, 400),
    ]:
        response = await client.patch("/__admin/flags", json=payload)
        assert response.status == status, payload
    assert (await interactions(client))[0] == 200


async def test_reset_restores_the_start(client: TestClient) -> None:
    start = await interactions(client)
    await client.patch("/__admin/flags", json={"outx": {DOCS_FLAG: True}})
    await client.post("/__admin/clock/advance", json={"by": "3d"})
    await client.post("/__admin/faults", json={"kind": "status", "status": 418, "path": "/nowhere"})
    response = await client.post("/__admin/reset")
    assert response.status == 200
    body = await response.json()
    assert body["seed"] == 1 and body["clock"]["now_ms"] == FROZEN_AT_MS
    assert await interactions(client) == start
    assert (await (await client.get("/__admin/faults")).json())["faults"] == []
    journal = await (await client.get("/__admin/journal")).json()
    assert journal["stored"] == 1  # only the request made after the reset


async def test_reset_with_a_new_seed_and_scenario(client: TestClient) -> None:
    _, before = await interactions(client)
    response = await client.post("/__admin/reset", json={"seed": 99})
    assert (await response.json())["seed"] == 99
    status, after = await interactions(client)
    assert status == 200 and after != before
    assert (await (await client.get("/__admin/scenario")).json())["seed"] == 99

    scenario = json.loads(default_scenario_path().read_text())
    scenario["name"] = "tiny"
    scenario["outx"]["teams"][0]["watchlists"][0]["interactions"] = 3
    response = await client.post("/__admin/reset", json={"scenario": scenario})
    assert (await response.json())["scenario"] == "tiny"
    body = json.loads((await interactions(client))[1])
    assert body["pagination"]["total"] == 3


async def test_reset_refuses_bad_input(client: TestClient) -> None:
    for payload, message in [
        ({"seed": -1}, "seed must be an integer"),
        ({"scenario": {"name": "x"}}, "is invalid"),
        ({"colour": 1}, "unknown field(s): colour"),
    ]:
        response = await client.post("/__admin/reset", json=payload)
        assert response.status == 400 and message in (await response.json())["message"], payload


async def test_state_round_trip_is_exact(make_client) -> None:
    source = await make_client(seed=4)
    page = json.loads((await interactions(source))[1])
    urn = page["data"][0]["post"]["social_urn"]
    liked = await source.post("/linkedin-agent/like-post", json={"social_urn": urn}, headers=KEY)
    assert liked.status == 200
    await source.patch("/__admin/flags", json={"outx": {DOCS_FLAG: True}})
    await source.post("/__admin/clock/advance", json={"by": "2h"})
    snapshot = await (await source.get("/__admin/state")).json()
    assert snapshot["format"] == "mockserver-state/1" and snapshot["seed"] == 4
    outx = snapshot["providers"]["outx"]
    assert outx["flags"] == {DOCS_FLAG: True} and outx["agent"]["accepted"] == 1

    target = await make_client(seed=1, freeze_at_ms=FROZEN_AT_MS + 10 * 86_400_000)
    response = await target.put("/__admin/state", json=snapshot)
    assert response.status == 200, await response.text()
    assert await (await target.get("/__admin/state")).json() == snapshot
    for watchlist in (DOCS_WATCHLIST, "6ba7b810-9dad-11d1-80b4-00c04fd430c8"):
        assert await interactions(target, watchlist) == await interactions(source, watchlist)
    await source.patch("/__admin/flags", json={"outx": {DOCS_FLAG: False}})
    await target.patch("/__admin/flags", json={"outx": {DOCS_FLAG: False}})
    assert await interactions(target) == await interactions(source)


async def test_a_bad_snapshot_changes_nothing(client: TestClient) -> None:
    good = await (await client.get("/__admin/state")).json()
    before = await interactions(client)
    broken_cases: list[dict[str, Any]] = []
    for mutate in (
        lambda s: s.update(format="other/9"),
        lambda s: s.update(seed="x"),
        lambda s: s.update(clock={"mode": "sideways", "now_ms": 1, "offset_ms": 0}),
        lambda s: s.update(providers={"twitter": {}}),
        lambda s: s["providers"].update(outx={"flags": {"watchlist:nope:simulate_failure": True}}),
        lambda s: s["scenario"].update(outx={"teams": []}),
    ):
        broken = copy.deepcopy(good)
        broken["seed"] = 77
        mutate(broken)
        broken_cases.append(broken)
    for broken in broken_cases:
        response = await client.put("/__admin/state", json=broken)
        assert response.status == 400, broken
        assert await (await client.get("/__admin/state")).json() == good
        assert await interactions(client) == before
