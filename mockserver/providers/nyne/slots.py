"""When a job of a credential with a concurrent-job limit may leave `pending`, in O(limit · log n) a submit.

A new job leaves `pending` no earlier than its own earliest instant, no earlier
than any job submitted before it does (first come, first served), and once
fewer than `limit` of the credential's jobs are still running: at the
limit-th largest finishing instant among them. Both maxima are taken over the
credential's jobs the store still holds; a job that finished before now can
never move the answer, because the earliest instant asked about is never
before now. So jobs need not be dropped as they finish: two max-heaps with lazy
removal answer each question, and an entry whose job the store forgot or
replaced (forced to end) is dropped when it reaches the top.
"""

from __future__ import annotations

import heapq
import itertools
from typing import Callable

from mockserver.core.jobs import Job

Kept = Callable[[Job], bool]  # whether the store still holds this very job


class RunningJobs:
    """One credential's jobs, by the instant each leaves `pending` and the instant it finishes."""

    def __init__(self) -> None:
        self._order = itertools.count()  # ties never compare jobs
        self._leaves: list[tuple[int, int, Job]] = []  # (-(leaves pending at), order, job)
        self._finishes: list[tuple[int, int, Job]] = []  # (-finishes at, order, job)

    def __len__(self) -> int:
        return len(self._finishes)

    def add(self, job: Job, pending_ms: int) -> None:
        order = next(self._order)
        heapq.heappush(self._leaves, (-(job.submitted_ms + pending_ms), order, job))
        heapq.heappush(self._finishes, (-job.finishes_ms, order, job))

    def start_at(self, earliest_ms: int, limit: int, kept: Kept) -> int:
        """When a new job may leave `pending`; `earliest_ms` must not be before now."""
        while self._leaves and not kept(self._leaves[0][2]):
            heapq.heappop(self._leaves)
        start = max(earliest_ms, -self._leaves[0][0]) if self._leaves else earliest_ms
        largest: list[tuple[int, int, Job]] = []
        while self._finishes and len(largest) < limit:
            entry = heapq.heappop(self._finishes)
            if kept(entry[2]):
                largest.append(entry)
        for entry in largest:
            heapq.heappush(self._finishes, entry)
        if len(largest) == limit:
            start = max(start, -largest[-1][0])  # then only limit - 1 are left running
        return start
