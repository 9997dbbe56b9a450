"""Building and rebuilding the providers' worlds (start-up, reset, snapshot import)."""

from __future__ import annotations

from aiohttp import web

from mockserver.core.world import pools_for
from mockserver.providers import ProviderContext
from mockserver.scenario import Scenario
from mockserver.state import CLOCK, PROVIDERS, SCHEDULER, SETTINGS, WORLD


def make_context(app: web.Application, seed: int, scenario: Scenario, anchor_ms: int) -> ProviderContext:
    return ProviderContext(seed, app[CLOCK], pools_for(seed), scenario, anchor_ms, app[SCHEDULER],
                           app[SETTINGS].max_jobs)


def rebuild_worlds(app: web.Application, seed: int, scenario: Scenario, anchor_ms: int) -> ProviderContext:
    """Fresh worlds for every provider; scheduled work of the old worlds is dropped."""
    context = make_context(app, seed, scenario, anchor_ms)
    app[SCHEDULER].clear()
    for runtime in app[PROVIDERS].values():
        runtime.rebuild(context)
    app[WORLD].context = context
    return context
