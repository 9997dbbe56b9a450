"""Building and rebuilding the providers' worlds: start-up, reset, a moved anchor, snapshot import.

A world is three layers: parts that depend only on (seed, scenario), kept in
the app's DerivedCache and never rebuilt for the same pair; parts placed
around the anchor instant, cheap to rebuild; and the overlay, what the API and
the admin changed since. A rebuild makes the last two anew.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from aiohttp import web

from mockserver.core.world import pools_for
from mockserver.providers import ProviderContext, ProviderRuntime
from mockserver.scenario import Scenario, ScenarioError
from mockserver.store.appkeys import (
    ANCHORED, CLOCK, DERIVED, FAULTS, JOURNAL, PROVIDERS, SCHEDULER, SETTINGS, STORE, STRICT, WORLD, StartPoint,
)

__all__ = ["AnchorMove", "StartPoint", "build_world", "follow_clock_back", "make_context", "rebuild_worlds",
           "reset_app", "start_anchor_ms"]


def start_anchor_ms(app: web.Application) -> int:
    """The instant worlds are built around at start-up and after a reset."""
    anchor_ms = app[WORLD].start.anchor_ms if WORLD in app else app[SETTINGS].anchor_ms
    return anchor_ms if anchor_ms is not None else app[CLOCK].now_ms()


def make_context(app: web.Application, seed: int, scenario: Scenario, anchor_ms: int) -> ProviderContext:
    return ProviderContext(seed, app[CLOCK], pools_for(seed), scenario, anchor_ms, app[SCHEDULER], app[STORE],
                           app[SETTINGS].max_jobs, app[DERIVED].parts(seed, scenario.fingerprint),
                           app[ANCHORED].parts(seed, scenario.fingerprint, anchor_ms))


def build_world(name: str, context: ProviderContext, build: Callable[[ProviderContext], object]) -> object:
    """Run one provider's world builder; a scenario it cannot build from is a ScenarioError."""
    try:
        return build(context)
    except ValueError as error:  # providers' own cross-checks of their scenario section
        if isinstance(error, ScenarioError):
            raise
        detail = str(error) if str(error).startswith(name) else f"{name}: {error}"
        raise ScenarioError(f"scenario {context.scenario.source}: {detail}") from None


def rebuild_worlds(app: web.Application, seed: int, scenario: Scenario, anchor_ms: int) -> ProviderContext:
    """Fresh worlds for every provider; scheduled work of the old worlds is dropped."""
    context = make_context(app, seed, scenario, anchor_ms)
    app[SCHEDULER].clear()
    app[STORE].epoch += 1  # work scheduled before (named by its epoch) no longer fires
    runtime: ProviderRuntime
    for name, runtime in app[PROVIDERS].items():
        build_world(name, context, runtime.rebuild)
    app[WORLD].context = context
    return context


def reset_app(app: web.Application, seed: int | None = None, scenario: Scenario | None = None) -> ProviderContext:
    """Back to a fresh start: the clock and anchor as at start-up, no overlay, empty journal, no faults.

    With the same seed and scenario nothing derived is rebuilt, so this takes
    a fraction of a millisecond. A scenario the providers refuse changes nothing.
    """
    current = app[WORLD].context
    seed = current.seed if seed is None else seed
    scenario = current.scenario if scenario is None else scenario
    before = None
    if scenario.fingerprint != current.scenario.fingerprint:
        from mockserver.store.snapshots import export_snapshot  # snapshots build on this module

        before = export_snapshot(app)
    clock, start = app[CLOCK], app[WORLD].start.freeze_at_ms
    clock.unfreeze()
    if start is not None:
        clock.freeze(start)
    try:
        context = rebuild_worlds(app, seed, scenario, start_anchor_ms(app))
    except ScenarioError:
        if before is not None:
            from mockserver.store.snapshots import restore_snapshot

            restore_snapshot(app, before)
        raise
    app[JOURNAL].reset()  # a shared journal was emptied by the reset command itself; its numbering starts over
    app[FAULTS].reset(seed)
    if STRICT in app:
        app[STRICT].failures.clear()
    return context


@dataclass(frozen=True)
class AnchorMove:
    """The worlds were rebuilt around a new anchor because the clock went back before the old one."""

    from_ms: int
    to_ms: int


def follow_clock_back(app: web.Application) -> AnchorMove | None:
    """Keep the clock at or after the anchor: a world shown before its anchor would lack its history.

    Called after the clock moved. When it now reads earlier than the anchor,
    the worlds are rebuilt around the clock's reading (derived parts are kept;
    the overlay, like after a reset, starts empty).
    """
    context, now_ms = app[WORLD].context, app[CLOCK].now_ms()
    if now_ms >= context.anchor_ms:
        return None
    rebuild_worlds(app, context.seed, context.scenario, now_ms)
    return AnchorMove(context.anchor_ms, now_ms)
