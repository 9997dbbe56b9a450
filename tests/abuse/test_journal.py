"""Abuse: deep, large and numerous bodies, and absurd filters, against the journal and its admin API."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from tests.conftest import ClientFactory

JSON = {"Content-Type": "application/json"}
OUTX = {"x-api-key": "YOUR_API_KEY", **JSON}
DEEP_FILTER: list = []
for _ in range(70):
    DEEP_FILTER = [DEEP_FILTER]


def nested(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


@pytest.mark.parametrize("depth", [300, 490, 10_000])
async def test_deep_json_bodies_break_neither_recording_nor_listing_nor_verify(client: TestClient,
                                                                               depth: int) -> None:
    for path, headers in (("/nowhere", JSON), ("/linkedin-agent/like-post", OUTX)):
        response = await client.post(path, data=nested(depth), headers=headers)
        assert response.status < 500, await response.text()
    listing = await client.get("/__admin/journal")
    assert listing.status == 200, await listing.text()
    assert [entry["body_size"] for entry in (await listing.json())["entries"]] == [len(nested(depth))] * 2
    for spec in ({"path": "/nowhere"}, {"body_includes": {"a": {"a": 1}}}, {"body": {"a": 1}}):
        verify = await client.post("/__admin/journal/verify", json=spec)
        assert verify.status == 200, await verify.text()
    detail = await client.get("/__admin/journal/1")
    assert detail.status == 200, await detail.text()


async def test_the_journal_is_bounded_in_bytes_and_keeps_bodies_cut(make_client: ClientFactory) -> None:
    client = await make_client(journal_bytes=1024 * 1024)
    body = b'{"items": ["' + b"x" * (512 * 1024) + b'"]}'
    for _ in range(20):
        assert (await client.post("/nowhere", data=body, headers=JSON)).status == 404
    listing = await (await client.get("/__admin/journal")).json()
    assert listing["bytes"] <= listing["max_bytes"] == 1024 * 1024 and listing["dropped"] > 0
    entry = listing["entries"][-1]
    assert entry["body_size"] == len(body) and entry["body_truncated"] and len(entry["body"]) == 64 * 1024


async def test_listing_large_entries_is_paged(client: TestClient) -> None:
    body = b"y" * (64 * 1024)
    for _ in range(80):
        await client.post("/nowhere", data=body, headers={"Content-Type": "text/plain"})
    response = await client.get("/__admin/journal")
    listing = await response.json()
    assert len(await response.read()) < 5 * 1024 * 1024 and listing["returned"] < 80
    older = await (await client.get("/__admin/journal", params={"before": listing["next_before"]})).json()
    assert older["entries"][-1]["seq"] == listing["entries"][0]["seq"] - 1


ABSURD_LISTINGS = [
    {"status": "9" * 5000}, {"since": "9" * 5000}, {"until": "1" * 5000}, {"limit": "9" * 5000},
    {"before": "9" * 5000}, {"after": "9" * 5000}, {"path": "/*" * 1500}, {"since": "１２３"},
]
ABSURD_VERIFIES = [
    {"status": "9" * 5000}, {"since": "9" * 5000}, {"until": 10**18}, {"query": {"q": "x" * 5000}},
    {"body": DEEP_FILTER},
]


async def test_absurd_filters_answer_400(client: TestClient) -> None:
    """5,000-digit numbers, far instants, huge globs and deep bodies: each a 400, none a 500."""
    answers = [(params, (await client.get("/__admin/journal", params=params)).status) for params in ABSURD_LISTINGS]
    answers += [(spec, (await client.post("/__admin/journal/verify", json=spec)).status) for spec in ABSURD_VERIFIES]
    answers.append(("1,000 levels", (await client.post("/__admin/journal/verify", headers=JSON,
                                                       data='{"body_includes": ' + nested(1000) + "}")).status))
    assert [(str(case)[:60], status) for case, status in answers if status != 400] == []
