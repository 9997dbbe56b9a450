"""Which engine a server uses, and joining a shared one before the server accepts requests."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any, AsyncIterator, Callable

from aiohttp import web

from mockserver.core.clock import Clock
from mockserver.core.http import StrictViolation
from mockserver.core.journal import Journal
from mockserver.settings import Settings
from mockserver.store.appkeys import SCHEDULER, STORE
from mockserver.store.commands import dump_base, load_base, start_fresh, start_point_fields
from mockserver.store.engine import Store


def store_for(url: str | None, settings: Settings, clock: Clock) -> Store:
    """The memory engine, or the Redis engine for a redis:// URL (not connected until the app starts)."""
    if url in (None, "memory"):
        return Store(clock, Journal(settings.journal_size, settings.journal_bytes))
    from mockserver.store.redis_engine import RedisStore  # the redis package is imported only when used

    return RedisStore(clock, settings.journal_size, settings.journal_bytes, url, settings.store_lease_ms)


def store_lifecycle(app: web.Application) -> Callable[[web.Application], AsyncIterator[None]]:
    """For `app.cleanup_ctx`: join a shared store (adopting its start point, catching up with its log)
    before the server accepts requests; close it at shutdown."""

    async def lifecycle(_app: web.Application) -> AsyncIterator[None]:
        store = app[STORE]
        if store.shared:
            scheduler = app[SCHEDULER]
            scheduler.shared, scheduler.catch_up = store.schedule, store.sync  # type: ignore[attr-defined]
            store.fresh = partial(start_fresh, app)  # type: ignore[attr-defined]
            store.load_base = partial(load_base, app)  # type: ignore[attr-defined]
            store.dump_base = partial(dump_base, app)  # type: ignore[attr-defined]
            await store.start(start_point_fields(app))  # type: ignore[call-arg]
        try:
            yield
        finally:
            await store.close()

    return lifecycle


def strict_recorder(store: Store) -> Callable[[StrictViolation], None]:
    """Strict-mode failures as commands, so every process's record shows them (sent off the answer's path)."""
    pending: set[asyncio.Task[Any]] = set()

    def record(failure: StrictViolation) -> None:
        task = asyncio.get_running_loop().create_task(store.commit("strict", {
            "method": failure.method, "path": failure.path, "status": failure.status, "schema": failure.schema,
            "violations": [str(violation) for violation in failure.violations]}))
        pending.add(task)
        task.add_done_callback(pending.discard)

    return record
