"""The shared schedule: one job per member, never again while claimed, back to the others when a lease ends."""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator

import pytest

from mockserver.store.redis_keys import KeyLayout
from mockserver.store.redis_pipeline import AutoPipeline
from mockserver.store.redis_schedule import RedisSchedule


@pytest.fixture
async def schedules(redis_url: str) -> AsyncIterator[tuple[RedisSchedule, RedisSchedule]]:
    """Two processes' views of one schedule (a lease of 300 ms)."""
    import redis.asyncio as aioredis

    from mockserver.store.redis_keys import redis_url_parts

    url, prefix = redis_url_parts(redis_url)
    clients: list[Any] = [aioredis.from_url(url) for _ in range(2)]
    pipelines = [AutoPipeline(client) for client in clients]
    yield tuple(RedisSchedule(client, pipeline, KeyLayout(prefix), 300)  # type: ignore[misc]
                for client, pipeline in zip(clients, pipelines))
    for client, pipeline in zip(clients, pipelines):
        await pipeline.close()
        await client.aclose()


async def test_work_claimed_is_not_scheduled_again_by_a_process_replaying_its_command(
        schedules: tuple[RedisSchedule, RedisSchedule]) -> None:
    first, late = schedules
    for schedule in schedules:  # every process applying the command adds the same member
        schedule.add(1_000, "callback 0 dlv_000001 1 1000")
        await schedule.flush()
    assert await first.claim(now_ms=2_000, limit=10) == [(1_000, "callback 0 dlv_000001 1 1000")]
    late.add(1_000, "callback 0 dlv_000001 1 1000")  # a process joining later replays the same command
    await late.flush()
    assert await late.claim(now_ms=2_000, limit=10) == []  # not twice while the first holds it
    assert await first.count() == 1


async def test_work_held_by_a_process_that_stopped_renewing_goes_to_another_when_its_lease_ends(
        schedules: tuple[RedisSchedule, RedisSchedule]) -> None:
    first, other = schedules
    first.add(1_000, "callback 0 dlv_000002 1 1000")
    await first.flush()
    assert len(await first.claim(now_ms=2_000, limit=10)) == 1
    assert await other.claim(now_ms=2_000, limit=10) == []
    await asyncio.sleep(0.4)  # the lease (300 ms) ends: the first process died
    assert await other.claim(now_ms=2_000, limit=10) == [(1_000, "callback 0 dlv_000002 1 1000")]
    await other.release(1_000, "callback 0 dlv_000002 1 1000")
    assert await other.count() == 0
