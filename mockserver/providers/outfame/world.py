"""The Outfame world: accounts, their timelines (the overlay) and the questions the API asks of them."""

from __future__ import annotations

from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from mockserver.core.clock import DAY_MS, date_of_ms
from mockserver.core.errors import ApiError, StateProblem, state_part
from mockserver.core.memo import AnswerMemo
from mockserver.core.world import DerivedParts, Pools, derive, unit_float
from mockserver.providers.outfame import errors
from mockserver.providers.outfame.accounts import (
    ACTION_TYPES, ACTIVE, PAUSED, REQUIRED_SCOPE, SETUP, SUSPENDED, Account, Directory,
)
from mockserver.providers.outfame.audience import Audience, audience_for
from mockserver.providers.outfame.engine import COMPLETED, DayPlan, plan_day
from mockserver.providers.outfame.render import action, iso_seconds, quality_of
from mockserver.providers.outfame.timeline import MAX_EVENTS, PAUSE, RESUME, Event, Timeline

QUEUE_HORIZON_MS = 15 * 60_000  # attempts planned this soon are the queue, shown as pending
_PLAN_CACHE_SIZE = 256
# Whole answers and rendered actions kept; when full a cache starts over (cheap, and the working set refills).
_ANSWER_CACHE_SIZE = 1024
_PAGE_ITEM_BYTES = 200  # about what one action of an activity page is as JSON (a page and its bytes hold ~3x that)
_ACTION_CACHE_SIZE = 8192
_S_RESUME, _S_RATES = 60, 61
# Follow-back rates per action type: (lowest, spread); drawn once per account and day.
_RATES = (("like_to_follow_back", 0.03, 0.04), ("follow_to_follow_back", 0.15, 0.14),
          ("comment_to_follow_back", 0.10, 0.10), ("story_view_to_follow_back", 0.02, 0.03))
_STATS_KEYS = ("likes", "follows", "comments", "story_views")


@dataclass(frozen=True, slots=True)
class ActivityPage:
    data: list[dict[str, Any]]
    last_seq: int | None  # sequence number of the page's last (oldest) action
    has_more: bool
    # The handler's rendering of this (memoised, never changing) page, kept with it: see OutfameApi.activity.
    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


