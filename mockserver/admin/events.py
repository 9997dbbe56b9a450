"""/__admin/events: a live stream (server-sent events) of journaled requests and admin changes.

The dashboard reads it with fetch(), not EventSource, so the admin token
travels in the Authorization header like every other admin call and never in
a URL. The hub listens to the store's events (journaled requests, admin
changes) only while a stream is open, so journaling costs nothing more when
nobody watches; with a shared store the events come from every process.
Each stream has a bounded queue: a reader that falls behind is told how many
events it lost, and the server never buffers without bound.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, Callable

import orjson
from aiohttp import web

from mockserver.admin.common import AdminError
from mockserver.core.http import Handler
from mockserver.core.journal import JournalEntry
from mockserver.store.appkeys import STORE
from mockserver.store.engine import Store

HEARTBEAT_S = 10.0  # a comment line this often: keeps proxies open and finds readers that left
_QUIET_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Subscriber:
    """One open stream: a bounded queue of (event name, payload) and a count of what did not fit."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.lost = 0
        self.closed = False
        self._queue: deque[tuple[str, Any]] = deque()
        self._ready = asyncio.Event()

    def offer(self, kind: str, payload: Any) -> None:
        if len(self._queue) >= self.capacity:
            self.lost += 1
        else:
            self._queue.append((kind, payload))
        self._ready.set()

    def close(self) -> None:
        self.closed = True
        self._ready.set()

    async def take(self, timeout_s: float) -> list[tuple[str, Any]]:
        """Everything queued, waiting up to `timeout_s` for the first event; [] on a quiet timeout."""
        if not self._queue and not self.closed:
            try:
                await asyncio.wait_for(self._ready.wait(), timeout_s)
            except asyncio.TimeoutError:
                return []
        self._ready.clear()
        taken = list(self._queue)
        self._queue.clear()
        return taken


class EventHub:
    """Fans journal entries and admin changes out to the open streams."""

    def __init__(self, max_streams: int = 16, queue_size: int = 1000) -> None:
        self.max_streams, self.queue_size = max_streams, queue_size
        self._subscribers: list[Subscriber] = []
        self._stop_listening: Callable[[], None] | None = None

    def __len__(self) -> int:
        return len(self._subscribers)

    def open(self, store: Store) -> Subscriber:
        if len(self._subscribers) >= self.max_streams:
            raise AdminError(503, "too_many_streams",
                             f"{self.max_streams} event streams are open already; close one and retry")
        subscriber = Subscriber(self.queue_size)
        self._subscribers.append(subscriber)
        if self._stop_listening is None:
            self._stop_listening = store.listen(self.publish)
        return subscriber

    def close(self, subscriber: Subscriber) -> None:
        subscriber.close()
        if subscriber in self._subscribers:
            self._subscribers.remove(subscriber)
        if not self._subscribers and self._stop_listening is not None:
            self._stop_listening()
            self._stop_listening = None

    def publish(self, kind: str, payload: Any) -> None:
        for subscriber in self._subscribers:
            subscriber.offer(kind, payload)

    async def shutdown(self, _app: web.Application) -> None:
        """For on_shutdown: end every stream, so a stop never waits on an open dashboard."""
        for subscriber in list(self._subscribers):
            self.close(subscriber)


EVENT_HUB = web.AppKey("event_hub", EventHub)


def _frame(kind: str, payload: Any) -> bytes:
    if isinstance(payload, JournalEntry):
        payload = payload.summary()  # made here, off the request's path
    if kind == "request":
        head = f"event: request\nid: {payload['seq']}\n".encode()
    else:
        head = f"event: {kind}\n".encode()
    return head + b"data: " + orjson.dumps(payload) + b"\n\n"


async def stream(request: web.Request) -> web.StreamResponse:
    """`text/event-stream`: `ready` first, then `request`, `admin` and `lost` events as they happen."""
    hub = request.app[EVENT_HUB]
    subscriber = hub.open(request.config_dict[STORE])
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store",
                                           "X-Accel-Buffering": "no"})
    try:
        await response.prepare(request)
        await response.write(b"retry: 2000\n" + _frame("ready", {"streams": len(hub)}))
        while not subscriber.closed:
            events = await subscriber.take(HEARTBEAT_S)
            if subscriber.closed:
                break  # the server is stopping
            frames = [_frame(kind, payload) for kind, payload in events]
            if subscriber.lost:
                frames.append(_frame("lost", {"lost": subscriber.lost}))
                subscriber.lost = 0
            await response.write(b"".join(frames) or b": keep-alive\n\n")
    except ConnectionError:
        pass  # the reader went away: writing to its closed transport raises ConnectionResetError
    finally:
        hub.close(subscriber)
    return response


@web.middleware
async def announce_changes(request: web.Request, handler: Handler) -> web.StreamResponse:
    """After every admin call that changed something, tell the streams (dashboards refresh on it)."""
    response = await handler(request)
    if request.method not in _QUIET_METHODS and response.status < 400:
        request.config_dict[STORE].publish("admin", {"method": request.method, "path": request.path,
                                                     "status": response.status})
    return response


def add_routes(admin: web.Application) -> None:
    admin[EVENT_HUB] = EventHub()
    admin.on_shutdown.append(admin[EVENT_HUB].shutdown)
    admin.router.add_get("/events", stream)
