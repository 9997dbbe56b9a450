"""Events at seeded instants: event k at `origin + k*step + jitter(k)`, with 0 <= jitter < step.

Times strictly increase with k, so "when did event k happen" and "how many
happened by time t" are both O(1): the arithmetic every virtual stream (OutX
interactions and posts, App.net interactions and posts) is built on.
"""

from __future__ import annotations

from dataclasses import dataclass

from mockserver.core.world import derive


@dataclass(frozen=True, slots=True)
class Timeline:
    key: int  # the collection's stable key
    salt: int  # which of the collection's random values is the jitter
    origin_ms: int
    step_ms: int  # 0: no events ever
    limit: int | None = None  # events stop after this many (a stream that is not live)

    def time_ms(self, k: int) -> int:
        return self.origin_ms + k * self.step_ms + derive(self.key, k, self.salt) % self.step_ms

    def count_at(self, t_ms: int) -> int:
        """How many events have happened at or before `t_ms`."""
        if not self.step_ms or t_ms < self.origin_ms:
            return 0
        k0, into = divmod(t_ms - self.origin_ms, self.step_ms)
        count = k0 + (derive(self.key, k0, self.salt) % self.step_ms <= into)
        return count if self.limit is None else min(count, self.limit)

    def index_of(self, t_ms: int) -> int | None:
        """The event that happens exactly at `t_ms`, if one does."""
        if not self.step_ms or t_ms < self.origin_ms:
            return None
        k = (t_ms - self.origin_ms) // self.step_ms
        return k if self.time_ms(k) == t_ms and (self.limit is None or k < self.limit) else None
