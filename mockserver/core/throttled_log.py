"""A log for events that come in floods: one line per period for each kind, with a count of the rest.

Used wherever a hostile client or an outage could otherwise write thousands of
lines a second: bad requests and refused connections, a failing scheduler
pass, a shared store out of reach.
"""

from __future__ import annotations

import logging
import time
from typing import Callable


class ThrottledLog:
    """At most one line per `period_s` for each kind of event that can come in floods, counting the rest."""

    def __init__(self, logger: logging.Logger, period_s: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.logger, self.period_s, self.clock = logger, period_s, clock
        self._last: dict[str, float] = {}
        self._unsaid: dict[str, int] = {}

    def warning(self, kind: str, message: str) -> None:
        self.say(logging.WARNING, kind, message)

    def say(self, level: int, kind: str, message: str) -> None:
        now = self.clock()
        if now - self._last.get(kind, float("-inf")) < self.period_s:
            self._unsaid[kind] = self._unsaid.get(kind, 0) + 1
            return
        unsaid = self._unsaid.pop(kind, 0)
        self._last[kind] = now
        more = f" (and {unsaid} more like it since the last such line)" if unsaid else ""
        self.logger.log(level, "%s%s", message, more)
