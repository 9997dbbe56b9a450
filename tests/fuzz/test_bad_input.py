"""A catalogue of bad input, sent to every provider endpoint: each gets a documented 4xx, never a 5xx.

One test per endpoint and kind of abuse (bodies, query strings, headers and
raw bytes, methods, ids); each runs its whole catalogue on one app and
reports every case it mishandled, so a run names all the broken inputs.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Collection

import pytest
from aiohttp.test_utils import TestClient

from mockserver.core.http import Endpoint
from mockserver.store.appkeys import PROVIDERS
from tests.conftest import ClientFactory
from tests.fuzz.helpers import (
    LONE_SURROGATE, ODD_CHARACTERS, PROVIDER_NAMES, Sent, Target, build_url, encode_part, endpoint_of,
    json_bytes, send, targets, valid_auth_headers, verdict,
)

MIB = 1024 * 1024
DEPTH = 10_000


@dataclass(frozen=True)
class Baseline:
    """A well-formed request for an endpoint; each bad input bends one part of it."""

    path_id: str | None  # the {user_id} of a templated path
    query: tuple[tuple[str, str], ...]
    body: Any  # a JSON value for POST endpoints, None for GET
    id_slots: tuple[str, ...]  # where an id goes: "path", a query parameter name, or "body.<field>"
    numeric: tuple[str, ...] = ()  # query parameters (or "body.<field>") that take numbers


BASELINES: dict[str, Baseline] = {
    "outx:GET:/api-interactions": Baseline(
        None, (("watchlist_id", "550e8400-e29b-41d4-a716-446655440000"), ("page", "1"), ("page_size", "10")),
        None, ("watchlist_id",), ("page", "page_size")),
    "outx:POST:/linkedin-agent/like-post": Baseline(
        None, (), {"social_urn": "urn:li:activity:7123456789012345678"}, ("body.social_urn",)),
    "outx:GET:/linkedin-agent/get-task-status": Baseline(
        None, (("api_agent_task_id", "5f0c6a7e-0000-4000-8000-000000000000"),), None, ("api_agent_task_id",)),
    "appdotnet:GET:/stream/0/users/{user_id}/interactions": Baseline(
        "me", (("count", "5"), ("since_id", "1")), None, ("path",), ("count", "since_id", "before_id")),
    "nyne:POST:/person/interactions": Baseline(
        None, (), {"social_media_url": "https://x.com/janedoe", "type": "followers", "max_results": 10},
        # tweet_id is read for replies lookups only (documented), so it is no id slot of this followers one.
        ("body.social_media_url", "body.username"), ("body.max_results",)),
    "nyne:GET:/person/interactions": Baseline(
        None, (("request_id", "interaction_0000000000000000_1705401600_1000"),), None, ("request_id",)),
    "outfame:GET:/v1/engagement/activity": Baseline(
        None, (("account_id", "acc_7Gx2kLm9Qr"), ("limit", "5")), None, ("account_id",), ("limit",)),
    "outfame:GET:/v1/engagement/stats": Baseline(None, (("account_id", "acc_7Gx2kLm9Qr"),), None, ("account_id",)),
    "outfame:POST:/v1/engagement/pause": Baseline(
        None, (), {"account_id": "acc_7Gx2kLm9Qr", "reason": "fuzz"}, ("body.account_id",)),
    "outfame:POST:/v1/engagement/resume": Baseline(None, (), {"account_id": "acc_P4us3dAcc1"}, ("body.account_id",)),
}
TARGETS = targets()
TARGET_IDS = [target.id for target in TARGETS]


def test_every_endpoint_has_a_baseline() -> None:
    """A new endpoint must be added to the catalogue, or it goes untested."""
    assert sorted(BASELINES) == sorted(TARGET_IDS)


@dataclass
class Bench:
    """A fresh app with every provider, and how to send variations of one endpoint's baseline."""

    client: TestClient
    target: Target
    endpoint: Endpoint
    baseline: Baseline
    auth: dict[str, str]
    problems: list[str] = field(default_factory=list)

    @property
    def app(self) -> Any:
        return self.client.server.app

    def request(self, *, query: tuple[tuple[str, str], ...] | None = None, body: bytes | None = None,
                headers: dict[str, str] | None = None, path_id: str | None = None,
                method: str | None = None, content_type: str | None = "application/json") -> Sent:
        path = self.target.path
        if "{user_id}" in path:
            path = path.replace("{user_id}", encode_part(path_id if path_id is not None else self.baseline.path_id))
        if body is None and self.baseline.body is not None:
            body = json_bytes(self.baseline.body)
        sent_headers = {**self.auth, **(headers or {})}
        if body is not None and content_type is not None:
            sent_headers.setdefault("Content-Type", content_type)
        return Sent(method or self.target.method, build_url(path, query if query is not None else self.baseline.query),
                    sent_headers, body)

    async def judge(self, sent: Sent) -> tuple[int, Any]:
        status, content_type, raw = await send(self.client, sent)
        _, decoded = verdict(self.app, self.endpoint, sent, status, content_type, raw)
        return status, decoded

    async def check(self, case: str, sent: Sent, allowed: Collection[int]) -> int | None:
        """Judge one bad input; a failure is noted (not raised) so one run reports every broken case."""
        try:
            status, _ = await self.judge(sent)
            assert status in allowed, f"status {status}, expected one of {sorted(allowed)}"
            return status
        except AssertionError as failure:
            self.problems.append(f"{case}: {str(failure)[:600]}")
            return None

    def report(self) -> None:
        assert not self.problems, f"{len(self.problems)} bad input(s) mishandled:\n" + "\n".join(self.problems)

    async def baseline_status(self) -> int:
        """The baseline's answer once its own effect is in place (a second pause is `already_paused`)."""
        await self.judge(self.request())
        status, _ = await self.judge(self.request())
        return status


