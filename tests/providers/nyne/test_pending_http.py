"""The `pending` status: jobs over a key's concurrent-job limit wait for a slot, or wait by scenario."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.conftest import FROZEN_AT_MS
from tests.providers.nyne.conftest import (
    AUTH, JOB_MS, OTHER_AUTH, NyneClientFactory, admin_view, advance, force_job, poll, submit,
)

BODY = {"social_media_url": "https://x.com/janedoe", "type": "followers", "max_results": 10}


async def statuses(client: TestClient, ids: list[str], headers: dict[str, str]) -> list[str]:
    return [(await poll(client, request_id, headers=headers))["data"]["status"] for request_id in ids]


async def test_jobs_beyond_the_keys_limit_wait_in_pending_first_come_first_served(nyne: TestClient) -> None:
    """OTHER_NYNE_API_KEY may run two jobs at once in the default scenario."""
    ids = [(await submit(nyne, BODY, headers=OTHER_AUTH))["data"]["request_id"] for _ in range(5)]
    assert await statuses(nyne, ids, OTHER_AUTH) == ["queued", "queued", "pending", "pending", "pending"]
    waiting = (await poll(nyne, ids[2], headers=OTHER_AUTH))["data"]
    assert waiting == {"request_id": ids[2], "status": "pending", "completed": False}
    await advance(nyne, JOB_MS)  # the first two finish; the next two take their slots
    assert await statuses(nyne, ids, OTHER_AUTH) == ["completed", "completed", "queued", "queued", "pending"]
    await advance(nyne, JOB_MS)
    assert await statuses(nyne, ids, OTHER_AUTH) == ["completed"] * 4 + ["queued"]
    await advance(nyne, JOB_MS)
    done = [(await poll(nyne, request_id, headers=OTHER_AUTH))["data"] for request_id in ids]
    assert [job["completed_on"] for job in done] == [
        "2024-01-16T10:40:05Z", "2024-01-16T10:40:05Z", "2024-01-16T10:40:10Z", "2024-01-16T10:40:10Z",
        "2024-01-16T10:40:15Z"]
    # The other key has no limit: nothing of its own ever waited.
    mine = [(await submit(nyne, BODY, headers=AUTH))["data"]["request_id"] for _ in range(5)]
    assert await statuses(nyne, mine, AUTH) == ["queued"] * 5


async def test_a_freed_slot_is_taken_by_the_next_submission(nyne: TestClient) -> None:
    first, second = [(await submit(nyne, BODY, headers=OTHER_AUTH))["data"]["request_id"] for _ in range(2)]
    await force_job(nyne, request_id=first, status="failed")
    third = (await submit(nyne, BODY, headers=OTHER_AUTH))["data"]["request_id"]
    assert await statuses(nyne, [first, second, third], OTHER_AUTH) == ["failed", "queued", "queued"]


async def test_pending_by_scenario_and_charges_settle_at_the_real_finish(nyne_client: NyneClientFactory) -> None:
    client = await nyne_client(jobs={"pending_ms": 3000, "queued_ms": 1000, "processing_ms": 4000})
    request_id = (await submit(client, BODY))["data"]["request_id"]
    seen = []
    for _ in range(5):
        seen.append((await poll(client, request_id))["data"]["status"])
        await advance(client, 1500)
    assert seen == ["pending", "pending", "queued", "processing", "processing"]  # at 0, 1.5, 3, 4.5 and 6 s
    await advance(client, 500)
    assert (await poll(client, request_id))["data"]["completed_on"] == "2024-01-16T10:40:08Z"
    entry = (await admin_view(client, "credits"))["nyne-docs-key"]["entries"][0]
    assert entry["settles_ms"] == FROZEN_AT_MS + 8000 and entry["credits"] == 3


async def test_the_limit_survives_a_snapshot(nyne: TestClient) -> None:
    for _ in range(3):
        await submit(nyne, BODY, headers=OTHER_AUTH)
    snapshot = await (await nyne.get("/__admin/state")).json()
    await nyne.post("/__admin/reset", json={})
    assert (await nyne.put("/__admin/state", json=snapshot)).status == 200
    fourth = (await submit(nyne, BODY, headers=OTHER_AUTH))["data"]["request_id"]
    await advance(nyne, JOB_MS)
    assert (await poll(nyne, fourth, headers=OTHER_AUTH))["data"]["status"] == "queued"  # behind the third
    await advance(nyne, JOB_MS)
    assert (await poll(nyne, fourth, headers=OTHER_AUTH))["data"]["status"] == "completed"
