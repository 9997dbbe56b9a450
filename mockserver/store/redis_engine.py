"""The Redis engine: one mock across processes and hosts, through a shared command log.

Every change is a command appended to a Redis stream under one counter, so
all processes see the same total order; each process applies the log in that
order to its own copy of the worlds (reads stay local and fast). A request
first brings its process up to date: one GET of the counter, shared by the
requests that arrive together, plus the new commands when there are any.
Every command on a request's path goes through one automatic pipeline
(`redis_pipeline.py`), so requests in flight together share round trips.
A commit appends, then applies everything up to its own command, and answers
what applying it returned, exactly as every other process will compute it.
Every `COMPACT_EVERY` commands a snapshot (the validated snapshot format, plus
fault rules) replaces the log before it, so a process that starts later loads
the snapshot and replays only what followed.

Rate-limit windows, the journal, the schedule of clock-driven work and live
events live in Redis itself (atomic scripts); see `redis_keys.py`. Live
events: requests are read from the journal stream by a process whose
dashboard listens; admin changes go over a pub/sub channel.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import socket
from typing import Any, Awaitable, Callable, Iterable

import orjson

from mockserver.core.clock import Clock
from mockserver.core.journal import Journal
from mockserver.core.ratelimit import FixedWindows, RateLimiter, Window
from mockserver.store import redis_scripts as scripts
from mockserver.store.engine import Store, StoreUnavailable
from mockserver.store.redis_journal import RedisJournal
from mockserver.store.redis_keys import FORMAT, KeyLayout, redis_url_parts, shown_url
from mockserver.store.redis_limits import RedisFixedWindows, RedisRateLimiter
from mockserver.store.redis_pipeline import AutoPipeline
from mockserver.store.redis_schedule import RedisSchedule

log = logging.getLogger("mockserver.store")

COMPACT_EVERY = 1000  # commands between two snapshots (each process replays at most about this many)
EPOCH_COMMANDS = frozenset({"reset", "import"})  # they rebuild the worlds: scheduled work and windows start over


class RedisStore(Store):
    kind = "redis"
    shared = True

    def __init__(self, clock: Clock, journal_capacity: int, journal_bytes: int, url: str,
                 lease_ms: int = 30_000) -> None:
        self.url, prefix = redis_url_parts(url)
        self.shown_url = shown_url(self.url)  # what logs and answers show: no password
        self.keys = KeyLayout(prefix)
        import redis.asyncio as aioredis

        self.redis = aioredis.from_url(self.url, decode_responses=False, health_check_interval=30)
        # Two lanes, each its own connection: the checks and changes a request waits for before it is handled
        # never queue behind the (bulkier) journal entries of the requests that finished.
        self.pipeline, self.journal_pipeline = AutoPipeline(self.redis), AutoPipeline(self.redis)
        self.journal: RedisJournal
        super().__init__(clock, RedisJournal(self.redis, self.journal_pipeline, self.keys, journal_capacity,
                                             journal_bytes))
        self.schedule = RedisSchedule(self.redis, self.pipeline, self.keys, lease_ms)
        self.applied = 0  # the last command applied here
        self._origin = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._tokens = itertools.count(1)
        self._mine: dict[int, tuple[bool, Any]] = {}  # results of this process's own commands, by token
        self._own_token: int | None = None  # while one of this process's own commands is applied
        self._after_own: list[Callable[[], Any]] = []  # writes an own command leaves for after it is applied
        self._catching_up = asyncio.Lock()
        self._waiting: list[asyncio.Future[None]] = []  # requests waiting for the next check of the log
        self._syncer: asyncio.Task[None] | None = None
        self._limiters: list[RedisFixedWindows | RedisRateLimiter] = []
        self._subscriber: asyncio.Task[None] | None = None
        self._follower: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[Any]] = set()
        self.meta: dict[str, str] = {}
        self.fresh: Callable[[dict[str, str]], None] = lambda meta: None  # rebuild at the store's start point
        self.load_base: Callable[[dict[str, Any]], None] = lambda base: None
        self.dump_base: Callable[[], dict[str, Any]] = dict

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self, start_point: dict[str, str] | None = None) -> None:
        """Join the store (the first process writes the start point), then catch up with its log."""
        try:
            await self.redis.ping()
        except Exception as error:  # noqa: BLE001 - any connection problem is one clear start-up error
            raise StoreUnavailable(f"cannot reach the Redis store at {self.shown_url}: {error}") from None
        fields = [item for pair in {"format": FORMAT, **(start_point or {})}.items() for item in pair]
        raw = await scripts.JOIN(self.redis, [self.keys.meta], fields)
        self.meta = {raw[i].decode(): raw[i + 1].decode() for i in range(0, len(raw), 2)}
        if self.meta.get("format") != FORMAT:
            raise StoreUnavailable(f"the Redis store at {self.shown_url} (prefix {self.keys.prefix!r}) holds format "
                                   f"{self.meta.get('format')!r}, not {FORMAT}; flush it with "
                                   "`mockserver store flush` to start over")
        await self._reload()

    async def close(self) -> None:
        for task in [*self._background, self._subscriber, self._follower, self._syncer]:
            if task is not None and not task.done():
                task.cancel()
        await self.pipeline.close()
        await self.journal_pipeline.close()
        await self.redis.aclose()

    # -- commands ----------------------------------------------------------------------------------

    async def commit(self, name: str, args: dict[str, Any] | None = None) -> Any:
        token = next(self._tokens)
        command = orjson.dumps({"n": name, "a": args or {}, "t": self.clock.now_ms(), "o": self._origin,
                                "k": token})
        cleared = [self.keys.schedule, self.keys.leases] if name in EPOCH_COMMANDS else []
        sizes = 0  # where in the keys the journal's sizes list is, whose answer keys a reset deletes too
        if name == "reset":
            cleared += [self.keys.journal, self.keys.journal_meta, self.keys.journal_sizes]
            sizes = 2 + len(cleared)
        self._mine[token] = (False, StoreUnavailable("the command was not applied"))  # before it can be
        try:
            seq = int(await scripts.APPEND(self.pipeline, [self.keys.seq, self.keys.log, *cleared], [command, sizes]))
            await self._catch_up(seq)
        finally:
            ok, result = self._mine.pop(token)
        if seq % COMPACT_EVERY == 0:
            self._spawn(self._compact())
        if not ok:
            raise result
        return result

    async def sync(self) -> None:
        """Catch up with the log; requests that arrive while a check is out wait for the next one (which
        starts after they arrived), so one round trip serves them all."""
        waiter = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        if self._syncer is None:
            self._syncer = asyncio.create_task(self._sync_loop(), name="mockserver-store-sync")
        await waiter

    async def _sync_loop(self) -> None:
        waiting: list[asyncio.Future[None]] = []
        try:
            while self._waiting:
                waiting, self._waiting = self._waiting, []
                try:
                    await self._catch_up()
                except Exception as error:  # noqa: BLE001 - handed to every request that waited
                    for waiter in waiting:
                        if not waiter.done():
                            waiter.set_exception(error)
                else:
                    for waiter in waiting:
                        if not waiter.done():  # its request went away meanwhile
                            waiter.set_result(None)
        finally:
            self._syncer = None
            for waiter in (*waiting, *self._waiting):  # cancelled: the store is closing
                if not waiter.done():
                    waiter.cancel()
            self._waiting = []

    async def _catch_up(self, until: int | None = None) -> None:
        async with self._catching_up:
            if until is None:
                until = int(await self.pipeline.execute_command("GET", self.keys.seq) or 0)
            if until > self.applied:
                entries = await self.pipeline.execute_command("XRANGE", self.keys.log, f"{self.applied + 1}-0",
                                                              f"{until}-0")
                if not entries or _seq(entries[0][0]) != self.applied + 1:
                    await self._reload_locked()  # compacted past what this process has applied
                    return
                self._apply_entries(entries)
            await self.schedule.flush()
        for write in self._take_after_own():
            await write()

    def _apply_entries(self, entries: Iterable[tuple[bytes, dict[bytes, bytes]]]) -> None:
        for entry_id, fields in entries:
            command = orjson.loads(fields[b"c"])
            seq = _seq(entry_id)
            own = command.get("o") == self._origin and command.get("k") in self._mine
            self._own_token = command["k"] if own else None
            try:
                result = self.apply(command["n"], command["a"], command["t"])
                if own:
                    self._mine[command["k"]] = (True, result)
            except Exception as error:  # noqa: BLE001 - a refused command is refused alike everywhere
                if own:
                    self._mine[command["k"]] = (False, error)
                elif not _expected_refusal(error):
                    log.error("command %s (#%d) failed here: %s: %s", command["n"], seq, type(error).__name__, error)
            finally:
                self._own_token = None
            self.applied = seq

    @property
    def applying_own(self) -> bool:
        """Whether the command being applied was committed by this process (its side effects are ours)."""
        return self._own_token is not None

    def after_own(self, write: Callable[[], Any]) -> None:
        """Run `write()` (a coroutine function) once the own command being applied is in place."""
        self._after_own.append(write)

    def _take_after_own(self) -> list[Callable[[], Any]]:
        writes, self._after_own = self._after_own, []
        return writes

    async def _reload(self) -> None:
        async with self._catching_up:
            await self._reload_locked()
        for write in self._take_after_own():
            await write()

    async def _reload_locked(self) -> None:
        """Start from the kept snapshot (or the start point) and replay the log after it."""
        raw = await self.redis.get(self.keys.base)
        if raw is None:
            self.fresh(self.meta)
            self.applied, self.epoch = 0, 0
        else:
            base = orjson.loads(raw)
            self.load_base(base)
            self.applied, self.epoch = int(base["seq"]), int(base["epoch"])
        until = int(await self.redis.get(self.keys.seq) or 0)
        if until > self.applied:
            entries = await self.redis.xrange(self.keys.log, min=f"{self.applied + 1}-0", max=f"{until}-0")
            if entries and _seq(entries[0][0]) != self.applied + 1:
                raise StoreUnavailable(f"the log of the Redis store at {self.shown_url} misses commands "
                                       f"{self.applied + 1}..{_seq(entries[0][0]) - 1}; flush the store")
            self._apply_entries(entries)
        await self.schedule.flush()

    async def _compact(self) -> None:
        """Keep a snapshot of the state as of now, and trim the log it makes unnecessary."""
        async with self._catching_up:
            seq, base = self.applied, {"seq": self.applied, "epoch": self.epoch, **self.dump_base()}
        await scripts.COMPACT(self.redis, [self.keys.base, self.keys.log], [seq, orjson.dumps(base)])

    def _spawn(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            log.error("store background work failed: %s: %s", type(error).__name__, error)

    # -- rate limits -------------------------------------------------------------------------------

    def fixed_windows(self, name: str, limit: int, period_ms: int) -> FixedWindows:
        windows = RedisFixedWindows(self, name, limit, period_ms)
        self._limiters.append(windows)
        return windows  # type: ignore[return-value]

    def rate_limiter(self, name: str, windows: Iterable[Window]) -> RateLimiter:
        limiter = RedisRateLimiter(self, name, windows)
        self._limiters.append(limiter)
        return limiter  # type: ignore[return-value]

    async def before_export(self) -> None:
        await self.sync()
        for limiter in self._limiters:
            await limiter.fetch()

    # -- events --------------------------------------------------------------------------------------

    def listen(self, listener: Callable[[str, Any], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        if self._subscriber is None or self._subscriber.done():
            self._subscriber = asyncio.create_task(self._subscribe(), name="mockserver-store-events")
            self._follower = asyncio.create_task(self._follow_journal(), name="mockserver-store-journal")

        def stop() -> None:
            self._listeners.remove(listener)
            if not self._listeners:
                for task in (self._subscriber, self._follower):
                    if task is not None:
                        task.cancel()
                self._subscriber = self._follower = None

        return stop

    def publish(self, kind: str, payload: Any) -> None:
        self._spawn(self.pipeline.execute_command("PUBLISH", self.keys.events,
                                                  kind.encode() + b" " + orjson.dumps(payload)))

    async def _follow_journal(self) -> None:
        """Requests for the live event stream, read from the journal."""
        await _retrying("following the journal for live events",
                        lambda: self.journal.follow(lambda entry: self._deliver("request", entry)))

    async def _subscribe(self) -> None:
        """Admin changes for the live event stream, from the pub/sub channel."""
        async def listen() -> None:
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.keys.events)
                async for message in pubsub.listen():
                    kind, _, data = bytes(message["data"]).partition(b" ")
                    self._deliver(kind.decode(), orjson.loads(data))
            finally:
                await pubsub.aclose()

        await _retrying("listening for admin events", listen)

    def outage(self, error: BaseException) -> StoreUnavailable | None:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        if isinstance(error, StoreUnavailable):
            return error
        if isinstance(error, (RedisConnectionError, RedisTimeoutError)):
            return StoreUnavailable(f"the Redis store at {self.shown_url} cannot be reached ({error})")
        return None

    # -- inspect ---------------------------------------------------------------------------------------

    async def describe(self) -> dict[str, Any]:
        return {"engine": self.kind, "url": self.shown_url, "prefix": self.keys.prefix,
                "epoch": self.epoch, "applied": self.applied,
                "round_trips": self.pipeline.round_trips + self.journal_pipeline.round_trips,
                "commands": self.pipeline.commands + self.journal_pipeline.commands}


async def _retrying(what: str, work: Callable[[], Awaitable[None]]) -> None:
    """Run `work` until cancelled; a connection problem is one error line, and `work` starts again a second
    later (the live stream misses the events meanwhile; the journal and the state have them)."""
    while True:
        try:
            await work()
        except Exception as error:  # noqa: BLE001 - the live stream misses events, the server goes on
            log.error("%s failed: %s: %s", what, type(error).__name__, error)
        await asyncio.sleep(1.0)


def _seq(entry_id: bytes) -> int:
    return int(entry_id.split(b"-", 1)[0])


def _expected_refusal(error: Exception) -> bool:
    """Refusals the committing process answered already (bad requests, unknown ids, state conflicts)."""
    from mockserver.core.errors import ApiError

    from mockserver.scenario import ScenarioError

    return isinstance(error, (ApiError, ValueError, KeyError, LookupError, ScenarioError))