@pytest.fixture
async def bench(make_client: ClientFactory, request: pytest.FixtureRequest) -> Bench:
    target: Target = request.param
    client = await make_client(providers=PROVIDER_NAMES)
    # Nyne's 60 requests a minute (and App.net's 50 unauthorized calls a minute) would turn the longer
    # loops below into 429s under a frozen clock.
    switched = await client.patch("/__admin/flags", json={"nyne": {"rate_limits": False},
                                                          "appdotnet": {"rate_limits": False}})
    assert switched.status == 200
    app = client.server.app
    credentials = app[PROVIDERS][target.provider].credentials()
    return Bench(client, target, endpoint_of(app, target), BASELINES[target.id], valid_auth_headers(credentials))


per_endpoint = pytest.mark.parametrize("bench", TARGETS, ids=TARGET_IDS, indirect=True)


# -- bodies -----------------------------------------------------------------------

BAD_BODIES: dict[str, bytes] = {
    "malformed": b'{"social_urn": ',
    "trailing-garbage": b'{"account_id": "acc_7Gx2kLm9Qr"} x',
    "single-quotes": b"{'account_id': 'acc_7Gx2kLm9Qr'}",
    "not-utf8": b'{"account_id": "\xff\xfe"}',
    "utf16": '{"account_id": "acc_7Gx2kLm9Qr"}'.encode("utf-16"),
    "deep-arrays": b"[" * DEPTH + b"]" * DEPTH,
    "deep-objects": b'{"a":' * DEPTH + b"1" + b"}" * DEPTH,
    "deep-under-a-field": b'{"account_id": ' + b"[" * DEPTH + b"]" * DEPTH + b"}",
    "array": b"[]",
    "string": b'"urn:li:activity:7123456789012345678"',
    "null": b"null",
    "number": b"42",
    "empty": b"",
    "whitespace": b" \n\t ",
    "nan": b'{"social_urn": NaN, "account_id": NaN, "max_results": NaN}',
    "huge-float": b'{"social_urn": 1e400, "account_id": 1e400, "max_results": 1e400}',
    "huge-int": b'{"social_urn": 1' + b"0" * 400 + b', "account_id": 1' + b"0" * 400 + b"}",
    "int-over-4300-digits": b'{"max_results": ' + b"9" * 5000 + b"}",
    "lone-surrogate": b'{"social_urn": "\\ud800", "account_id": "\\ud800", "social_media_url": "\\ud800"}',
    "nul-in-string": b'{"social_urn": "urn:li:activity:1\\u0000", "account_id": "acc\\u0000"}',
    "duplicate-keys": b'{"account_id": 1, "account_id": "acc_7Gx2kLm9Qr", "social_urn": 2}',
}
# Parseable JSON whose values are wrong (an unknown id is a 404); every other case is a 400.
VALUE_CASES = frozenset({"nul-in-string", "lone-surrogate", "duplicate-keys"})
CONTENT_TYPES = (None, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1",
                 "application/jsonx", "*/*", "application/json; boundary=\u00ff")
FOURXX = range(400, 500)


