"""The OutX world of a scenario: teams, their members, keys, watchlists and agent tasks."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from mockserver.core.errors import state_part
from mockserver.core.jobs import Job
from mockserver.core.world import DerivedParts, Flags, Pools
from mockserver.providers.outx.agent import AgentDesk, Member, TaskRule, extension_flag, oldest_admin
from mockserver.providers.outx.content import OutxContent
from mockserver.providers.outx.watchlist import Watchlist, WatchlistCast, WatchlistRenders


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    watchlist_ids: tuple[str, ...]
    members: tuple[Member, ...]

    @property
    def oldest_admin(self) -> Member | None:
        return oldest_admin(self.members)


MAX_TASK_RULES = 1000  # schemas/snapshot/outx.json says the same


def failure_flag(watchlist_id: str) -> str:
    return f"watchlist:{watchlist_id}:simulate_failure"


class OutxWorld:
    """Every OutX team and watchlist of a scenario, built for one seed and anchor time.

    Derived data never changes; what the API or the admin changes is the
    overlay (for now the flags), which `export_state` carries.
    """

    def __init__(self, section: dict[str, Any], seed: int, anchor_ms: int, pools: Pools,
                 content: OutxContent, max_jobs: int | None = None, derived: DerivedParts | None = None,
                 anchored: DerivedParts | None = None) -> None:
        derived = DerivedParts() if derived is None else derived
        anchored = DerivedParts() if anchored is None else anchored
        self.teams: dict[str, Team] = {}
        self.watchlists: dict[str, Watchlist] = {}
        self.api_keys: list[tuple[str, str]] = []
        defaults: dict[str, bool] = {}
        for team in section["teams"]:
            for spec in team["watchlists"]:
                cast = derived.get(("outx", "watchlist", spec["id"]), lambda: WatchlistCast.build(spec, seed, pools))
                renders = anchored.get(("outx", "renders", spec["id"]), WatchlistRenders)
                self.watchlists[spec["id"]] = Watchlist(spec, team["id"], seed, anchor_ms, pools, content, cast,
                                                        renders)
                defaults[failure_flag(spec["id"])] = spec.get("simulate_failure", False)
            members = derived.get(("outx", "members", team["id"]),
                                  lambda: tuple(Member.from_spec(member) for member in team.get("members", [])))
            for member, spec in zip(members, team.get("members", [])):
                defaults[extension_flag(member.id)] = spec.get("extension_active", False)
            self.teams[team["id"]] = Team(team["id"], team["name"], tuple(w["id"] for w in team["watchlists"]),
                                          members)
            self.api_keys.extend((key, team["id"]) for key in team["api_keys"])
        self.flags = Flags(defaults)
        timing = section.get("agent_task_seconds", {})
        self.agent = AgentDesk(seed, timing.get("min", 5) * 1000, timing.get("max", 20) * 1000, max_jobs)

    def has_active_extension(self, team: Team) -> bool:
        return any(self.flags[extension_flag(member.id)] for member in team.members)

    def team_watchlists(self, team_id: str) -> list[Watchlist]:
        return [self.watchlists[w] for w in self.teams[team_id].watchlist_ids]

    def like_post(self, team: Team, admin: Member, urn: str, now_ms: int) -> Job:
        return self.agent.like(team.id, admin, urn, now_ms, self.team_watchlists(team.id))

    def force_task(self, body: dict[str, Any], now_ms: int) -> dict[str, Any]:
        """The admin action: end a pending task now, or decide how the next task (or every task for a
        URN) will end: `{"status": "failed" | "completed", "error"?, and "task_id" | "next": true | "social_urn"}`."""
        unknown = sorted(set(body) - {"status", "error", "task_id", "next", "social_urn"})
        if unknown:
            raise ValueError(f"unknown member(s) {', '.join(unknown)}; send status, error, and one of task_id, "
                             "next, social_urn")
        targets = [name for name in ("task_id", "next", "social_urn") if body.get(name) not in (None, False)]
        if len(targets) != 1 or body.get("next") not in (None, False, True):
            raise ValueError('name exactly one target: "task_id": "<id>", "next": true, or "social_urn": "<urn>"')
        rule = TaskRule.from_json({name: body.get(name) for name in ("status", "error", "social_urn")})
        if targets == ["task_id"]:
            task_id = body["task_id"]
            if not isinstance(task_id, str):
                raise ValueError('"task_id" must be a string')
            job = self.agent.force(task_id, rule, now_ms)
            return {"task": self.agent.task_json(job, now_ms)}
        if len(self.agent.rules) >= MAX_TASK_RULES:  # admin-made, but a state must stay bounded all the same
            raise ValueError(f"at most {MAX_TASK_RULES} task rules are kept; clear them first")
        self.agent.rules.append(rule)
        return {"rule": asdict(rule), "rules": self.task_rules()}

    def task_rules(self) -> list[dict[str, Any]]:
        return [asdict(rule) for rule in self.agent.rules]

    def clear_task_rules(self) -> dict[str, int]:
        cleared = len(self.agent.rules)
        self.agent.rules.clear()
        return {"cleared": cleared}

    def default_credentials(self) -> dict[str, Any]:
        """The first team's first key and watchlist (what the docs' examples use), and a watchlist
        of another team (what a 403 needs)."""
        key, team_id = self.api_keys[0]
        own = self.teams[team_id].watchlist_ids
        foreign = [w for other in self.teams.values() if other.id != team_id for w in other.watchlist_ids]
        return {"headers": {"x-api-key": key}, "api_key": key, "team_id": team_id,
                "watchlist_id": own[0] if own else None, "foreign_watchlist_id": foreign[0] if foreign else None}

    def export_state(self) -> dict[str, Any]:
        return {"flags": self.flags.overrides(), "agent": self.agent.export_state()}

    def import_state(self, state: dict[str, Any]) -> None:
        """Onto a freshly built world: flags, then the agent tasks and their likes."""
        with state_part(".flags"):
            self.flags.restore(state.get("flags", {}))
        with state_part(".agent"):
            self.agent.import_state(state.get("agent", {}), {team.id: team.members for team in self.teams.values()},
                                    {team_id: self.team_watchlists(team_id) for team_id in self.teams})
