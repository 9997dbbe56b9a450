"""The one clock every time-dependent behaviour reads.

Three modes: real time, real time shifted by an offset, and frozen. Tests
freeze it and advance it so that anything scheduled in minutes or days runs in
milliseconds and gives the same bytes every time.
"""

from __future__ import annotations

import contextlib
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterator

_UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}
_SHORT_DURATION = re.compile(r"(\d+)(ms|s|m|h|d|w)")
_ISO_DURATION = re.compile(
    r"P(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?"
)


def parse_duration_ms(text: str) -> int:
    """Read "90s", "5m", "1h30m", "250ms" or ISO 8601 "PT1H30M" as milliseconds."""
    raw = text.strip()
    if raw[:1] in ("P", "p"):
        iso = _ISO_DURATION.fullmatch(raw.upper())
        if iso is None or not any(iso.groupdict().values()) or raw.upper().endswith("T"):
            raise ValueError(f"not an ISO 8601 duration: {text!r}")
        parts = iso.groupdict()
        whole = sum(int(parts[unit] or 0) * _UNIT_MS[unit] for unit in ("w", "d", "h", "m"))
        seconds = float(parts["s"] or 0)
        if seconds > MAX_INSTANT_MS:  # hundreds of digits read as infinity; no clock goes that far anyway
            raise ValueError(f"duration too long: {text[:40]!r}")
        return whole + int(seconds * 1000)
    pos, total = 0, 0
    for match in _SHORT_DURATION.finditer(raw):
        if match.start() != pos:
            break
        total += int(match.group(1)) * _UNIT_MS[match.group(2)]
        pos = match.end()
    if pos == 0 or pos != len(raw):
        raise ValueError(f"not a duration: {text!r} (use e.g. 90s, 5m, 2h, 1d or ISO 8601 PT5M)")
    return total


def parse_instant_ms(text: str) -> int:
    """Read an ISO 8601 instant; a value without offset is taken as UTC."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return int(value.timestamp() * 1000)


def iso_from_ms(ms: int) -> str:
    """Epoch milliseconds as an ISO 8601 UTC string with a Z suffix."""
    moment = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


# The instants the mock handles: years 1970 to 9999, what ISO 8601 text and every client can show.
MIN_INSTANT_MS = 0
MAX_INSTANT_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z


def check_instant_ms(ms: int, what: str = "the clock") -> int:
    """`ms` when it lies in years 1970-9999; ValueError otherwise."""
    if not MIN_INSTANT_MS <= ms <= MAX_INSTANT_MS:
        raise ValueError(f"{what} must stay within 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z")
    return ms


@dataclass(frozen=True)
class ClockState:
    """What the admin API shows and a state snapshot stores."""

    mode: str  # "system", "offset" or "frozen"
    now_ms: int
    offset_ms: int


class Clock:
    """Milliseconds since the epoch, UTC; real, shifted or frozen."""

    def __init__(self, frozen_at_ms: int | None = None) -> None:
        self._offset_ms = 0
        self._frozen_ms = frozen_at_ms
        self._pinned_ms: int | None = None  # while a store applies a change: the instant it was made at

    @staticmethod
    def _system_ms() -> int:
        return time.time_ns() // 1_000_000

    def now_ms(self) -> int:
        if self._pinned_ms is not None:
            return self._pinned_ms
        if self._frozen_ms is not None:
            return self._frozen_ms
        return self._system_ms() + self._offset_ms

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.now_ms() / 1000, tz=timezone.utc)

    @property
    def frozen(self) -> bool:
        return self._frozen_ms is not None

    def freeze(self, at_ms: int | None = None) -> None:
        """Stop time at `at_ms`, or at the current reading."""
        self._frozen_ms = self.now_ms() if at_ms is None else check_instant_ms(at_ms)

    def advance(self, delta_ms: int) -> None:
        """Move time forward; a running clock keeps running from the new reading."""
        if delta_ms < 0:
            raise ValueError("the clock only moves forward")
        check_instant_ms(self.now_ms() + delta_ms)
        if self._frozen_ms is not None:
            self._frozen_ms += delta_ms
        else:
            self._offset_ms += delta_ms

    @contextlib.contextmanager
    def pinned(self, at_ms: int) -> Iterator[None]:
        """Read `at_ms` as now inside the block: a change replayed from a store's log happens at the
        instant it was made, in every process that applies it."""
        before, self._pinned_ms = self._pinned_ms, at_ms
        try:
            yield
        finally:
            self._pinned_ms = before

    def unfreeze(self) -> None:
        """Return to real time, dropping any freeze and offset."""
        self._frozen_ms = None
        self._offset_ms = 0

    def restore(self, state: ClockState) -> None:
        """Put the clock back as a snapshot recorded it."""
        if state.mode == "frozen":
            self._frozen_ms, self._offset_ms = state.now_ms, 0
        elif state.mode in ("offset", "system"):
            self._frozen_ms, self._offset_ms = None, state.offset_ms
        else:
            raise ValueError(f"unknown clock mode {state.mode!r}")

    def state(self) -> ClockState:
        if self._frozen_ms is not None:
            mode = "frozen"
        elif self._offset_ms:
            mode = "offset"
        else:
            mode = "system"
        return ClockState(mode=mode, now_ms=self.now_ms(), offset_ms=self._offset_ms)


def day_start_ms(ms: int) -> int:
    """Midnight UTC of the day containing `ms`."""
    return ms - ms % _UNIT_MS["d"]


def date_of_ms(ms: int) -> str:
    """The UTC calendar date of `ms` as YYYY-MM-DD."""
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d")


DAY_MS = _UNIT_MS["d"]
