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

from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any, Iterator

from mockserver.core.clock import check_instant_ms
from mockserver.core.errors import StateProblem


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
    jobs are forgotten, so a long-lived server stays small. Every operation is
    O(1) (amortised for `purge`): jobs are kept in submission order.
    """

    def __init__(self, ttl_ms: int | None = None, capacity: int | None = None) -> None:
        self.ttl_ms = ttl_ms
        self.capacity = capacity  # at most this many jobs; the oldest are forgotten first
        # Ordered, with O(1) removal at the front (a plain dict slows down when emptied from the front).
        self._jobs: OrderedDict[str, Job] = OrderedDict()

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
                self._jobs.popitem(last=False)

    def __contains__(self, job_id: object) -> bool:
        return job_id in self._jobs

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
        """Drop the expired jobs at the front (the oldest); one expiring out of turn (forced to end
        early) answers as unknown already and goes when its turn comes or the capacity pushes it out."""
        gone = 0
        while self._jobs:
            job = next(iter(self._jobs.values()))
            if not self.expired(job, now_ms):
                break
            self._jobs.popitem(last=False)
            gone += 1
        return gone

    def export(self) -> list[dict[str, Any]]:
        return [job.to_data() for job in self._jobs.values()]

    def load(self, data: list[dict[str, Any]]) -> None:
        """Replace every job; raises `StateProblem` for more jobs than kept, a repeated id, or a job
        that would finish outside the instants the mock can show."""
        if self.capacity is not None and len(data) > self.capacity:
            raise StateProblem("", f"{len(data)} jobs, but this server keeps at most {self.capacity} (--max-jobs)")
        self._jobs = OrderedDict()
        for index, item in enumerate(data):
            job = Job.from_data(item)
            if job.id in self._jobs:
                raise StateProblem(f"[{index}].id", f"{job.id!r} is used twice")
            try:
                check_instant_ms(job.finishes_ms, "the instant the job finishes (submitted_ms + stages)")
            except ValueError as error:
                raise StateProblem(f"[{index}].stages", str(error)) from None
            self._jobs[job.id] = job
