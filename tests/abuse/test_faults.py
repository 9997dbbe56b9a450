"""Abuse: fault rules that would make the mock send an answer no client can parse are refused up front."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from mockserver.core.faults import MAX_RULES
from mockserver.store.appkeys import FAULTS

DEEP: list = []
for _ in range(300):
    DEEP = [DEEP]

UNSENDABLE: list[dict[str, Any]] = [
    {"kind": "status", "headers": {"X-A": "a\r\nSet-Cookie: injected=1"}},
    {"kind": "status", "headers": {"X-A": "a\nb"}},
    {"kind": "status", "headers": {"Content-Type": "application/json\x00"}},
    {"kind": "status", "headers": {"Transfer-Encoding": "chunked", "Content-Length": "5"}},
    {"kind": "status", "headers": {"Content-Length": "99999"}},
    {"kind": "status", "headers": {"Bad Name": "x"}},
    {"kind": "status", "headers": {f"X-{n}": "x" for n in range(40)}},
    {"kind": "status", "status": 100},
    {"kind": "status", "body": DEEP},
]


async def test_unsendable_fault_rules_are_refused_and_nothing_breaks(client: TestClient) -> None:
    answers = [(spec, (await client.post("/__admin/faults", json=spec)).status) for spec in UNSENDABLE]
    assert [(str(spec)[:70], status) for spec, status in answers if status != 400] == []
    assert (await (await client.get("/__admin/faults")).json())["faults"] == []
    fine = await client.post("/__admin/faults", json={"kind": "status", "status": 503, "count": 1,
                                                       "headers": {"Retry-After": "5", "X-Note": "tab\tok"}})
    assert fine.status == 201
    answer = await client.get("/api-interactions", headers={"x-api-key": "YOUR_API_KEY"})
    assert answer.status == 503 and answer.headers["Retry-After"] == "5"


async def test_active_fault_rules_are_bounded(client: TestClient) -> None:
    """Every request walks the rules: a script adding them in a loop must not slow every answer down for good."""
    book = client.app[FAULTS]
    for _ in range(MAX_RULES):
        book.add({"kind": "status", "path": "/never/*"})
    refused = await client.post("/__admin/faults", json={"kind": "status", "path": "/never/*"})
    assert refused.status == 400 and "at most 1000 fault rules" in (await refused.json())["message"]
    assert len(book.rules()) == MAX_RULES
    answer = await client.get("/api-interactions", headers={"x-api-key": "YOUR_API_KEY"})
    assert answer.status == 400  # no watchlist_id: the provider's own answer, no rule fired
