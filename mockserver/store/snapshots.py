"""The whole mutable state as JSON: export it, and restore it exactly (or change nothing)."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from mockserver.store.snapshot_validation import (
    SNAPSHOT_FORMAT, SnapshotError, ValidSnapshot, import_state, validate_snapshot,
)
from mockserver.store.appkeys import CLOCK, DERIVED, PROVIDERS, SCHEMAS, SETTINGS, WORLD
from mockserver.store.worlds import rebuild_worlds

log = logging.getLogger("mockserver.store.snapshots")

__all__ = ["SNAPSHOT_FORMAT", "SnapshotError", "export_snapshot", "restore_snapshot"]


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


def _current(app: web.Application) -> ValidSnapshot:
    """The running state in applicable form (it passed validation when it came in)."""
    context = app[WORLD].context
    return ValidSnapshot(context.seed, context.anchor_ms, context.scenario, app[CLOCK].state(),
                         {name: runtime.export_state() for name, runtime in app[PROVIDERS].items()})


def _apply(app: web.Application, snapshot: ValidSnapshot) -> None:
    rebuild_worlds(app, snapshot.seed, snapshot.scenario, snapshot.anchor_ms)
    app[CLOCK].restore(snapshot.clock)
    for name, runtime in app[PROVIDERS].items():
        import_state(runtime, snapshot.providers.get(name, {}), f"$.providers.{name}")


def restore_snapshot(app: web.Application, snapshot: Any) -> None:
    """Replace the whole mutable state by `snapshot`, which is validated completely first.

    Raises `SnapshotError` (naming the JSON path) and changes nothing when it does not fit.
    """
    valid = validate_snapshot(snapshot, app[SCHEMAS], app[PROVIDERS], app[SETTINGS].max_jobs, app[DERIVED])
    before = _current(app)
    try:
        _apply(app, valid)
    except Exception as error:  # noqa: BLE001 - validation passed, so this is a bug: keep the old state
        log.exception("a validated snapshot could not be applied; the previous state is back")
        _apply(app, before)
        raise SnapshotError("$", f"could not be applied ({type(error).__name__}; see the server log); "
                                 "nothing changed") from None
