"""Rate-limit windows in Redis: every process counts against the same windows, atomically.

Each hit is one script run, so limits are exact however many processes
serve. Windows belong to the store's epoch (a reset or an import starts new
ones) and expire on their own. A snapshot shows them once `fetch` has read
them; a snapshot imported through this process writes them (`load`).
"""

from __future__ import annotations

import itertools
import os
from typing import TYPE_CHECKING, Any, Iterable

from mockserver.core.ratelimit import Decision, FixedWindows, RateLimiter, Window
from mockserver.store import redis_scripts as scripts

if TYPE_CHECKING:
    from mockserver.store.redis_engine import RedisStore

_DAY_MS = 86_400_000


def _ttl_ms(period_ms: int) -> int:
    """Windows follow the mock's clock, which may stand still: keep them a day past their period."""
    return period_ms + _DAY_MS


class RedisFixedWindows(FixedWindows):
    def __init__(self, store: "RedisStore", name: str, limit: int, period_ms: int) -> None:
        super().__init__(limit, period_ms)
        self.store, self.name = store, name

    def _prefix(self) -> str:
        return self.store.keys.windows(self.store.epoch, self.name)

    async def take(self, key: str, now_ms: int) -> tuple[bool, int, int]:
        prefix = self._prefix()
        allowed, remaining, refills_in = await scripts.FIXED_WINDOW(
            self.store.pipeline, [prefix + "w:" + key, prefix + "index"],
            [now_ms, self.period_ms, self.limit, _ttl_ms(self.period_ms), self.max_windows])
        return bool(allowed), int(remaining), int(refills_in)

    async def fetch(self) -> None:
        """Read every window of this epoch into the local copy `export` shows."""
        prefix = self._prefix()
        names = await self.store.redis.zrange(prefix + "index", 0, -1)
        windows: dict[str, list[int]] = {}
        for raw in sorted(names):
            held = await self.store.redis.hmget(raw, "o", "c")
            if held[0] is not None:
                windows[raw.decode()[len(prefix) + 2:]] = [int(held[0]), int(held[1] or 0)]
        self._windows = windows

    def load(self, data: dict[str, Any]) -> None:
        super().load(data)  # checks the data and keeps the local copy
        if self.store.applying_own:  # one process writes what an import brings
            loaded = dict(self._windows)
            self.store.after_own(lambda: self._write(loaded))

    async def _write(self, windows: dict[str, list[int]]) -> None:
        prefix = self._prefix()
        async with self.store.redis.pipeline(transaction=True) as pipe:
            for key, (opened, count) in windows.items():
                pipe.hset(prefix + "w:" + key, mapping={"o": opened, "c": count})
                pipe.pexpire(prefix + "w:" + key, _ttl_ms(self.period_ms))
                pipe.zadd(prefix + "index", {prefix + "w:" + key: opened + self.period_ms})
            pipe.pexpire(prefix + "index", _ttl_ms(self.period_ms))
            await pipe.execute()


class RedisRateLimiter(RateLimiter):
    _members = itertools.count(1)

    def __init__(self, store: "RedisStore", name: str, windows: Iterable[Window]) -> None:
        super().__init__(windows)
        self.store, self.name = store, name
        self._ttl = _ttl_ms(max((window.period_ms for window in self.windows), default=1))

    def _prefix(self) -> str:
        return self.store.keys.windows(self.store.epoch, self.name)

    async def take(self, key: str, now_ms: int) -> Decision | None:
        if not self.enabled:
            return None
        prefix = self._prefix()
        keys = [f"{prefix}w:{key}:{window.name}" for window in self.windows]
        limits = [value for window in self.windows for value in (window.limit, window.period_ms)]
        member = f"{now_ms}:{os.getpid()}:{next(self._members)}"
        found = await scripts.SLIDING_WINDOWS(self.store.pipeline, [*keys, prefix + "index"],
                                              [now_ms, self._ttl, member, *limits, FixedWindows.MAX_WINDOWS])
        allowed = bool(found[0])
        state = [(window, int(found[1 + 2 * i]), int(float(found[2 + 2 * i])))
                 for i, window in enumerate(self.windows)]
        if not allowed:
            # Report the window that keeps the client waiting longest (its value is when a slot frees up).
            window, _, free_at = max((item for item in state if item[1] >= item[0].limit), key=lambda item: item[2])
            return Decision(False, window.limit, 0, free_at, free_at - now_ms)
        window, count, oldest = min(state, key=lambda item: (item[0].limit - item[1], item[0].period_ms))
        return Decision(True, window.limit, window.limit - count, oldest + window.period_ms, 0)

    async def fetch(self) -> None:
        prefix = self._prefix()
        names = await self.store.redis.zrange(prefix + "index", 0, -1)
        hits: dict[str, dict[str, Any]] = {}
        for raw in sorted(names):
            key, _, window = raw.decode()[len(prefix) + 2:].rpartition(":")
            times = await self.store.redis.zrange(raw, 0, -1, withscores=True)
            if times:
                hits.setdefault(key, {})[window] = [int(score) for _, score in times]
        super().load(hits)

    def load(self, data: dict[str, Any]) -> None:
        super().load(data)
        if self.store.applying_own:
            loaded = self.export()
            self.store.after_own(lambda: self._write(loaded))

    async def _write(self, hits: dict[str, dict[str, list[int]]]) -> None:
        prefix = self._prefix()
        periods = {window.name: window.period_ms for window in self.windows}
        async with self.store.redis.pipeline(transaction=True) as pipe:
            for key, logs in hits.items():
                for window, times in logs.items():
                    name = f"{prefix}w:{key}:{window}"
                    pipe.zadd(name, {f"{t}:import:{i}": t for i, t in enumerate(times)})
                    pipe.pexpire(name, self._ttl)
                    pipe.zadd(prefix + "index", {name: max(times, default=0) + periods[window]})
            pipe.pexpire(prefix + "index", self._ttl)
            await pipe.execute()
