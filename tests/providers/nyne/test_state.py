"""Snapshots of what the API changed: export, import into a fresh app, and reset."""

from __future__ import annotations

import json

import pytest

from aiohttp.test_utils import TestClient

from mockserver.store.appkeys import PROVIDERS, SCHEDULER, WORLD
from mockserver.store.worlds import rebuild_worlds
from tests.conftest import FROZEN_AT_MS
from tests.providers.nyne.conftest import AUTH, JOB_MS, PATH, NyneClientFactory, advance, admin_view, poll, submit


async def test_state_round_trips_through_json_into_a_fresh_app(nyne_client: NyneClientFactory,
                                                               unused_tcp_port: int) -> None:
    first = await nyne_client()
    done = (await submit(first, {"username": "janedoe", "type": "followers", "max_results": 10}))["data"]["request_id"]
    await advance(first, JOB_MS)
    running = (await submit(first, {"username": "janedoe", "type": "following",
                                    "callback_url": f"http://127.0.0.1:{unused_tcp_port}/x"}))["data"]["request_id"]
    exported = first.app[PROVIDERS]["nyne"].export_state()
    snapshot = json.loads(json.dumps(exported))
    assert snapshot == exported

    second = await nyne_client()
    await advance(second, JOB_MS)  # the same instant as the first app
    second.app[PROVIDERS]["nyne"].import_state(snapshot)
    assert second.app[PROVIDERS]["nyne"].export_state() == snapshot
    for request_id in (done, running):
        assert await poll(second, request_id) == await poll(first, request_id)
    assert (await admin_view(second, "credits")) == (await admin_view(first, "credits"))
    # Rate-limit counts carried over: 2 submits + 2 polls + this one.
    response = await second.post(PATH, json={"username": "janedoe", "type": "followers"}, headers=AUTH)
    assert response.headers["X-RateLimit-Remaining"] == str(60 - 5)
    # Ids continue the sequence rather than reusing one.
    assert (await response.json())["data"]["request_id"] not in (done, running)
    # The scheduled callback was armed again in the new app.
    assert second.app[SCHEDULER].next_due_ms() == FROZEN_AT_MS + 2 * JOB_MS


async def test_a_malformed_snapshot_is_refused_with_a_clear_error(nyne: TestClient) -> None:
    runtime = nyne.app[PROVIDERS]["nyne"]
    good = {"id": "interaction_00000000000000ab_1705401600_1234", "owner": "nyne-docs-key", "submitted_ms": FROZEN_AT_MS,
            "stages": [["queued", 1000]], "outcome": {"status": "completed", "output": None, "error": None},
            "input": {"platform": "twitter", "interaction_type": "followers", "username": "janedoe",
                      "tweet_id": None, "max_results": 10, "callback_url": None}}
    for broken, where in (({"jobs": [{"id": "x"}]}, "at .: not a Nyne state snapshot"),
                          ({"jobs": [{**good, "input": {"platform": "myspace"}}]}, "at .jobs[0].input: "),
                          ({"jobs": [{**good, "input": {**good["input"], "username": None}}]}, "at .jobs[0].input: "),
                          ({"jobs": [{**good, "owner": "someone"}]}, "at .jobs[0].owner: "),
                          ({"flags": {"nope": True}}, "at .flags.nope: no such flag"),
                          ({"ledger": [{"credits": 3}]}, "at .: not a Nyne state snapshot"),
                          ({"callbacks": {"deliveries": [{}]}}, "at .: not a Nyne state snapshot")):
        with pytest.raises(ValueError) as refused:
            runtime.import_state(broken)
        assert str(refused.value).startswith(where)
    runtime.import_state({"jobs": [good]})
    await advance(nyne, 1_000)
    assert (await poll(nyne, good["id"]))["data"]["result"]["total_count"] == 10


async def test_a_reset_forgets_everything_the_api_changed(nyne: TestClient) -> None:
    request_id = (await submit(nyne, {"username": "janedoe", "type": "followers"}))["data"]["request_id"]
    runtime = nyne.app[PROVIDERS]["nyne"]
    runtime.flags().set("rate_limits", False)
    scenario = nyne.app[WORLD].context.scenario
    rebuild_worlds(nyne.app, 1, scenario, FROZEN_AT_MS)
    assert runtime.export_state() == {"submitted": 0, "jobs": [], "ledger": {"entries": [], "folded": {}}, "flags": {},
                                      "callbacks": {"next_id": 1, "deliveries": []}, "rate_limits": {}}
    assert (await poll(nyne, request_id, 404))["error"]["code"] == "request_not_found"
    again = (await submit(nyne, {"username": "janedoe", "type": "followers"}))["data"]["request_id"]
    assert again == request_id  # same seed, same clock: the same first id


async def test_the_admin_sees_the_default_credentials(nyne: TestClient) -> None:
    assert nyne.app[PROVIDERS]["nyne"].credentials() == {
        "headers": {"X-API-Key": "YOUR_API_KEY", "X-API-Secret": "YOUR_API_SECRET"},
        "api_key": "YOUR_API_KEY", "api_secret": "YOUR_API_SECRET", "credential_id": "nyne-docs-key",
        "limited": {"headers": {"X-API-Key": "OTHER_NYNE_API_KEY", "X-API-Secret": "OTHER_NYNE_API_SECRET"},
                    "api_key": "OTHER_NYNE_API_KEY", "api_secret": "OTHER_NYNE_API_SECRET",
                    "credential_id": "nyne-other-key", "max_concurrent_jobs": 2},
    }
