"""The provider registry: each provider builds its handlers from a shared context."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from aiohttp import web

from mockserver.core.clock import Clock
from mockserver.core.errors import ApiError
from mockserver.core.http import Endpoint, Reply, json_response
from mockserver.core.scheduler import Scheduler
from mockserver.core.world import DerivedParts, Flags, Pools
from mockserver.scenario import Scenario
from mockserver.settings import ALL_PROVIDERS
from mockserver.store.engine import Store


@dataclass(frozen=True)
class ProviderContext:
    """What every provider may read when it builds its world."""

    seed: int
    clock: Clock
    pools: Pools
    scenario: Scenario
    anchor_ms: int  # the instant the world is built around ("now" at start or reset)
    scheduler: Scheduler  # clock-driven work (callback deliveries, retries)
    store: Store  # every change goes through store.commit (see ProviderRuntime.commands)
    max_jobs: int = 10_000  # asynchronous jobs/tasks a provider keeps; the oldest go first
    # What depends only on (seed, scenario): shared by every rebuild from the same pair, so a reset is cheap.
    derived: DerivedParts = field(default_factory=DerivedParts)
    anchored: DerivedParts = field(default_factory=DerivedParts)  # ... and (seed, scenario, anchor): rendered items


def _default_respond(request: web.Request, reply: Reply) -> web.StreamResponse:
    return json_response(reply.body, reply.status, reply.headers, reply.encoded)


def _no_state() -> dict[str, Any]:
    return {}


def _refuse_state(state: dict[str, Any]) -> None:
    if state:
        raise ValueError("this provider keeps no mutable state")


@dataclass
class ProviderRuntime:
    """A built provider: endpoints, error body, wire format, and its mutable state.

    `respond` turns a handler's `Reply` into bytes on the wire (App.net, for one,
    supports JSONP and pretty printing). `export_state`/`import_state` carry
    everything the API changed (the overlay), as JSON-safe data, for snapshots;
    `rebuild` makes a fresh world for a reset or a new seed.
    """

    name: str
    endpoints: tuple[Endpoint, ...]
    render_error: Callable[[ApiError], Any]
    rebuild: Callable[[ProviderContext], None]
    respond: Callable[[web.Request, Reply], web.StreamResponse] = _default_respond
    export_state: Callable[[], dict[str, Any]] = field(default=_no_state)
    import_state: Callable[[dict[str, Any]], None] = field(default=_refuse_state)
    flags: Callable[[], Flags | None] = field(default=lambda: None)  # switches the admin API may flip
    # The defaults a test client needs: {"headers": {...ready to send...}, plus named values (keys, ids)}.
    credentials: Callable[[], dict[str, Any]] = field(default=lambda: {"headers": {}})
    # Read-only admin views and admin actions, served at /__admin/providers/<name>/<view or action>.
    # An action takes the JSON body; ValueError means a bad request, KeyError an unknown id.
    admin_views: dict[str, Callable[[], Any]] = field(default_factory=dict)
    admin_actions: dict[str, Callable[[dict[str, Any]], Any]] = field(default_factory=dict)
    cleanup: Callable[[], Awaitable[None]] | None = None  # awaited when the app shuts down
    # What happens in the clock window (after_ms, until_ms]: jobs and tasks that change status, callback
    # attempts, ... as {"at_ms", "kind", "id", "what"}; /__admin/clock shows them (fell_due, upcoming).
    events_between: Callable[[int, int], list[dict[str, Any]]] = field(default=lambda _after, _until: [])
    namespace: str | None = None  # a path prefix the provider owns: unknown paths under it get its 404
    # The changes its handlers make, by name: `store.commit("<provider>.<name>", args)` applies them, in
    # every process that shares the store. Admin actions are commands too ("<provider>.admin.<action>").
    commands: dict[str, Callable[[dict[str, Any]], Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class ProviderSpec:
    name: str
    title: str
    build: Callable[[ProviderContext], ProviderRuntime]
    # OpenAPI security schemes by name; every endpoint of the provider requires one of them,
    # unless `security` lists the requirements explicitly (e.g. two headers together).
    security_schemes: dict[str, dict[str, Any]] = field(default_factory=dict)
    security: list[dict[str, list[str]]] | None = None


def provider_spec(name: str) -> ProviderSpec | None:
    """The provider called `name`, or None when its package does not exist."""
    module_name = f"{__name__}.{name}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise  # a real import error inside an existing provider
        return None
    spec: ProviderSpec = module.SPEC
    return spec


def available_providers() -> tuple[str, ...]:
    """Every provider whose package exists, in the order of ALL_PROVIDERS."""
    return tuple(name for name in ALL_PROVIDERS if provider_spec(name) is not None)
