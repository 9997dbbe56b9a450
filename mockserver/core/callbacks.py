"""Webhook delivery on the mock's clock: allow-list, retries, and a record of every attempt.

A delivery is planned when a job is submitted (`schedule`), due when the job
finishes. Each attempt POSTs JSON with a per-attempt timeout; any 2xx
acknowledges; otherwise the next attempt is scheduled after the next delay of
the retry schedule, on the shared `Scheduler`, so a frozen clock delivers only
when it is moved. Every attempt is kept as plain data for the admin API.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import logging
import socket
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit

import aiohttp
import orjson
from aiohttp.abc import AbstractResolver
from aiohttp.resolver import DefaultResolver

from mockserver.core.clock import Clock
from mockserver.core.redaction import Redactor
from mockserver.core.scheduler import Scheduler

log = logging.getLogger("mockserver.callbacks")

SCHEDULED, DELIVERED, FAILED = "scheduled", "delivered", "failed"


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

    def to_data(self, redact: bool = False) -> dict[str, Any]:
        return {"id": self.id, "url": redact_url(self.url) if redact else self.url, "ref": self.ref,
                "owner": self.owner, "state": self.state, "next_due_ms": self.next_due_ms,
                "attempts": [attempt.to_data() for attempt in self.attempts]}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "Delivery":
        return cls(str(data["id"]), str(data["url"]), str(data["ref"]), str(data["owner"]), str(data["state"]),
                   data.get("next_due_ms"), [Attempt.from_data(item) for item in data.get("attempts", [])])


PayloadSource = Callable[[str, int], Any]  # (ref, now_ms) -> JSON-safe body, None when gone

DOCUMENTED_RETRY_DELAYS_MS = (1_000, 5_000, 15_000, 60_000, 300_000)


class CallbackDispatcher:
    """Owns the deliveries of one provider; the HTTP session is opened on first use."""

    def __init__(self, scheduler: Scheduler, clock: Clock, payload_for: PayloadSource,
                 retry_delays_ms: tuple[int, ...] = DOCUMENTED_RETRY_DELAYS_MS,
                 timeout_s: float = 30.0, user_agent: str = "mockserver-callbacks/1",
                 allow_list: AllowList | None = None) -> None:
        self.scheduler = scheduler
        self.allow_list = allow_list or AllowList()  # checked again after DNS resolution
        self.clock = clock
        self.payload_for = payload_for
        self.retry_delays_ms = retry_delays_ms
        self.timeout_s = timeout_s
        self.user_agent = user_agent
        self._deliveries: dict[str, Delivery] = {}
        self._next_id = 1
        self._generation = 0  # bumped on reset/import, so work scheduled before becomes a no-op
        self._session: aiohttp.ClientSession | None = None

    def schedule(self, url: str, ref: str, owner: str, due_ms: int) -> Delivery:
        delivery = Delivery(f"dlv_{self._next_id:06d}", url, ref, owner, SCHEDULED, due_ms)
        self._next_id += 1
        self._deliveries[delivery.id] = delivery
        self._arm(delivery)
        return delivery

    def _arm(self, delivery: Delivery) -> None:
        generation, delivery_id = self._generation, delivery.id
        due = delivery.next_due_ms
        assert due is not None

        async def run() -> None:
            if generation == self._generation:
                await self._attempt(delivery_id, due)

        self.scheduler.call_at(due, run)

    async def _attempt(self, delivery_id: str, scheduled_ms: int) -> None:
        delivery = self._deliveries.get(delivery_id)
        if delivery is None or delivery.state != SCHEDULED:
            return
        attempt = Attempt(len(delivery.attempts) + 1, scheduled_ms, self.clock.now_ms())
        payload = self.payload_for(delivery.ref, attempt.attempted_ms)
        if payload is None:
            attempt.error = "the payload is no longer available"
        else:
            attempt.status, attempt.error = await self._post(delivery.url, payload)
        delivery.attempts.append(attempt)
        retries_used = len(delivery.attempts) - 1
        if attempt.acknowledged:
            delivery.state, delivery.next_due_ms = DELIVERED, None
        elif payload is None or retries_used >= len(self.retry_delays_ms):
            delivery.state, delivery.next_due_ms = FAILED, None
        else:
            # The delay counts from the end of the failed attempt, as a real sender's would.
            delivery.next_due_ms = self.clock.now_ms() + self.retry_delays_ms[retries_used]
            self._arm(delivery)
        if not any(d.state == SCHEDULED for d in self._deliveries.values()):
            await self.close()  # nothing left to send: do not hold sockets open

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
        return [d.to_data(redact=True) for d in self._deliveries.values() if owner is None or d.owner == owner]

    def get(self, delivery_id: str) -> Delivery | None:
        return self._deliveries.get(delivery_id)

    def for_ref(self, ref: str) -> Delivery | None:
        return next((d for d in self._deliveries.values() if d.ref == ref), None)

    def reschedule(self, delivery_id: str, due_ms: int) -> None:
        """Move a delivery that has not started yet (its job was forced to finish early)."""
        delivery = self._deliveries[delivery_id]
        if delivery.state == SCHEDULED and not delivery.attempts:
            self._generation += 1
            delivery.next_due_ms = due_ms
            self._rearm_all()

    def _rearm_all(self) -> None:
        for delivery in self._deliveries.values():
            if delivery.state == SCHEDULED and delivery.next_due_ms is not None:
                self._arm(delivery)

    def export(self) -> dict[str, Any]:
        return {"next_id": self._next_id, "deliveries": [d.to_data() for d in self._deliveries.values()]}

    def load(self, data: dict[str, Any]) -> None:
        """Replace every delivery; scheduled ones are armed again at their due instants."""
        self.reset()
        self._deliveries = {item["id"]: Delivery.from_data(item) for item in data.get("deliveries", [])}
        self._next_id = int(data.get("next_id", len(self._deliveries) + 1))
        self._rearm_all()

    def reset(self) -> None:
        self._generation += 1
        self._deliveries.clear()
        self._next_id = 1
