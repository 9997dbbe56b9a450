"""Snapshot validation for any snapshot dict, with no running app: the one way in for state.

Three layers, all before anything changes: the published schema
(`schemas/snapshot.json`, with one part per provider), range checks the
schema cannot state (the clock's reading), and a dry run that builds scratch
worlds from the snapshot's own seed and scenario and imports each provider's
part into them, so every rule a provider enforces (known accounts and
flags, the allow-list of callback hosts, the bounds of --max-jobs) is
checked by the code that applies it, and what was imported is exported
once. A refusal names the JSON path of the first problem.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Iterable

import orjson

from mockserver.core.clock import Clock, ClockState, check_instant_ms
from mockserver.core.errors import StateProblem
from mockserver.core.journal import Journal
from mockserver.core.scheduler import Scheduler
from mockserver.core.validation import SchemaStore
from mockserver.core.world import DerivedCache, pools_for
from mockserver.store.engine import Store
from mockserver.providers import ProviderContext, ProviderRuntime, provider_spec
from mockserver.scenario import Scenario, ScenarioError, parse_scenario
from mockserver.store.worlds import build_world

SNAPSHOT_FORMAT = "mockserver-state/1"
SNAPSHOT_SCHEMA = "snapshot"
_SHOWN_PROBLEMS = 5


class SnapshotError(ValueError):
    """A snapshot that cannot be restored here: `path` says where, the message why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"at {path}: {reason}")
        self.path, self.reason = path, reason


@dataclass(frozen=True)
class ValidSnapshot:
    """A snapshot that passed every check, ready to apply."""

    seed: int
    anchor_ms: int
    scenario: Scenario
    clock: ClockState
    providers: dict[str, dict[str, Any]]  # every provider to restore; {} for one the snapshot leaves out


def validate_snapshot(snapshot: Any, schemas: SchemaStore, providers: Iterable[str], max_jobs: int = 10_000,
                      derived: DerivedCache | None = None) -> ValidSnapshot:
    """Check `snapshot` for a server running `providers`; raises `SnapshotError` naming the JSON path.

    `derived` (a server's cache of the worlds' seed-and-scenario parts) only makes the dry run faster.
    """
    providers = tuple(providers)
    if not isinstance(snapshot, dict) or snapshot.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotError("$.format", f'not a state snapshot: format must be "{SNAPSHOT_FORMAT}"')
    try:
        problems = schemas.fast_violations(SNAPSHOT_SCHEMA, snapshot)
        orjson.dumps(snapshot)  # what a caller handed over as Python data must also be JSON
    except (ValueError, TypeError) as error:
        raise SnapshotError("$", f"not JSON data: {error}") from None
    if problems:
        first = problems[0]
        message = first.message if len(first.message) <= 200 else first.message[:200] + "..."
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise SnapshotError(first.path, message + more)
    clock = _clock_state(snapshot["clock"])
    states = snapshot.get("providers", {})
    foreign = [name for name in states if name not in providers]
    if foreign:
        raise SnapshotError(f"$.providers.{foreign[0]}", f"this server does not run {foreign[0]} "
                            f"(it runs {', '.join(providers)})")
    try:
        scenario = parse_scenario(snapshot["scenario"], "of the state snapshot", schemas)
    except ScenarioError as error:
        raise SnapshotError("$.scenario", str(error)) from None
    valid = ValidSnapshot(snapshot["seed"], snapshot["anchor_ms"], scenario, clock,
                          {name: states.get(name, {}) for name in providers})
    _dry_run(valid, max_jobs, derived or DerivedCache())
    return valid


def _clock_state(clock: dict[str, Any]) -> ClockState:
    mode, offset_ms = clock["mode"], clock["offset_ms"]
    if mode == "frozen":
        return ClockState(mode, clock["now_ms"], 0)
    reading = time.time_ns() // 1_000_000 + offset_ms
    try:
        check_instant_ms(reading, "the clock's reading (real time + offset_ms)")
    except ValueError as error:
        raise SnapshotError("$.clock.offset_ms", str(error)) from None
    return ClockState(mode, reading, offset_ms)


def _dry_run(valid: ValidSnapshot, max_jobs: int, derived: DerivedCache) -> None:
    """Build scratch worlds and import into them: the real ones (and a shared store) are touched only if this
    passes. The scratch worlds get a memory store of their own."""
    clock = Clock(valid.clock.now_ms)
    context = ProviderContext(valid.seed, clock, pools_for(valid.seed), valid.scenario, valid.anchor_ms,
                              Scheduler(clock), Store(clock, Journal(1)), max_jobs,
                              derived.parts(valid.seed, valid.scenario.fingerprint))
    for name, state in valid.providers.items():
        spec = provider_spec(name)
        if spec is None:
            raise SnapshotError(f"$.providers.{name}", f"no provider {name} is available")
        try:
            runtime: ProviderRuntime = build_world(name, context, spec.build)  # type: ignore[assignment]
        except ScenarioError as error:
            raise SnapshotError("$.scenario", str(error)) from None
        import_state(runtime, state, f"$.providers.{name}")
        try:
            orjson.dumps(runtime.export_state())
        except TypeError as error:  # a bug if it ever happens; refuse rather than break export later
            raise SnapshotError(f"$.providers.{name}", f"imported, it could not be exported: {error}") from None


def import_state(runtime: ProviderRuntime, state: dict[str, Any], path: str) -> None:
    """`runtime.import_state`, with any refusal turned into a `SnapshotError` at `path`."""
    try:
        runtime.import_state(state)
    except StateProblem as problem:
        raise SnapshotError(path + problem.path, problem.reason) from None
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, OverflowError) as error:
        reason = f"unknown {error}" if isinstance(error, KeyError) else str(error)
        raise SnapshotError(path, f"does not fit this server: {reason}") from None

