"""The scheduler: due order, isolation of each job, a bounded pool, and a loop nothing stops."""

from __future__ import annotations

import asyncio
import logging

import pytest

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


async def test_jobs_run_concurrently_within_the_pool_and_in_due_order() -> None:
    clock = Clock(frozen_at_ms=0)
    scheduler = Scheduler(clock, max_running=2)
    release = asyncio.Event()
    started: list[str] = []

    def blocked(name: str):
        async def job() -> None:
            started.append(name)
            await release.wait()
        return job

    for name in ("a", "b", "c"):
        scheduler.call_at(0, blocked(name))
    assert await scheduler.run_due(wait=False) == 2
    await asyncio.sleep(0)
    assert started == ["a", "b"] and scheduler.in_flight() == 2 and scheduler.pending() == 1
    release.set()  # a freed slot takes the next due job, without anyone moving the clock
    assert await scheduler.run_due() == 1 and started == ["a", "b", "c"] and scheduler.in_flight() == 0


async def test_a_hanging_job_times_out_alone_and_is_logged_in_one_line(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock(frozen_at_ms=0)
    scheduler = Scheduler(clock, job_timeout_s=0.05)
    ran: list[str] = []

    async def hangs() -> None:
        await asyncio.sleep(3600)

    async def fine() -> None:
        ran.append("fine")

    scheduler.call_at(0, hangs)
    scheduler.call_at(0, fine)
    with caplog.at_level(logging.ERROR, logger="mockserver.scheduler"):
        assert await scheduler.run_due() == 2
    assert ran == ["fine"] and scheduler.failed == 1
    [record] = caplog.records
    assert "did not finish within 0.05 s" in record.getMessage() and record.exc_info is None


async def test_a_due_instant_that_is_not_an_integer_never_reaches_the_queue() -> None:
    scheduler = Scheduler(Clock(frozen_at_ms=0))

    async def job() -> None:
        return None

    for bad in ("soon", 1.5, None, True):
        with pytest.raises(TypeError, match="due_ms must be an integer"):
            scheduler.call_at(bad, job)  # type: ignore[arg-type]
    scheduler.call_at(0, job)
    assert scheduler.pending() == 1 and await scheduler.run_due() == 1


async def test_clear_drops_waiting_work_and_cancels_running_jobs() -> None:
    clock = Clock(frozen_at_ms=0)
    scheduler = Scheduler(clock)
    cancelled = asyncio.Event()

    async def long_job() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    async def later() -> None:
        raise AssertionError("cleared work must not run")

    scheduler.call_at(0, long_job)
    scheduler.call_at(10, later)
    await scheduler.run_due(wait=False)
    await asyncio.sleep(0)
    scheduler.clear()
    await asyncio.wait_for(cancelled.wait(), 5)
    clock.advance(10)
    assert await scheduler.run_due() == 0 and scheduler.in_flight() == 0


async def test_work_its_owner_forgot_is_swept_out_never_started_and_never_next_due() -> None:
    """Under a frozen clock nothing falls due, so dead entries must not pile up with every job scheduled."""
    scheduler = Scheduler(Clock(frozen_at_ms=0))
    kept: set[int] = set()
    ran: list[int] = []

    def work(n: int):
        async def job() -> None:
            ran.append(n)
        return job

    for n in range(20_000):
        kept.add(n)
        kept.discard(n - 3)  # the owner keeps its latest three
        scheduler.call_at(1_000 + n, work(n), lambda n=n: n in kept)
        assert len(scheduler._queue) <= 2 * 1024 + 1  # swept whenever it doubles past the floor
    assert scheduler.pending() == 3 and scheduler.next_due_ms() == 1_000 + 19_997
    scheduler.clock.advance(10**6)
    assert await scheduler.run_due() == 3 and ran == [19_997, 19_998, 19_999]


class _OneSharedJob:
    """A shared schedule (store/redis_schedule.py's calls) holding one due job."""

    lease_ms = 30_000

    def __init__(self) -> None:
        self.waiting = [(1_000, "attempt dlv_1")]
        self.released: list[str] = []

    def add(self, due_ms: int, member: str) -> None:
        self.waiting.append((due_ms, member))

    async def flush(self) -> None:
        pass

    async def claim(self, now_ms: int, limit: int) -> list[tuple[int, str]]:
        claimed, self.waiting = self.waiting[:limit], self.waiting[limit:]
        return claimed

    async def release(self, due_ms: int, member: str) -> None:
        self.released.append(member)

    async def renew(self, held: list[tuple[int, str]]) -> None:
        pass

    async def count(self) -> int:
        return len(self.waiting)


async def test_a_claimed_shared_job_sees_the_state_as_of_its_claim() -> None:
    state = {"done_elsewhere": False, "seen": False}  # what the last catch-up brought in
    scheduler = Scheduler(Clock(frozen_at_ms=2_000))
    shared = _OneSharedJob()
    scheduler.shared = shared
    catch_ups = 0

    async def catch_up() -> None:
        nonlocal catch_ups
        catch_ups += 1
        state["seen"] = state["done_elsewhere"]

    async def claim(now_ms: int, limit: int) -> list[tuple[int, str]]:
        # Another process makes this attempt and releases it between the catch-up before the claim and the claim.
        state["done_elsewhere"] = True
        return await _OneSharedJob.claim(shared, now_ms, limit)

    shared.claim = claim  # type: ignore[method-assign]
    attempts: list[str] = []

    async def attempt(key: str) -> None:
        if not state["seen"]:  # a job acts on what its process knows
            attempts.append(key)

    scheduler.catch_up = catch_up
    scheduler.handle("attempt", attempt)
    await scheduler.run_due()
    assert attempts == [] and shared.released == ["attempt dlv_1"] and catch_ups >= 2
