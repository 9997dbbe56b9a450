"""The scheduler cannot be stopped, and one slow webhook receiver delays no one else."""

from __future__ import annotations

import asyncio
import copy
import logging
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from mockserver.core.callbacks import CallbackDispatcher
from mockserver.core.clock import Clock
from mockserver.core.scheduler import Scheduler
from mockserver.store.appkeys import SCHEDULER
from tests.abuse.conftest import exported
from tests.conftest import ClientFactory

NYNE = {"X-API-Key": "YOUR_API_KEY", "X-API-Secret": "YOUR_API_SECRET"}
OTHER_NYNE = {"X-API-Key": "OTHER_NYNE_API_KEY", "X-API-Secret": "OTHER_NYNE_API_SECRET"}


async def test_an_imported_callback_due_soon_is_refused_and_the_loop_keeps_running(busy: TestClient) -> None:
    snapshot = copy.deepcopy(await exported(busy))
    snapshot["providers"]["nyne"]["callbacks"]["deliveries"][0]["next_due_ms"] = "soon"
    assert (await busy.put("/__admin/state", json=snapshot)).status == 400
    await busy.post("/__admin/reset")
    await busy.post("/__admin/clock/unfreeze")
    ran = asyncio.Event()

    async def job() -> None:
        ran.set()

    scheduler = busy.app[SCHEDULER]
    scheduler.call_at(scheduler.clock.now_ms() + 50, job)  # real time reaches it: the background loop runs it
    await asyncio.wait_for(ran.wait(), 5)


async def test_the_background_loop_survives_a_failing_pass(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    scheduler = Scheduler(clock, poll_interval_s=0.01)
    ran = asyncio.Event()
    broken = {"now": True}

    def now_ms() -> int:
        if broken.pop("now", False):
            raise RuntimeError("the clock broke once")
        return Clock.now_ms(clock)

    clock.now_ms = now_ms  # type: ignore[method-assign]

    async def job() -> None:
        ran.set()

    scheduler.call_at(0, job)
    lifecycle = scheduler.lifecycle(None)
    with caplog.at_level(logging.ERROR, logger="mockserver.scheduler"):
        await lifecycle.__anext__()
        try:
            await asyncio.wait_for(ran.wait(), 5)
        finally:
            await lifecycle.aclose()
    [record] = caplog.records
    assert record.getMessage() == "scheduler pass failed: RuntimeError: the clock broke once"
    assert record.exc_info is None  # one line


async def _receivers(aiohttp_server: Any) -> tuple[str, str, asyncio.Event, list[str]]:
    """A slow receiver (answers when released) and a fast one; `seen` records arrivals in order."""
    release, seen = asyncio.Event(), []

    async def slow(request: web.Request) -> web.Response:
        seen.append("slow")
        await release.wait()
        return web.Response()

    async def fast(request: web.Request) -> web.Response:
        seen.append("fast")
        return web.Response()

    app = web.Application()
    app.router.add_post("/slow", slow)
    app.router.add_post("/fast", fast)
    server = await aiohttp_server(app)
    return str(server.make_url("/slow")), str(server.make_url("/fast")), release, seen


async def test_slow_receivers_delay_neither_advance_nor_another_tenants_callback(make_client: ClientFactory,
                                                                                 aiohttp_server: Any) -> None:
    slow_url, fast_url, release, seen = await _receivers(aiohttp_server)
    client = await make_client(providers=("nyne",))
    for auth, url in ((NYNE, slow_url), (NYNE, slow_url), (OTHER_NYNE, fast_url)):
        response = await client.post("/person/interactions", headers=auth,
                                     json={"username": "janedoe", "type": "followers", "callback_url": url})
        assert response.status == 202
    answer = await asyncio.wait_for(client.post("/__admin/clock/advance", json={"by": "5s", "wait": False}), 5)
    assert answer.status == 200 and (await answer.json())["running"] >= 2
    for _ in range(200):  # the other tenant's callback arrives while both slow receivers still hold theirs
        if "fast" in seen:
            break
        await asyncio.sleep(0.01)
    assert sorted(seen) == ["fast", "slow", "slow"]
    release.set()
    settled = await (await client.post("/__admin/clock/advance", json={"by": 0})).json()
    assert settled["running"] == 0
    deliveries = await (await client.get("/__admin/providers/nyne/callbacks")).json()
    assert [d["state"] for d in deliveries] == ["delivered"] * 3


async def test_a_metadata_address_is_never_called_whatever_put_the_delivery_there() -> None:
    clock = Clock(frozen_at_ms=0)
    scheduler = Scheduler(clock)
    dispatcher = CallbackDispatcher(scheduler, clock, lambda ref, now: {"ref": ref}, timeout_s=0.5)
    dispatcher.schedule("http://169.254.169.254/latest/meta-data", "job", "key", 0)  # as a bad import would
    await scheduler.run_due()
    [delivery] = dispatcher.deliveries()
    assert delivery["state"] == "failed" and len(delivery["attempts"]) == 1
    assert delivery["attempts"][0]["error"].startswith("refused: callback_url host '169.254.169.254' is not allowed")
