"""OutX LinkedIn agent tasks: team members, like-post tasks and their consequences.

A task is planned whole when it is accepted (core/jobs.py): pending for a few
seconds of clock time, then completed. Its consequence — a like by the team's
oldest admin on every team watchlist that tracks the post — goes into the
watchlists' overlay at once, stamped with the completion time, so it becomes
visible exactly when the task reports `completed`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from mockserver.core.clock import parse_instant_ms
from mockserver.core.jobs import Job, JobStore, Outcome, Stage
from mockserver.core.world import derive, derived_uuid, slugify, stable_key
from mockserver.providers.outx.watchlist import AgentLike, Watchlist

TASK_TYPE_LIKE = "agent_post_like"
PENDING, COMPLETED = "pending", "completed"
ACTIVITY_URN = re.compile(r"urn:li:activity:[0-9]{1,25}")


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    full_name: str
    role: str  # "admin" or "member"
    joined_at_ms: int
    headline: str

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> "Member":
        return cls(spec["id"], spec["full_name"], spec["role"], parse_instant_ms(spec["joined_at"]),
                   spec.get("headline", ""))

    def as_author(self) -> dict[str, Any]:
        """How the member appears as the author of an interaction."""
        return {"id": self.id, "full_name": self.full_name,
                "author_slug": f"{slugify(self.full_name)}-{self.id.replace('-', '')[:6]}",
                "headline": self.headline, "author_type": "user"}


def extension_flag(member_id: str) -> str:
    return f"member:{member_id}:extension_active"


def oldest_admin(members: Iterable[Member]) -> Member | None:
    """The admin who joined first (ties broken by id, so the choice is stable)."""
    admins = [member for member in members if member.role == "admin"]
    return min(admins, key=lambda m: (m.joined_at_ms, m.id)) if admins else None


class AgentDesk:
    """Every team's agent tasks, and the likes they caused."""

    def __init__(self, seed: int, min_ms: int, max_ms: int, max_jobs: int | None = None) -> None:
        self._key = stable_key(seed, "outx", "agent-task")
        self._min_ms, self._max_ms = min_ms, max_ms
        self.jobs = JobStore(capacity=max_jobs)
        self._accepted = 0
        self._liked: set[tuple[str, str]] = set()  # (member id, urn) already liked or being liked

    def like(self, team_id: str, admin: Member, urn: str, now_ms: int, watchlists: list[Watchlist]) -> Job:
        index = self._accepted
        job_id = derived_uuid(self._key, index)
        duration = self._min_ms + derive(self._key, index, 2) % (self._max_ms - self._min_ms + 1)
        job = Job(id=job_id, owner=team_id, submitted_ms=now_ms, stages=(Stage(PENDING, duration),),
                  outcome=Outcome(COMPLETED), input={"task_type": TASK_TYPE_LIKE, "social_urn": urn})
        job = self._perform(job, admin, watchlists)
        self.jobs.add(job)
        self._accepted += 1
        return job

    def _perform(self, job: Job, admin: Member, watchlists: list[Watchlist]) -> Job:
        """Plan the outcome and put its consequence in the overlay (once per admin and post)."""
        urn = job.input["social_urn"]
        already = (admin.id, urn) in self._liked
        self._liked.add((admin.id, urn))
        if not already:
            for watchlist in watchlists:
                post = watchlist.post_index_of(urn, job.submitted_ms)
                if post is not None:
                    like_id = derived_uuid(stable_key(job.id, watchlist.id), 0)
                    watchlist.add_agent_like(AgentLike(like_id, job.finishes_ms, post, admin.as_author()))
        output = {"liked": True, "already_liked": already, "social_urn": urn,
                  "performed_by": {"id": admin.id, "full_name": admin.full_name},
                  "completed_at": job.finishes_ms}
        return Job(job.id, job.owner, job.submitted_ms, job.stages, Outcome(COMPLETED, output), job.input)

    def task_json(self, job: Job, now_ms: int) -> dict[str, Any]:
        status = job.status_at(now_ms)
        return {"id": job.id, "status": status, "task_input": job.input,
                "task_output": job.outcome.output if status == COMPLETED else None}

    def export_state(self) -> dict[str, Any]:
        return {"accepted": self._accepted, "tasks": self.jobs.export()}

    def import_state(self, state: dict[str, Any], members: dict[str, Member],
                     watchlists_of: dict[str, list[Watchlist]]) -> None:
        """Replay accepted tasks in order; the overlay follows from them."""
        for data in state.get("tasks", []):  # exported in acceptance order
            job = Job.from_data(data)
            performer = members[job.outcome.output["performed_by"]["id"]]
            self.jobs.add(self._perform(job, performer, watchlists_of.get(job.owner, [])))
        self._accepted = int(state.get("accepted", len(self.jobs)))
