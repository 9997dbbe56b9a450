"""Per-credential rate limits: sliding windows (and their headers), and fixed windows.

Each sliding window (say 60 per minute) keeps the instants of the requests it
let through during the last period. A request is allowed when every window has
room; it then counts in all of them. Sliding windows never allow the double
burst a fixed window allows across its boundary, and "when does a slot free
up" has an exact answer, which becomes Retry-After and the reset headers.

A fixed window (`FixedWindows`) is what some APIs document instead (App.net):
the window opens with a key's first request and refills completely when its
period is over, however many requests came in between. It costs one dict
lookup per request.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any, Iterable

from mockserver.core.errors import StateProblem


@dataclass(frozen=True, slots=True)
class Window:
    name: str  # "minute", "hour": the key used in snapshots
    limit: int
    period_ms: int

    def __post_init__(self) -> None:
        if self.limit < 1 or self.period_ms < 1:
            raise ValueError("a rate-limit window needs a positive limit and period")


@dataclass(frozen=True, slots=True)
class Decision:
    """The verdict on one request and what the headers should say about it."""

    allowed: bool
    limit: int
    remaining: int
    reset_ms: int  # the instant the reported window next gains a free slot
    retry_after_ms: int  # 0 when allowed

    def headers(self, now_ms: int) -> dict[str, str]:
        """Both header families: X-RateLimit-* (reset as unix seconds) and RateLimit-* (seconds to wait)."""
        reset_in_s = _ceil_s(self.reset_ms - now_ms)
        found = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(-(-self.reset_ms // 1000)),
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(reset_in_s),
        }
        if not self.allowed:
            # Never "0": a client that retries after 0 s would just be refused again.
            found["Retry-After"] = str(max(1, _ceil_s(self.retry_after_ms)))
        return found


def _ceil_s(ms: int) -> int:
    return max(0, -(-ms // 1000))


class RateLimiter:
    """Sliding windows per key; `enabled=False` lets everything through and reports nothing."""

    def __init__(self, windows: Iterable[Window], enabled: bool = True) -> None:
        self.windows = tuple(windows)
        names = [window.name for window in self.windows]
        if len(set(names)) != len(names):
            raise ValueError("rate-limit window names must be unique")
        self.enabled = enabled and bool(self.windows)
        self._hits: dict[str, dict[str, deque[int]]] = {}

    def _log(self, key: str, window: Window, now_ms: int) -> deque[int]:
        log = self._hits.setdefault(key, {}).setdefault(window.name, deque())
        while log and log[0] <= now_ms - window.period_ms:
            log.popleft()
        return log

    def hit(self, key: str, now_ms: int) -> Decision | None:
        """Count a request when every window has room; None when limits are off."""
        if not self.enabled:
            return None
        logs = [(window, self._log(key, window, now_ms)) for window in self.windows]
        full = [(window, log) for window, log in logs if len(log) >= window.limit]
        if full:
            # Report the window that keeps the client waiting longest.
            window, log = max(full, key=lambda pair: _free_at(pair[0], pair[1], now_ms))
            free_at = _free_at(window, log, now_ms)
            return Decision(False, window.limit, 0, free_at, free_at - now_ms)
        for _, log in logs:
            log.append(now_ms)
        # Report the tightest window: least room left, the shorter one on a tie.
        window, log = min(logs, key=lambda pair: (pair[0].limit - len(pair[1]), pair[0].period_ms))
        return Decision(True, window.limit, window.limit - len(log), log[0] + window.period_ms, 0)

    async def take(self, key: str, now_ms: int) -> Decision | None:
        """`hit`, as a store's shared limiter offers it (store/redis_limits.py)."""
        return self.hit(key, now_ms)

    def usage(self, key: str, now_ms: int) -> dict[str, int]:
        """How many requests each window currently counts for `key`."""
        return {window.name: len(self._log(key, window, now_ms)) for window in self.windows}

    def export(self) -> dict[str, dict[str, list[int]]]:
        return {key: {name: list(log) for name, log in logs.items() if log}
                for key, logs in self._hits.items() if any(logs.values())}

    def keys(self) -> list[str]:
        return list(self._hits)

    def load(self, data: dict[str, Any]) -> None:
        """Replace every window's log; `StateProblem` for a log longer than its window's limit
        (a window never counts more requests than it lets through)."""
        limits = {window.name: window.limit for window in self.windows}
        hits: dict[str, dict[str, deque[int]]] = {}
        for key, logs in data.items():
            for name, times in logs.items():
                if name not in limits:
                    continue
                if len(times) > limits[name]:
                    raise StateProblem(f".{key}.{name}", f"{len(times)} requests, more than the window's limit "
                                                         f"of {limits[name]}")
                hits.setdefault(str(key), {})[str(name)] = deque(sorted(int(t) for t in times))
        self._hits = hits

    def clear(self) -> None:
        self._hits.clear()


