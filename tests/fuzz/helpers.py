"""Shared pieces of the fuzz suites: the endpoint catalogue, credentials, wire encoding and the verdict."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Mapping, Sequence
from urllib.parse import quote

from aiohttp import web
from aiohttp.test_utils import TestClient

from mockserver.app import create_app
from mockserver.core.http import Endpoint
from mockserver.providers import available_providers
from mockserver.store.appkeys import PROVIDERS, SCHEMAS, STRICT
from tests.conftest import test_settings

PROVIDER_NAMES: tuple[str, ...] = available_providers()
# Characters that have broken servers before: NUL, bidi overrides and marks, zero-width joiners,
# a BOM, a combining mark, emoji (astral plane), a private-use character and the replacement char.
ODD_CHARACTERS = ("\x00", "\u200f", "\u202e", "\u200b", "\u200d", "\ufeff", "e\u0301", "\U0001f600",
                  "\U0001f469\u200d\U0001f4bb", "\ue000", "\ufffd", "\u0000\u202e\U0001f600")
LONE_SURROGATE = "\ud800"  # sent percent-encoded (%ED%A0%80): not UTF-8, so it can only arrive escaped
JSONP_PREFIX = re.compile(rb"^[A-Za-z_$][A-Za-z0-9_$.]*\(")


@dataclass(frozen=True, slots=True)
class Target:
    """One documented operation, addressed the way pytest ids and route tables name it."""

    provider: str
    method: str
    path: str  # the route template, e.g. /stream/0/users/{user_id}/interactions

    @property
    def id(self) -> str:
        return f"{self.provider}:{self.method}:{self.path}"


@cache
def targets() -> tuple[Target, ...]:
    """Every provider endpoint, read from the route tables of an app built with every provider."""
    app = create_app(test_settings(providers=PROVIDER_NAMES))
    return tuple(Target(name, endpoint.method, endpoint.path)
                 for name, runtime in app[PROVIDERS].items() for endpoint in runtime.endpoints)


def endpoint_of(app: web.Application, target: Target) -> Endpoint:
    for endpoint in app[PROVIDERS][target.provider].endpoints:
        if endpoint.method == target.method and endpoint.path == target.path:
            return endpoint
    raise LookupError(target.id)


def valid_auth_headers(credentials: Mapping[str, Any]) -> dict[str, str]:
    """The headers a provider's default credentials travel in."""
    return dict(credentials["headers"])


