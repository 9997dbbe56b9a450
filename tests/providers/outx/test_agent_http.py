"""LinkedIn agent tasks through HTTP: like a post, poll the task, see the consequence."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockserver.store.appkeys import CLOCK
from tests.conftest import DOCS_WATCHLIST, FROZEN_AT_MS, OTHER_TEAM_KEY, OUTX_KEY

KEY = {"x-api-key": OUTX_KEY}
NO_ADMIN_KEY = {"x-api-key": "NO_ADMIN_TEAM_API_KEY"}
OLDEST_ADMIN = {"id": "8d1f6c2a-3b4e-4c5d-9e6f-7a8b9c0d1e22", "full_name": "Dana Whitfield"}
POLL_INTERVAL_MS, MAX_POLLS = 5_000, 30  # what the docs tell clients to do


async def like(client: TestClient, body: Any, headers: dict[str, str] = KEY, status: int = 200,
               **kwargs: Any) -> dict[str, Any]:
    response = await client.post("/linkedin-agent/like-post", json=body, headers=headers, **kwargs)
    assert response.status == status, await response.text()
    return await response.json()


async def task(client: TestClient, task_id: Any, headers: dict[str, str] = KEY, status: int = 200) -> dict[str, Any]:
    params = task_id if isinstance(task_id, list) else {"api_agent_task_id": task_id}
    response = await client.get("/linkedin-agent/get-task-status", params=params, headers=headers)
    assert response.status == status, await response.text()
    return await response.json()


async def interactions(client: TestClient, **params: str) -> dict[str, Any]:
    response = await client.get("/api-interactions", params={"watchlist_id": DOCS_WATCHLIST, **params}, headers=KEY)
    assert response.status == 200
    return await response.json()


async def a_tracked_post(client: TestClient, page: int = 3) -> dict[str, Any]:
    return (await interactions(client, page=str(page)))["data"][0]["post"]


async def poll_until_done(client: TestClient, task_id: str) -> tuple[dict[str, Any], int]:
    """Poll as the docs say (every 5 s, at most 30 times), moving the frozen clock instead of sleeping."""
    for attempt in range(1, MAX_POLLS + 1):
        body = await task(client, task_id)
        if body["data"]["status"] == "completed":
            return body, attempt
        await client.post("/__admin/clock/advance", json={"by": POLL_INTERVAL_MS})
    raise AssertionError(f"task {task_id} still pending after {MAX_POLLS} polls")


async def test_the_full_flow(client: TestClient) -> None:
    post = await a_tracked_post(client)
    before = await interactions(client)

    created = await like(client, {"social_urn": post["social_urn"]})
    assert created["success"] is True and created["message"]
    task_id = created["api_agent_task_id"]
    assert uuid.UUID(task_id).version == 4

    pending = await task(client, task_id)
    assert pending == {"success": True, "data": {
        "id": task_id, "status": "pending",
        "task_input": {"task_type": "agent_post_like", "social_urn": post["social_urn"]},
        "task_output": None,
    }}
    assert (await interactions(client))["pagination"] == before["pagination"]  # not yet

    done, polls = await poll_until_done(client, task_id)
    assert 2 <= polls <= 6  # 5-20 s in the default scenario
    output = done["data"]["task_output"]
    assert output["liked"] is True and output["already_liked"] is False
    assert output["performed_by"] == OLDEST_ADMIN
    assert FROZEN_AT_MS + 5_000 <= output["completed_at"] <= client.app[CLOCK].now_ms()

    after = await interactions(client)
    newest = after["data"][0]
    assert newest["interaction_type"] == "like" and newest["text"] == ""
    assert newest["author"]["id"] == OLDEST_ADMIN["id"] and newest["author"]["author_type"] == "user"
    assert newest["created_at"] == output["completed_at"]
    assert newest["post"]["social_urn"] == post["social_urn"]
    assert newest["post"]["likes_count"] == post["likes_count"] + 1
    grown = after["pagination"]["total"] - before["pagination"]["total"]
    derived_growth = grown - 1  # the frozen clock moved on, so the live stream grew too
    assert after["pagination"]["total_likes"] - before["pagination"]["total_likes"] >= 1
    assert derived_growth >= 0
    today = after["graph_data"][-1]
    mine = await interactions(client, actor_ids=OLDEST_ADMIN["id"])
    assert mine["pagination"] == {"page": 1, "page_size": 10, "total": 1, "total_pages": 1,
                                  "total_likes": 1, "total_comments": 0}
    assert mine["data"] == [newest] and mine["graph_data"][-1]["like_count"] == 1 and today["like_count"] >= 1
    assert (await interactions(client, actor_ids=OLDEST_ADMIN["id"], interaction_type="comment"))["data"] == []


async def test_liking_the_same_post_twice_makes_one_like(client: TestClient) -> None:
    post = await a_tracked_post(client)
    first = (await like(client, {"social_urn": post["social_urn"]}))["api_agent_task_id"]
    second = (await like(client, {"social_urn": post["social_urn"]}))["api_agent_task_id"]
    assert first != second
    await client.post("/__admin/clock/advance", json={"by": "1m"})
    assert (await task(client, first))["data"]["task_output"]["already_liked"] is False
    assert (await task(client, second))["data"]["task_output"]["already_liked"] is True
    mine = await interactions(client, actor_ids=OLDEST_ADMIN["id"])
    assert mine["pagination"]["total"] == 1
    assert mine["data"][0]["post"]["likes_count"] == post["likes_count"] + 1


async def test_a_post_no_watchlist_tracks_completes_without_an_interaction(client: TestClient) -> None:
    created = await like(client, {"social_urn": "urn:li:activity:7123456789012345678"})
    await client.post("/__admin/clock/advance", json={"by": "1m"})
    assert (await task(client, created["api_agent_task_id"]))["data"]["status"] == "completed"
    assert (await interactions(client, actor_ids=OLDEST_ADMIN["id"]))["pagination"]["total"] == 0


async def test_the_new_like_pages_coherently(client: TestClient) -> None:
    post = await a_tracked_post(client, page=40)
    await like(client, {"social_urn": post["social_urn"]})
    await client.post("/__admin/clock/advance", json={"by": "30s"})
    seen: list[str] = []
    total = (await interactions(client, page_size="100"))["pagination"]["total"]
    for page in range(1, 4):
        seen += [item["id"] for item in (await interactions(client, page_size="100", page=str(page)))["data"]]
    smaller = []
    for page in range(1, 31):
        smaller += [item["id"] for item in (await interactions(client, page_size="10", page=str(page)))["data"]]
    assert smaller == seen[:300] and len(set(seen)) == len(seen) and total >= 5001


async def test_tasks_are_scoped_to_the_team(client: TestClient) -> None:
    post = await a_tracked_post(client)
    task_id = (await like(client, {"social_urn": post["social_urn"]}))["api_agent_task_id"]
    body = await task(client, task_id, {"x-api-key": OTHER_TEAM_KEY}, status=404)
    assert body == {"error": "Agent task not found"}


@pytest.mark.parametrize("task_id", ["0b5e3c1e-6a1f-4d2c-9f4e-2a7d8c9b1e05", "not-a-uuid", "ü" * 3])
async def test_unknown_task(client: TestClient, task_id: str) -> None:
    assert await task(client, task_id, status=404) == {"error": "Agent task not found"}


@pytest.mark.parametrize("params", [{}, {"api_agent_task_id": ""}, {"api_agent_task_id": "  "},
                                    [("api_agent_task_id", "a"), ("api_agent_task_id", "b")]])
async def test_missing_or_invalid_task_id(client: TestClient, params: Any) -> None:
    response = await client.get("/linkedin-agent/get-task-status", params=params, headers=KEY)
    assert response.status == 400
    assert await response.json() == {"error": "Missing or invalid 'api_agent_task_id'"}


@pytest.mark.parametrize("body", [
    {}, {"social_urn": 7123456789012345678}, {"social_urn": None}, {"social_urn": ""},
    {"social_urn": "7123456789012345678"}, {"social_urn": "urn:li:share:7123456789012345678"},
    {"social_urn": "urn:li:activity:"}, {"social_urn": "urn:li:activity:12ab"}, {"urn": "urn:li:activity:1"},
    ["urn:li:activity:1"], "urn:li:activity:1",
])
async def test_missing_or_invalid_social_urn(client: TestClient, body: Any) -> None:
    assert await like(client, body, status=400) == {"error": "Missing or invalid 'social_urn'"}


async def test_wrong_content_type_or_broken_json(client: TestClient) -> None:
    response = await client.post("/linkedin-agent/like-post", data="social_urn=urn:li:activity:1",
                                 headers={**KEY, "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 400 and await response.json() == {"error": "Missing or invalid 'social_urn'"}
    response = await client.post("/linkedin-agent/like-post", data=b'{"social_urn": ',
                                 headers={**KEY, "Content-Type": "application/json"})
    assert response.status == 400 and await response.json() == {"error": "Invalid JSON body"}
    response = await client.post("/linkedin-agent/like-post", data=b'\xff\xfe',
                                 headers={**KEY, "Content-Type": "application/json"})
    assert response.status == 400 and await response.json() == {"error": "Invalid JSON body"}


async def test_oversized_bodies_get_413_in_the_error_shape(client: TestClient) -> None:
    response = await client.post("/linkedin-agent/like-post", data=b"x" * (1024 * 1024 + 10),
                                 headers={**KEY, "Content-Type": "application/json"})
    assert response.status == 413 and "error" in await response.json()


@pytest.mark.parametrize("headers, message", [({}, "Missing API Key"), ({"x-api-key": "nope"}, "Invalid API Key")])
async def test_401(client: TestClient, headers: dict[str, str], message: str) -> None:
    assert await like(client, {"social_urn": "urn:li:activity:1"}, headers, 401) == {"error": message}
    assert await task(client, str(uuid.uuid4()), headers, 401) == {"error": message}


async def test_403_without_an_active_extension(client: TestClient) -> None:
    body = await like(client, {"social_urn": "urn:li:activity:1"}, {"x-api-key": OTHER_TEAM_KEY}, 403)
    assert body["error"].startswith("Plugin installation required")


async def test_403_after_switching_every_extension_off_at_run_time(client: TestClient) -> None:
    flags = {f"member:8d1f6c2a-3b4e-4c5d-9e6f-7a8b9c0d1e2{i}:extension_active": False for i in (2, 3)}
    assert (await client.patch("/__admin/flags", json={"outx": flags})).status == 200
    body = await like(client, {"social_urn": "urn:li:activity:1"}, status=403)
    assert body["error"].startswith("Plugin installation required")


async def test_404_when_the_team_has_no_admin(client: TestClient) -> None:
    body = await like(client, {"social_urn": "urn:li:activity:1"}, NO_ADMIN_KEY, 404)
    assert body == {"error": "No admin user found in the team"}


async def test_the_oldest_admin_performs_the_like_even_if_a_member_joined_earlier(make_client) -> None:
    client = await make_client()
    created = await like(client, {"social_urn": "urn:li:activity:1"})
    await client.post("/__admin/clock/advance", json={"by": "1m"})
    output = (await task(client, created["api_agent_task_id"]))["data"]["task_output"]
    assert output["performed_by"]["full_name"] == "Dana Whitfield"  # Priya joined earlier but is no admin


async def test_task_ids_and_timings_are_deterministic(make_client) -> None:
    runs = []
    for _ in range(2):
        client = await make_client()
        ids = [(await like(client, {"social_urn": f"urn:li:activity:{n}"}))["api_agent_task_id"] for n in (1, 2)]
        await client.post("/__admin/clock/advance", json={"by": "1m"})
        runs.append([await task(client, task_id) for task_id in ids])
    assert runs[0] == runs[1]


async def test_a_like_shows_in_likes_count_even_where_the_like_itself_is_filtered_out(client: TestClient) -> None:
    # Asked twice with the same filter: the second answer must not be a stale copy of the first.
    comment = (await interactions(client, interaction_type="comment"))["data"][0]
    await like(client, {"social_urn": comment["post"]["social_urn"]})
    await client.post("/__admin/clock/advance", json={"by": "1m"})
    again = await interactions(client, interaction_type="comment")
    same = next(item for item in again["data"] if item["id"] == comment["id"])
    assert same["post"]["likes_count"] == comment["post"]["likes_count"] + 1


async def test_beyond_max_jobs_the_oldest_tasks_are_forgotten(make_client) -> None:
    client = await make_client(max_jobs=2)
    ids = [(await like(client, {"social_urn": f"urn:li:activity:{n}"}))["api_agent_task_id"] for n in (1, 2, 3)]
    assert await task(client, ids[0], status=404) == {"error": "Agent task not found"}
    assert [(await task(client, task_id))["data"]["id"] for task_id in ids[1:]] == ids[1:]
