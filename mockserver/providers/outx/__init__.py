"""OutX: LinkedIn watchlist interactions."""

from __future__ import annotations

from mockserver.providers import ProviderContext, ProviderRuntime, ProviderSpec
from mockserver.providers.outx import admin, errors, routes
from mockserver.providers.outx.content import build_content
from mockserver.providers.outx.handlers import OutxApi
from mockserver.providers.outx.world import OutxWorld
from mockserver.scenario import ScenarioError


def _world(context: ProviderContext) -> OutxWorld:
    section = context.scenario.section("outx")
    if section is None:
        raise ScenarioError(f"scenario {context.scenario.name!r} has no 'outx' section; the OutX provider needs one")
    return OutxWorld(section, context.seed, context.anchor_ms, context.pools, build_content(context.pools),
                     context.max_jobs, context.derived, context.anchored)


def build(context: ProviderContext) -> ProviderRuntime:
    api = OutxApi(_world(context), context.clock, context.store)
    return ProviderRuntime(
        name="outx",
        endpoints=routes.endpoints(api),
        render_error=errors.render,
        rebuild=lambda fresh: api.replace_world(_world(fresh)),
        export_state=lambda: api.world.export_state(),
        import_state=lambda state: api.world.import_state(state),
        flags=lambda: api.world.flags,
        credentials=lambda: api.world.default_credentials(),
        admin_views={"tasks": lambda: admin.tasks(api), "watchlists": lambda: admin.watchlists(api),
                     "task-rules": lambda: api.world.task_rules()},
        admin_actions={"force-task": lambda body: api.world.force_task(body, api.clock.now_ms()),
                       "clear-task-rules": lambda body: api.world.clear_task_rules()},
        events_between=lambda after, until: admin.events_between(api, after, until),
        commands={"like": api.like},
    )


SPEC = ProviderSpec(
    name="outx",
    title="OutX (api.outx.ai)",
    build=build,
    security_schemes={"outxApiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"}},
)
