"""Webhook delivery: allow-list, retries at the documented delays on a frozen clock, records, snapshots."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Awaitable, Callable

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from mockserver.core.callbacks import (
    DOCUMENTED_RETRY_DELAYS_MS, AllowList, CallbackDispatcher, CallbackRefused, redact_url,
)
from mockserver.core.clock import Clock
from mockserver.core.scheduler import Scheduler

T0 = 1_705_401_600_000


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8000/hook", "https://localhost/x", "http://[::1]:9/", "http://127.9.9.9/",
    "http://api.localhost/", "https://hooks.example.com/a?b=c", "https://deep.team.example.org/",
])
def test_loopback_and_configured_hosts_are_allowed(url: str) -> None:
    assert AllowList(["hooks.example.com", "*.team.example.org"]).check(url) == url


@pytest.mark.parametrize("url, reason", [
    ("ftp://127.0.0.1/x", "http:// or https://"),
    ("file:///etc/passwd", "http:// or https://"),
    ("javascript:alert(1)", "http:// or https://"),
    ("127.0.0.1:8000/hook", "http:// or https://"),
    ("https://example.com/hook", "not allowed"),
    ("https://evil.hooks.example.com/", "not allowed"),
    ("https://team.example.org/", "not allowed"),
    ("http://10.0.0.1/", "not allowed"),
    ("http:///nohost", "no host"),
    ("http://127.0.0.1:99999/", "not a valid URL"),
])
def test_other_hosts_and_schemes_are_refused(url: str, reason: str) -> None:
    with pytest.raises(CallbackRefused, match=reason):
        AllowList(["hooks.example.com", "*.team.example.org"]).check(url)


def test_credentials_in_urls_are_masked() -> None:
    assert redact_url("https://user:pw@hooks.example.com/x") == "https://[redacted]@hooks.example.com/x"
    assert redact_url("https://hooks.example.com/x") == "https://hooks.example.com/x"


Receiver = tuple[str, list[dict[str, Any]]]


@pytest.fixture
def receiver(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> Callable[[list[int]], Awaitable[Receiver]]:
    """A loopback server answering the given statuses in turn (the last one repeats)."""
    async def make(statuses: list[int]) -> Receiver:
        calls: list[dict[str, Any]] = []

        async def hook(request: web.Request) -> web.Response:
            calls.append({"body": await request.json(), "type": request.content_type})
            return web.Response(status=statuses[min(len(calls), len(statuses)) - 1])

        app = web.Application()
        app.router.add_post("/hook", hook)
        server = await aiohttp_server(app)
        return str(server.make_url("/hook")), calls
    return make


def dispatcher(clock: Clock, **kwargs: Any) -> tuple[CallbackDispatcher, Scheduler]:
    scheduler = Scheduler(clock)
    payloads = lambda ref, now: {"ref": ref, "now": now}  # noqa: E731
    return CallbackDispatcher(scheduler, clock, payloads, **kwargs), scheduler


async def step_to(clock: Clock, scheduler: Scheduler, at_ms: int) -> None:
    clock.advance(at_ms - clock.now_ms())
    await scheduler.run_due()


async def test_failures_are_retried_at_the_documented_delays_until_a_2xx(receiver: Any) -> None:
    url, calls = await receiver([500, 503, 404, 202])
    clock = Clock(frozen_at_ms=T0)
    callbacks, scheduler = dispatcher(clock)
    callbacks.schedule(url, "job-1", "key-1", T0 + 5_000)
    assert await scheduler.run_due() == 0 and calls == []

    expected = [T0 + 5_000]
    for delay in DOCUMENTED_RETRY_DELAYS_MS[:3]:
        expected.append(expected[-1] + delay)
    for at in expected:
        await step_to(clock, scheduler, at - 1)  # nothing happens a millisecond early
        await step_to(clock, scheduler, at)
    [record] = callbacks.deliveries()
    assert [a["attempted_ms"] for a in record["attempts"]] == expected
    assert [a["scheduled_ms"] for a in record["attempts"]] == expected
    assert [a["status"] for a in record["attempts"]] == [500, 503, 404, 202]
    assert [a["acknowledged"] for a in record["attempts"]] == [False, False, False, True]
    assert record["state"] == "delivered" and record["next_due_ms"] is None
    assert len(calls) == 4 and calls[0] == {"body": {"ref": "job-1", "now": T0 + 5_000}, "type": "application/json"}
    assert scheduler.pending() == 0


async def test_a_delivery_gives_up_after_five_retries(receiver: Any) -> None:
    url, calls = await receiver([500])
    clock = Clock(frozen_at_ms=T0)
    callbacks, scheduler = dispatcher(clock)
    callbacks.schedule(url, "job-1", "key-1", T0)
    await scheduler.run_due()
    for delay in DOCUMENTED_RETRY_DELAYS_MS:
        await step_to(clock, scheduler, clock.now_ms() + delay)
    await step_to(clock, scheduler, clock.now_ms() + 3_600_000)
    [record] = callbacks.deliveries()
    assert len(calls) == 6 and record["state"] == "failed"
    assert [a["attempt"] for a in record["attempts"]] == [1, 2, 3, 4, 5, 6]


async def test_a_late_clock_attempts_once_and_schedules_from_the_real_attempt(receiver: Any) -> None:
    url, calls = await receiver([500])
    clock = Clock(frozen_at_ms=T0)
    callbacks, scheduler = dispatcher(clock)
    callbacks.schedule(url, "job-1", "key-1", T0 + 1_000)
    await step_to(clock, scheduler, T0 + 600_000)  # a big jump: one attempt, then wait for the retry
    [record] = callbacks.deliveries()
    assert len(calls) == 1 and record["attempts"][0]["scheduled_ms"] == T0 + 1_000
    assert record["attempts"][0]["attempted_ms"] == T0 + 600_000
    assert record["next_due_ms"] == T0 + 601_000
    await callbacks.close()  # a retry is still pending, so the session is still open


async def test_transport_errors_and_timeouts_are_recorded(aiohttp_server: Any, unused_tcp_port: int) -> None:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.Response()

    app = web.Application()
    app.router.add_post("/slow", slow)
    server = await aiohttp_server(app)
    clock = Clock(frozen_at_ms=T0)
    callbacks, scheduler = dispatcher(clock, timeout_s=0.2, retry_delays_ms=())
    callbacks.schedule(str(server.make_url("/slow")), "a", "k", T0)
    callbacks.schedule(f"http://127.0.0.1:{unused_tcp_port}/closed", "b", "k", T0)
    await scheduler.run_due()
    slow_one, refused = callbacks.deliveries()
    assert slow_one["attempts"][0]["error"] == "timed out after 0.2 s" and slow_one["state"] == "failed"
    assert refused["attempts"][0]["status"] is None and refused["attempts"][0]["error"]
    await callbacks.close()


async def test_a_missing_payload_fails_the_delivery_without_calling() -> None:
    clock = Clock(frozen_at_ms=T0)
    scheduler = Scheduler(clock)
    callbacks = CallbackDispatcher(scheduler, clock, lambda ref, now: None)
    callbacks.schedule("http://127.0.0.1:1/never", "gone", "k", T0)
    await scheduler.run_due()
    [record] = callbacks.deliveries()
    assert record["state"] == "failed" and record["attempts"][0]["error"] == "the payload is no longer available"


async def test_export_load_rearms_scheduled_deliveries_and_reset_cancels_them(receiver: Any) -> None:
    url, calls = await receiver([200])
    clock = Clock(frozen_at_ms=T0)
    callbacks, scheduler = dispatcher(clock)
    callbacks.schedule(url, "job-1", "key-1", T0 + 1_000)
    snapshot = json.loads(json.dumps(callbacks.export()))

    callbacks.reset()
    await step_to(clock, scheduler, T0 + 1_000)
    assert calls == [] and callbacks.deliveries() == []  # the armed attempt became a no-op

    callbacks.load(snapshot)
    assert callbacks.export() == snapshot
    await scheduler.run_due()
    assert len(calls) == 1 and callbacks.deliveries()[0]["state"] == "delivered"
    assert callbacks.schedule(url, "job-2", "key-1", T0).id == "dlv_000002"


async def test_reschedule_moves_a_delivery_that_has_not_started(receiver: Any) -> None:
    url, calls = await receiver([200])
    clock = Clock(frozen_at_ms=T0)
    callbacks, scheduler = dispatcher(clock)
    delivery = callbacks.schedule(url, "job-1", "key-1", T0 + 60_000)
    callbacks.reschedule(delivery.id, T0)
    await scheduler.run_due()
    assert len(calls) == 1
    await step_to(clock, scheduler, T0 + 60_000)
    assert len(calls) == 1  # the original slot no longer fires
