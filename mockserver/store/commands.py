"""The commands every mock understands, beside the providers' own: clock, faults, flags, reset, import, strict.

Each is registered on the app's store; admin calls commit them, so in a
shared store every process applies them in the same order. What they do is
in the modules they call (worlds, snapshots, core.clock, core.faults); this
module only names them and turns JSON arguments into those calls.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from mockserver.core.http import StrictViolation
from mockserver.scenario import parse_scenario
from mockserver.store.appkeys import CLOCK, FAULTS, PROVIDERS, SCHEMAS, STRICT, WORLD
from mockserver.store.engine import Store
from mockserver.store.snapshots import export_snapshot, restore_snapshot
from mockserver.store.worlds import AnchorMove, StartPoint, follow_clock_back, rebuild_worlds, reset_app


def _clock(app: web.Application, args: dict[str, Any]) -> AnchorMove | None:
    """Move the clock (freeze at an instant, advance, back to real time); the anchor follows it back."""
    clock, op = app[CLOCK], args["op"]
    if op == "freeze":
        clock.freeze(args["at_ms"])
    elif op == "advance":
        clock.advance(args["by_ms"])
    elif op == "unfreeze":
        clock.unfreeze()
    else:
        raise ValueError(f"unknown clock operation {op!r}")
    return follow_clock_back(app)


def _flags(app: web.Application, args: dict[str, Any]) -> None:
    """Set flags, all or nothing: every change is checked before the first is made."""
    sets = {name: flags for name, runtime in app[PROVIDERS].items() if (flags := runtime.flags()) is not None}
    changes = [(sets[provider], name, value) for provider, name, value in args["changes"]]
    for flags, name, value in changes:
        if name not in flags.effective() or not isinstance(value, bool):
            raise ValueError(f"no boolean flag {name!r}")
    for flags, name, value in changes:
        flags.set(name, value)


def _reset(app: web.Application, args: dict[str, Any]) -> Any:
    scenario = None
    if args.get("scenario") is not None:
        scenario = parse_scenario(args["scenario"], args.get("source", "reset request"), app[SCHEMAS])
    return reset_app(app, args.get("seed"), scenario)


def _strict(app: web.Application, args: dict[str, Any]) -> None:
    if STRICT in app:
        app[STRICT].failures.append(StrictViolation(args["method"], args["path"], args["status"], args["schema"],
                                                    tuple(args["violations"])))


def register_core_commands(app: web.Application, store: Store) -> None:
    store.register("clock", lambda args: _clock(app, args), pinned=False)
    store.register("faults.add", lambda args: app[FAULTS].add(args["spec"]))
    store.register("faults.remove", lambda args: app[FAULTS].remove(args["id"]))
    store.register("faults.clear", lambda args: app[FAULTS].clear())
    store.register("faults.pick", lambda args: app[FAULTS].pick(args["provider"], args["method"], args["path"]))
    store.register("flags", lambda args: _flags(app, args))
    store.register("reset", lambda args: _reset(app, args), pinned=False)
    store.register("import", lambda args: restore_snapshot(app, args["snapshot"]), pinned=False)
    store.register("strict", lambda args: _strict(app, args))
    for provider, runtime in app[PROVIDERS].items():
        for name, applier in runtime.commands.items():
            store.register(f"{provider}.{name}", applier)
        for name, action in runtime.admin_actions.items():
            store.register(f"{provider}.admin.{name}", action)


# -- what a shared store keeps in place of the log's beginning -----------------------------------------


def start_point_fields(app: web.Application) -> dict[str, str]:
    """Where this process would start: written to a new shared store, which every process then adopts."""
    import orjson

    context, start = app[WORLD].context, app[WORLD].start
    anchor = start.anchor_ms if start.anchor_ms is not None else context.anchor_ms
    return {"seed": str(context.seed), "scenario": orjson.dumps(context.scenario.document).decode(),
            "source": context.scenario.source, "anchor_ms": str(anchor),
            "freeze_at_ms": "" if start.freeze_at_ms is None else str(start.freeze_at_ms)}


def start_fresh(app: web.Application, meta: dict[str, str]) -> None:
    """The state of a shared store before its first command: its start point, nothing changed."""
    import orjson

    freeze = int(meta["freeze_at_ms"]) if meta.get("freeze_at_ms") else None
    app[WORLD].start = StartPoint(int(meta["anchor_ms"]), freeze)
    scenario = parse_scenario(orjson.loads(meta["scenario"]), meta.get("source", "shared store"), app[SCHEMAS])
    clock = app[CLOCK]
    clock.unfreeze()
    if freeze is not None:
        clock.freeze(freeze)
    rebuild_worlds(app, int(meta["seed"]), scenario, int(meta["anchor_ms"]))
    app[FAULTS].reset(int(meta["seed"]))
    if STRICT in app:
        app[STRICT].failures.clear()


def dump_base(app: web.Application) -> dict[str, Any]:
    """The state as a snapshot (the validated format), plus the test plumbing a snapshot leaves out."""
    strict = [[f.method, f.path, f.status, f.schema, [str(v) for v in f.violations]]
              for f in (app[STRICT].failures if STRICT in app else [])]
    return {"snapshot": export_snapshot(app), "faults": app[FAULTS].export(), "strict": strict}


def load_base(app: web.Application, base: dict[str, Any]) -> None:
    restore_snapshot(app, base["snapshot"])
    app[FAULTS].load(base["faults"])
    if STRICT in app:
        app[STRICT].failures[:] = [StrictViolation(m, p, s, schema, tuple(v)) for m, p, s, schema, v in base["strict"]]

