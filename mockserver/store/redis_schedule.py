"""Clock-driven work shared by every process: a sorted set by due instant, claimed with leases.

A process claims due work atomically (moved to the lease set, scored by when
its lease ends), runs it, and releases it; while it runs, the lease is
renewed. A process that dies holding a lease loses it when the lease ends:
the next claim puts the work back at its due instant and another process
runs it. So each job runs once, whoever scheduled it, and survives kill -9.
"""

from __future__ import annotations

from typing import Any

from mockserver.store import redis_scripts as scripts
from mockserver.store.redis_keys import KeyLayout
from mockserver.store.redis_pipeline import AutoPipeline


class RedisSchedule:
    def __init__(self, redis: Any, pipeline: AutoPipeline, keys: KeyLayout, lease_ms: int) -> None:
        self.redis, self.pipeline, self.keys, self.lease_ms = redis, pipeline, keys, lease_ms
        self._adds: dict[str, int] = {}  # added while applying commands, written on the next flush

    def add(self, due_ms: int, member: str) -> None:
        """Every process applying the same command adds the same member: it is one job (see SCHEDULE)."""
        self._adds[member] = due_ms

    async def flush(self) -> None:
        if self._adds:
            adds, self._adds = self._adds, {}
            await scripts.SCHEDULE(self.pipeline, [self.keys.schedule, self.keys.leases],
                                   [item for member, due in adds.items() for item in (due, member)])

    async def claim(self, now_ms: int, limit: int) -> list[tuple[int, str]]:
        found = await scripts.CLAIM(self.pipeline, [self.keys.schedule, self.keys.leases], [now_ms, limit, self.lease_ms])
        return [(int(float(found[i])), found[i + 1].decode()) for i in range(0, len(found), 2)]

    async def release(self, due_ms: int, member: str) -> None:
        await self.pipeline.execute_command("ZREM", self.keys.leases, f"{due_ms} {member}")

    async def renew(self, held: list[tuple[int, str]]) -> None:
        if held:
            await scripts.RENEW(self.pipeline, [self.keys.leases],
                                [self.lease_ms, *(f"{due} {member}" for due, member in held)])

    async def count(self) -> int:
        async with self.redis.pipeline(transaction=False) as pipe:
            waiting, leased = await pipe.zcard(self.keys.schedule).zcard(self.keys.leases).execute()
        return int(waiting) + int(leased)