def _free_at(window: Window, log: deque[int], now_ms: int) -> int:
    """When a full window lets the next request in: its oldest counted request leaves it."""
    # The window holds requests in (now - period, now]; the oldest leaves at t + period.
    return log[len(log) - window.limit] + window.period_ms if len(log) >= window.limit else now_ms


class FixedWindows:
    """Fixed windows of `limit` requests per `period_ms`, one per key, opened by the key's first request.

    Keys can be many (App.net counts unauthorized calls per client address), so
    windows are kept in the order they opened: every window lasts the same
    period, so the expired ones are the oldest, dropped from the front as new
    ones open (O(1) amortised a request). At most `max_windows` are kept; beyond
    that the oldest still open is forgotten, and its key starts a fresh window
    on its next request (only a client with more addresses than that within
    one period could tell).
    """

    MAX_WINDOWS = 100_000  # schemas/snapshot/appdotnet.json says the same

    def __init__(self, limit: int, period_ms: int, max_windows: int = MAX_WINDOWS) -> None:
        if limit < 1 or period_ms < 1 or max_windows < 1:
            raise ValueError("a rate-limit window needs a positive limit and period")
        self.limit, self.period_ms, self.max_windows = limit, period_ms, max_windows
        self.limit_text = str(limit)  # for headers, made once
        # key -> [opened at, requests counted], oldest opened first (O(1) removal at the front).
        self._windows: OrderedDict[str, list[int]] = OrderedDict()

    def hit(self, key: str, now_ms: int) -> tuple[bool, int, int]:
        """Count a request if the window has room: (allowed, remaining, ms until the window refills)."""
        window = self._windows.get(key)
        if window is None or not window[0] <= now_ms < window[0] + self.period_ms:
            self._expire(now_ms)
            self._windows.pop(key, None)  # a window opened again goes to the back
            window = self._windows[key] = [now_ms, 0]
            if len(self._windows) > self.max_windows:
                self._windows.popitem(last=False)
        refills_in = window[0] + self.period_ms - now_ms
        if window[1] >= self.limit:
            return False, 0, refills_in
        window[1] += 1
        return True, self.limit - window[1], refills_in

    async def take(self, key: str, now_ms: int) -> tuple[bool, int, int]:
        """`hit`, as a store's shared windows offer it (store/redis_limits.py)."""
        return self.hit(key, now_ms)

    def _expire(self, now_ms: int) -> None:
        while self._windows:
            opened = next(iter(self._windows.values()))[0]
            if opened <= now_ms < opened + self.period_ms:
                return
            self._windows.popitem(last=False)

    def export(self) -> dict[str, list[int]]:
        return {key: list(window) for key, window in self._windows.items()}

    def load(self, data: dict[str, Any]) -> None:
        windows = []
        for key, window in data.items():
            if not (isinstance(window, list) and len(window) == 2
                    and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in window)):
                raise ValueError(f"a fixed window is [opened_at_ms, requests counted], not {window!r}")
            windows.append((window[0], str(key), min(window[1], self.limit)))
        windows.sort(key=lambda w: w[0])  # oldest opened first, as they are kept
        self._windows = OrderedDict((key, [opened, count]) for opened, key, count in windows[-self.max_windows:])

    def clear(self) -> None:
        self._windows.clear()
