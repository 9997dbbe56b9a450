"""Helpers for the state-side abuse tests: a server with every provider and some of everything changed."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.conftest import OUTX_KEY, ClientFactory

ALL_PROVIDERS = ("outx", "appdotnet", "nyne", "outfame")
NYNE_AUTH = {"X-API-Key": "YOUR_API_KEY", "X-API-Secret": "YOUR_API_SECRET"}
OUTFAME_AUTH = {"Authorization": "Bearer sk_live_your_api_key"}


async def exported(client: TestClient) -> dict[str, Any]:
    response = await client.get("/__admin/state")
    assert response.status == 200, await response.text()
    return await response.json()


async def answers_without_5xx(client: TestClient) -> None:
    """One request per provider, and the admin health: the server still works."""
    requests = [
        client.get("/__admin/health"),
        client.get("/api-interactions", params={"watchlist_id": "550e8400-e29b-41d4-a716-446655440000"},
                   headers={"x-api-key": OUTX_KEY}),
        client.get("/stream/0/users/me/interactions", headers={"Authorization": "Bearer YOUR_ACCESS_TOKEN"}),
        client.post("/person/interactions", json={"username": "janedoe", "type": "followers"}, headers=NYNE_AUTH),
        client.get("/v1/engagement/stats", params={"account_id": "acc_7Gx2kLm9Qr"}, headers=OUTFAME_AUTH),
    ]
    for request in requests:
        response = await request
        assert response.status < 500, (response.url, await response.text())


@pytest.fixture
async def busy(make_client: ClientFactory, unused_tcp_port: int) -> TestClient:
    """Every provider, with agent tasks (one failed, a rule left), an App.net rate-limit window,
    a Nyne job whose callback is scheduled, and a pause."""
    client = await make_client(providers=ALL_PROVIDERS)
    like = {"social_urn": "urn:li:activity:7123456789012345678"}
    for call in (
        client.post("/__admin/providers/outx/force-task", json={"status": "failed", "next": True}),
        client.post("/linkedin-agent/like-post", json=like, headers={"x-api-key": OUTX_KEY}),
        client.post("/linkedin-agent/like-post", json=like, headers={"x-api-key": OUTX_KEY}),
        client.post("/__admin/providers/outx/force-task", json={"status": "completed", "social_urn": like["social_urn"]}),
        client.get("/stream/0/users/me/interactions", headers={"Authorization": "Bearer YOUR_ACCESS_TOKEN"}),
        client.post("/person/interactions", headers=NYNE_AUTH,
                    json={"username": "janedoe", "type": "followers",
                          "callback_url": f"http://127.0.0.1:{unused_tcp_port}/hook"}),
        client.post("/v1/engagement/pause", json={"account_id": "acc_7Gx2kLm9Qr"}, headers=OUTFAME_AUTH),
    ):
        response = await call
        assert response.status < 300, await response.text()
    return client
