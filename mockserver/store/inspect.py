"""`mockserver store inspect | flush`: what a shared store holds, key by key, and starting it over."""

from __future__ import annotations

import asyncio
from typing import Any

from mockserver.store.engine import StoreUnavailable
from mockserver.store.redis_keys import KeyLayout, describe_layout, redis_url_parts, shown_url


def _client(url: str) -> tuple[Any, KeyLayout]:
    import redis.asyncio as aioredis

    client_url, prefix = redis_url_parts(url)
    return aioredis.from_url(client_url), KeyLayout(prefix)


async def _reachable(redis: Any, url: str) -> None:
    try:
        await redis.ping()
    except Exception as error:  # noqa: BLE001 - one clear line, whatever the connection problem
        raise StoreUnavailable(f"cannot reach the Redis store at {shown_url(url)}: {error}") from None


async def _count(redis: Any, keys: KeyLayout, pattern: str) -> int:
    """How many keys under the prefix match `pattern` (SCAN: never blocks the server)."""
    found = 0
    async for _ in redis.scan_iter(match=keys.all_keys_pattern()[:-1] + pattern, count=1000):
        found += 1
    return found


async def _inspect(url: str) -> dict[str, Any]:
    redis, keys = _client(url)
    try:
        await _reachable(redis, url)
        meta = {k.decode(): v.decode() for k, v in (await redis.hgetall(keys.meta)).items()}
        if "scenario" in meta:
            meta["scenario"] = f"{len(meta['scenario'])} bytes of JSON"
        base = await redis.get(keys.base)
        answers = await _count(redis, keys, "journal:answer:*")
        windows = await _count(redis, keys, "rl:*")
        journal = {k.decode(): int(v) for k, v in (await redis.hgetall(keys.journal_meta)).items()}
        counts = {
            keys.meta: meta or None,
            keys.seq: int(await redis.get(keys.seq) or 0),
            keys.log: await redis.xlen(keys.log),
            keys.base: None if base is None else {"bytes": len(base), "seq": int(base.split(b'"seq":', 1)[1]
                                                                             .split(b",", 1)[0])},
            keys.schedule: await redis.zcard(keys.schedule),
            keys.leases: await redis.zcard(keys.leases),
            keys.journal: await redis.xlen(keys.journal),
            keys.journal_meta: journal,
            keys.journal_sizes: await redis.llen(keys.journal_sizes),
            keys.events: f"{(await redis.pubsub_numsub(keys.events))[0][1]} subscriber(s)",
            keys.prefix + "journal:answer:<writer>:<n>": f"{answers} key(s)",
            keys.prefix + "rl:<epoch>:<limiter>:w:<key>[:<window>]": f"{windows} key(s)",
        }
        memory = await redis.info("memory")
        persistence = await redis.info("persistence")
        return {"url": shown_url(redis_url_parts(url)[0]), "prefix": keys.prefix, "keys": counts,
                "redis": {"used_memory_human": memory.get("used_memory_human"),
                          "aof_enabled": persistence.get("aof_enabled"),
                          "rdb_last_save_time": persistence.get("rdb_last_save_time")},
                "layout": dict(describe_layout(keys))}
    finally:
        await redis.aclose()


async def _flush(url: str) -> int:
    redis, keys = _client(url)
    try:
        await _reachable(redis, url)
        gone = 0
        batch: list[bytes] = []
        async for key in redis.scan_iter(match=keys.all_keys_pattern(), count=1000):
            batch.append(key)
            if len(batch) >= 500:
                gone += await redis.unlink(*batch)
                batch = []
        if batch:
            gone += await redis.unlink(*batch)
        return gone
    finally:
        await redis.aclose()


def inspect_store(url: str) -> dict[str, Any]:
    return asyncio.run(_inspect(url))


def flush_store(url: str) -> int:
    """Delete every key under the store's prefix; returns how many went."""
    return asyncio.run(_flush(url))