@per_endpoint
async def test_bad_bodies_get_400_or_413_on_posts_and_are_ignored_by_gets(bench: Bench) -> None:
    expected = await bench.baseline_status()
    is_get = bench.target.method == "GET"  # a GET's body is never read, so it must not change the answer
    for case, raw in BAD_BODIES.items():
        allowed = (expected,) if is_get else FOURXX if case in VALUE_CASES else (400,)
        await bench.check(f"body {case}", bench.request(body=raw), allowed)
    oversized = b'{"pad": "' + b"x" * MIB + b'"}'
    await bench.check("body over 1 MiB", bench.request(body=oversized), (expected,) if is_get else (413,))
    for content_type in CONTENT_TYPES:
        # OutX follows Express (another content type means no body: 400); the others do not enforce it.
        await bench.check(f"content type {content_type!r}", bench.request(content_type=content_type), (expected, 400))
    bench.report()


# -- query strings -------------------------------------------------------------------

NUMBERS = ("-1", "0", "-0", "99999999999999999999999999999", "1" * 5000, "abc", "1.5", "1e3", "", " ",
           "0x10", "\u0661\u0662", "\uff11", "NaN", "Infinity", "+5", "5 5", "null")


@per_endpoint
async def test_query_abuse_gets_a_400_or_is_ignored(bench: Bench) -> None:
    expected = await bench.baseline_status()
    query = bench.baseline.query
    doubled = tuple(pair for name, value in query for pair in ((name, value), (name, value + "0")))
    await bench.check("every parameter twice", bench.request(query=doubled), (400,) if query else (expected,))
    unknown = tuple((f"unknown_{n}{odd}", f"v{odd}") for n, odd in enumerate(ODD_CHARACTERS * 4))
    unknown += (("", "x"), ("=", "="), ("a[b][c]", "1"), (LONE_SURROGATE, LONE_SURROGATE))
    await bench.check("unknown parameters", bench.request(query=query + unknown), (expected,))
    padded = query + tuple((f"p{n}", "y" * 60) for n in range(100))
    await bench.check("a 7 KB query string", bench.request(query=padded), (expected,))
    for slot in bench.baseline.numeric:
        for value in NUMBERS:
            # Documented clamps (App.net count, Nyne max_results) answer as the baseline does.
            if slot.startswith("body."):
                field = slot.removeprefix("body.")
                others = {name: given for name, given in bench.baseline.body.items() if name != field}
                await bench.check(f"{slot}={value!r} as a string",
                                  bench.request(body=json_bytes({**others, field: value})), (expected, 400))
                # As a bare token (-1, 1e3, NaN; abc is not JSON at all, so 400).
                token = json_bytes(others)[:-1] + b', "' + field.encode() + b'": ' + value.encode() + b"}"
                await bench.check(f"{slot}={value!r} as a token", bench.request(body=token), (expected, 400))
            else:
                bent = tuple((name, value if name == slot else given) for name, given in query)
                if slot not in dict(query):
                    bent += ((slot, value),)
                await bench.check(f"{slot}={value!r}", bench.request(query=bent), (expected, 400))
    # aiohttp refuses request lines over 8190 bytes itself, with a plain-text 400 (no provider involved).
    status, _, raw = await send(bench.client, bench.request(query=query + (("pad", "x" * 100_000),)))
    assert status == 400 and b"Traceback" not in raw
    bench.report()


# -- headers and raw bytes ---------------------------------------------------------------

ODD_CREDENTIALS = ("", "   ", "\u200fYOUR_API_KEY", "YOUR_API_KEY\u00a0", "\U0001f600" * 50, "Bearer",
                   "Bearer \u202esk_live_your_api_key", "x" * 4000)
RAW_HEADER_VALUES = (b"\xff\xfe", b"\xed\xa0\x80", b"YOUR_API_KEY\x80", b"\xc3(", b"YOUR_API_KEY\x00",
                     b"YOUR_API_KEY\x7f")
RAW_TARGET_TAILS = (b"x=\xff", b"x=%ED%A0%80&y=%FF", b"%00=%00", b"x=%F0%9F%98%80%E2%80%AE")


async def _raw_exchange(port: int, request: bytes) -> tuple[int, str, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), timeout=5)
    finally:
        writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    content_type = next((line.split(b":", 1)[1].strip().decode() for line in head.split(b"\r\n")
                         if line.lower().startswith(b"content-type:")), "")
    return int(head.split(b" ", 2)[1]), content_type, body


