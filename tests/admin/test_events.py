"""/__admin/events: the live stream of journaled requests and admin changes."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from mockserver.admin.events import EVENT_HUB, EventHub, Subscriber
from mockserver.core.clock import Clock
from mockserver.core.journal import Journal
from mockserver.store.engine import Store
from mockserver.store.appkeys import JOURNAL
from tests.conftest import DOCS_WATCHLIST, OUTX_KEY


async def next_event(response: ClientResponse, timeout_s: float = 5.0) -> tuple[str, Any]:
    """The next event's name and data (comments and retry lines skipped)."""
    while True:
        frame = (await asyncio.wait_for(response.content.readuntil(b"\n\n"), timeout_s)).decode()
        fields = dict(line.split(": ", 1) for line in frame.strip().splitlines() if not line.startswith(("retry", ":")))
        if "event" in fields:
            return fields["event"], json.loads(fields["data"])


def hub_of(client: TestClient) -> EventHub:
    return client.app._subapps[0][EVENT_HUB]


async def test_requests_and_admin_changes_arrive_as_they_happen(client: TestClient) -> None:
    async with client.get("/__admin/events") as stream:
        assert stream.status == 200 and stream.headers["Content-Type"] == "text/event-stream"
        assert await next_event(stream) == ("ready", {"streams": 1})
        await client.get("/api-interactions", params={"watchlist_id": DOCS_WATCHLIST}, headers={"x-api-key": OUTX_KEY})
        kind, entry = await next_event(stream)
        assert kind == "request" and entry["seq"] == 1 and entry["path"] == "/api-interactions"
        assert entry["status"] == 200 and entry["provider"] == "outx" and "headers" not in entry
        await client.get("/__admin/clock")  # reading changes nothing: not announced
        await client.post("/__admin/clock/advance", json={"by": "1s"})
        assert await next_event(stream) == ("admin", {"method": "POST", "path": "/__admin/clock/advance", "status": 200})
        await client.post("/__admin/clock/advance", json={"by": "never"})  # refused: not announced
        await client.delete("/__admin/journal")
        assert (await next_event(stream))[1]["path"] == "/__admin/journal"


async def test_the_journal_is_listened_to_only_while_a_stream_is_open(client: TestClient) -> None:
    journal = client.app[JOURNAL]
    assert journal._listeners == []
    async with client.get("/__admin/events") as stream:
        await next_event(stream)
        assert len(journal._listeners) == 1 and len(hub_of(client)) == 1
    await client.get("/nowhere")  # the next write to the closed stream ends it
    for _ in range(100):
        if not journal._listeners:
            break
        await asyncio.sleep(0.01)
    assert journal._listeners == [] and len(hub_of(client)) == 0


async def test_the_stream_needs_the_admin_token_when_one_is_set(make_client) -> None:
    client = await make_client(admin_token="t0ken")
    assert (await client.get("/__admin/events")).status == 401
    async with client.get("/__admin/events", headers={"Authorization": "Bearer t0ken"}) as stream:
        assert (await next_event(stream))[0] == "ready"


async def test_too_many_streams_are_refused(client: TestClient) -> None:
    hub_of(client).max_streams = 1
    async with client.get("/__admin/events") as first:
        await next_event(first)
        refused = await client.get("/__admin/events")
        assert refused.status == 503 and (await refused.json())["error"] == "too_many_streams"


async def test_shutdown_ends_open_streams(client: TestClient) -> None:
    async with client.get("/__admin/events") as stream:
        await next_event(stream)
        await hub_of(client).shutdown(client.app)
        assert await asyncio.wait_for(stream.content.read(), 5) == b""


async def test_a_reader_that_falls_behind_is_told_what_it_lost() -> None:
    journal, hub = Journal(100), EventHub(queue_size=2)
    subscriber = hub.open(Store(Clock(), journal))
    for n in range(5):
        journal.record(at_ms=n, provider=None, method="GET", path="/", query={}, headers={}, body=None, status=200)
    taken = await subscriber.take(1)
    assert [entry.seq for _, entry in taken] == [1, 2] and subscriber.lost == 3
    assert await subscriber.take(0.01) == []  # quiet: a heartbeat is due
    hub.close(subscriber)
    assert journal._listeners == [] and subscriber.closed


async def test_a_closed_subscriber_stops_waiting() -> None:
    subscriber = Subscriber(10)
    waiting = asyncio.create_task(subscriber.take(30))
    await asyncio.sleep(0)
    subscriber.close()
    assert await asyncio.wait_for(waiting, 1) == []
