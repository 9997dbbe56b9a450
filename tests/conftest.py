"""Shared fixtures: every app in the suite runs in strict mode with a frozen clock."""

from __future__ import annotations

import itertools
from typing import Any, Awaitable, Callable, Iterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from mockserver.app import create_app
from mockserver.core.clock import parse_instant_ms
from mockserver.settings import Settings
from mockserver.store.appkeys import STRICT
from tests.system import throwaway_redis

# 2024-01-16T10:40:00Z, the moment the OutX docs' example interaction happened.
FROZEN_AT_MS = parse_instant_ms("2024-01-16T10:40:00Z")
OUTX_KEY = "YOUR_API_KEY"
OTHER_TEAM_KEY = "OTHER_TEAM_API_KEY"
DOCS_WATCHLIST = "550e8400-e29b-41d4-a716-446655440000"
EMPTY_WATCHLIST = "550e8400-e29b-41d4-a716-446655440001"
FAILING_WATCHLIST = "550e8400-e29b-41d4-a716-446655440500"
OTHER_TEAM_WATCHLIST = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"


def test_settings(**overrides: Any) -> Settings:
    defaults: dict[str, Any] = {"seed": 1, "strict": True, "freeze_at_ms": FROZEN_AT_MS}
    defaults.update(overrides)
    return Settings(**defaults)


test_settings.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test

ClientFactory = Callable[..., Awaitable[TestClient]]


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """One throwaway redis-server for the whole session (skipped without the binary, failed under CI=true)."""
    with throwaway_redis() as url:
        yield url


_prefixes = itertools.count(1)


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """A store URL of the session's Redis, with a key prefix of this test's own."""
    return f"{redis_server}?prefix=t{next(_prefixes)}:"


@pytest.fixture
def make_client(aiohttp_client: Callable[..., Awaitable[TestClient]]) -> ClientFactory:
    """Build an app from settings overrides and return a test client for it.

    After the test, the strict-mode record must be empty: a response that
    broke its own schema fails the test even if nothing looked at its body.
    """
    apps: list[web.Application] = []

    async def make(**overrides: Any) -> TestClient:
        app = create_app(test_settings(**overrides))
        apps.append(app)
        return await aiohttp_client(app)

    yield make
    for app in apps:
        failures = app[STRICT].failures if STRICT in app else []
        assert not failures, "\n".join(f.describe() for f in failures)


@pytest.fixture
async def client(make_client: ClientFactory) -> TestClient:
    return await make_client()
