"""The whole mutable state as JSON: export it, and restore it exactly (or change nothing)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from mockserver.core.clock import ClockState
from mockserver.scenario import ScenarioError, parse_scenario
from mockserver.state import CLOCK, PROVIDERS, SCHEMAS, WORLD
from mockserver.worlds import rebuild_worlds

SNAPSHOT_FORMAT = "mockserver-state/1"


class SnapshotError(ValueError):
    """A snapshot that cannot be restored here; the message says why."""


def export_snapshot(app: web.Application) -> dict[str, Any]:
    context = app[WORLD].context
    clock = app[CLOCK].state()
    return {
        "format": SNAPSHOT_FORMAT,
        "seed": context.seed,
        "anchor_ms": context.anchor_ms,
        "scenario": context.scenario.document,
        # A running clock is restored by its offset alone; its reading would only make
        # every snapshot differ from the last.
        "clock": {"mode": clock.mode, "now_ms": clock.now_ms if clock.mode == "frozen" else None,
                  "offset_ms": clock.offset_ms},
        "providers": {name: runtime.export_state() for name, runtime in app[PROVIDERS].items()},
    }


def _clock_state(value: Any) -> ClockState:
    try:
        frozen = value["mode"] == "frozen"
        state = ClockState(mode=value["mode"], now_ms=int(value["now_ms"]) if frozen else 0,
                           offset_ms=int(value["offset_ms"]))
    except (TypeError, KeyError, ValueError):
        raise SnapshotError("clock must be {mode, now_ms (an integer when frozen), offset_ms}") from None
    if state.mode not in ("system", "offset", "frozen"):
        raise SnapshotError("clock.mode must be system, offset or frozen")
    return state


def _apply(app: web.Application, snapshot: dict[str, Any]) -> None:
    if not isinstance(snapshot, dict) or snapshot.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotError(f'not a state snapshot: format must be "{SNAPSHOT_FORMAT}"')
    seed, anchor_ms = snapshot.get("seed"), snapshot.get("anchor_ms")
    if isinstance(seed, bool) or not isinstance(seed, int) or isinstance(anchor_ms, bool) or not isinstance(anchor_ms, int):
        raise SnapshotError("seed and anchor_ms must be integers")
    providers = snapshot.get("providers", {})
    if not isinstance(providers, dict) or set(providers) - set(app[PROVIDERS]):
        raise SnapshotError(f"providers must be an object keyed by running providers: {', '.join(app[PROVIDERS])}")
    try:
        scenario = parse_scenario(snapshot.get("scenario"), "state snapshot", app[SCHEMAS])
    except ScenarioError as error:
        raise SnapshotError(str(error)) from None
    clock_state = _clock_state(snapshot.get("clock"))
    rebuild_worlds(app, seed, scenario, anchor_ms)
    app[CLOCK].restore(clock_state)
    for name, runtime in app[PROVIDERS].items():
        try:
            runtime.import_state(providers.get(name, {}))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise SnapshotError(f"the {name} state does not fit this server: {error}") from None


def restore_snapshot(app: web.Application, snapshot: Any) -> None:
    """Replace the whole mutable state by `snapshot`; on any error the state stays as it was."""
    before = export_snapshot(app)
    try:
        _apply(app, snapshot)
    except SnapshotError:
        _apply(app, before)
        raise
