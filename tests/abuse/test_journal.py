"""Abuse: deep, large and numerous bodies, and absurd filters, against the journal and its admin API."""

from __future__ import annotations

import asyncio
import gc
import tracemalloc

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


def small_objects(size: int) -> bytes:
    """A JSON body of many small objects, as real payloads are: parsed, it costs about ten times its bytes."""
    item = b'{"id": 12345, "name": "item", "tags": ["a", "b"], "ok": true}, '
    return b'{"items": [' + item * ((size - 16) // len(item)) + b"1]}"


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


async def test_a_large_body_costs_the_journal_its_cut_bytes_not_its_parsed_objects(client: TestClient) -> None:
    """The finding: each 1 MB JSON body sent to an unknown path kept ~10 MB (115 -> 740 MB after 60)."""
    body = small_objects(1_000_000)
    await client.post("/nowhere", data=body, headers=JSON)  # first-use allocations happen outside the count
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(10):
            assert (await client.post("/nowhere", data=body, headers=JSON)).status == 404
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # Ten bodies kept cut to 64 KiB each (and the last request, still referenced, whole): not 10 MB each.
    assert grown < 3 * 1024 * 1024, grown


async def test_verifying_a_full_journal_hands_the_event_loop_back_while_it_scans(client: TestClient) -> None:
    """The finding: listing large entries took 31 s, and a provider request sent meanwhile waited 30 s."""
    body = small_objects(40 * 1024)
    for _ in range(100):
        await client.post("/nowhere", data=body, headers=JSON)
    turns, done = 0, False

    async def other_work() -> None:  # stands for every other request the loop must keep serving
        nonlocal turns
        while not done:
            turns += 1
            await asyncio.sleep(0)

    other = asyncio.create_task(other_work())
    verify = await client.post("/__admin/journal/verify", json={"body_includes": {"absent": True}})
    done = True
    await other
    assert verify.status == 200 and (await verify.json())["matched"] == 0
    assert turns >= 100, turns  # a turn at least between two bodies parsed, not one wait for the whole scan
