"""The store interface: every change to the mock's state is a named command, applied through one engine.

A command is a name and JSON-safe arguments. The engine applies it with the
clock pinned at the instant it was made, so applying the same commands in
the same order gives the same state in any process. The memory engine
applies a command at once; the Redis engine (`store/redis_engine.py`)
appends it to a shared log first, and every process applies the log in order
(see docs/scaling.md). Reads never go through the store: they are pure
functions of seed, scenario, clock and the applied state, cached per process.

Besides commands an engine keeps what changes on (nearly) every request and
must be exact under concurrency: rate-limit windows, the request journal, the
schedule of clock-driven work, and the live event feed.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterable

from mockserver.core.clock import Clock
from mockserver.core.throttled_log import ThrottledLog
from mockserver.core.journal import Journal
from mockserver.core.ratelimit import FixedWindows, RateLimiter, Window

log = logging.getLogger("mockserver.store")

Applier = Callable[[dict[str, Any]], Any]
EventListener = Callable[[str, Any], None]


class UnknownCommand(KeyError):
    pass


class StoreUnavailable(Exception):
    """The store cannot be used; the message says why and what to do."""


class Store:
    """What every engine offers; the memory engine is this class itself, applying commands in place."""

    kind = "memory"
    shared = False  # True when other processes apply the same commands (the Redis engine)

    def __init__(self, clock: Clock, journal: Journal) -> None:
        self.clock = clock
        self.journal = journal
        self.epoch = 0  # bumped by every command that rebuilds the worlds (reset, snapshot import)
        self._appliers: dict[str, tuple[Applier, bool]] = {}
        self._listeners: list[EventListener] = []
        self.notes = ThrottledLog(log)  # what may come in floods (a store out of reach): a line per 10 s

    # -- commands ----------------------------------------------------------------------

    def register(self, name: str, applier: Applier, pinned: bool = True) -> None:
        """`applier(args)` makes the change; `pinned`: the clock reads the command's instant meanwhile
        (off for the commands that move the clock itself)."""
        self._appliers[name] = (applier, pinned)

    def apply(self, name: str, args: dict[str, Any], at_ms: int) -> Any:
        try:
            applier, pinned = self._appliers[name]
        except KeyError:
            raise UnknownCommand(name) from None
        if not pinned:
            return applier(args)
        with self.clock.pinned(at_ms):
            return applier(args)

    async def commit(self, name: str, args: dict[str, Any] | None = None) -> Any:
        """Make the change everywhere; returns what applying it here returned (or raises what it raised)."""
        return self.apply(name, args or {}, self.clock.now_ms())

    async def sync(self) -> None:
        """Bring this process up to date with changes made elsewhere (nothing to do in memory)."""

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Connect and catch up; runs before the server accepts requests."""

    async def close(self) -> None:
        pass

    # -- what changes on every request -------------------------------------------------------

    def fixed_windows(self, name: str, limit: int, period_ms: int) -> FixedWindows:
        """Fixed rate-limit windows; `name` tells them apart in a shared store."""
        return FixedWindows(limit, period_ms)

    def rate_limiter(self, name: str, windows: Iterable[Window]) -> RateLimiter:
        """Sliding rate-limit windows; `name` tells them apart in a shared store."""
        return RateLimiter(windows)

    def outage(self, error: BaseException) -> StoreUnavailable | None:
        """`error` as the store being out of reach, if that is what it means (never, in memory)."""
        return None

    async def before_export(self) -> None:
        """Fetch what a snapshot shows but this process does not hold (shared rate-limit windows)."""

    # -- live events (the dashboard's stream) ---------------------------------------------------

    def listen(self, listener: EventListener) -> Callable[[], None]:
        """Call `listener(kind, payload)` for every event published from now on, by any process: "request"
        (a journal entry; here the entry itself, summarised by whoever shows it) and "admin" (a change)."""
        self._listeners.append(listener)
        stop_journal = self.journal.listen(lambda entry: listener("request", entry))

        def stop() -> None:
            self._listeners.remove(listener)
            stop_journal()

        return stop

    def publish(self, kind: str, payload: Any) -> None:
        self._deliver(kind, payload)

    def _deliver(self, kind: str, payload: Any) -> None:
        for listener in list(self._listeners):
            try:
                listener(kind, payload)
            except Exception as error:  # noqa: BLE001 - a listener must never break the publisher
                log.error("event listener failed: %s: %s", type(error).__name__, error)

    # -- for `mockserver store inspect` and health ---------------------------------------------

    async def describe(self) -> dict[str, Any]:
        return {"engine": self.kind, "epoch": self.epoch}