# Ids each provider knows in the default scenario: the ones that work, plus neighbours with their own
# rules (foreign, empty, paused). OutX's failing watchlist is left out: its 500 is documented.
KNOWN_IDS: dict[str, tuple[str, ...]] = {
    "outx": ("550e8400-e29b-41d4-a716-446655440000", "550e8400-e29b-41d4-a716-446655440001",
             "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "8d1f6c2a-3b4e-4c5d-9e6f-7a8b9c0d1e22"),
    "appdotnet": ("me", "1558", "@adnapi", "2", "@berg"),
    "nyne": ("janedoe", "private_person", "ghost_user_404", "brand_new_acct", "1234567890123456789"),
    "outfame": ("acc_7Gx2kLm9Qr", "acc_P4us3dAcc1", "acc_Susp3nd3d1", "acc_S3tupAcc01", "acc_L0wL1m1ts1",
                "acc_0th3rW0rk1"),
}
# Query parameters of endpoints that declare no query schema, read from their handlers.
NUMERIC, ID, ENUM, FLAG, TEXT = "numeric", "id", "enum", "flag", "text"
KNOWN_QUERY: dict[tuple[str, str], dict[str, tuple[str, tuple[str, ...]]]] = {
    ("GET", "/stream/0/users/{user_id}/interactions"): {
        "count": (NUMERIC, ()), "since_id": (NUMERIC, ()), "before_id": (NUMERIC, ()),
        "interaction_actions": (ENUM, ("follow", "reply", "repost", "star", "welcome", "broadcast_create",
                                       "broadcast_subscribe", "broadcast_unsubscribe", "star,repost")),
        "include_html": (FLAG, ()), "include_annotations": (FLAG, ()), "include_user_annotations": (FLAG, ()),
        "include_post_annotations": (FLAG, ()), "include_starred_by": (FLAG, ()), "include_reposters": (FLAG, ()),
        "callback": (ENUM, ("cb", "app.handle", "x);alert(1")),
        "access_token": (ENUM, ("YOUR_ACCESS_TOKEN", "REVOKED_ACCESS_TOKEN", "YOUR_APP_TOKEN")),
    },
    ("GET", "/person/interactions"): {
        "request_id": (ID, ()), "api_key": (ENUM, ("YOUR_API_KEY",)), "api_secret": (ENUM, ("YOUR_API_SECRET",)),
    },
    ("GET", "/v1/engagement/activity"): {
        "account_id": (ID, ()), "type": (ENUM, ("like", "follow", "comment", "story_view")),
        "date": (ENUM, ("2024-01-16", "2024-01-15", "2023-12-31", "2024-02-30", "9999-12-31", "0001-01-01")),
        "limit": (NUMERIC, ()), "cursor": (ENUM, ("", "cur_", "cur_AAAAAAAAAAAAAAAAAAAAAAAA")),
    },
    ("GET", "/v1/engagement/stats"): {"account_id": (ID, ())},
}
# JSON body fields of endpoints without a declared body schema (Nyne's is parsed field by field).
KNOWN_BODY_FIELDS: dict[tuple[str, str], dict[str, tuple[str, tuple[Any, ...]]]] = {
    ("POST", "/person/interactions"): {
        "social_media_url": (ENUM, ("https://x.com/janedoe", "https://twitter.com/private_person",
                                    "https://www.instagram.com/janedoe/", "https://x.com/janedoe/status/1234567890123456789",
                                    "https://x.com/ghost_user_404", "ftp://x.com/janedoe", "x.com")),
        "twitter_url": (ENUM, ("https://x.com/janedoe",)),
        "type": (ENUM, ("followers", "following", "replies", "followers,following", "following, followers")),
        "interaction_type": (ENUM, ("followers", "replies")),
        "username": (ID, ()), "tweet_id": (ENUM, ("1234567890123456789", 1234567890123456789, "12")),
        "max_results": (NUMERIC, ()), "platform": (ENUM, ("twitter", "x", "instagram", "myspace")),
        "callback_url": (ENUM, ("http://127.0.0.1:9/hook", "https://evil.example/hook", "http://[::1", "javascript:1")),
    },
}


def body_schema_name(app: web.Application, endpoint: Endpoint, provider: str) -> str | None:
    """The declared body schema, else `<provider>/<last path segment>-request` when such a file exists."""
    if endpoint.body_schema is not None:
        return endpoint.body_schema
    guess = f"{provider}/{endpoint.path.rstrip('/').rsplit('/', 1)[-1]}-request"
    return guess if guess in app[SCHEMAS].names() else None


def encode_part(text: str) -> str:
    """Percent-encode everything, lone surrogates included (as the bytes a broken client would send)."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def build_url(path: str, query: Sequence[tuple[str, str]]) -> str:
    if not query:
        return path
    return path + "?" + "&".join(f"{encode_part(name)}={encode_part(value)}" for name, value in query)


def json_bytes(value: Any) -> bytes:
    """Stdlib JSON with ASCII escapes: lone surrogates become `\\ud800`, NaN and Infinity stay literal."""
    return json.dumps(value, ensure_ascii=True).encode("ascii")


@dataclass
class Sent:
    """One request as the fuzzers built it, for the failure message."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None

    def describe(self) -> str:
        body = "" if self.body is None else f" body={self.body[:300]!r}{'...' if len(self.body) > 300 else ''}"
        return f"{self.method} {self.url[:400]} headers={self.headers!r}{body}"


async def send(client: TestClient, sent: Sent) -> tuple[int, str, bytes]:
    response = await client.request(sent.method, sent.url, headers=sent.headers, data=sent.body,
                                    skip_auto_headers=("Content-Type",) if sent.body is not None
                                    and not any(k.lower() == "content-type" for k in sent.headers) else ())
    raw = await response.read()
    return response.status, response.headers.get("Content-Type", ""), raw


def decode_body(content_type: str, raw: bytes) -> Any:
    """The JSON a provider sent, unwrapping App.net's JSONP (`callback(...)`)."""
    if content_type.startswith("application/javascript"):
        prefix = JSONP_PREFIX.match(raw)
        assert prefix is not None and raw.rstrip().endswith(b")"), f"not a JSONP call: {raw[:200]!r}"
        raw = raw[prefix.end():raw.rstrip().rfind(b")")]
    else:
        assert content_type.startswith("application/json"), f"not JSON: {content_type!r} {raw[:200]!r}"
    return json.loads(raw)


def verdict(app: web.Application, endpoint: Endpoint, sent: Sent, status: int, content_type: str,
            raw: bytes) -> tuple[str, Any]:
    """Assert the contract for any input: no 5xx, no traceback, a body valid against its schema.

    Returns the schema name used and the decoded body, for callers that check more.
    """
    where = sent.describe()
    assert status < 500, f"{status} for {where}: {raw[:500]!r}"
    assert b"Traceback" not in raw and b'File "' not in raw, f"traceback leaked for {where}: {raw[:500]!r}"
    body = decode_body(content_type, raw)
    # JSONP answers are always 200; the real status is meta.code (App.net's convention).
    effective = body["meta"]["code"] if content_type.startswith("application/javascript") else status
    if isinstance(body, dict) and isinstance(body.get("meta"), dict) and effective == status:
        assert body["meta"].get("code") == status, f"meta.code disagrees with HTTP {status} for {where}"
    schema = endpoint.response_schema if effective == endpoint.success_status else endpoint.error_schema
    problems = app[SCHEMAS].violations(schema, body)
    assert not problems, f"{schema} broken by the answer to {where}: " + "; ".join(map(str, problems[:10]))
    failures = app[STRICT].failures if STRICT in app else []
    assert not failures, "\n".join(failure.describe() for failure in failures)
    if effective >= 400:
        assert _error_message(body), f"error without a message for {where}: {body!r}"
    return schema, body


def _error_message(body: Any) -> str:
    """The human message of an error body, whichever of the four shapes it has."""
    if "meta" in body:
        return str(body["meta"].get("error_message", ""))
    error = body.get("error")
    return str(error.get("message", "")) if isinstance(error, dict) else str(error or "")
