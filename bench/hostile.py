"""The hostile half of `python -m bench.soak --hostile`: what issue 16's review threw at the mock, on a loop.

Runs in a process of its own against one server on loopback, at a fixed rate
and for a bounded time: deep and large JSON bodies, the biggest pages the
providers serve (a new one each time), requests aiohttp cannot
parse (a bad byte in the query, a URL over 8,190 bytes, a broken header,
Content-Length with Transfer-Encoding), requests abandoned half-way, slow
heads and slow bodies held open all along, and hostile admin calls (state
imports that must be refused, absurd journal filters, full journal listings
and body-filter verifies, unsendable fault rules). Every one of them must be
answered below 500 (or, for those that give up half-way, not at all); the
tally says what each got.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import time
from collections import Counter
from typing import Any, Awaitable, Callable

import aiohttp

OTHER_NYNE = {"X-API-Key": "OTHER_NYNE_API_KEY", "X-API-Secret": "OTHER_NYNE_API_SECRET"}  # not the soak's own key
OUTX = {"x-api-key": "YOUR_API_KEY"}
OTHER_ADN = {"Authorization": "Bearer <YOUR ACCESS TOKEN>"}  # the same user's other token: its own rate limit
JSON = {"Content-Type": "application/json"}
SECRET = "api_key=S3CRET&api_secret=S3CRET"


def nested(depth: int) -> bytes:
    return b'{"a": ' * depth + b"1" + b"}" * depth


def small_objects(size: int) -> bytes:
    """JSON made of many small objects: kept parsed, it would cost about ten times its bytes."""
    item = b'{"id": 12345, "name": "item", "tags": ["a", "b"], "ok": true}, '
    return b'{"items": [' + item * ((size - 16) // len(item)) + b"1]}"


def bad_snapshots(base: dict[str, Any]) -> list[tuple[str, bytes]]:
    """Snapshots the server must refuse whole (each one also kept frozen or far off, never a valid import)."""
    def variant(change: Callable[[dict[str, Any]], None]) -> bytes:
        snapshot = copy.deepcopy(base)
        change(snapshot)
        return json.dumps(snapshot).encode()

    def deliveries(**fields: Any) -> Callable[[dict[str, Any]], None]:
        bogus = {"id": "dlv_999999", "url": "http://127.0.0.1:9/hook", "ref": "nobody", "owner": "nyne-docs-key",
                 "state": "scheduled", "next_due_ms": 1_705_401_600_000, "attempts": [], **fields}
        return lambda s: s["providers"]["nyne"]["callbacks"].update(deliveries=[bogus])

    return [
        ("state import: clock at 10**18", variant(lambda s: s.update(clock={"mode": "frozen", "now_ms": 10**18,
                                                                            "offset_ms": 0}))),
        ("state import: clock at 1.5e300", variant(lambda s: s.update(clock={"mode": "frozen", "now_ms": 1.5e300,
                                                                             "offset_ms": 0}))),
        ("state import: callback due 'soon'", variant(deliveries(next_due_ms="soon"))),
        ("state import: callback to 169.254.169.254", variant(deliveries(url="http://169.254.169.254/latest"))),
        ("state import: a count of 10**30", variant(lambda s: s["providers"]["nyne"].update(submitted=10**30))),
        ("state import: not JSON", b'{"format": "mockserver-state/1", "seed": '),
        ("state import: 5,000 levels deep", nested(5_000)),
    ]


Outcome = int | str  # an HTTP status, or what happened instead ("closed" when the client gave up on purpose)


class Hostile:
    def __init__(self, host: str, port: int, session: aiohttp.ClientSession) -> None:
        self.host, self.port, self.session = host, port, session
        self.tally: Counter[tuple[str, str]] = Counter()
        self.big = small_objects(1_000_000)
        self.too_big = small_objects(1_100_000)
        self.snapshots: list[tuple[str, bytes]] = []
        self.fresh = itertools.count()  # page numbers and sizes no one asked for yet

    # -- helpers -----------------------------------------------------------------------------

    async def http(self, method: str, path: str, **kwargs: Any) -> Outcome:
        async with self.session.request(method, path, **kwargs) as response:
            await response.read()
            return response.status

    async def raw(self, data: bytes, *, hang_up: bool = False, within_s: float = 45.0) -> Outcome:
        """Send bytes as they are; the status of the answer, or "closed" when we hang up first."""
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(data)
            await writer.drain()
            if hang_up:
                return "closed"
            head = await asyncio.wait_for(reader.readuntil(b"\r\n"), within_s)
            return int(head.split(b" ")[1])
        except asyncio.IncompleteReadError:
            return "no answer"
        finally:
            writer.close()

    async def outx_page(self, n: int) -> Outcome:
        return await self.http("GET", "/api-interactions", headers=OUTX, params={
            "watchlist_id": "550e8400-e29b-41d4-a716-446655440000", "page": str(n % 50 + 1),
            "page_size": str(100 - n // 50 % 40)})

    # -- the actions, one request each -------------------------------------------------------------

    def actions(self) -> list[tuple[str, Callable[[], Awaitable[Outcome]]]]:
        host = f"Host: {self.host}\r\n".encode()
        found: list[tuple[str, Callable[[], Awaitable[Outcome]]]] = [
            ("deep JSON, 490 levels, unknown path", lambda: self.http("POST", "/nowhere", data=nested(490),
                                                                      headers=JSON)),
            ("deep JSON, 10,000 levels, OutX like-post",
             lambda: self.http("POST", "/linkedin-agent/like-post", data=nested(10_000), headers={**OUTX, **JSON})),
            ("1 MB JSON body, unknown path", lambda: self.http("POST", "/nowhere", data=self.big, headers=JSON)),
            ("1.1 MB JSON body, OutX like-post",
             lambda: self.http("POST", "/linkedin-agent/like-post", data=self.too_big, headers={**OUTX, **JSON})),
            ("bad byte in the query", lambda: self.raw(b"GET /x?" + SECRET.encode() + b"\x01 HTTP/1.1\r\n" + host
                                                       + b"\r\n")),
            ("URL over 8,190 bytes", lambda: self.raw(b"GET /x?access_token=S3CRET&" + b"a" * 9000 + b" HTTP/1.1\r\n"
                                                      + host + b"\r\n")),
            ("broken header line", lambda: self.raw(b"GET /x HTTP/1.1\r\n" + host + b"X-Api-Key: S3CRET\r\n"
                                                    b"Bad Header\r\n\r\n")),
            ("Content-Length with Transfer-Encoding",
             lambda: self.raw(b"POST /x?token=S3CRET HTTP/1.1\r\n" + host + b"Content-Length: 5\r\n"
                              b"Transfer-Encoding: chunked\r\n\r\n")),
            ("half a request head, then gone", lambda: self.raw(b"GET /api-interactions HTTP/1.1\r\n" + host
                                                                + b"X-Api-", hang_up=True)),
            ("body cut off, then gone", lambda: self.raw(b"POST /linkedin-agent/like-post HTTP/1.1\r\n" + host
                                                         + b"x-api-key: YOUR_API_KEY\r\nContent-Type: application/json"
                                                         b"\r\nContent-Length: 100000\r\n\r\n" + b'{"social_urn": "'
                                                         + b"x" * 1000, hang_up=True)),
            ("credentials in every body form", lambda: self.http(
                "POST", "/nowhere", data=f"{SECRET}&access_token%5B%5D=S3CRET&apiSecret=S3CRET",
                headers={"Content-Type": "application/x-www-form-urlencoded"})),
            ("Nyne callback to 169.254.169.254", lambda: self.http(
                "POST", "/person/interactions", headers=OTHER_NYNE,
                json={"username": "janedoe", "type": "followers", "callback_url": "http://169.254.169.254/x"})),
            ("App.net page of 200, a new one each time", lambda: self.http(
                "GET", "/stream/0/users/me/interactions", headers=OTHER_ADN,
                params={"count": "200", "before_id": str(200 + next(self.fresh) % 400)})),
            ("OutX page of up to 100, a new one each time", lambda: self.outx_page(next(self.fresh))),
            ("page number of 5,000 digits", lambda: self.http(
                "GET", "/api-interactions", params={"watchlist_id": "550e8400-e29b-41d4-a716-446655440000",
                                                    "page": "9" * 5000}, headers=OUTX)),
            ("journal filter of 5,000 digits", lambda: self.http("GET", "/__admin/journal",
                                                                 params={"status": "9" * 5000})),
            ("journal glob of 3,000 characters", lambda: self.http("GET", "/__admin/journal",
                                                                   params={"path": "/*" * 1500})),
            ("journal verify with a 1,000-level body filter",
             lambda: self.http("POST", "/__admin/journal/verify", headers=JSON,
                               data=b'{"body_includes": ' + nested(1000) + b"}")),
            ("journal listing, 1,000 entries asked", lambda: self.http("GET", "/__admin/journal",
                                                                       params={"limit": "1000"})),
            ("journal verify, body filter over every entry",
             lambda: self.http("POST", "/__admin/journal/verify", json={"body_includes": {"items": ["nope"]}})),
            ("fault rule with CR/LF in a header", lambda: self.http(
                "POST", "/__admin/faults", json={"kind": "status", "headers": {"X-A": "a\r\nSet-Cookie: x=1"}})),
            ("fault rule with Transfer-Encoding and Content-Length", lambda: self.http(
                "POST", "/__admin/faults", json={"kind": "status", "headers": {"Transfer-Encoding": "chunked",
                                                                              "Content-Length": "5"}})),
        ]
        for name, body in self.snapshots:
            found.append((name, lambda body=body: self.http("PUT", "/__admin/state", data=body, headers=JSON)))
        return found

    # -- slow clients, held open all along -------------------------------------------------------

    async def hold_slow(self, name: str, data: bytes, deadline: float) -> None:
        """One slow client after another: send `data`, never the rest, and wait for the server's answer."""
        while time.monotonic() < deadline:
            try:
                outcome = await self.raw(data, within_s=120)
            except (OSError, asyncio.TimeoutError) as error:
                outcome = type(error).__name__
            self.tally[(name, str(outcome))] += 1

    async def run(self, seconds: float, rate: float, slow_heads: int, slow_bodies: int) -> Counter[tuple[str, str]]:
        self.snapshots = bad_snapshots(await (await self.session.get("/__admin/state")).json())
        actions = self.actions()
        deadline = time.monotonic() + seconds
        host = f"Host: {self.host}\r\n".encode()
        slow = [asyncio.create_task(self.hold_slow("slow head (held open)", b"GET / HTTP/1.1\r\n" + host, deadline))
                for _ in range(slow_heads)]
        slow += [asyncio.create_task(self.hold_slow(
            "slow body (held open)", b"POST /linkedin-agent/like-post HTTP/1.1\r\n" + host + b"x-api-key: YOUR_API_KEY\r\n"
            b"Content-Length: 100\r\nContent-Type: application/json\r\n\r\n{", deadline)) for _ in range(slow_bodies)]
        started, sent = time.monotonic(), 0
        while time.monotonic() < deadline:
            name, action = actions[sent % len(actions)]
            try:
                outcome: Outcome = await asyncio.wait_for(action(), 60)
            except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as error:
                outcome = type(error).__name__
            self.tally[(name, str(outcome))] += 1
            sent += 1
            await asyncio.sleep(max(0.0, started + sent / rate - time.monotonic()))
        for task in slow:  # whatever is still held when time is up is let go, not counted
            task.cancel()
        await asyncio.gather(*slow, return_exceptions=True)
        return self.tally


async def hostile(base: str, seconds: float, rate: float, slow_heads: int, slow_bodies: int) -> dict[str, int]:
    """Everything above against `base` for `seconds`; {"action -> outcome": count}."""
    host, port = base.rsplit("/", 1)[-1].split(":")
    async with aiohttp.ClientSession(base, timeout=aiohttp.ClientTimeout(total=60)) as session:
        tally = await Hostile(host, int(port), session).run(seconds, rate, slow_heads, slow_bodies)
    return {f"{name} -> {outcome}": count for (name, outcome), count in sorted(tally.items())}


def server_error(outcome: str) -> bool:
    """A 5xx, or a request the server failed to answer at all (the client did not hang up on purpose)."""
    return outcome not in ("closed",) and (not outcome.isdigit() or int(outcome) >= 500)
