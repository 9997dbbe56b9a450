"""/__admin/journal: recording, redaction, filters, verification, bounds."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from mockserver.core.redaction import REDACTED
from tests.conftest import DOCS_WATCHLIST, FROZEN_AT_MS, OUTX_KEY


async def call(client: TestClient, **params: str) -> None:
    await client.get("/api-interactions", params={"watchlist_id": DOCS_WATCHLIST, **params},
                     headers={"x-api-key": OUTX_KEY})


async def journal(client: TestClient, **filters: str) -> dict[str, Any]:
    response = await client.get("/__admin/journal", params=filters)
    assert response.status == 200, await response.text()
    return await response.json()


async def test_requests_are_recorded_with_credentials_redacted(client: TestClient) -> None:
    await call(client, page="2")
    await client.get("/nowhere?access_token=abc&x=1", headers={"Authorization": "Bearer tok", "X-API-Secret": "s"})
    await client.get("/__admin/health")  # admin calls are not journaled
    body = await journal(client)
    assert body["returned"] == body["stored"] == 2 and body["dropped"] == 0
    first, second = body["entries"]
    assert first["provider"] == "outx" and first["method"] == "GET" and first["path"] == "/api-interactions"
    assert first["status"] == 200 and first["at_ms"] == FROZEN_AT_MS and first["seq"] == 1
    assert first["query"] == {"watchlist_id": [DOCS_WATCHLIST], "page": ["2"]}
    assert first["headers"]["x-api-key"] == [REDACTED]
    assert second["provider"] is None and second["status"] == 404
    assert second["query"]["access_token"] == [REDACTED] and second["query"]["x"] == ["1"]
    assert second["headers"]["Authorization"] == [REDACTED] and second["headers"]["X-API-Secret"] == [REDACTED]
    text = await (await client.get("/__admin/journal")).text()
    assert OUTX_KEY not in text and "tok" not in text.replace("token", "")


async def test_json_bodies_are_recorded_and_secret_fields_redacted(client: TestClient) -> None:
    await client.post("/api-interactions", json={"social_urn": "urn:li:activity:1", "api_secret": "xyz"})
    entry = (await journal(client))["entries"][0]
    assert entry["status"] == 405 and entry["body"] == {"social_urn": "urn:li:activity:1", "api_secret": REDACTED}


async def test_filters(client: TestClient) -> None:
    await call(client)
    await call(client, page="0")  # 400
    await client.post("/__admin/clock/advance", json={"by": "1h"})
    await client.get("/elsewhere")
    assert (await journal(client, status="400"))["returned"] == 1
    assert (await journal(client, provider="outx"))["returned"] == 2
    assert (await journal(client, method="get", path="/api-*"))["returned"] == 2
    assert (await journal(client, path="/elsewhere"))["returned"] == 1
    assert (await journal(client, since="2024-01-16T11:00:00Z"))["returned"] == 1
    assert (await journal(client, until=str(FROZEN_AT_MS)))["returned"] == 2
    assert [e["seq"] for e in (await journal(client, limit="2"))["entries"]] == [2, 3]
    response = await client.get("/__admin/journal", params={"colour": "red"})
    assert response.status == 400 and "unknown filter(s): colour" in (await response.json())["message"]
    response = await client.get("/__admin/journal", params={"since": "last week"})
    assert response.status == 400


async def test_clear(client: TestClient) -> None:
    await call(client)
    assert (await (await client.delete("/__admin/journal")).json()) == {"cleared": True}
    assert (await journal(client))["stored"] == 0


async def test_verify_counts(client: TestClient) -> None:
    for page in ("1", "2", "2"):
        await call(client, page=page)

    async def verify(**spec: Any) -> dict[str, Any]:
        response = await client.post("/__admin/journal/verify", json=spec)
        assert response.status == 200, await response.text()
        return await response.json()

    result = await verify(method="GET", path="/api-interactions", query={"page": "2"}, count=2)
    assert result["ok"] and result["matched"] == 2 and len(result["matches"]) == 2
    assert not (await verify(path="/api-interactions", count=2))["ok"]
    assert (await verify(path="/api-interactions", at_least=3, at_most=3))["ok"]
    assert (await verify(path="/api-interactions"))["ok"]  # default: at least once
    assert not (await verify(path="/linkedin-agent/*"))["ok"]
    assert (await verify(path="/linkedin-agent/*", count=0))["ok"]


async def test_verify_bodies(client: TestClient) -> None:
    payload = {"social_urn": "urn:li:activity:7", "extra": {"a": 1, "b": [1, 2]}}
    for _ in range(2):
        await client.post("/api-interactions", json=payload)
    result = await (await client.post("/__admin/journal/verify", json={"body": payload, "count": 2})).json()
    assert result["ok"]
    result = await (await client.post("/__admin/journal/verify",
                                      json={"body_includes": {"extra": {"b": [2]}}, "count": 2})).json()
    assert result["ok"]
    result = await (await client.post("/__admin/journal/verify", json={"body": {"social_urn": "x"}})).json()
    assert not result["ok"] and result["matched"] == 0


async def test_bad_verify_requests(client: TestClient) -> None:
    for spec, message in [
        ({"count": 1, "at_least": 1}, "not both"),
        ({"count": -1}, "count must be an integer"),
        ({"colour": "red"}, "unknown field(s): colour"),
        ({"query": {"page": 2}}, "query must be an object"),
        ({"status": "teapot"}, "status must be"),
    ]:
        response = await client.post("/__admin/journal/verify", json=spec)
        assert response.status == 400 and message in (await response.json())["message"], spec


async def test_the_journal_stays_bounded_under_a_long_run(make_client) -> None:
    client = await make_client(journal_size=50)
    for page in range(1, 301):
        await call(client, page=str(page))
    body = await journal(client)
    assert body["stored"] == 50 and body["capacity"] == 50 and body["dropped"] == 250
    assert [e["query"]["page"][0] for e in body["entries"]] == [str(p) for p in range(251, 301)]
    health = await (await client.get("/__admin/health")).json()
    assert health["journal"] == {"stored": 50, "capacity": 50, "dropped": 250, "bytes": body["bytes"],
                                 "max_bytes": 64 * 1024 * 1024}


async def test_an_entry_in_full_shows_the_answer_and_the_fault_rule_that_fired(client: TestClient) -> None:
    await call(client, page_size="1")
    rule = await (await client.post("/__admin/faults", json={"kind": "status", "status": 503, "count": 1,
                                                             "body": {"error": "try later"}})).json()
    await call(client)
    plain = await (await client.get("/__admin/journal/1")).json()
    assert plain["path"] == "/api-interactions" and plain["fault_rule"] is None
    assert plain["answer"]["status"] == 200 and len(plain["answer"]["body"]["data"]) == 1
    assert plain["answer"]["headers"]["Content-Type"] == ["application/json"]
    assert plain["replay"]["variables"] == ["X_API_KEY"]
    faulted = await (await client.get("/__admin/journal/2")).json()
    assert faulted["status"] == 503 and faulted["fault"] == rule["id"]
    # The rule expired when it fired; the entry still shows it as it stood.
    assert (await (await client.get("/__admin/faults")).json())["faults"] == []
    assert faulted["fault_rule"]["id"] == rule["id"] and faulted["fault_rule"]["kind"] == "status"
    assert faulted["answer"]["body"] == {"error": "try later"}


async def test_entries_that_are_gone_or_misnamed(client: TestClient) -> None:
    await call(client)
    await client.delete("/__admin/journal")
    for seq, status, code in [("1", 404, "journal_entry_not_found"), ("99", 404, "journal_entry_not_found"),
                              ("abc", 400, "invalid_request"), ("9" * 40, 400, "invalid_request")]:
        response = await client.get(f"/__admin/journal/{seq}")
        assert response.status == status and (await response.json())["error"] == code, seq
