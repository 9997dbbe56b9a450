"""The engagement engine: one account's attempted actions on one UTC day, as a pure function.

A day's plan is a walk through the account's active hours. Attempt number
`seq` of day `day` draws all its randomness from (account key, day*DAY_CAP +
seq), so it is the same in every process and at every clock reading; only
the instant the walk starts from changes after a pause and resume. The walk
picks each attempt's type in proportion to what is left of the daily limits,
so the limits are spent evenly through the day and never exceeded, and it
stops when every limit is used up or the active hours end.

Targets: attempt g = day*DAY_CAP + seq engages audience member perm(g mod
AUDIENCE_SIZE), where perm is a bijection. Two attempts less than 72 hours
apart are at most four calendar days apart, so their g differ by less than
4*DAY_CAP <= AUDIENCE_SIZE and they cannot share a target.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Sequence

from mockserver.core.clock import DAY_MS
from mockserver.core.world import derive, unit_float
from mockserver.providers.outfame.accounts import ACTION_TYPES, Account
from mockserver.providers.outfame.audience import AUDIENCE_SIZE
from mockserver.providers.outfame.timeline import ActivePeriod

DAY_CAP = 4096  # attempts a day can ever hold, including sequence numbers burnt by pauses
assert 4 * DAY_CAP <= AUDIENCE_SIZE

COMPLETED, SKIPPED, FAILED = 0, 1, 2
OUTCOMES = ("completed", "skipped", "failed")
_P_COMPLETED, _P_SKIPPED = 0.88, 0.96  # cumulative: 88% done, 8% filtered out, 4% failed
_BURST_END = 0.05  # chance that an attempt closes a burst and a cool-down follows
_MIN_GAP_MS = 5_000
_MAX_OPENING_JITTER_MS = 12 * 60_000

# Salts of the values drawn per attempt.
S_KIND, S_OUTCOME, S_GAP, S_BURST, S_COOL, S_ID, S_SOURCE, S_PICK, S_QUALITY, S_POST = range(10)
_S_OPEN, _S_PERM = 50, 51


def whole_second_ceil(ms: int) -> int:
    return -(-ms // 1000) * 1000


def mean_gap_ms(account: Account) -> int:
    """The pacing: spread the expected attempts over 92% of the active hours, cool-downs included."""
    expected = sum(account.limits) / _P_COMPLETED
    if expected == 0:
        return 0
    window = account.window_end_ms - account.window_start_ms
    # A cool-down lasts 5..14 mean gaps and follows one attempt in twenty: 0.475 gaps per attempt.
    return max(8_000, int(0.92 * window / (expected * (1 + _BURST_END * 9.5))))


def opening_ms(account: Account, day: int) -> int:
    """When the engine wakes up on `day` (if nothing stops it): the window start plus a little jitter."""
    jitter = derive(account.key, day, _S_OPEN) % _MAX_OPENING_JITTER_MS
    return whole_second_ceil(day * DAY_MS + account.window_start_ms + jitter)


def target_of(account: Account, g: int) -> int:
    """The audience member attempt g engages: a bijection of g mod AUDIENCE_SIZE."""
    mask = AUDIENCE_SIZE - 1
    x = g & mask
    mult = derive(account.key, 0, _S_PERM) | 1  # odd, so multiplying is invertible mod 2**20
    x = (x * mult + (mult >> 32)) & mask
    x ^= x >> 11
    x = (x * 0x5BD1E995) & mask  # odd: another bijection
    return x ^ (x >> 13)


@dataclass
class DayPlan:
    """Every attempt of one day, oldest first; seqs and times both strictly increase."""

    day: int
    times: list[int] = field(default_factory=list)
    seqs: list[int] = field(default_factory=list)
    kinds: list[int] = field(default_factory=list)  # index into ACTION_TYPES
    outcomes: list[int] = field(default_factory=list)  # what happens once the instant is reached
    starts: list[int] = field(default_factory=list)  # the walk's starting instant, part of the ids
    by_kind: tuple[list[int], ...] = field(default_factory=lambda: tuple([] for _ in ACTION_TYPES))
    # Values derived from this (never changing) plan, built on first use: see OutfameWorld._tallies.
    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def positions(self, kind: int | None) -> Sequence[int]:
        # A range, not a list: the unfiltered case must not cost O(attempts) per request.
        return range(len(self.times)) if kind is None else self.by_kind[kind]

    def upto(self, t_ms: int) -> int:
        """How many attempts are at or before t_ms."""
        return bisect_right(self.times, t_ms)

    def g(self, pos: int) -> int:
        return self.day * DAY_CAP + self.seqs[pos]


def plan_day(account: Account, day: int, periods: list[ActivePeriod],
             burns: list[tuple[int, int]]) -> DayPlan:
    plan = DayPlan(day)
    remaining = list(account.limits)
    left = sum(remaining)
    gap = mean_gap_ms(account)
    if left == 0:
        return plan
    day_start = day * DAY_MS
    open_ms, close_ms = opening_ms(account, day), day_start + account.window_end_ms
    todays_burns = sorted((at, n) for at, n in burns if day_start <= at < day_start + DAY_MS)
    burnt = 0
    seq = 0
    for period in periods:
        start, stop = _bounds(account, period, day, open_ms, close_ms)
        # Sequence numbers of actions a pause cancelled are never reused, so neither are their ids.
        while burnt < len(todays_burns) and todays_burns[burnt][0] < start:
            seq += todays_burns[burnt][1]
            burnt += 1
        t = start
        while t <= stop and left and seq < DAY_CAP:
            g = day * DAY_CAP + seq
            kind = _choose_kind(remaining, left, derive(account.key, g, S_KIND))
            draw = unit_float(derive(account.key, g, S_OUTCOME))
            outcome = COMPLETED if draw < _P_COMPLETED else SKIPPED if draw < _P_SKIPPED else FAILED
            if outcome == COMPLETED:
                remaining[kind] -= 1
                left -= 1
            plan.by_kind[kind].append(len(plan.times))
            plan.times.append(t)
            plan.seqs.append(seq)
            plan.kinds.append(kind)
            plan.outcomes.append(outcome)
            plan.starts.append(start)
            seq += 1
            t += _pause_after(account, g, gap)
        if not left or seq >= DAY_CAP:
            break
    return plan


def _bounds(account: Account, period: ActivePeriod, day: int, open_ms: int, close_ms: int) -> tuple[int, int]:
    """The first and last instant the walk may use within `period` on `day`.

    Normally the day's opening to its close. A resume promises growth within 1-2 minutes: on the
    day the resumed period begins, the engine starts right then, if the account keeps the mock's
    assumed hours (at any hour, until the close or, after it, until midnight), or if the resume
    falls inside the account's own active hours (which a resume outside them waits for).
    """
    start, stop = max(period.start_ms, open_ms), close_ms - 1
    begins_today = period.resumed and day * DAY_MS <= period.start_ms < (day + 1) * DAY_MS
    if begins_today and not account.own_hours:
        start = period.start_ms
        if start > stop:
            stop = (day + 1) * DAY_MS - 1
    elif begins_today and day * DAY_MS + account.window_start_ms <= period.start_ms:
        start = period.start_ms
    if period.last_ms is not None:
        stop = min(stop, period.last_ms)
    return whole_second_ceil(start), stop


def _choose_kind(remaining: list[int], left: int, value: int) -> int:
    point = value % left
    for kind, count in enumerate(remaining):
        if point < count:
            return kind
        point -= count
    raise AssertionError("unreachable: point < left == sum(remaining)")


def _pause_after(account: Account, g: int, gap: int) -> int:
    """Human-like spacing: a jittered gap, and now and then a cool-down after a burst."""
    wait = int(gap * (0.35 + 1.3 * unit_float(derive(account.key, g, S_GAP))))
    if unit_float(derive(account.key, g, S_BURST)) < _BURST_END:
        wait += int(gap * (5 + 9 * unit_float(derive(account.key, g, S_COOL))))
    return max(_MIN_GAP_MS, wait // 1000 * 1000)
