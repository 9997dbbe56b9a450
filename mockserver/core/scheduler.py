"""Work due at instants of the mock's clock, each job isolated in its own task.

With a running clock a background loop starts work as real time reaches it.
With a frozen clock nothing is due until someone moves the clock; whoever
moves it (the admin API, the pytest fixture) then calls `run_due()`, so a
five-minute retry schedule plays out in milliseconds.

Jobs run concurrently, at most `max_running` at a time (a bounded pool), in
the order they fell due; each gets `job_timeout_s`. A job that raises or
hangs is logged in one line and costs only its own slot: one slow webhook
receiver delays no one else, and nothing a job does can stop the loop.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from typing import AsyncIterator, Awaitable, Callable

from mockserver.core.background import running
from mockserver.core.clock import Clock

log = logging.getLogger("mockserver.scheduler")

Job = Callable[[], Awaitable[None]]


def _name(job: Job) -> str:
    return getattr(job, "__qualname__", None) or type(job).__name__


class Scheduler:
    def __init__(self, clock: Clock, poll_interval_s: float = 0.05, max_running: int = 32,
                 job_timeout_s: float = 60.0) -> None:
        self.clock = clock
        self.poll_interval_s = poll_interval_s
        self.max_running = max_running
        self.job_timeout_s = job_timeout_s  # a backstop: callbacks time out after 30 s on their own
        self._queue: list[tuple[int, int, Job]] = []
        self._order = itertools.count()  # ties start in the order they were scheduled
        self._running: set[asyncio.Task[None]] = set()
        self.started = 0  # jobs started since creation
        self.failed = 0  # jobs that raised or timed out

    def call_at(self, due_ms: int, job: Job) -> None:
        # Checked here, because a non-integer in the heap would break every later comparison.
        if isinstance(due_ms, bool) or not isinstance(due_ms, int):
            raise TypeError(f"due_ms must be an integer of epoch milliseconds, not {due_ms!r}")
        heapq.heappush(self._queue, (due_ms, next(self._order), job))

    def pending(self) -> int:
        """Jobs waiting for their instant (or for a free slot)."""
        return len(self._queue)

    def in_flight(self) -> int:
        """Jobs started and not finished yet."""
        return len(self._running)

    def next_due_ms(self) -> int | None:
        return self._queue[0][0] if self._queue else None

    def clear(self) -> None:
        """Forget waiting work and cancel the running jobs (a reset or a state import)."""
        self._queue.clear()
        for task in list(self._running):
            task.cancel()

    def _due(self) -> bool:
        return bool(self._queue) and self._queue[0][0] <= self.clock.now_ms()

    def start_due(self) -> int:
        """Start what is due by now, as far as free slots allow; the rest starts as slots free up."""
        started = 0
        while self._due() and len(self._running) < self.max_running:
            _, _, job = heapq.heappop(self._queue)
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
        self.start_due()
        while wait and (self._running or self._due()):
            if self._running:
                await asyncio.wait(set(self._running))
            else:
                self.start_due()
        return self.started - before

    async def run_forever(self) -> None:
        while True:
            try:
                if not self.clock.frozen:
                    self.start_due()
            except Exception as error:  # noqa: BLE001 - the loop must outlive anything
                log.error("scheduler pass failed: %s: %s", type(error).__name__, error)
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
