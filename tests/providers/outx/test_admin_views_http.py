"""OutX admin views (agent tasks, watchlists with graph_data) and what OutX reports when the clock moves."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from tests.conftest import DOCS_WATCHLIST, FROZEN_AT_MS
from tests.providers.outx.test_agent_http import KEY, OLDEST_ADMIN, a_tracked_post, interactions, like, task


async def view(client: TestClient, name: str) -> Any:
    response = await client.get(f"/__admin/providers/outx/{name}")
    assert response.status == 200, await response.text()
    return await response.json()


async def test_tasks_show_their_status_now_and_when_they_complete(client: TestClient) -> None:
    assert await view(client, "tasks") == {"total": 0, "tasks": []}
    post = await a_tracked_post(client)
    first = (await like(client, {"social_urn": post["social_urn"]}))["api_agent_task_id"]
    second = (await like(client, {"social_urn": "urn:li:activity:7123456789012345678"}))["api_agent_task_id"]
    shown = await view(client, "tasks")
    assert shown["total"] == 2 and [t["id"] for t in shown["tasks"]] == [second, first]  # newest first
    newest = shown["tasks"][0]
    assert newest["status"] == "pending" and newest["team_id"] == "team-acme"
    assert newest["social_urn"] == "urn:li:activity:7123456789012345678" and newest["performed_by"] == OLDEST_ADMIN
    assert newest["submitted_ms"] == FROZEN_AT_MS and newest["submitted_at"] == "2024-01-16T10:40:00.000Z"
    assert 5_000 <= newest["completes_ms"] - FROZEN_AT_MS <= 20_000

    moved = await (await client.post("/__admin/clock/advance", json={"by": "20s"})).json()
    done = {event["id"] for event in moved["fell_due"] if event["kind"] == "task"}
    assert done == {first, second}
    assert all(t["status"] == "completed" for t in (await view(client, "tasks"))["tasks"])
    assert (await task(client, first))["data"]["status"] == "completed"


async def test_watchlists_show_what_the_api_shows(client: TestClient) -> None:
    shown = {w["id"]: w for w in await view(client, "watchlists")}
    docs = shown[DOCS_WATCHLIST]
    api = await interactions(client)
    assert docs["graph_data"] == api["graph_data"] and len(docs["graph_data"]) == 7
    assert docs["interactions"] == api["pagination"]["total"] == 5000
    assert docs["team_id"] == "team-acme" and docs["team_name"] == "Acme Growth"
    # A completed like counts, in the total and in today's bar.
    await like(client, {"social_urn": (await a_tracked_post(client))["social_urn"]}, headers=KEY)
    await client.post("/__admin/clock/advance", json={"by": "1m"})
    docs = {w["id"]: w for w in await view(client, "watchlists")}[DOCS_WATCHLIST]
    api = await interactions(client)
    assert docs["interactions"] == api["pagination"]["total"] and docs["graph_data"] == api["graph_data"]


async def test_the_clock_shows_new_interactions_as_they_fall_due(client: TestClient) -> None:
    before = (await interactions(client))["pagination"]["total"]
    coming = await (await client.get("/__admin/clock/upcoming", params={"within": "6h"})).json()
    [growth] = [e for e in coming["events"] if e["kind"] == "watchlist" and e["id"] == DOCS_WATCHLIST]
    gained = int(growth["what"].split()[0])
    assert gained > 0 and FROZEN_AT_MS < growth["at_ms"] <= FROZEN_AT_MS + 6 * 3_600_000
    moved = await (await client.post("/__admin/clock/advance", json={"by": "6h"})).json()
    [fell] = [e for e in moved["fell_due"] if e["kind"] == "watchlist" and e["id"] == DOCS_WATCHLIST]
    assert fell == growth
    assert (await interactions(client))["pagination"]["total"] == before + gained


async def test_a_task_failed_through_the_admin_api_shows_as_failed(client: TestClient) -> None:
    rule = await client.post("/__admin/providers/outx/force-task",
                             json={"next": True, "status": "failed", "error": "no extension"})
    assert rule.status == 200, await rule.text()
    failing = (await like(client, {"social_urn": "urn:li:activity:7123456789012345678"}))["api_agent_task_id"]
    moved = await (await client.post("/__admin/clock/advance", json={"by": "20s"})).json()
    [ended] = [e for e in moved["fell_due"] if e["kind"] == "task"]
    assert ended["id"] == failing
    assert ended["what"] == "like task fails: urn:li:activity:7123456789012345678 (no extension)"
    [shown] = (await view(client, "tasks"))["tasks"]
    assert shown["status"] == "failed" and shown["error"] == "no extension"
