"""Agent tasks that fail or complete on demand (/__admin/providers/outx/force-task), and what follows."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from tests.conftest import FROZEN_AT_MS
from tests.providers.outx.test_agent_http import OLDEST_ADMIN, a_tracked_post, interactions, like, task

FAILURE = "The LinkedIn agent could not like the post: the browser extension did not answer"


async def force(client: TestClient, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    response = await client.post("/__admin/providers/outx/force-task", json=body)
    assert response.status == status, await response.text()
    return await response.json()


async def advance(client: TestClient, by: str) -> None:
    await client.post("/__admin/clock/advance", json={"by": by})


async def admin_likes(client: TestClient) -> dict[str, Any]:
    return await interactions(client, actor_ids=OLDEST_ADMIN["id"])


async def test_the_next_task_fails_with_the_documented_shape_and_likes_nothing(client: TestClient) -> None:
    post = await a_tracked_post(client)
    rule = await force(client, {"next": True, "status": "failed"})
    assert rule == {"rule": {"status": "failed", "error": None, "social_urn": None}, "rules": [rule["rule"]]}
    task_id = (await like(client, {"social_urn": post["social_urn"]}))["api_agent_task_id"]
    assert (await task(client, task_id))["data"]["status"] == "pending"  # it fails when it would have finished
    await advance(client, "1m")
    assert (await task(client, task_id))["data"] == {
        "id": task_id, "status": "failed", "task_input": {"task_type": "agent_post_like", "social_urn": post["social_urn"]},
        "task_output": None, "error": FAILURE}
    assert (await admin_likes(client))["pagination"]["total"] == 0
    # The rule was spent: the task after it completes as usual.
    assert (await client.get("/__admin/providers/outx/task-rules")).status == 200
    assert await (await client.get("/__admin/providers/outx/task-rules")).json() == []
    second = (await like(client, {"social_urn": post["social_urn"]}))["api_agent_task_id"]
    await advance(client, "1m")
    output = (await task(client, second))["data"]["task_output"]
    assert output["already_liked"] is False  # the failed task liked nothing
    assert (await admin_likes(client))["pagination"]["total"] == 1


async def test_the_next_task_completes_at_once(client: TestClient) -> None:
    post = await a_tracked_post(client)
    await force(client, {"next": True, "status": "completed"})
    task_id = (await like(client, {"social_urn": post["social_urn"]}))["api_agent_task_id"]
    data = (await task(client, task_id))["data"]
    assert data["status"] == "completed" and data["task_output"]["completed_at"] == FROZEN_AT_MS
    mine = await admin_likes(client)
    assert mine["pagination"]["total"] == 1 and mine["data"][0]["created_at"] == FROZEN_AT_MS


async def test_every_task_for_a_urn_until_the_rules_are_cleared(client: TestClient) -> None:
    post, other = await a_tracked_post(client, page=3), await a_tracked_post(client, page=30)
    assert post["social_urn"] != other["social_urn"]
    await force(client, {"social_urn": post["social_urn"], "status": "failed", "error": "LinkedIn said no"})
    doomed = [(await like(client, {"social_urn": post["social_urn"]}))["api_agent_task_id"] for _ in range(2)]
    fine = (await like(client, {"social_urn": other["social_urn"]}))["api_agent_task_id"]
    await advance(client, "1m")
    for task_id in doomed:
        assert (await task(client, task_id))["data"]["error"] == "LinkedIn said no"
    assert (await task(client, fine))["data"]["status"] == "completed"
    cleared = await (await client.post("/__admin/providers/outx/clear-task-rules", json={})).json()
    assert cleared == {"cleared": 1}
    later = (await like(client, {"social_urn": post["social_urn"]}))["api_agent_task_id"]
    await advance(client, "1m")
    assert (await task(client, later))["data"]["status"] == "completed"


async def test_a_pending_task_forced_to_fail_hands_the_like_to_the_next_task(client: TestClient) -> None:
    post = await a_tracked_post(client)
    first = (await like(client, {"social_urn": post["social_urn"]}))["api_agent_task_id"]
    second = (await like(client, {"social_urn": post["social_urn"]}))["api_agent_task_id"]
    forced = await force(client, {"task_id": first, "status": "failed", "error": "session expired"})
    assert forced["task"]["status"] == "failed" and forced["task"]["error"] == "session expired"
    await advance(client, "1m")
    assert (await task(client, first))["data"]["status"] == "failed"
    output = (await task(client, second))["data"]["task_output"]
    assert output["already_liked"] is False  # the first one never liked it
    mine = await admin_likes(client)
    assert mine["pagination"]["total"] == 1 and mine["data"][0]["created_at"] == output["completed_at"]


async def test_a_pending_task_forced_to_complete_likes_now(client: TestClient) -> None:
    post = await a_tracked_post(client)
    task_id = (await like(client, {"social_urn": post["social_urn"]}))["api_agent_task_id"]
    await advance(client, "2s")
    forced = (await force(client, {"task_id": task_id, "status": "completed"}))["task"]
    assert forced["status"] == "completed" and forced["task_output"]["completed_at"] == FROZEN_AT_MS + 2000
    mine = await admin_likes(client)
    assert [item["created_at"] for item in mine["data"]] == [FROZEN_AT_MS + 2000]
    assert mine["data"][0]["post"]["likes_count"] == post["likes_count"] + 1


async def test_forcing_refuses_what_it_cannot_do(client: TestClient) -> None:
    post = await a_tracked_post(client)
    task_id = (await like(client, {"social_urn": post["social_urn"]}))["api_agent_task_id"]
    await advance(client, "1m")
    finished = await force(client, {"task_id": task_id, "status": "failed"}, status=400)
    assert "already finished" in finished["message"]
    assert (await force(client, {"task_id": "nope", "status": "failed"}, status=404))["error"] == "not_found"
    for body in ({"status": "failed"}, {"next": True, "task_id": task_id, "status": "failed"},
                 {"next": True, "status": "cancelled"}, {"next": True, "status": "completed", "error": "x"},
                 {"social_urn": "urn:li:share:1", "status": "failed"}, {"next": True, "status": "failed", "why": 1},
                 {"next": "yes", "status": "failed"}, {"task_id": 7, "status": "failed"}):
        assert (await force(client, body, status=400))["error"] == "invalid_request", body


async def test_failures_and_rules_survive_a_snapshot(client: TestClient) -> None:
    post = await a_tracked_post(client)
    first = (await like(client, {"social_urn": post["social_urn"]}))["api_agent_task_id"]
    second = (await like(client, {"social_urn": post["social_urn"]}))["api_agent_task_id"]
    await force(client, {"task_id": first, "status": "failed"})
    await force(client, {"social_urn": post["social_urn"], "status": "completed"})
    await advance(client, "1m")
    before = (await admin_likes(client), await task(client, first), await task(client, second))
    snapshot = await (await client.get("/__admin/state")).json()
    await client.post("/__admin/reset", json={})
    assert (await client.put("/__admin/state", json=snapshot)).status == 200
    assert (await admin_likes(client), await task(client, first), await task(client, second)) == before
    assert len(await (await client.get("/__admin/providers/outx/task-rules")).json()) == 1
