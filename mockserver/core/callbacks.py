"""Webhook delivery on the mock's clock: allow-list, retries, and a record of every attempt.

A delivery is planned when a job is submitted (`schedule`), due when the job
finishes. Each attempt POSTs JSON with a per-attempt timeout; any 2xx
acknowledges; otherwise the next attempt is scheduled after the next delay of
the retry schedule, on the shared `Scheduler`, so a frozen clock delivers only
when it is moved. Attempts are scheduler jobs, so deliveries run concurrently
(the scheduler's pool bounds how many) and a slow receiver delays only its
own. The allow-list is checked at submit, on import, and again at every
attempt (and after DNS resolution). Every attempt is kept as plain data for
the admin API.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import logging
import socket
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Iterable
from urllib.parse import urlsplit

import aiohttp
import orjson
from aiohttp.abc import AbstractResolver
from aiohttp.resolver import DefaultResolver

from mockserver.core.clock import Clock
from mockserver.core.errors import StateProblem
from mockserver.core.redaction import Redactor
from mockserver.core.scheduler import Scheduler

log = logging.getLogger("mockserver.callbacks")

SCHEDULED, DELIVERED, FAILED = "scheduled", "delivered", "failed"
MAX_URL_LENGTH = 8192  # aiohttp, for one, refuses a longer request line: no receiver could be called


class CallbackRefused(ValueError):
    """A callback URL the mock will not call; the message says why, for a 400 answer."""


def _network(entry: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return None


class AllowList:
    """Loopback always, plus what a scenario lists: names ("hooks.example.com", "*.example.com")
    and addresses or networks ("10.0.0.0/8").

    Names are checked when a callback is submitted, and again after DNS
    resolution when it is sent (`allows_address`, through `GuardedResolver`),
    so a name that resolves, or is rebound, to a private, link-local (cloud
    metadata) or reserved address is refused unless that address is listed.
    """

    def __init__(self, hosts: Iterable[str] = ()) -> None:
        entries = [h.lower().rstrip(".") for h in hosts]
        self.networks = tuple(net for net in map(_network, entries) if net is not None)
        names = [h for h in entries if _network(h) is None]
        self.exact: frozenset[str] = frozenset(h for h in names if not h.startswith("*."))
        self.suffixes: tuple[str, ...] = tuple(h[1:] for h in names if h.startswith("*."))

    def allows_address(self, address: str) -> bool:
        """Whether the mock may connect to this resolved address."""
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return False
        if ip.is_loopback or any(ip in network for network in self.networks):
            return True
        return ip.is_global  # public: fine for a listed name; private, link-local, reserved: not

    def allows_host(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        if host == "localhost" or host.endswith(".localhost"):
            return True  # still resolved and checked by GuardedResolver when sent
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            return host in self.exact or any(host.endswith(suffix) for suffix in self.suffixes)
        return ip.is_loopback or any(ip in network for network in self.networks)


    def check(self, url: str) -> str:
        """The URL when the mock may call it; raises `CallbackRefused` otherwise. Never resolves DNS."""
        if len(url) > MAX_URL_LENGTH:
            raise CallbackRefused(f"callback_url is longer than {MAX_URL_LENGTH} characters")
        try:
            parts = urlsplit(url.strip())
            port = parts.port  # raises for a port that is not a number in 0..65535
        except ValueError:
            raise CallbackRefused("callback_url is not a valid URL") from None
        if parts.scheme.lower() not in ("http", "https"):
            raise CallbackRefused("callback_url must be an http:// or https:// URL")
        host = parts.hostname or ""
        if not host:
            raise CallbackRefused("callback_url has no host")
        if port == 0:
            raise CallbackRefused("callback_url has an invalid port")
        if not self.allows_host(host):
            raise CallbackRefused(
                f"callback_url host {host!r} is not allowed: the mock calls loopback addresses and the "
                "hosts listed in its scenario's callback allow-list only"
            )
        return url.strip()


class GuardedResolver(AbstractResolver):
    """Resolves names like aiohttp does, then drops every address the allow-list refuses."""

    def __init__(self, allow_list: Callable[[], AllowList]) -> None:
        self._inner = DefaultResolver()
        self._allow_list = allow_list

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list[Any]:
        records = await self._inner.resolve(host, port, family)
        allowed = self._allow_list()
        safe = [record for record in records if allowed.allows_address(record["host"])]
        if not safe:
            refused = ", ".join(sorted({record["host"] for record in records}))
            # errno + text, so aiohttp's connection error carries the reason into the attempt record.
            raise OSError(errno.EACCES, f"{host} resolves to {refused}: not an address the mock may call")
        return safe

    async def close(self) -> None:
        await self._inner.close()


def redact_url(url: str) -> str:
    """The URL with its userinfo and credential query parameters masked, so records never show them."""
    return Redactor().url(url)


@dataclass(slots=True)
class Attempt:
    number: int  # 1 for the first try
    scheduled_ms: int
    attempted_ms: int
    status: int | None = None  # the HTTP status, when an answer came back
    error: str | None = None  # the transport failure, when none did

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def to_data(self) -> dict[str, Any]:
        return {"attempt": self.number, "scheduled_ms": self.scheduled_ms, "attempted_ms": self.attempted_ms,
                "status": self.status, "error": self.error, "acknowledged": self.acknowledged}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "Attempt":
        return cls(int(data["attempt"]), int(data["scheduled_ms"]), int(data["attempted_ms"]),
                   data.get("status"), data.get("error"))


@dataclass(slots=True)
class Delivery:
    id: str
    url: str
    ref: str  # what the payload is rendered from (a job id)
    owner: str
    state: str = SCHEDULED
    next_due_ms: int | None = None
    attempts: list[Attempt] = field(default_factory=list)

    def to_data(self, redactor: Redactor | None = None) -> dict[str, Any]:
        """As plain data; with a redactor (views), the URL's credentials masked."""
        return {"id": self.id, "url": redactor.url(self.url) if redactor else self.url, "ref": self.ref,
                "owner": self.owner, "state": self.state, "next_due_ms": self.next_due_ms,
                "attempts": [attempt.to_data() for attempt in self.attempts]}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "Delivery":
        return cls(str(data["id"]), str(data["url"]), str(data["ref"]), str(data["owner"]), str(data["state"]),
                   data.get("next_due_ms"), [Attempt.from_data(item) for item in data.get("attempts", [])])


