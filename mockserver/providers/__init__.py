"""The provider registry: each provider builds its handlers from a shared context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from mockserver.core.clock import Clock
from mockserver.core.errors import ApiError
from mockserver.core.http import Endpoint
from mockserver.core.world import Pools
from mockserver.scenario import Scenario


@dataclass(frozen=True)
class ProviderContext:
    """What every provider may read when it builds its world."""

    seed: int
    clock: Clock
    pools: Pools
    scenario: Scenario
    anchor_ms: int  # the instant the world is built around ("now" at start or reset)


@dataclass
class ProviderRuntime:
    """A built provider: its endpoints, its error renderer, and how to rebuild its world."""

    name: str
    endpoints: tuple[Endpoint, ...]
    render_error: Callable[[ApiError], Any]
    rebuild: Callable[[ProviderContext], None]


@dataclass(frozen=True)
class ProviderSpec:
    name: str
    title: str
    build: Callable[[ProviderContext], ProviderRuntime]


def registry() -> dict[str, ProviderSpec]:
    """Providers that are implemented, by name."""
    from mockserver.providers import outx

    return {spec.name: spec for spec in (outx.SPEC,)}
