"""/__admin/providers: provider-specific views and actions, found generically."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from mockserver.providers import available_providers


async def test_index_lists_views_and_actions(make_client) -> None:
    client: TestClient = await make_client(providers=available_providers())
    body = await (await client.get("/__admin/providers")).json()
    assert set(body) == set(available_providers())
    assert body["nyne"] == {"views": ["callbacks", "credits", "jobs"], "actions": ["force-job"]}
    assert body["outx"] == {"views": ["task-rules", "tasks", "watchlists"], "actions": ["clear-task-rules", "force-task"]}
    assert body["outfame"] == {"views": ["accounts"], "actions": []}
    assert body["appdotnet"] == {"views": [], "actions": []}


async def test_unknown_provider_view_or_action(make_client) -> None:
    client: TestClient = await make_client(providers=("outx", "nyne"))
    for method, path, code in [
        ("GET", "/__admin/providers/twitter/callbacks", "provider_not_found"),
        ("GET", "/__admin/providers/nyne/everything", "view_not_found"),
        ("POST", "/__admin/providers/nyne/explode", "action_not_found"),
        ("POST", "/__admin/providers/outx/force-job", "action_not_found"),
    ]:
        response = await client.request(method, path, json={})
        assert response.status == 404 and (await response.json())["error"] == code, path


async def test_views_answer_plain_data(make_client) -> None:
    client: TestClient = await make_client(providers=("nyne",))
    assert await (await client.get("/__admin/providers/nyne/callbacks")).json() == []
    assert await (await client.get("/__admin/providers/nyne/credits")).json() == {}
