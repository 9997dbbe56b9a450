"""App.net: the current user's interactions stream, wire-compatible with App.net clients."""

from __future__ import annotations

from mockserver.providers import ProviderContext, ProviderRuntime, ProviderSpec
from mockserver.providers.appdotnet import routes, wire
from mockserver.providers.appdotnet.handlers import AdnApi
from mockserver.providers.appdotnet.world import AdnWorld, empty_section


def _world(context: ProviderContext) -> AdnWorld:
    section = context.scenario.section("appdotnet") or empty_section()
    return AdnWorld(section, context.seed, context.anchor_ms, context.pools, context.derived)


def build(context: ProviderContext) -> ProviderRuntime:
    api = AdnApi(_world(context), context.clock, context.seed, context.store.fixed_windows)
    return ProviderRuntime(
        name="appdotnet",
        endpoints=routes.endpoints(api),
        render_error=api.render_error,
        rebuild=lambda fresh: api.replace_world(_world(fresh), fresh.seed),
        respond=wire.respond,
        export_state=api.export_state,
        import_state=api.import_state,
        flags=lambda: api.world.flags,
        credentials=lambda: api.world.default_credentials(),
        namespace="/stream/0",  # "all responses ... in the same type of envelope", unknown paths included
    )


SPEC = ProviderSpec(
    name="appdotnet",
    title="App.net (alpha-api.app.net)",
    build=build,
    security_schemes={
        "adnBearer": {"type": "http", "scheme": "bearer"},
        "adnAccessToken": {"type": "apiKey", "in": "query", "name": "access_token"},
    },
    # The empty requirement is JSONP: App.net never authenticates a request with ?callback=, and the
    # answer is HTTP 200 whatever happened (a missing token is the 401 inside meta.code).
    security=[{"adnBearer": []}, {"adnAccessToken": []}, {}],
)
