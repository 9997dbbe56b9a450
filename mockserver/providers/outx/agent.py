"""OutX LinkedIn agent tasks: team members, like-post tasks and their consequences.

A task is planned whole when it is accepted (core/jobs.py): pending for a few
seconds of clock time, then completed, or failed when the admin API asked for
it. Its consequence (a like by the team's oldest admin on every team watchlist
that tracks the post) goes into the watchlists' overlay at once, stamped with
the completion time, so it becomes visible exactly when the task reports
`completed`. Of several tasks liking the same post as the same admin, the
first that does not fail performs the like; the others report `already_liked`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Iterable

from mockserver.core.clock import parse_instant_ms
from mockserver.core.errors import StateProblem, state_part
from mockserver.core.jobs import Job, JobStore, Outcome, Stage
from mockserver.core.world import derive, derived_uuid, slugify, stable_key
from mockserver.providers.outx.watchlist import AgentLike, Watchlist

TASK_TYPE_LIKE = "agent_post_like"
PENDING, COMPLETED, FAILED = "pending", "completed", "failed"
DEFAULT_FAILURE = "The LinkedIn agent could not like the post: the browser extension did not answer"
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


@dataclass(frozen=True, slots=True)
class TaskRule:
    """How tasks not yet accepted will end, set through the admin API.

    `social_urn` None: the next accepted task only (then the rule is spent);
    otherwise every task for that URN, until the rules are cleared.
    """

    status: str  # COMPLETED (at once, no pending phase) or FAILED (at the planned time)
    error: str | None = None
    social_urn: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> "TaskRule":
        if not isinstance(data, dict) or data.get("status") not in (COMPLETED, FAILED):
            raise ValueError('a task rule needs "status": "completed" or "failed"')
        error, urn = data.get("error"), data.get("social_urn")
        if error is not None and (not isinstance(error, str) or not error.strip() or len(error) > 500):
            raise ValueError('"error" must be a non-blank text of at most 500 characters')
        if urn is not None and (not isinstance(urn, str) or not ACTIVITY_URN.fullmatch(urn)):
            raise ValueError('"social_urn" must be an activity URN (urn:li:activity:<digits>)')
        if error is not None and data["status"] != FAILED:
            raise ValueError('"error" goes with "status": "failed" only')
        return cls(data["status"], error, urn)


@dataclass(frozen=True, slots=True)
class FoldedLike:
    """The like a forgotten task performed: what is needed to show it again after a restore."""

    task_id: str
    team_id: str
    admin_id: str
    social_urn: str
    submitted_ms: int
    completed_ms: int


class AgentDesk:
    """Every team's agent tasks, the likes they caused, and the rules that decide how future tasks end."""

    def __init__(self, seed: int, min_ms: int, max_ms: int, max_jobs: int | None = None) -> None:
        self._key = stable_key(seed, "outx", "agent-task")
        self._min_ms, self._max_ms = min_ms, max_ms
        self.jobs = JobStore(capacity=max_jobs)
        self._accepted = 0
        self.rules: list[TaskRule] = []
        # Per (admin id, urn): the tasks that like that post as that admin, in acceptance order, and the
        # one among them that performed the like (the first that did not fail).
        self._pairs: dict[tuple[str, str], list[str]] = {}
        self._likers: dict[tuple[str, str], str] = {}
        # Likes watchlists show whose task was forgotten (--max-jobs): kept and exported, so a restore
        # shows them too and the post is never liked twice (bounded: admins x tracked posts).
        self._folded: dict[tuple[str, str], FoldedLike] = {}
        self._targets: dict[str, tuple[list[Watchlist], dict[str, Any]]] = {}  # task -> watchlists, performer
        self._placed: dict[str, tuple[Job, list[tuple[Watchlist, AgentLike]]]] = {}  # task -> its likes

    def like(self, team_id: str, admin: Member, urn: str, now_ms: int, watchlists: list[Watchlist]) -> Job:
        index = self._accepted
        while derived_uuid(self._key, index) in self.jobs:  # an imported task may hold the next id
            index += 1
        job_id = derived_uuid(self._key, index)
        duration = self._min_ms + derive(self._key, index, 2) % (self._max_ms - self._min_ms + 1)
        rule = self._rule_for(urn)
        if rule is not None and rule.status == COMPLETED:
            duration = 0  # completed at once: clients can test their happy path fast
        output = {"performed_by": {"id": admin.id, "full_name": admin.full_name}}
        outcome = Outcome(FAILED, output, rule.error or DEFAULT_FAILURE) if rule is not None and \
            rule.status == FAILED else Outcome(COMPLETED, output)
        job = Job(id=job_id, owner=team_id, submitted_ms=now_ms, stages=(Stage(PENDING, duration),),
                  outcome=outcome, input={"task_type": TASK_TYPE_LIKE, "social_urn": urn})
        self.jobs.add(job)
        self._accepted = index + 1
        return self._perform(job, admin, watchlists)

    def _rule_for(self, urn: str) -> TaskRule | None:
        """The rule deciding a new task for this URN (a spent "next" rule is dropped)."""
        for position, rule in enumerate(self.rules):
            if rule.social_urn is None:
                del self.rules[position]
                return rule
            if rule.social_urn == urn:
                return rule
        return None

    def _perform(self, job: Job, admin: Member, watchlists: list[Watchlist]) -> Job:
        """Record the task against its (admin, post) pair; as the pair's newest, it performs the like
        unless an earlier one did (O(1): only a forced outcome makes the pair plan again)."""
        pair = (admin.id, job.input["social_urn"])
        self._pairs.setdefault(pair, []).append(job.id)
        self._targets[job.id] = (watchlists, admin.as_author())
        if len(self._targets) > 2 * len(self.jobs) + 64:
            self._forget_dropped()
        self._settle(pair, job, liked=pair in self._likers or pair in self._folded)
        found = self.jobs.peek(job.id)
        assert found is not None
        return found

    def _replan(self, pair: tuple[str, str]) -> None:
        """The first task of the pair that does not fail performs the like; every other one that
        completes says `already_liked`. The like sits in the overlay at its task's completion time."""
        self._likers.pop(pair, None)
        for job_id in self._pairs[pair]:
            job = self.jobs.peek(job_id)
            if job is None:
                continue  # forgotten; _forget_dropped tidies up
            for watchlist, placed in self._placed.pop(job_id, (job, []))[1]:
                watchlist.remove_agent_like(placed)
            self._settle(pair, job, liked=pair in self._likers or pair in self._folded)

    def _settle(self, pair: tuple[str, str], job: Job, liked: bool) -> None:
        if job.outcome.status != COMPLETED:
            return
        if not liked:
            self._likers[pair] = job.id
            watchlists, author = self._targets[job.id]
            self._placed[job.id] = (job, self._place(job.id, job.submitted_ms, job.finishes_ms, pair[1],
                                                     watchlists, author))
        output = {"liked": True, "already_liked": liked, "social_urn": pair[1],
                  "performed_by": job.outcome.output["performed_by"], "completed_at": job.finishes_ms}
        if output != job.outcome.output:
            self.jobs.replace(Job(job.id, job.owner, job.submitted_ms, job.stages, Outcome(COMPLETED, output),
                                  job.input))

    @staticmethod
    def _place(task_id: str, submitted_ms: int, completed_ms: int, urn: str, watchlists: list[Watchlist],
               author: dict[str, Any]) -> list[tuple[Watchlist, AgentLike]]:
        """A like on each watchlist that tracked the post when the task was accepted."""
        placed = []
        for watchlist in watchlists:
            post = watchlist.post_index_of(urn, submitted_ms)
            if post is not None:
                like = AgentLike(derived_uuid(stable_key(task_id, watchlist.id), 0), completed_ms, post, author)
                watchlist.add_agent_like(like)
                placed.append((watchlist, like))
        return placed

    def _forget_dropped(self) -> None:
        """Drop what is kept about tasks the store forgot; the likes watchlists show stay, for good."""
        for pair, job_ids in list(self._pairs.items()):
            kept = [job_id for job_id in job_ids if self.jobs.peek(job_id) is not None]
            for job_id in job_ids:
                if self.jobs.peek(job_id) is None:
                    self._targets.pop(job_id, None)
                    job, placed = self._placed.pop(job_id, (None, []))
                    if job is not None and placed:
                        self._folded[pair] = FoldedLike(job.id, job.owner, pair[0], pair[1], job.submitted_ms,
                                                        job.finishes_ms)
                    if self._likers.get(pair) == job_id:
                        del self._likers[pair]
            if kept:
                self._pairs[pair] = kept
            else:
                del self._pairs[pair]

    def force(self, task_id: str, rule: TaskRule, now_ms: int) -> Job:
        """End a pending task now, as completed or failed; a finished task cannot be changed."""
        job = self.jobs.peek(task_id)
        if job is None:
            raise KeyError(task_id)
        if job.is_finished(now_ms):
            raise ValueError(f"task {task_id} has already finished ({job.status_at(now_ms)}); only a pending task "
                             "can be forced")
        outcome = Outcome(FAILED, job.outcome.output, rule.error or DEFAULT_FAILURE) if rule.status == FAILED else \
            Outcome(COMPLETED, job.outcome.output)
        self.jobs.replace(job.settle(outcome, now_ms))
        self._replan((job.outcome.output["performed_by"]["id"], job.input["social_urn"]))
        found = self.jobs.peek(task_id)
        assert found is not None
        return found

    def task_json(self, job: Job, now_ms: int) -> dict[str, Any]:
        status = job.status_at(now_ms)
        data = {"id": job.id, "status": status, "task_input": job.input,
                "task_output": job.outcome.output if status == COMPLETED else None}
        if status == FAILED:
            data["error"] = job.outcome.error
        return data

    def export_state(self) -> dict[str, Any]:
        self._forget_dropped()  # likes of tasks forgotten since the last sweep go into `folded`
        return {"accepted": self._accepted, "tasks": self.jobs.export(),
                "rules": [asdict(rule) for rule in self.rules],
                "folded": [asdict(folded) for folded in self._folded.values()]}

    def import_state(self, state: dict[str, Any], members_of: dict[str, tuple[Member, ...]],
                     watchlists_of: dict[str, list[Watchlist]]) -> None:
        """Replay accepted tasks in order; the overlay follows from them."""
        for index, data in enumerate(state.get("folded", [])):  # before the tasks: they may say already_liked
            folded = FoldedLike(**data)
            team = members_of.get(folded.team_id, ())
            admin = next((m for m in team if m.id == folded.admin_id and m.role == "admin"), None)
            if admin is None:
                raise StateProblem(f".folded[{index}]", f"{folded.admin_id!r} is not an admin of team "
                                                        f"{folded.team_id!r} in the scenario")
            self._place(folded.task_id, folded.submitted_ms, folded.completed_ms, folded.social_urn,
                        watchlists_of[folded.team_id], admin.as_author())
            self._folded[(folded.admin_id, folded.social_urn)] = folded
        with state_part(".tasks"):
            self.jobs.load(state.get("tasks", []))  # exported in acceptance order
        for index, job in enumerate(list(self.jobs)):
            if job.owner not in members_of:
                raise StateProblem(f".tasks[{index}].owner", f"no team {job.owner!r} in the scenario")
            admin_id = job.outcome.output["performed_by"]["id"]
            performer = next((m for m in members_of[job.owner] if m.id == admin_id and m.role == "admin"), None)
            if performer is None:
                raise StateProblem(f".tasks[{index}].outcome.output.performed_by.id",
                                   f"{admin_id!r} is not an admin of team {job.owner!r}")
            self._perform(job, performer, watchlists_of[job.owner])
        rules = []
        for index, rule in enumerate(state.get("rules", [])):
            try:
                rules.append(TaskRule.from_json(rule))
            except ValueError as error:
                raise StateProblem(f".rules[{index}]", str(error)) from None
        self.rules = rules
        self._accepted = int(state.get("accepted", len(self.jobs)))
