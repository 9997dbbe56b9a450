"""The application factory: settings in, a ready aiohttp application out."""

from __future__ import annotations

from aiohttp import web

from mockserver.admin import create_admin_app
from mockserver.core.clock import Clock
from mockserver.core.http import Handler, StrictMode, json_response, mount
from mockserver.core.scheduler import Scheduler
from mockserver.core.validation import SchemaStore
from mockserver.core.world import pools_for
from mockserver.paths import data_dir
from mockserver.providers import ProviderContext, registry
from mockserver.scenario import Scenario, load_scenario
from mockserver.settings import Settings
from mockserver.state import CLOCK, PROVIDERS, SCENARIO, SCHEDULER, SCHEMAS, SETTINGS, STRICT


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


def create_app(settings: Settings, scenario: Scenario | None = None,
               schemas: SchemaStore | None = None) -> web.Application:
    schemas = schemas or SchemaStore(data_dir("schemas"))
    scenario = scenario or load_scenario(settings.scenario_path, schemas)
    available = registry()
    unknown = [name for name in settings.providers if name not in available]
    if unknown:
        raise UnknownProvider(
            f"provider(s) not available: {', '.join(unknown)} (available: {', '.join(available)})"
        )
    clock = Clock(settings.freeze_at_ms)
    scheduler = Scheduler(clock)
    context = ProviderContext(settings.seed, clock, pools_for(settings.seed), scenario, clock.now_ms(), scheduler)
    strict = StrictMode(schemas) if settings.strict else None

    app = web.Application(middlewares=[json_for_unrouted])
    app[SETTINGS], app[SCENARIO], app[CLOCK], app[SCHEMAS] = settings, scenario, clock, schemas
    app[SCHEDULER] = scheduler
    app.cleanup_ctx.append(scheduler.lifecycle)
    if strict is not None:
        app[STRICT] = strict
    app[PROVIDERS] = {}
    for name in settings.providers:
        runtime = available[name].build(context)
        mount(app, runtime.endpoints, runtime.render_error, runtime.respond, strict)
        app[PROVIDERS][name] = runtime
    app.add_subapp("/__admin", create_admin_app(settings.admin_token))
    return app
