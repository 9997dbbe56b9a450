"""Fixtures and helpers for the Outfame tests: the docs' account and key, a client frozen at the docs' moment."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockserver.core.clock import parse_instant_ms
from mockserver.store.appkeys import CLOCK, SCHEDULER
from tests.conftest import ClientFactory

DOCS_NOW_MS = parse_instant_ms("2026-02-09T14:30:00Z")  # the docs' pause example happened then
DOCS_ACCOUNT = "acc_7Gx2kLm9Qr"
PAUSED_ACCOUNT = "acc_P4us3dAcc1"
SUSPENDED_ACCOUNT = "acc_Susp3nd3d1"
SETUP_ACCOUNT = "acc_S3tupAcc01"
LOW_LIMITS_ACCOUNT = "acc_L0wL1m1ts1"
OTHER_WORKSPACE_ACCOUNT = "acc_0th3rW0rk1"
KEY = "sk_live_your_api_key"
NO_SCOPE_KEY = "sk_live_analytics_only_key"
OTHER_KEY = "sk_live_other_workspace_key"
AUTH = {"Authorization": f"Bearer {KEY}"}
MINUTE_MS, HOUR_MS = 60_000, 3_600_000


@pytest.fixture
async def outfame(make_client: ClientFactory) -> TestClient:
    return await make_client(providers=("outfame",), freeze_at_ms=DOCS_NOW_MS)


async def call(client: TestClient, method: str, path: str, status: int = 200, *, params: Any = None,
               json: Any = None, data: Any = None, headers: dict[str, str] | None = None) -> Any:
    response = await client.request(method, f"/v1/engagement/{path}", params=params, json=json, data=data,
                                    headers=AUTH if headers is None else headers)
    assert response.status == status, await response.text()
    assert response.content_type == "application/json"
    return await response.json()


async def activity(client: TestClient, status: int = 200, **params: Any) -> Any:
    return await call(client, "GET", "activity", status, params=params)


async def stats(client: TestClient, account_id: str = DOCS_ACCOUNT) -> dict[str, Any]:
    return await call(client, "GET", "stats", params={"account_id": account_id})


async def whole_log(client: TestClient, limit: int = 200, **params: Any) -> list[dict[str, Any]]:
    """Every action a filter selects, newest first, by following next_cursor (bounded)."""
    items: list[dict[str, Any]] = []
    query = {"limit": str(limit), **params}
    for _ in range(100):
        page = await activity(client, **query)
        items.extend(page["data"])
        if not page["has_more"]:
            assert page["next_cursor"] is None
            return items
        query["cursor"] = page["next_cursor"]
    raise AssertionError("more than 100 pages")


async def advance(client: TestClient, ms: int) -> None:
    client.app[CLOCK].advance(ms)
    await client.app[SCHEDULER].run_due()


def error_code(body: dict[str, Any]) -> str:
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    return body["error"]["code"]
