from __future__ import annotations

import asyncio

from mockserver.core.clock import Clock
from mockserver.core.scheduler import Scheduler


async def test_frozen_clock_runs_work_only_when_moved_and_in_order() -> None:
    clock = Clock(frozen_at_ms=0)
    scheduler = Scheduler(clock)
    ran: list[str] = []

    def record(name: str):
        async def job() -> None:
            ran.append(name)
        return job

    scheduler.call_at(5_000, record("b"))
    scheduler.call_at(1_000, record("a1"))
    scheduler.call_at(1_000, record("a2"))
    assert await scheduler.run_due() == 0
    clock.advance(1_000)
    assert await scheduler.run_due() == 2 and ran == ["a1", "a2"]
    clock.advance(10_000)
    assert await scheduler.run_due() == 1 and ran == ["a1", "a2", "b"]
    assert scheduler.pending() == 0 and scheduler.next_due_ms() is None


async def test_work_scheduled_by_work_runs_in_the_same_pass_when_due() -> None:
    clock = Clock(frozen_at_ms=0)
    scheduler = Scheduler(clock)
    ran: list[int] = []

    async def retry() -> None:
        ran.append(clock.now_ms())
        due_in = 0 if len(ran) < 3 else 60_000
        scheduler.call_at(clock.now_ms() + due_in, retry)

    scheduler.call_at(0, retry)
    await scheduler.run_due()
    assert ran == [0, 0, 0] and scheduler.next_due_ms() == 60_000


async def test_a_failing_job_does_not_stop_the_others() -> None:
    clock = Clock(frozen_at_ms=0)
    scheduler = Scheduler(clock)
    ran: list[str] = []

    async def broken() -> None:
        raise RuntimeError("boom")

    async def fine() -> None:
        ran.append("fine")

    scheduler.call_at(0, broken)
    scheduler.call_at(0, fine)
    assert await scheduler.run_due() == 2 and ran == ["fine"]


async def test_the_background_loop_runs_work_in_real_time() -> None:
    clock = Clock()
    scheduler = Scheduler(clock, poll_interval_s=0.01)
    done = asyncio.Event()

    async def job() -> None:
        done.set()

    scheduler.call_at(clock.now_ms() + 20, job)
    lifecycle = scheduler.lifecycle(None)
    await lifecycle.__anext__()
    try:
        await asyncio.wait_for(done.wait(), timeout=5)
    finally:
        await lifecycle.aclose()
