"""Work due at instants of the mock's clock, each job isolated in its own task.

With a running clock a background loop starts work as real time reaches it.
With a frozen clock nothing is due until someone moves the clock; whoever
moves it (the admin API, the pytest fixture) then calls `run_due()`, so a
five-minute retry schedule plays out in milliseconds.

Jobs run concurrently, at most `max_running` at a time (a bounded pool), in
the order they fell due; each gets `job_timeout_s`. A job that raises or
hangs is logged in one line and costs only its own slot: one slow webhook
receiver delays no one else, and nothing a job does can stop the loop.

Named jobs (`handle` a kind, then `schedule(due, kind, key)`) are data, not
closures: with a shared schedule (the Redis store's) any process may run
them. This scheduler then claims due jobs with a lease, runs them in its
pool like its own, renews the leases while they run and releases them after.

Work its owner has since forgotten (a callback whose delivery fell out of the
kept ones) is dropped: a job may come with a `live` check (a named job's kind
with one for its keys), dead entries are never started, and the queue is
swept of them whenever it doubles, so under a frozen clock it stays within
twice the live work (amortised O(1) a job) instead of growing with every
submit.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from typing import AsyncIterator, Awaitable, Callable, Protocol

from mockserver.core.background import running
from mockserver.core.clock import Clock
from mockserver.core.throttled_log import ThrottledLog

log = logging.getLogger("mockserver.scheduler")

Job = Callable[[], Awaitable[None]]
NamedJob = Callable[[str], Awaitable[None]]  # run with the key it was scheduled with
Live = Callable[[], bool]  # whether a queued job still has anything to do
_SWEEP_FLOOR = 1024  # queue length below which dead entries are left for their instant


class SharedSchedule(Protocol):
    """Named jobs kept outside the process (store/redis_schedule.py)."""

    lease_ms: int

    def add(self, due_ms: int, member: str) -> None: ...
    async def flush(self) -> None: ...
    async def claim(self, now_ms: int, limit: int) -> list[tuple[int, str]]: ...
    async def release(self, due_ms: int, member: str) -> None: ...
    async def renew(self, held: list[tuple[int, str]]) -> None: ...
    async def count(self) -> int: ...


def _alive(entry: tuple[int, int, Job, Live | None]) -> bool:
    return entry[3] is None or entry[3]()


def _name(job: Job) -> str:
    return getattr(job, "__qualname__", None) or type(job).__name__


class Scheduler:
    def __init__(self, clock: Clock, poll_interval_s: float = 0.05, max_running: int = 32,
                 job_timeout_s: float = 60.0) -> None:
        self.clock = clock
        self.poll_interval_s = poll_interval_s
        self.max_running = max_running
        self.job_timeout_s = job_timeout_s  # a backstop: callbacks time out after 30 s on their own
        self._queue: list[tuple[int, int, Job, Live | None]] = []
        self._sweep_at = _SWEEP_FLOOR  # the queue length that sets off the next sweep
        self._order = itertools.count()  # ties start in the order they were scheduled
        self._running: set[asyncio.Task[None]] = set()
        self.started = 0  # jobs started since creation
        self.failed = 0  # jobs that raised or timed out
        self._handlers: dict[str, NamedJob] = {}
        self._live_keys: dict[str, Callable[[str], bool]] = {}  # kind -> whether a key still has work
        self.shared: SharedSchedule | None = None
        self.catch_up: Callable[[], Awaitable[None]] | None = None  # brings the state up to date before a claim
        self._held: set[tuple[int, str]] = set()  # shared jobs this process claimed and has not finished
        self._renewed_at = 0.0
        self._notes = ThrottledLog(log)  # a pass failing the same way again and again is one line per 10 s

    def handle(self, kind: str, run: NamedJob, live: Callable[[str], bool] | None = None) -> None:
        """Run `run(key)` for each job scheduled as `kind`; `live(key)` says whether a queued one still has work."""
        self._handlers[kind] = run
        if live is not None:
            self._live_keys[kind] = live

    def schedule(self, due_ms: int, kind: str, key: str) -> None:
        """A named job: here, or in the shared schedule where any process sharing it may run it."""
        if self.shared is None:
            live = self._live_keys.get(kind)
            self.call_at(due_ms, self._named(kind, key), None if live is None else lambda: live(key))
        else:
            self.shared.add(due_ms, f"{kind} {key}")

    def _named(self, kind: str, key: str) -> Job:
        async def run() -> None:
            handler = self._handlers.get(kind)
            if handler is not None:
                await handler(key)

        run.__qualname__ = kind
        return run

    async def _claim_shared(self) -> None:
        """Take due shared jobs, as many as free slots allow, into this process's queue."""
        if self.shared is None:
            return
        free = self.max_running - len(self._running) - len(self._queue)
        claimed = await self.shared.claim(self.clock.now_ms(), max(free, 0))
        if claimed and self.catch_up is not None:
            # What the jobs act on may have changed between the last catch-up and the claim (another process
            # finished this very attempt and released it): a job must see that, or it would run twice.
            await self.catch_up()
        for due_ms, member in claimed:
            kind, _, key = member.partition(" ")
            self._held.add((due_ms, member))
            self.call_at(due_ms, self._released(due_ms, member, self._named(kind, key)))

    def _released(self, due_ms: int, member: str, job: Job) -> Job:
        async def run() -> None:
            try:
                await job()
            finally:
                self._held.discard((due_ms, member))
                if self.shared is not None:
                    await self.shared.release(due_ms, member)

        run.__qualname__ = getattr(job, "__qualname__", "job")
        return run

    async def _renew_leases(self) -> None:
        """Keep the leases of the shared jobs this process holds from running out while they wait or run."""
        if self.shared is None or not self._held:
            return
        now = asyncio.get_running_loop().time()
        if now - self._renewed_at >= self.shared.lease_ms / 3000:
            self._renewed_at = now
            await self.shared.renew(sorted(self._held))

    def call_at(self, due_ms: int, job: Job, live: Live | None = None) -> None:
        """Start `job` once the clock reaches `due_ms`, unless `live` (when given) says it is dead by then."""
        # Checked here, because a non-integer in the heap would break every later comparison.
        if isinstance(due_ms, bool) or not isinstance(due_ms, int):
            raise TypeError(f"due_ms must be an integer of epoch milliseconds, not {due_ms!r}")
        heapq.heappush(self._queue, (due_ms, next(self._order), job, live))
        if len(self._queue) > self._sweep_at:
            self._sweep()

    def _sweep(self) -> None:
        """Drop dead entries; the next sweep waits until the queue has doubled again."""
        self._queue = [entry for entry in self._queue if _alive(entry)]
        heapq.heapify(self._queue)
        self._sweep_at = max(_SWEEP_FLOOR, 2 * len(self._queue))

    def _drop_dead_head(self) -> None:
        while self._queue and not _alive(self._queue[0]):
            heapq.heappop(self._queue)

    def pending(self) -> int:
        """Jobs waiting for their instant (or for a free slot), dead ones not counted."""
        return sum(1 for entry in self._queue if _alive(entry))

    async def scheduled(self) -> int:
        """Jobs waiting, here or (with a shared schedule) in any process."""
        return await self.shared.count() if self.shared is not None else self.pending()

    def in_flight(self) -> int:
        """Jobs started and not finished yet."""
        return len(self._running)

    def next_due_ms(self) -> int | None:
        self._drop_dead_head()
        return self._queue[0][0] if self._queue else None

    def clear(self) -> None:
        """Forget waiting work and cancel the running jobs (a reset or a state import)."""
        self._queue.clear()
        self._sweep_at = _SWEEP_FLOOR
        self._held.clear()  # a shared schedule is emptied by the reset's own command
        for task in list(self._running):
            task.cancel()

    def _due(self) -> bool:
        self._drop_dead_head()
        return bool(self._queue) and self._queue[0][0] <= self.clock.now_ms()

    def start_due(self) -> int:
        """Start what is due by now, as far as free slots allow; the rest starts as slots free up."""
        started = 0
        while self._due() and len(self._running) < self.max_running:
            _, _, job, _ = heapq.heappop(self._queue)
            task = asyncio.get_running_loop().create_task(self._isolated(job), name=f"mockserver-job {_name(job)}")
            self._running.add(task)
            task.add_done_callback(self._finished)
            started += 1
        self.started += started
        return started

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        try:
            self.start_due()  # a freed slot takes the next due job, and due work a job scheduled
        except Exception as error:  # noqa: BLE001 - a done-callback must never raise into the loop
            log.error("scheduler could not start due work: %s: %s", type(error).__name__, error)

    async def _isolated(self, job: Job) -> None:
        deadline = asyncio.timeout(self.job_timeout_s)
        try:
            async with deadline:
                await job()
        except Exception as error:  # noqa: BLE001 - one failing job must not touch the others
            self.failed += 1
            if deadline.expired():
                log.error("scheduled job %s did not finish within %g s and was cancelled", _name(job),
                          self.job_timeout_s)
            else:
                log.error("scheduled job %s failed: %s: %s", _name(job), type(error).__name__, error)

    async def run_due(self, wait: bool = True) -> int:
        """Start everything due by now; with `wait`, also await it, and the due work it schedules.

        Returns how many jobs started meanwhile (by this call or by slots freeing up).
        """
        before = self.started
        while True:
            if self.catch_up is not None:
                await self.catch_up()  # the state the jobs act on, and what they scheduled
            await self._claim_shared()
            self.start_due()
            if not wait or not (self._running or self._due()):
                return self.started - before
            if self._running:
                await asyncio.wait(set(self._running))

    async def run_forever(self) -> None:
        while True:
            try:
                if self.catch_up is not None:
                    await self.catch_up()  # also learns of a clock another process moved
                if not self.clock.frozen:
                    await self._claim_shared()
                    self.start_due()
                await self._renew_leases()
            except Exception as error:  # noqa: BLE001 - the loop must outlive anything
                reason = f"{type(error).__name__}: {error}"
                self._notes.say(logging.ERROR, reason, f"scheduler pass failed: {reason}")
            await asyncio.sleep(self.poll_interval_s)

    async def close(self) -> None:
        """Cancel the running jobs and wait until they are gone."""
        tasks = list(self._running)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

    async def lifecycle(self, _app: object) -> AsyncIterator[None]:
        """For `app.cleanup_ctx`: run the loop while the app is up."""
        async with running(self.run_forever(), "mockserver-scheduler"):
            yield
        await self.close()
