"""Work due at instants of the mock's clock.

With a running clock a background loop runs work as real time reaches it.
With a frozen clock nothing is due until someone moves the clock; whoever
moves it (the admin API, the pytest fixture) then awaits `run_due()`, so a
five-minute retry schedule plays out in milliseconds, in a fixed order.
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


class Scheduler:
    def __init__(self, clock: Clock, poll_interval_s: float = 0.05) -> None:
        self.clock = clock
        self.poll_interval_s = poll_interval_s
        self._queue: list[tuple[int, int, Job]] = []
        self._order = itertools.count()  # ties run in the order they were scheduled
        self._running = asyncio.Lock()

    def call_at(self, due_ms: int, job: Job) -> None:
        heapq.heappush(self._queue, (due_ms, next(self._order), job))

    def pending(self) -> int:
        return len(self._queue)

    def next_due_ms(self) -> int | None:
        return self._queue[0][0] if self._queue else None

    def clear(self) -> None:
        self._queue.clear()

    async def run_due(self) -> int:
        """Run everything due by now, including work that due work schedules for now."""
        ran = 0
        async with self._running:
            while self._queue and self._queue[0][0] <= self.clock.now_ms():
                _, _, job = heapq.heappop(self._queue)
                try:
                    await job()
                except Exception:  # one failing job must not stall the others
                    log.exception("scheduled job failed")
                ran += 1
        return ran

    async def run_forever(self) -> None:
        while True:
            if not self.clock.frozen:
                await self.run_due()
            await asyncio.sleep(self.poll_interval_s)

    async def lifecycle(self, _app: object) -> AsyncIterator[None]:
        """For `app.cleanup_ctx`: run the loop while the app is up."""
        async with running(self.run_forever(), "mockserver-scheduler"):
            yield
