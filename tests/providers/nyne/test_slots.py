"""RunningJobs answers exactly what scanning every job in flight answered, in O(limit · log n)."""

from __future__ import annotations

import random

from mockserver.core.jobs import Job, JobStore, Outcome, Stage
from mockserver.providers.nyne.slots import RunningJobs


def _scanned(store: JobStore, ids: list[str], earliest_ms: int, limit: int, now_ms: int) -> int:
    """The rule as it was first written: a scan of the credential's jobs still running."""
    running = [job for job in map(store.peek, ids) if job is not None and job.finishes_ms > now_ms]
    start = max([earliest_ms, *(job.submitted_ms + (job.stages[0].duration_ms if job.stages else 0) for job in running)])
    finishes = sorted(job.finishes_ms for job in running)
    return max(start, finishes[len(finishes) - limit]) if len(finishes) >= limit else start


def test_the_same_start_as_a_full_scan_through_submits_forced_ends_and_forgotten_jobs() -> None:
    rng = random.Random(16)
    for limit in (1, 2, 5):
        store, running, ids, now = JobStore(capacity=40), RunningJobs(), [], 0
        for n in range(600):
            now += rng.choice((0, 0, 250, 1_000, 7_000))
            earliest = now + rng.choice((0, 500))
            kept = lambda job: store.peek(job.id) is job  # noqa: E731
            expected = _scanned(store, ids, earliest, limit, now)
            assert running.start_at(earliest, limit, kept) == expected, (limit, n)
            pending = expected - now
            job = Job(f"j{n}", "key", now, (Stage("pending", pending), Stage("queued", rng.choice((0, 1_000))),
                                              Stage("processing", rng.choice((1, 4_000, 9_000)))), Outcome("completed"))
            store.add(job)  # beyond 40 jobs the oldest are forgotten
            running.add(job, pending)
            ids.append(job.id)
            if rng.random() < 0.1:  # an admin forces some job to end now
                forced = store.peek(rng.choice(ids[-40:]))
                if forced is not None:
                    store.replace(forced.settle(Outcome("failed"), now))
