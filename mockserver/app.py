"""The application factory: settings in, a ready aiohttp application out."""

from __future__ import annotations

from typing import Callable

from aiohttp import web

from mockserver.admin import create_admin_app
from mockserver.core.clock import Clock
from mockserver.core.http import Handler, StrictMode, json_response, mount
from mockserver.core.faults import FaultBook
from mockserver.core.scheduler import Scheduler
from mockserver.core.validation import SchemaStore
from mockserver.cors import CorsSwitch, install_cors
from mockserver.paths import data_dir
from mockserver.store.persistence import StateFileError, attach_state_file
from mockserver.providers import ProviderRuntime, available_providers, provider_spec
from mockserver.scenario import Scenario, load_scenario
from mockserver.settings import Settings
from mockserver.core.world import DerivedCache
from mockserver.store.appkeys import (
    ANCHORED, CLOCK, DERIVED, FAULTS, JOURNAL, PROVIDER_OF, PROVIDERS, SCHEDULER, SCHEMAS, SETTINGS, STORE, STRICT,
    WORLD, CurrentWorld, StartPoint,
)
from mockserver.store.commands import register_core_commands
from mockserver.store.engine import Store
from mockserver.store.lifecycle import store_for, store_lifecycle, strict_recorder
from mockserver.store.outage import store_outages
from mockserver.traffic import traffic_middleware
from mockserver.store.worlds import build_world, make_context, start_anchor_ms


class UnknownProvider(ValueError):
    pass


@web.middleware
async def json_for_unrouted(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Unknown paths and wrong methods answer JSON, like the APIs being mocked."""
    try:
        return await handler(request)
    except web.HTTPMethodNotAllowed as error:
        return json_response({"error": f"Method {request.method} not allowed on {request.path}"}, 405,
                             {"Allow": ", ".join(sorted(error.allowed_methods))})
    except web.HTTPNotFound:
        return json_response({"error": f"No route for {request.method} {request.path}"}, 404)


def _provider_lookup(by_path: dict[str, str]) -> Callable[[web.Request], str | None]:
    """Which provider a request is for, from the route template it matched."""

    def provider_of(request: web.Request) -> str | None:
        resource = request.match_info.route.resource
        return by_path.get(resource.canonical) if resource is not None else None

    return provider_of


async def _close_providers(app: web.Application) -> None:
    for runtime in app[PROVIDERS].values():
        if runtime.cleanup is not None:
            await runtime.cleanup()


def create_app(settings: Settings, scenario: Scenario | None = None,
               schemas: SchemaStore | None = None) -> web.Application:
    schemas = schemas or SchemaStore(data_dir("schemas"))
    scenario = scenario or load_scenario(settings.scenario_path, schemas)
    specs = {name: provider_spec(name) for name in settings.providers}
    unknown = [name for name, spec in specs.items() if spec is None]
    if unknown:
        raise UnknownProvider(
            f"provider(s) not available: {', '.join(unknown)} (available: {', '.join(available_providers())})"
        )
    clock = Clock(settings.freeze_at_ms)
    store_url = settings.store_url or scenario.store_url  # a flag or the environment beats the scenario
    if store_url not in (None, "memory") and settings.state_path is not None:
        raise StateFileError("--state keeps a memory store on disk; with a Redis store, Redis is the durable "
                             "state (see docs/scaling.md on AOF and RDB)")
    store: Store = store_for(store_url, settings, clock)
    journal, faults = store.journal, FaultBook(settings.seed)
    strict = StrictMode(schemas) if settings.strict else None
    providers: dict[str, ProviderRuntime] = {}
    provider_by_path: dict[str, str] = {}

    provider_of = _provider_lookup(provider_by_path)
    app = web.Application(middlewares=[
        *([store_outages(store)] if store.shared else []),  # Redis out of reach: a 503, not a 500
        traffic_middleware(store, faults, clock, provider_of, lambda: app[WORLD].redactor()), json_for_unrouted,
    ])
    app[PROVIDER_OF] = provider_of
    app[SETTINGS], app[CLOCK], app[SCHEMAS] = settings, clock, schemas
    app[SCHEDULER], app[JOURNAL], app[FAULTS], app[PROVIDERS] = Scheduler(clock), journal, faults, providers
    app[STORE] = store
    app[DERIVED], app[ANCHORED] = DerivedCache(), DerivedCache(size=2)
    if strict is not None:
        app[STRICT] = strict
    context = make_context(app, settings.seed, scenario, start_anchor_ms(app))
    app[WORLD] = CurrentWorld(context, StartPoint(settings.anchor_ms, settings.freeze_at_ms))
    install_cors(app, CorsSwitch(settings.cors_origins, lambda: app[WORLD].context.scenario))
    for name in settings.providers:
        runtime: ProviderRuntime = build_world(name, context, specs[name].build)  # type: ignore[union-attr,assignment]
        paths = mount(app, runtime.endpoints, runtime.render_error, runtime.respond, strict, runtime.namespace)
        providers[name] = runtime
        provider_by_path.update((path, name) for path in paths)
    register_core_commands(app, store)
    if strict is not None and store.shared:
        strict.record = strict_recorder(store)
    app.cleanup_ctx.append(store_lifecycle(app))  # connects a shared store and catches up before serving
    app.cleanup_ctx.append(app[SCHEDULER].lifecycle)
    app.on_cleanup.append(_close_providers)
    if settings.state_path is not None:
        attach_state_file(app, settings.state_path, settings.state_interval_s)
    app.add_subapp("/__admin", create_admin_app(settings.admin_token))
    return app
