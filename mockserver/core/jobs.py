"""Asynchronous jobs whose status is a pure function of the clock reading.

A job is planned completely when it is submitted: a sequence of stages, each
with a status name and a duration, then a terminal outcome (a status such as
"completed" or "failed", an output, an error text). Nothing runs in the
background: asking for the status at instant t walks the stages. That keeps
jobs deterministic under a frozen clock, cheap, and trivially exportable.
Providers build their own vocabulary on top (Nyne's queued -> processing ->
completed, OutX's pending -> completed agent tasks).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Iterator


@dataclass(frozen=True, slots=True)
class Stage:
    """A non-terminal phase: the status reported while it lasts, and how long it lasts."""

    status: str
    duration_ms: int

    def __post_init__(self) -> None:
        if self.duration_ms < 0:
            raise ValueError("a stage cannot last a negative time")


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a job ends: a terminal status, its output (JSON-safe) or an error text."""

    status: str
    output: Any = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Job:
    """One submitted job; `input` and `output` must be JSON-safe so snapshots can carry them."""

    id: str
    owner: str  # whoever may read it back (a team, an API key id)
    submitted_ms: int
    stages: tuple[Stage, ...]
    outcome: Outcome
    input: Any = None

    @property
    def finishes_ms(self) -> int:
        return self.submitted_ms + sum(stage.duration_ms for stage in self.stages)

    def is_finished(self, now_ms: int) -> bool:
        return now_ms >= self.finishes_ms

    def status_at(self, now_ms: int) -> str:
        """The stage's status while a stage lasts, the outcome's status from the finish on."""
        boundary = self.submitted_ms
        for stage in self.stages:
            boundary += stage.duration_ms
            if now_ms < boundary:
                return stage.status
        return self.outcome.status

    def settle(self, outcome: Outcome, at_ms: int) -> "Job":
        """The same job forced to end with `outcome` at `at_ms` (or when planned, if earlier)."""
        if at_ms >= self.finishes_ms:
            return replace(self, outcome=outcome)
        kept: list[Stage] = []
        boundary = self.submitted_ms
        for stage in self.stages:
            if at_ms <= boundary:
                break
            kept.append(Stage(stage.status, min(stage.duration_ms, at_ms - boundary)))
            boundary += stage.duration_ms
        return replace(self, stages=tuple(kept), outcome=outcome)

    def to_data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "owner": self.owner,
            "submitted_ms": self.submitted_ms,
            "stages": [[stage.status, stage.duration_ms] for stage in self.stages],
            "outcome": {"status": self.outcome.status, "output": self.outcome.output, "error": self.outcome.error},
            "input": self.input,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "Job":
        outcome = data["outcome"]
        return cls(
            id=str(data["id"]),
            owner=str(data["owner"]),
            submitted_ms=int(data["submitted_ms"]),
            stages=tuple(Stage(str(status), int(duration)) for status, duration in data["stages"]),
            outcome=Outcome(str(outcome["status"]), outcome.get("output"), outcome.get("error")),
            input=data.get("input"),
        )


class JobStore:
    """Jobs by id, scoped to their owner, forgotten `ttl_ms` after they finish.

    An expired job answers exactly like an unknown one; expired jobs are also
    dropped from memory when `purge` runs, and beyond `capacity` the oldest
    jobs are forgotten, so a long-lived server stays small.
    """

    def __init__(self, ttl_ms: int | None = None, capacity: int | None = None) -> None:
        self.ttl_ms = ttl_ms
        self.capacity = capacity  # at most this many jobs; the oldest are forgotten first
        self._jobs: dict[str, Job] = {}

    def __len__(self) -> int:
        return len(self._jobs)

    def __iter__(self) -> Iterator[Job]:
        return iter(self._jobs.values())

    def add(self, job: Job) -> None:
        if job.id in self._jobs:
            raise ValueError(f"job id {job.id!r} is already taken")
        self._jobs[job.id] = job
        if self.capacity is not None:
            while len(self._jobs) > self.capacity:  # a long-running mock must not grow without bound
                del self._jobs[next(iter(self._jobs))]

    def expired(self, job: Job, now_ms: int) -> bool:
        return self.ttl_ms is not None and now_ms >= job.finishes_ms + self.ttl_ms

    def get(self, job_id: str, now_ms: int, owner: str | None = None) -> Job | None:
        """The job, or None when unknown, expired, or owned by someone else."""
        job = self._jobs.get(job_id)
        if job is None or self.expired(job, now_ms) or (owner is not None and job.owner != owner):
            return None
        return job

    def peek(self, job_id: str) -> Job | None:
        """The job regardless of owner and expiry (deliveries of a finished job still need it)."""
        return self._jobs.get(job_id)

    def replace(self, job: Job) -> None:
        if job.id not in self._jobs:
            raise KeyError(job.id)
        self._jobs[job.id] = job

    def purge(self, now_ms: int) -> int:
        gone = [job_id for job_id, job in self._jobs.items() if self.expired(job, now_ms)]
        for job_id in gone:
            del self._jobs[job_id]
        return len(gone)

    def export(self) -> list[dict[str, Any]]:
        return [job.to_data() for job in self._jobs.values()]

    def load(self, data: list[dict[str, Any]]) -> None:
        jobs = [Job.from_data(item) for item in data]
        self._jobs = {job.id: job for job in jobs}
