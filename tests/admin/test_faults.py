"""/__admin/faults: rules change answers, then disappear."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from tests.conftest import DOCS_WATCHLIST, OUTX_KEY

PARAMS = {"watchlist_id": DOCS_WATCHLIST}
KEY = {"x-api-key": OUTX_KEY}


async def add(client: TestClient, **spec: Any) -> dict[str, Any]:
    response = await client.post("/__admin/faults", json=spec)
    assert response.status == 201, await response.text()
    return await response.json()


async def status_of(client: TestClient) -> int:
    response = await client.get("/api-interactions", params=PARAMS, headers=KEY)
    await response.read()
    return response.status


async def test_a_status_rule_changes_answers_until_deleted(client: TestClient) -> None:
    rule = await add(client, kind="status", provider="outx", path="/api-interactions", status=503,
                     body={"error": "Service Unavailable"}, headers={"Retry-After": "7"})
    assert rule["id"] == "fault-1" and rule["remaining"] is None
    response = await client.get("/api-interactions", params=PARAMS, headers=KEY)
    assert response.status == 503 and response.headers["Retry-After"] == "7"
    assert await response.json() == {"error": "Service Unavailable"}
    listed = await (await client.get("/__admin/faults")).json()
    assert [r["id"] for r in listed["faults"]] == ["fault-1"] and listed["faults"][0]["fired"] == 1
    assert (await client.delete("/__admin/faults/fault-1")).status == 200
    assert await status_of(client) == 200
    missing = await client.delete("/__admin/faults/fault-1")
    assert missing.status == 404 and (await missing.json())["error"] == "fault_not_found"


async def test_rules_expire_after_count(client: TestClient) -> None:
    await add(client, kind="status", status=500, count=2)
    assert [await status_of(client) for _ in range(3)] == [500, 500, 200]
    assert (await (await client.get("/__admin/faults")).json())["faults"] == []


async def test_text_bodies_and_the_journal_names_the_rule(client: TestClient) -> None:
    await add(client, kind="status", status=502, body="<html>Bad gateway</html>", count=1)
    response = await client.get("/api-interactions", params=PARAMS, headers=KEY)
    assert response.status == 502 and await response.text() == "<html>Bad gateway</html>"
    entry = (await (await client.get("/__admin/journal")).json())["entries"][0]
    assert entry["status"] == 502 and entry["fault"] == "fault-1"


async def test_rules_match_by_method_path_and_provider(client: TestClient) -> None:
    await add(client, kind="status", status=418, method="POST")
    await add(client, kind="status", status=418, path="/other/*")
    await add(client, kind="status", status=418, provider="nyne")
    assert await status_of(client) == 200


async def test_latency_only_delays(client: TestClient) -> None:
    await add(client, kind="latency", latency_ms=150, count=1)
    loop = asyncio.get_running_loop()
    start = loop.time()
    assert await status_of(client) == 200
    assert loop.time() - start >= 0.15


async def test_drop_closes_the_connection(client: TestClient) -> None:
    await add(client, kind="drop", count=1)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await client.get("/api-interactions", params=PARAMS, headers=KEY)
    assert await status_of(client) == 200
    entry = (await (await client.get("/__admin/journal")).json())["entries"][0]
    assert entry["status"] is None and entry["fault"] == "fault-1"


async def test_malformed_json(client: TestClient) -> None:
    await add(client, kind="malformed", count=1)
    response = await client.get("/api-interactions", params=PARAMS, headers=KEY)
    assert response.status == 200 and response.content_type == "application/json"
    with pytest.raises(ValueError):
        await response.json()


async def test_truncated_body(client: TestClient) -> None:
    await add(client, kind="truncate", count=1)
    response = await client.get("/api-interactions", params=PARAMS, headers=KEY)
    assert response.status == 200
    with pytest.raises(aiohttp.ClientPayloadError):
        await response.read()
    assert await status_of(client) == 200


async def test_probability_is_seeded_and_repeatable(make_client) -> None:
    outcomes = []
    for _ in range(2):
        client = await make_client()
        await add(client, kind="status", status=500, probability=0.5)
        outcomes.append([await status_of(client) for _ in range(20)])
    assert outcomes[0] == outcomes[1]
    assert 3 <= outcomes[0].count(500) <= 17


async def test_delete_all(client: TestClient) -> None:
    await add(client, kind="status", status=500)
    await add(client, kind="drop")
    assert (await client.delete("/__admin/faults")).status == 200
    assert await status_of(client) == 200


@pytest.mark.parametrize("spec, message", [
    ({}, "kind must be one of"),
    ({"kind": "explode"}, "kind must be one of"),
    ({"kind": "status", "status": 99}, "status must be an HTTP status"),
    ({"kind": "status", "probability": 0}, "probability must be"),
    ({"kind": "status", "probability": 1.5}, "probability must be"),
    ({"kind": "status", "count": 0}, "count must be a positive integer"),
    ({"kind": "latency"}, "needs latency_ms"),
    ({"kind": "latency", "latency_ms": -1}, "latency_ms must be"),
    ({"kind": "status", "path": ""}, "path must be a non-empty string"),
    ({"kind": "status", "headers": {"a": 1}}, "headers must be"),
    ({"kind": "status", "when": "always"}, "unknown field(s): when"),
])
async def test_invalid_rules_are_refused(client: TestClient, spec: dict[str, Any], message: str) -> None:
    response = await client.post("/__admin/faults", json=spec)
    assert response.status == 400
    body = await response.json()
    assert body["error"] == "invalid_fault" and message in body["message"]