PayloadSource = Callable[[str, int], Any]  # (ref, now_ms) -> JSON-safe body, None when gone
AttemptRecorder = Callable[[dict[str, Any]], Awaitable[Any]]  # hands an attempt's outcome to `apply_attempt`

DOCUMENTED_RETRY_DELAYS_MS = (1_000, 5_000, 15_000, 60_000, 300_000)


class CallbackDispatcher:
    """Owns the deliveries of one provider; the HTTP session is opened on first use.

    Attempts run as scheduler jobs, so deliveries to different receivers go out
    concurrently (the scheduler's pool bounds how many). At most `capacity`
    deliveries are kept, the oldest forgotten first (a forgotten delivery that
    was still scheduled is not attempted again, and its place in the
    scheduler's queue is swept out); every operation on them is O(1) or a heap
    push.

    An attempt is a named scheduler job whose key says which attempt of which
    delivery it is, in which epoch of the store, and when it was due: any
    process sharing the schedule can run it, and a key that no longer
    describes the delivery (reset, forced earlier, done) is a no-op. Its
    outcome goes through `record` (a store command) to `apply_attempt`, in
    every process, so all agree on the attempts and the next one.
    """

    def __init__(self, scheduler: Scheduler, clock: Clock, payload_for: PayloadSource,
                 retry_delays_ms: tuple[int, ...] = DOCUMENTED_RETRY_DELAYS_MS,
                 timeout_s: float = 30.0, user_agent: str = "mockserver-callbacks/1",
                 allow_list: AllowList | None = None, capacity: int | None = None,
                 kind: str = "callback", record: AttemptRecorder | None = None,
                 epoch: Callable[[], int] = lambda: 0) -> None:
        self.kind, self._record, self._epoch = kind, record, epoch
        self.scheduler = scheduler
        scheduler.handle(kind, self._run, self._expects)
        self.allow_list = allow_list or AllowList()  # checked again after DNS resolution
        self.clock = clock
        self.payload_for = payload_for
        self.retry_delays_ms = retry_delays_ms
        self.timeout_s = timeout_s
        self.user_agent = user_agent
        self.capacity = capacity
        self.redactor = Redactor()  # a provider hands over its scenario's, which also knows the credentials' values
        self._deliveries: OrderedDict[str, Delivery] = OrderedDict()
        self._by_ref: dict[str, str] = {}  # job id -> its delivery's id
        self._scheduled: set[str] = set()  # ids of deliveries in state SCHEDULED
        self._in_flight: set[str] = set()  # ids of deliveries with an attempt under way
        self._next_id = 1
        self._generation = 0  # bumped on reset/import, so work scheduled before becomes a no-op
        self._session: aiohttp.ClientSession | None = None

    def schedule(self, url: str, ref: str, owner: str, due_ms: int) -> Delivery:
        while f"dlv_{self._next_id:06d}" in self._deliveries:  # an imported delivery may hold the next id
            self._next_id += 1
        delivery = Delivery(f"dlv_{self._next_id:06d}", url, ref, owner, SCHEDULED, due_ms)
        self._next_id += 1
        self._keep(delivery)
        self._arm(delivery)
        return delivery

    def _keep(self, delivery: Delivery) -> None:
        self._deliveries[delivery.id] = delivery
        self._by_ref[delivery.ref] = delivery.id
        if delivery.state == SCHEDULED:
            self._scheduled.add(delivery.id)
        while self.capacity is not None and len(self._deliveries) > self.capacity:
            _, oldest = self._deliveries.popitem(last=False)
            self._scheduled.discard(oldest.id)
            if self._by_ref.get(oldest.ref) == oldest.id:
                del self._by_ref[oldest.ref]

    def _arm(self, delivery: Delivery) -> None:
        due = delivery.next_due_ms
        assert due is not None
        self.scheduler.schedule(due, self.kind, f"{self._epoch()} {delivery.id} {len(delivery.attempts) + 1} {due}")

    def _expects(self, key: str) -> bool:
        """Whether the attempt a job's key names is still the delivery's next (not reset, imported over,
        forced to another instant, done or forgotten meanwhile)."""
        epoch, delivery_id, number, due = key.split(" ")
        delivery = self._deliveries.get(delivery_id)
        return int(epoch) == self._epoch() and delivery is not None and delivery.state == SCHEDULED \
            and len(delivery.attempts) + 1 == int(number) and delivery.next_due_ms == int(due)

    async def _run(self, key: str) -> None:
        """The scheduled job: make the attempt its key names, if the delivery still expects it."""
        if self._expects(key):
            epoch, delivery_id, _, due = key.split(" ")
            await self._attempt(self._deliveries[delivery_id], int(due), int(epoch))

    async def _attempt(self, delivery: Delivery, scheduled_ms: int, epoch: int) -> None:
        if delivery.id in self._in_flight:
            return
        generation = self._generation
        attempt = Attempt(len(delivery.attempts) + 1, scheduled_ms, self.clock.now_ms())
        payload = self.payload_for(delivery.ref, attempt.attempted_ms)
        refused = self._refusal(delivery.url)
        if refused is not None:
            attempt.error = refused
        elif payload is None:
            attempt.error = "the payload is no longer available"
        else:
            self._in_flight.add(delivery.id)
            try:
                attempt.status, attempt.error = await self._post(delivery.url, payload)
            finally:
                self._in_flight.discard(delivery.id)
        if generation != self._generation or self._deliveries.get(delivery.id) is not delivery:
            return  # reset, imported over or forgotten meanwhile: this attempt belongs to nothing now
        outcome = {"epoch": epoch, "delivery": delivery.id, "attempt": attempt.to_data(),
                   "final": payload is None or refused is not None}
        if self._record is None:
            self.apply_attempt(outcome)
        else:
            await self._record(outcome)
        if not self._scheduled and not self._in_flight:
            await self.close()  # nothing left to send: do not hold sockets open

    def apply_attempt(self, outcome: dict[str, Any]) -> None:
        """Record an attempt's outcome and plan the next one; an outcome recorded already is ignored."""
        delivery = self._deliveries.get(outcome["delivery"])
        attempt = Attempt.from_data(outcome["attempt"])
        if outcome["epoch"] != self._epoch() or delivery is None or delivery.state != SCHEDULED \
                or attempt.number != len(delivery.attempts) + 1:
            return
        delivery.attempts.append(attempt)
        retries_used = len(delivery.attempts) - 1
        if attempt.acknowledged:
            delivery.state, delivery.next_due_ms = DELIVERED, None
        elif outcome["final"] or retries_used >= len(self.retry_delays_ms):
            delivery.state, delivery.next_due_ms = FAILED, None
        else:
            # The delay counts from the end of the failed attempt (the instant the outcome was recorded at),
            # as a real sender's would.
            delivery.next_due_ms = self.clock.now_ms() + self.retry_delays_ms[retries_used]
            self._arm(delivery)
        if delivery.state != SCHEDULED:
            self._scheduled.discard(delivery.id)

    def _refusal(self, url: str) -> str | None:
        """Why the URL may not be called now; checked at every attempt, whatever put the delivery here.

        IP literals need this: aiohttp connects to them without asking the resolver.
        """
        try:
            self.allow_list.check(url)
        except CallbackRefused as refused:
            return f"refused: {refused}"
        return None

    async def _post(self, url: str, payload: Any) -> tuple[int | None, str | None]:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(resolver=GuardedResolver(lambda: self.allow_list)),
                timeout=aiohttp.ClientTimeout(total=self.timeout_s),
                headers={"User-Agent": self.user_agent},
            )
        try:
            async with self._session.post(url, data=orjson.dumps(payload), allow_redirects=False,
                                          headers={"Content-Type": "application/json"}) as response:
                await response.read()
                return response.status, None
        except asyncio.TimeoutError:
            return None, f"timed out after {self.timeout_s:g} s"
        except aiohttp.ClientError as error:
            return None, f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        except OSError as error:
            return None, f"{type(error).__name__}: {error.strerror or error}"

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    # -- plain data for the admin API and snapshots --------------------------

    def deliveries(self, owner: str | None = None) -> list[dict[str, Any]]:
        """Every delivery and its attempts, oldest first; URLs shown without credentials."""
        return [d.to_data(self.redactor) for d in self._deliveries.values() if owner is None or d.owner == owner]

    def get(self, delivery_id: str) -> Delivery | None:
        return self._deliveries.get(delivery_id)

    def for_ref(self, ref: str) -> Delivery | None:
        found = self._by_ref.get(ref)
        return self._deliveries.get(found) if found is not None else None

    def reschedule(self, delivery_id: str, due_ms: int) -> None:
        """Move a delivery that has not started yet (its job was forced to finish early)."""
        delivery = self._deliveries[delivery_id]
        if delivery.state == SCHEDULED and not delivery.attempts and delivery.id not in self._in_flight:
            delivery.next_due_ms = due_ms
            self._arm(delivery)  # the earlier job's key names another instant: it no longer fires

    def export(self) -> dict[str, Any]:
        return {"next_id": self._next_id, "deliveries": [d.to_data() for d in self._deliveries.values()]}

    def load(self, data: dict[str, Any]) -> None:
        """Replace every delivery; scheduled ones are armed again at their due instants.

        Raises `StateProblem` for a delivery this dispatcher would not make: a URL the
        allow-list refuses (as a live submit would), a repeated id, more deliveries than it keeps.
        """
        self.reset()
        items = data.get("deliveries", [])
        if self.capacity is not None and len(items) > self.capacity:
            raise StateProblem(".deliveries", f"{len(items)} deliveries, but this server keeps at most {self.capacity}")
        for index, item in enumerate(items):
            delivery = Delivery.from_data(item)
            where = f".deliveries[{index}]"
            if delivery.id in self._deliveries:
                raise StateProblem(f"{where}.id", f"{delivery.id!r} is used twice")
            try:
                self.allow_list.check(delivery.url)
            except CallbackRefused as refused:
                raise StateProblem(f"{where}.url", str(refused)) from None
            if (delivery.state == SCHEDULED) != isinstance(delivery.next_due_ms, int):
                raise StateProblem(f"{where}.next_due_ms", "an instant exactly when the state is scheduled")
            if len(delivery.attempts) > 1 + len(self.retry_delays_ms):
                raise StateProblem(f"{where}.attempts", f"more than the {1 + len(self.retry_delays_ms)} a delivery makes")
            self._keep(delivery)
        self._next_id = int(data.get("next_id", len(self._deliveries) + 1))
        for delivery in self._deliveries.values():
            if delivery.state == SCHEDULED:
                self._arm(delivery)

    def reset(self) -> None:
        self._generation += 1
        self._deliveries.clear()
        self._by_ref.clear()
        self._scheduled.clear()
        self._in_flight.clear()
        self._next_id = 1
