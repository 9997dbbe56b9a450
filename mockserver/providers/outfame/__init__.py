"""Outfame: Instagram engagement activity, daily stats, pause and resume."""

from __future__ import annotations

from mockserver.providers import ProviderContext, ProviderRuntime, ProviderSpec
from mockserver.providers.outfame import admin, errors, routes
from mockserver.providers.outfame.handlers import OutfameApi
from mockserver.providers.outfame.world import OutfameWorld
from mockserver.scenario import ScenarioError


def _world(context: ProviderContext) -> OutfameWorld:
    section = context.scenario.section("outfame")
    if section is None:
        raise ScenarioError(f"scenario {context.scenario.source} has no outfame section")
    return OutfameWorld(section, context.seed, context.anchor_ms, context.pools, context.derived)


def build(context: ProviderContext) -> ProviderRuntime:
    api = OutfameApi(_world(context), context.clock, context.store)
    return ProviderRuntime(
        name="outfame",
        endpoints=routes.endpoints(api),
        render_error=errors.render,
        rebuild=lambda fresh: api.replace_world(_world(fresh)),
        export_state=lambda: api.world.export_state(),
        import_state=lambda state: api.world.import_state(state),
        credentials=lambda: api.world.default_credentials(),
        admin_views={"accounts": lambda: admin.accounts(api)},
        events_between=lambda after, until: admin.events_between(api, after, until),
        namespace="/v1/engagement",
        commands={"pause": api.pause_command, "resume": api.resume_command},
    )


SPEC = ProviderSpec(name="outfame", title="Outfame (api.outfame.com)", build=build,
                    security_schemes={"outfameBearer": {"type": "http", "scheme": "bearer",
                                                        "description": "sk_live_... key with engagement:manage"}})