class OutfameWorld:
    """Everything one seed and scenario define, plus the pauses and resumes made since."""

    def __init__(self, section: dict[str, Any], seed: int, anchor_ms: int, pools: Pools,
                 derived: DerivedParts | None = None) -> None:
        self.seed = seed
        self.directory = Directory(section, seed, anchor_ms, pools, derived)
        self.audience: Audience = audience_for(seed, pools)
        self.timelines = {account_id: Timeline(account) for account_id, account in self.directory.accounts.items()}
        self._plans: OrderedDict[tuple[str, int, int], DayPlan] = OrderedDict()
        # Memos of whole answers. Keys hold the account's Timeline object itself (identity: a state import
        # makes new ones, never equal to an old one) and its revision (every pause or resume changes it),
        # so nothing cached before a change can answer after it. The clock enters only through counts of
        # attempts, which change exactly when an answer does.
        self._pages: AnswerMemo[ActivityPage] = AnswerMemo(_ANSWER_CACHE_SIZE)
        self._stats: dict[tuple[Any, ...], dict[str, Any]] = {}
        # Rendered actions, keyed by everything `render.action` reads, so they outlive plan changes.
        self._actions: dict[tuple[Any, ...], dict[str, Any]] = {}

    # -- lookups and plans -----------------------------------------------------

    def account(self, account_id: str, workspace_id: str) -> Account:
        """The account, if this workspace owns it; another workspace's account looks absent."""
        found = self.directory.accounts.get(account_id)
        if found is None or found.workspace_id != workspace_id:
            raise errors.account_not_found(account_id)
        return found

    def plan(self, account: Account, day: int) -> DayPlan:
        timeline = self.timelines[account.id]
        cache_key = (account.id, day, timeline, timeline.revision)
        cached = self._plans.get(cache_key)
        if cached is not None:
            self._plans.move_to_end(cache_key)
            return cached
        # Only what touches the day: O(log n + the day's events), however long the history.
        window = (day * DAY_MS, (day + 1) * DAY_MS)
        made = plan_day(account, day, timeline.periods_touching(*window), timeline.burns_between(*window))
        self._plans[cache_key] = made
        if len(self._plans) > _PLAN_CACHE_SIZE:
            self._plans.popitem(last=False)
        return made

    def _queue(self, account: Account, now_ms: int) -> tuple[DayPlan, int, int]:
        """Today's plan and the positions [lo, hi) of the queued (pending) attempts."""
        plan = self.plan(account, now_ms // DAY_MS)
        return plan, plan.upto(now_ms), plan.upto(now_ms + QUEUE_HORIZON_MS)

    # -- activity ----------------------------------------------------------------

    def activity(self, account: Account, day: int, kind: int | None, limit: int,
                 before_seq: int | None, now_ms: int) -> ActivityPage:
        """Newest first: the day's actions so far plus the queue, below `before_seq` when given."""
        if day > now_ms // DAY_MS:
            return ActivityPage([], None, False)  # the queue only ever holds today's attempts
        plan = self.plan(account, day)
        # The clock matters only through how many attempts are shown (performed or queued) and how
        # many of those are performed (the rest read "pending").
        shown, performed = plan.upto(now_ms + QUEUE_HORIZON_MS), plan.upto(now_ms)
        timeline = self.timelines[account.id]
        key = (account.id, timeline, timeline.revision, day, kind, limit, before_seq, shown, performed)
        page = self._pages.get(key)
        if page is None:
            page = self._activity(account, plan, kind, limit, before_seq, shown, now_ms)
            self._pages.put(key, page, _PAGE_ITEM_BYTES * len(page.data))
        return page

    def _activity(self, account: Account, plan: DayPlan, kind: int | None, limit: int, before_seq: int | None,
                  shown: int, now_ms: int) -> ActivityPage:
        # Times and seqs both increase with the position, so "time <= now + horizon" is "position <
        # shown" and "seq < before_seq" is "position < bisect_left(seqs, before_seq)": no per-request lists.
        bound = shown if before_seq is None else min(shown, bisect_left(plan.seqs, before_seq))
        positions = plan.positions(kind)
        top = bisect_left(positions, bound)
        chosen = positions[max(0, top - limit):top][::-1]
        data = [self._action(account, plan, pos, now_ms) for pos in chosen]
        last_seq = plan.seqs[chosen[-1]] if chosen else None
        return ActivityPage(data, last_seq, top - len(chosen) > 0)

    def _action(self, account: Account, plan: DayPlan, pos: int, now_ms: int) -> dict[str, Any]:
        """One rendered action, cached on every plan value it reads and on whether it has happened yet."""
        time_ms = plan.times[pos]
        key = (account.id, plan.g(pos), plan.kinds[pos], plan.outcomes[pos], plan.starts[pos], time_ms,
               time_ms <= now_ms)
        found = self._actions.get(key)
        if found is None:
            found = action(account, self.audience, plan, pos, now_ms)
            _remember(self._actions, key, found, _ACTION_CACHE_SIZE)
        return found

    # -- stats ---------------------------------------------------------------------

    def stats(self, account: Account, now_ms: int) -> dict[str, Any]:
        day = now_ms // DAY_MS
        plan = self.plan(account, day)
        timeline = self.timelines[account.id]
        status = timeline.status_at(now_ms)
        # The clock matters through the day, how many attempts are past, and the status (which flips at
        # transition instants, not at attempts); tomorrow's plan, if consulted, follows from the timeline.
        performed = plan.upto(now_ms)
        key = (account.id, timeline, timeline.revision, day, performed, status)
        found = self._stats.get(key)
        if found is None:
            found = self._stats_body(account, plan, performed, status, now_ms)
            _remember(self._stats, key, found, _ANSWER_CACHE_SIZE)
        return found

    def _stats_body(self, account: Account, plan: DayPlan, performed: int, status: str,
                    now_ms: int) -> dict[str, Any]:
        day = plan.day
        done_by_kind, quality_sums = _tallies(account, plan)
        done = [counts[performed] for counts in done_by_kind]
        quality_sum, quality_count = quality_sums[performed], sum(done)
        return {
            "account_id": account.id,
            "date": date_of_ms(now_ms),
            "status": status,
            "actions": {
                name: {"performed": done[k], "limit": account.limits[k], "remaining": account.limits[k] - done[k]}
                for k, name in enumerate(_STATS_KEYS)
            },
            "total_actions_today": sum(done),
            "conversion_rates": self._conversion_rates(account, day),
            "avg_quality_score": round(quality_sum / quality_count / 100, 2) if quality_count else None,
            "next_action_at": self._next_action_at(account, now_ms, status),
            "resets_at": iso_seconds((day + 1) * DAY_MS),
        }

    def _conversion_rates(self, account: Account, day: int) -> dict[str, float]:
        return {name: round(low + spread * unit_float(derive(account.key, day, _S_RATES + i)), 3)
                for i, (name, low, spread) in enumerate(_RATES)}

    def _next_action_at(self, account: Account, now_ms: int, status: str) -> str | None:
        if status != ACTIVE:
            return None
        day = now_ms // DAY_MS
        for ahead in (day, day + 1):  # today's limits may be spent; then tomorrow's first attempt
            plan = self.plan(account, ahead)
            after = plan.upto(now_ms)
            if after < len(plan.times):
                return iso_seconds(plan.times[after])
        return None

    # -- pause and resume ------------------------------------------------------------

    def pause(self, account: Account, now_ms: int, reason: str | None) -> dict[str, Any]:
        _refuse_unless(self.timelines[account.id].status_at(now_ms), ACTIVE, errors.already_paused)
        _, lo, hi = self._queue(account, now_ms)
        self._record(account, Event(PAUSE, now_ms, reason=reason, cancelled=hi - lo))
        return {"account_id": account.id, "status": PAUSED, "paused_at": iso_seconds(now_ms),
                "queued_actions_cancelled": hi - lo}

    def resume(self, account: Account, now_ms: int) -> dict[str, Any]:
        _refuse_unless(self.timelines[account.id].status_at(now_ms), PAUSED, errors.already_active)
        # The engine needs 60 to 120 s to start again; derived, so a replay takes the same time. Counted from
        # the whole second `resumed_at` shows, so the promise holds as a client reads it (not 121 s at .999).
        delay_ms = (60 + derive(account.key, now_ms, _S_RESUME) % 61) * 1000 - now_ms % 1000
        self._record(account, Event(RESUME, now_ms, delay_ms=delay_ms))
        return {"account_id": account.id, "status": ACTIVE, "resumed_at": iso_seconds(now_ms)}

    def _record(self, account: Account, event: Event) -> None:
        self.timelines[account.id].add(event)

    # -- state ---------------------------------------------------------------------

    def default_credentials(self) -> dict[str, Any]:
        """The first key that may manage engagement, and its workspace's first account: what the docs use."""
        for key, owner in self.directory.api_keys:
            if REQUIRED_SCOPE in owner.scopes:
                accounts = [a.id for a in self.directory.accounts.values() if a.workspace_id == owner.workspace_id]
                return {"headers": {"Authorization": f"Bearer {key}"}, "api_key": key,
                        "workspace_id": owner.workspace_id, "account_id": accounts[0] if accounts else None}
        return {"headers": {}}

    def export_state(self) -> dict[str, Any]:
        events = {account_id: [event.to_json() for event in timeline.events]
                  for account_id, timeline in self.timelines.items() if timeline.events}
        return {"events": events}

    def import_state(self, state: dict[str, Any]) -> None:
        if not isinstance(state, dict) or set(state) - {"events"}:
            raise ValueError("Outfame state is an object with one member, events")
        raw = state.get("events", {})
        if not isinstance(raw, dict):
            raise ValueError("Outfame events are an object keyed by account id")
        parsed: dict[str, tuple[Event, ...]] = {}
        for account_id, events in raw.items():
            where = f".events.{account_id}"
            if account_id not in self.directory.accounts:
                raise StateProblem(where, f"no account {account_id!r} in the scenario")
            if not isinstance(events, list) or len(events) > MAX_EVENTS:
                raise StateProblem(where, f"the events of an account are a list of at most {MAX_EVENTS}")
            with state_part(where):
                parsed[account_id] = tuple(Event.from_json(event, f"[{i}]") for i, event in enumerate(events))
        self.timelines = {account_id: Timeline(account, parsed.get(account_id, ()))
                          for account_id, account in self.directory.accounts.items()}
        self._plans.clear()


def _tallies(account: Account, plan: DayPlan) -> tuple[list[list[int]], list[int]]:
    """Prefix sums over the plan: completed attempts per type, and their quality in hundredths.

    Entry n covers positions < n, so a day's stats cost O(1) whatever the hour;
    built once per plan (plans never change) and kept on it.
    """
    found = plan.derived.get("tallies")
    if found is None:
        done_by_kind = [[0] for _ in ACTION_TYPES]
        quality_sums = [0]
        for pos, outcome in enumerate(plan.outcomes):
            completed = outcome == COMPLETED
            for kind, counts in enumerate(done_by_kind):
                counts.append(counts[-1] + int(completed and plan.kinds[pos] == kind))
            quality = round(quality_of(account, plan.g(pos), COMPLETED) * 100) if completed else 0
            quality_sums.append(quality_sums[-1] + quality)
        found = plan.derived["tallies"] = (done_by_kind, quality_sums)
    return found


def _remember(cache: dict[Any, Any], key: Any, value: Any, size: int) -> None:
    """Keep at most `size` entries: when full, start over (cheap, and the working set refills)."""
    if len(cache) >= size:
        cache.clear()
    cache[key] = value


def _refuse_unless(status: str, wanted: str, same_error: Any) -> None:
    """The documented refusals, in the order an account's state explains them."""
    if status == wanted:
        return
    if status == SUSPENDED:
        raise errors.account_suspended()
    if status == SETUP:
        raise errors.account_in_setup()
    error: ApiError = same_error()
    raise error