def _raw_request(sent: Sent, target: bytes, headers: dict[bytes, bytes]) -> bytes:
    body = sent.body or b""
    lines = [sent.method.encode() + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close"]
    lines += [name + b": " + value for name, value in headers.items()]
    lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


@per_endpoint
async def test_header_and_raw_byte_abuse_gets_401_or_a_parser_400(bench: Bench) -> None:
    for value in ODD_CREDENTIALS:
        spoiled = {name: value for name in bench.auth}
        await bench.check(f"credentials {value[:20]!r}", bench.request(headers=spoiled), (401,))
    for name, headers in (("one huge header", {"X-Big": "a" * 100_000}),
                          ("too many headers", {f"X-H{n}": "a" for n in range(300)})):
        # aiohttp's own limits: a plain-text 4xx before any provider code runs.
        status, _, raw = await send(bench.client, bench.request(headers=headers))
        assert 400 <= status < 500 and b"Traceback" not in raw, name
    sent = bench.request()
    base_headers = {name.encode(): value.encode() for name, value in sent.headers.items()}
    port = bench.client.server.port
    for value in RAW_HEADER_VALUES:
        request = _raw_request(sent, sent.url.encode(), {**base_headers, **{n.encode(): value for n in bench.auth}})
        status, content_type, raw = await _raw_exchange(port, request)
        if any(byte < 0x20 or byte == 0x7F for byte in value):
            # aiohttp's parser refuses control characters in header values itself (plain-text 400).
            assert status == 400 and content_type.startswith("text/plain") and b"Traceback" not in raw, value
            continue
        try:
            verdict(bench.app, bench.endpoint, sent, status, content_type, raw)
            assert status == 401, f"status {status}"
        except AssertionError as failure:
            bench.problems.append(f"raw credential bytes {value!r}: {failure}")
    for tail in RAW_TARGET_TAILS:
        target = sent.url.encode() + (b"&" if "?" in sent.url else b"?") + tail
        status, content_type, raw = await _raw_exchange(port, _raw_request(sent, target, base_headers))
        # Raw 0xFF is refused by aiohttp's parser (plain-text 400); escaped bytes reach the handler.
        assert status < 500 and b"Traceback" not in raw, (tail, status, raw[:300])
        if content_type.startswith("application/"):
            verdict(bench.app, bench.endpoint, sent, status, content_type, raw)
    bench.report()


@per_endpoint
async def test_wrong_methods_get_405_with_allow(bench: Bench) -> None:
    served = {endpoint.method for runtime in bench.app[PROVIDERS].values() for endpoint in runtime.endpoints
              if endpoint.path == bench.target.path}
    for method in ("PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "GET" if bench.target.method == "POST" else "POST"):
        if method in served or (method == "HEAD" and "GET" in served):
            continue  # served (Nyne serves GET and POST on one path; HEAD goes wherever GET does)
        sent = bench.request(method=method)
        response = await bench.client.request(method, sent.url, headers=sent.headers, data=sent.body)
        raw = await response.read()
        assert response.status == 405 and bench.target.method in response.headers["Allow"], method
        if method != "HEAD":
            verdict(bench.app, bench.endpoint, sent, response.status, response.headers["Content-Type"], raw)


# -- odd unicode in ids ---------------------------------------------------------------

ODD_IDS = ODD_CHARACTERS + ("{id}\u200f", "\u202e{id}", "{id}\U0001f600", "{id}\x00", "{id}" + LONE_SURROGATE,
                            LONE_SURROGATE, "{id}%00", "../../{id}", "{id}' OR '1'='1", "<script>{id}")


@per_endpoint
async def test_odd_unicode_in_ids_gets_a_documented_4xx(bench: Bench) -> None:
    for slot in bench.baseline.id_slots:
        for pattern in ODD_IDS:
            if slot == "path":
                bent = pattern.replace("{id}", bench.baseline.path_id or "")
                sent = bench.request(path_id=bent)
            elif slot.startswith("body."):
                field = slot.removeprefix("body.")
                bent = pattern.replace("{id}", str(bench.baseline.body.get(field, "janedoe")))
                sent = bench.request(body=json_bytes({**bench.baseline.body, field: bent}))
            else:
                bent = pattern.replace("{id}", dict(bench.baseline.query)[slot])
                sent = bench.request(query=tuple((n, bent if n == slot else v) for n, v in bench.baseline.query))
            await bench.check(f"{slot}={bent!r}", sent, FOURXX)
    bench.report()
