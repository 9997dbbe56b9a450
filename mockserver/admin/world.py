"""/__admin health, scenario, reset, state snapshots and scenario flags."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from mockserver import __version__
from mockserver.admin.clock import clock_json
from mockserver.admin.common import AdminError, bad_request, json_object, take_int
from mockserver.admin.events import EVENT_HUB
from mockserver.core.http import json_response
from mockserver.scenario import Scenario, ScenarioError, parse_scenario
from mockserver.store.appkeys import (
    CLOCK, DERIVED, FAULTS, JOURNAL, PROVIDERS, SCHEDULER, SCHEMAS, SETTINGS, STORE, STRICT, WORLD,
)
from mockserver.store.snapshots import SnapshotError, export_snapshot
from mockserver.store.snapshot_validation import validate_snapshot

async def health(request: web.Request) -> web.Response:
    app = request.config_dict
    return json_response({
        "status": "ok",
        "version": __version__,
        "providers": list(app[PROVIDERS]),
        "seed": app[WORLD].context.seed,
        "clock": clock_json(app[CLOCK]),
        "journal": await app[JOURNAL].stats(),
        "faults": len(app[FAULTS].rules()),
        "scheduled": await app[SCHEDULER].scheduled(),
        "strict": {"enabled": STRICT in app, "violations": len(app[STRICT].failures) if STRICT in app else 0},
        "event_streams": len(request.app[EVENT_HUB]),  # open /__admin/events readers (dashboards)
        "store": await app[STORE].describe(),
    })


async def scenario(request: web.Request) -> web.Response:
    """The scenario the worlds were built from: credentials, ids and flags."""
    app = request.config_dict
    context = app[WORLD].context
    return json_response({
        "seed": context.seed, "source": context.scenario.source, "scenario": context.scenario.document,
        "credentials": {name: runtime.credentials() for name, runtime in app[PROVIDERS].items()},
    })


def strict_record(app: web.Application) -> dict[str, Any]:
    """Responses that broke their own schema since the start or the last reset."""
    failures = list(app[STRICT].failures) if STRICT in app else []
    return {"enabled": STRICT in app, "violations": [failure.describe() for failure in failures]}


async def strict_violations(request: web.Request) -> web.Response:
    return json_response(strict_record(request.config_dict))


def _scenario_from(body: dict[str, Any], request: web.Request, source: str) -> Scenario | None:
    if "scenario" not in body:
        return None
    try:
        return parse_scenario(body["scenario"], source, request.config_dict[SCHEMAS])
    except ScenarioError as error:
        raise bad_request(str(error), "invalid_scenario") from None


async def reset(request: web.Request) -> web.Response:
    """Back to a fresh start: the start-up clock and anchor, no overlay, empty journal and faults."""
    app = request.config_dict
    body = await json_object(request, optional=True)
    unknown = sorted(set(body) - {"seed", "scenario"})
    if unknown:
        raise bad_request(f"unknown field(s): {', '.join(unknown)}; reset takes seed and scenario")
    seed = take_int(body, "seed", low=0, high=2**63 - 1)
    try:
        return json_response(await reset_answer(app, seed, _scenario_from(body, request, "reset request")))
    except ScenarioError as error:
        raise bad_request(str(error), "invalid_scenario") from None


async def reset_answer(app: web.Application, seed: int | None = None,
                       scenario: Scenario | None = None) -> dict[str, Any]:
    """Reset (in every process sharing the store), and say what the worlds now are; shared by the admin
    call and in-process test servers."""
    args = {"seed": seed, "scenario": scenario.document if scenario is not None else None,
            "source": scenario.source if scenario is not None else None}
    context = await app[STORE].commit("reset", args)
    return {"reset": True, "seed": context.seed, "scenario": context.scenario.name, "clock": clock_json(app[CLOCK])}


async def get_state(request: web.Request) -> web.Response:
    """The whole mutable state as a snapshot (schemas/snapshot.json)."""
    await request.config_dict[STORE].before_export()
    return json_response(export_snapshot(request.config_dict))


def state_body_limit(max_jobs: int) -> int:
    """How large a snapshot PUT may be: room for everything the server keeps (--max-jobs per provider)."""
    return 64 * 1024**2 + 16 * 1024 * max_jobs


async def put_state(request: web.Request) -> web.Response:
    """Replace the whole mutable state by a snapshot; on any error nothing changes."""
    app = request.config_dict
    limit = state_body_limit(app[SETTINGS].max_jobs)
    try:
        snapshot = await json_object(request.clone(client_max_size=limit))
    except web.HTTPRequestEntityTooLarge:
        raise AdminError(413, "snapshot_too_large", f"a snapshot may be at most {limit} bytes") from None
    try:
        # Checked here first, so a snapshot that does not fit never reaches a shared store's log.
        validate_snapshot(snapshot, app[SCHEMAS], app[PROVIDERS], app[SETTINGS].max_jobs, app[DERIVED])
        await app[STORE].commit("import", {"snapshot": snapshot})
    except SnapshotError as error:
        raise bad_request(str(error), "invalid_snapshot") from None
    return json_response({"imported": True, "clock": clock_json(app[CLOCK])})


def _flag_sets(app: Any) -> dict[str, Any]:
    return {name: flags for name, runtime in app[PROVIDERS].items() if (flags := runtime.flags()) is not None}


async def get_flags(request: web.Request) -> web.Response:
    return json_response({name: flags.effective() for name, flags in _flag_sets(request.config_dict).items()})


async def patch_flags(request: web.Request) -> web.Response:
    """Flip scenario flags at run time: {"outx": {"watchlist:<id>:simulate_failure": true}}; all or nothing."""
    body = await json_object(request)
    sets = _flag_sets(request.config_dict)
    changes = []
    for provider, values in body.items():
        if provider not in sets or not isinstance(values, dict):
            raise bad_request(f"flags are grouped by provider: {', '.join(sets)}")
        known = sets[provider].effective()
        for name, value in values.items():
            if name not in known:
                raise AdminError(404, "flag_not_found", f"{provider} has no flag {name!r}")
            if not isinstance(value, bool):
                raise bad_request(f"flag {name} takes true or false")
            changes.append((provider, name, value))
    await request.config_dict[STORE].commit("flags", {"changes": changes})
    return json_response({name: flags.effective() for name, flags in sets.items()})


async def openapi(request: web.Request) -> web.Response:
    """The OpenAPI 3.1 document of everything this server serves (?only=providers or ?only=admin)."""
    from mockserver.openapi import PARTS, build_openapi

    only = request.query.get("only")
    if only is not None and only not in PARTS:
        raise bad_request(f"only must be one of: {', '.join(PARTS)}")
    app = request.config_dict
    return json_response(build_openapi(app[SCHEMAS], app[PROVIDERS], request.app, only))  # type: ignore[arg-type]


def add_routes(admin: web.Application) -> None:
    admin.router.add_get("/health", health)
    admin.router.add_get("/scenario", scenario)
    admin.router.add_get("/strict", strict_violations)
    admin.router.add_get("/openapi.json", openapi)
    admin.router.add_post("/reset", reset)
    admin.router.add_get("/state", get_state)
    admin.router.add_put("/state", put_state)
    admin.router.add_get("/flags", get_flags)
    admin.router.add_patch("/flags", patch_flags)
