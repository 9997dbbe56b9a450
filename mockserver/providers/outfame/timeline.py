"""An account's status over time: the scenario's history plus the pauses and resumes made through the API.

The engine never runs in the background. What an account did at any instant
follows from this timeline and the seed, so the overlay of API-made changes
(the events kept here) is the only mutable state, and exporting it is enough
to reproduce the world exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockserver.core.clock import MAX_INSTANT_MS
from mockserver.core.errors import StateProblem
from mockserver.providers.outfame.accounts import ACTIVE, PAUSED, Account, Transition

PAUSE, RESUME = "pause", "resume"
MAX_REASON = 500
MAX_RESUME_DELAY_MS = 3_600_000  # what a snapshot may say; the engine itself takes 60-120 s


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
    """One account's transitions, oldest first."""

    def __init__(self, account: Account, events: tuple[Event, ...] = ()) -> None:
        self.account = account
        self.events = events
        moves = [Transition(e.at_ms, PAUSED if e.kind == PAUSE else ACTIVE, e.delay_ms, e.kind == RESUME)
                 for e in events]
        # Stable sort: the scenario's history first, then API events in the order they were made.
        self.transitions = tuple(sorted((*account.initial, *moves), key=lambda t: t.at_ms))

    def status_at(self, t_ms: int) -> str:
        status = self.transitions[0].status
        for transition in self.transitions:
            if transition.at_ms > t_ms:
                break
            status = transition.status
        return status

    def active_periods(self) -> list[ActivePeriod]:
        periods = []
        for i, transition in enumerate(self.transitions):
            if transition.status != ACTIVE:
                continue
            following = self.transitions[i + 1].at_ms if i + 1 < len(self.transitions) else None
            periods.append(ActivePeriod(transition.at_ms + transition.delay_ms, following, transition.resumed))
        return periods

    def burns(self) -> list[tuple[int, int]]:
        """(instant, count) of every pause that cancelled queued actions."""
        return [(e.at_ms, e.cancelled) for e in self.events if e.kind == PAUSE and e.cancelled]

    def with_event(self, event: Event) -> "Timeline":
        return Timeline(self.account, (*self.events, event))
