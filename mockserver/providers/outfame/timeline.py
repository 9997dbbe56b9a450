"""An account's status over time: the scenario's history plus the pauses and resumes made through the API.

The engine never runs in the background. What an account did at any instant
follows from this timeline and the seed, so the overlay of API-made changes
(the events kept here) is the only mutable state, and exporting it is enough
to reproduce the world exactly. Each account keeps its latest MAX_EVENTS
events; older ones are folded away (see docs/fidelity-outfame.md).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass
from typing import Any, Iterable

from mockserver.core.clock import MAX_INSTANT_MS
from mockserver.core.errors import StateProblem
from mockserver.providers.outfame.accounts import ACTIVE, PAUSED, Account, Transition

PAUSE, RESUME = "pause", "resume"
MAX_REASON = 500
MAX_RESUME_DELAY_MS = 3_600_000  # what a snapshot may say; the engine itself takes 60-120 s
MAX_EVENTS = 1000  # pauses and resumes kept per account (schemas/snapshot/outfame.json says the same)
FOLDED_EVENTS = 250  # forgotten at once, oldest first, when one more comes


@dataclass(frozen=True, slots=True)
class Event:
    """A pause or resume made through the API."""

    kind: str
    at_ms: int
    reason: str | None = None  # pause only
    cancelled: int = 0  # pause only: queued actions it cancelled
    delay_ms: int = 0  # resume only: how long the engine took to start again

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "at_ms": self.at_ms}
        if self.kind == PAUSE:
            data.update(reason=self.reason, cancelled=self.cancelled)
        else:
            data["delay_ms"] = self.delay_ms
        return data

    @classmethod
    def from_json(cls, data: Any, where: str = "") -> "Event":
        """The event `data` describes; `StateProblem` (at `where`) when it is not one the API could make."""
        if not isinstance(data, dict) or data.get("kind") not in (PAUSE, RESUME):
            raise StateProblem(where, "an event is an object whose kind is pause or resume")
        at_ms = _int(data, "at_ms", 0, MAX_INSTANT_MS, where)
        if data["kind"] == PAUSE:
            reason = data.get("reason")
            if reason is not None and (not isinstance(reason, str) or len(reason) > MAX_REASON):
                raise StateProblem(f"{where}.reason", f"a string of at most {MAX_REASON} characters, or null")
            return cls(PAUSE, at_ms, reason=reason, cancelled=_int(data, "cancelled", 0, 4096, where))
        delay_ms = _int(data, "delay_ms", 0, min(MAX_RESUME_DELAY_MS, MAX_INSTANT_MS - at_ms), where)
        return cls(RESUME, at_ms, delay_ms=delay_ms)


def _int(data: dict[str, Any], name: str, low: int, high: int, where: str) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise StateProblem(f"{where}.{name}", f"an integer from {low} to {high}")
    return value


@dataclass(frozen=True, slots=True)
class ActivePeriod:
    """The engine may act at instants t with start_ms <= t <= last_ms."""

    start_ms: int
    last_ms: int | None  # None: until further notice
    resumed: bool = False  # begun by a resume through the API


class Timeline:
    """One account's transitions in time order: the scenario's history, then the API's events.

    Bounded: at most MAX_EVENTS events made through the API are kept; one more
    forgets the oldest FOLDED_EVENTS at once (so folding costs O(1) per event,
    amortised). What the engine asks is answered by binary search: the status at
    an instant in O(log n), the periods and cancelled actions that can touch one
    day in O(log n + that day's events). Events normally come in time order and
    are appended; one made after the clock was moved back is inserted in place.
    `revision` changes with every change, for the caches that depend on it.
    """

    def __init__(self, account: Account, events: Iterable[Event] = ()) -> None:
        self.account = account
        self.revision = 0
        self._events: list[Event] = []  # sorted by instant; ties in the order they were made
        for event in events:
            self._insert(event)
        self._fold_and_index()

    @property
    def events(self) -> tuple[Event, ...]:
        return tuple(self._events)

    @property
    def transitions(self) -> tuple[Transition, ...]:
        return tuple(self._transitions)

    def add(self, event: Event) -> None:
        """Record a pause or resume made now."""
        in_order = not self._at or self._at[-1] <= event.at_ms
        self._insert(event)
        if in_order and len(self._events) <= MAX_EVENTS:
            self._append_transition(_transition(event))  # the usual case: O(1)
            if event.kind == PAUSE and event.cancelled:
                self._burn_at.append(event.at_ms)
                self._burns.append(event.cancelled)
        else:
            self._fold_and_index()
        self.revision += 1

    def _insert(self, event: Event) -> None:
        insort(self._events, event, key=_instant)  # after equal instants: ties keep the order made

    def _fold_and_index(self) -> None:
        while len(self._events) > MAX_EVENTS:
            del self._events[:FOLDED_EVENTS]
        self._transitions: list[Transition] = []
        self._at: list[int] = []
        self._last_active: list[int] = []  # per transition: the index of the latest active one up to it, or -1
        # The scenario's history first: at an equal instant it comes before the API's events.
        for transition in sorted((*self.account.initial, *map(_transition, self._events)), key=_instant):
            self._append_transition(transition)
        burns = [(event.at_ms, event.cancelled) for event in self._events if event.kind == PAUSE and event.cancelled]
        self._burn_at = [at for at, _ in burns]
        self._burns = [count for _, count in burns]

    def _append_transition(self, transition: Transition) -> None:
        before = self._last_active[-1] if self._last_active else -1
        self._transitions.append(transition)
        self._at.append(transition.at_ms)
        self._last_active.append(len(self._transitions) - 1 if transition.status == ACTIVE else before)

    def status_at(self, t_ms: int) -> str:
        index = bisect_right(self._at, t_ms) - 1
        return self._transitions[max(index, 0)].status

    def periods_touching(self, start_ms: int, end_ms: int) -> list[ActivePeriod]:
        """The active periods that can hold attempts in [start_ms, end_ms), in time order.

        Periods that ended earlier are left out, except the latest of them: planning a day, every
        such period only takes up the cancelled sequence numbers before the day opens, and one of
        them does that as well as all of them did.
        """
        first = bisect_left(self._at, start_ms - MAX_RESUME_DELAY_MS)  # a resume may start the engine later
        if first > 0 and self._last_active[first - 1] >= 0:
            first = self._last_active[first - 1]
        last = bisect_left(self._at, end_ms)
        periods = []
        for index in range(first, last):
            transition = self._transitions[index]
            if transition.status == ACTIVE:
                following = self._at[index + 1] if index + 1 < len(self._at) else None
                periods.append(ActivePeriod(transition.at_ms + transition.delay_ms, following, transition.resumed))
        return periods

    def burns_between(self, start_ms: int, end_ms: int) -> list[tuple[int, int]]:
        """(instant, count) of every pause in [start_ms, end_ms) that cancelled queued actions, in time order."""
        lo, hi = bisect_left(self._burn_at, start_ms), bisect_left(self._burn_at, end_ms)
        return list(zip(self._burn_at[lo:hi], self._burns[lo:hi]))

    def transitions_between(self, after_ms: int, until_ms: int) -> list[Transition]:
        """Transitions at instants in (after_ms - MAX_RESUME_DELAY_MS, until_ms]: those whose change, or
        whose engine start after a resume, falls in (after_ms, until_ms]."""
        lo = bisect_right(self._at, after_ms - MAX_RESUME_DELAY_MS)
        return self._transitions[lo:bisect_right(self._at, until_ms)]


def _instant(item: Event | Transition) -> int:
    return item.at_ms


def _transition(event: Event) -> Transition:
    return Transition(event.at_ms, PAUSED if event.kind == PAUSE else ACTIVE, event.delay_ms, event.kind == RESUME)
