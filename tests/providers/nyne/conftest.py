"""Nyne test helpers: a client with the provider mounted, scenario variants, submit and poll."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable

import pytest
from aiohttp.test_utils import TestClient

from mockserver.paths import default_scenario_path
from mockserver.store.appkeys import CLOCK, PROVIDERS, SCHEDULER

KEY, SECRET = "YOUR_API_KEY", "YOUR_API_SECRET"
AUTH = {"X-API-Key": KEY, "X-API-Secret": SECRET}
OTHER_AUTH = {"X-API-Key": "OTHER_NYNE_API_KEY", "X-API-Secret": "OTHER_NYNE_API_SECRET"}
PATH = "/person/interactions"
JOB_MS = 5_000  # queued 1 s + processing 4 s in the default scenario

NyneClientFactory = Callable[..., Awaitable[TestClient]]


async def admin_view(client: TestClient, view: str) -> Any:
    """A Nyne admin view (callbacks, credits), read the way users read it: through /__admin."""
    response = await client.get(f"/__admin/providers/nyne/{view}")
    assert response.status == 200, await response.text()
    return await response.json()


async def force_job(client: TestClient, status_code: int = 200, **body: Any) -> Any:
    response = await client.post("/__admin/providers/nyne/force-job", json=body)
    assert response.status == status_code, await response.text()
    return await response.json()


@pytest.fixture
async def nyne_client(make_client: Any, tmp_path: Path) -> AsyncIterator[NyneClientFactory]:
    """`await nyne_client(jobs={...}, rate_limits={...})`: the default scenario, Nyne section overridden."""
    made: list[TestClient] = []

    async def make(**nyne_overrides: Any) -> TestClient:
        settings: dict[str, Any] = {"providers": ("nyne",)}
        if nyne_overrides:
            document = json.loads(default_scenario_path().read_text("utf-8"))
            document["nyne"].update(nyne_overrides)
            path = tmp_path / f"scenario-{len(made)}.json"
            path.write_text(json.dumps(document), "utf-8")
            settings["scenario_path"] = path
        client = await make_client(**settings)
        made.append(client)
        return client

    yield make


@pytest.fixture
async def nyne(nyne_client: NyneClientFactory) -> TestClient:
    return await nyne_client()


async def submit(client: TestClient, body: Any, status: int = 202,
                 headers: dict[str, str] | None = None) -> dict[str, Any]:
    response = await client.post(PATH, json=body, headers=AUTH if headers is None else headers)
    assert response.status == status, await response.text()
    assert response.content_type == "application/json"
    return await response.json()


async def poll(client: TestClient, request_id: str, status: int = 200,
               headers: dict[str, str] | None = None) -> dict[str, Any]:
    response = await client.get(PATH, params={"request_id": request_id}, headers=AUTH if headers is None else headers)
    assert response.status == status, await response.text()
    return await response.json()


async def advance(client: TestClient, ms: int) -> None:
    client.app[CLOCK].advance(ms)
    await client.app[SCHEDULER].run_due()
