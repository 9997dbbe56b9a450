"""Snapshot validation: the published schema matches what export writes, any snapshot dict can be checked
without an app, and export never fails on what import accepted (property-based; `FUZZ_EXAMPLES=5000`
for a long run)."""

from __future__ import annotations

import copy
import os
from typing import Any, Iterator

import orjson
import pytest
from aiohttp import web
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mockserver.app import create_app
from mockserver.core.validation import SchemaStore
from mockserver.paths import data_dir
from mockserver.store.snapshot_validation import SnapshotError, validate_snapshot
from mockserver.store.snapshots import export_snapshot, restore_snapshot
from mockserver.store.appkeys import PROVIDERS, SCHEMAS
from tests.abuse.conftest import busy, exported  # noqa: F401 - busy is a fixture
from tests.conftest import FROZEN_AT_MS, test_settings

PROVIDERS_UNDER_TEST = ("nyne", "outfame")  # the providers whose worlds build in a millisecond


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))


def _change(document: Any, path: tuple[Any, ...], how: str, value: Any) -> None:
    """Replace the value at `path`, delete it, or (in a list) repeat it."""
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    if how == "delete":
        del parent[path[-1]]
    elif how == "repeat" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[path[-1]]))
    else:
        parent[path[-1]] = value


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        document = document[part]
    return document


def _deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


HOSTILE = st.one_of(
    st.sampled_from([0, -1, 1, 2**63 - 1, 2**63, 2**64, 10**30, -(10**30), 253_402_300_799_999, 253_402_300_800_000,
                     10**18, 1.5, 1.5e300, float("nan"), float("inf"), True, False, None, "", "soon", "\ud800",
                     "x" * 70_000, "http://169.254.169.254/", "https://evil.example.com/", [], {}, _deep(300)]),
    st.integers(min_value=-(2**66), max_value=2**66),
    st.text(max_size=12),
    st.lists(st.integers(min_value=-5, max_value=5), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(min_value=0, max_value=3), max_size=2),
)


def _busy_app() -> web.Application:
    """An app (never started: snapshots need no server) whose state has some of everything."""
    app = create_app(test_settings(providers=PROVIDERS_UNDER_TEST))
    base = export_snapshot(app)
    nyne, outfame = base["providers"]["nyne"], base["providers"]["outfame"]
    job = {"id": "interaction_00000000000000ab_1705401600_1234", "owner": "nyne-docs-key", "submitted_ms": FROZEN_AT_MS,
           "stages": [["queued", 1000], ["processing", 4000]],
           "outcome": {"status": "completed", "output": {"total_count": 100}, "error": None},
           "input": {"platform": "twitter", "interaction_type": "followers", "username": "janedoe", "tweet_id": None,
                     "max_results": 100, "callback_url": "http://127.0.0.1:9/hook"}}
    nyne.update(submitted=1, jobs=[job], flags={"rate_limits": False},
                ledger={"entries": [{"request_id": job["id"], "credential_id": "nyne-docs-key",
                                     "submitted_ms": FROZEN_AT_MS, "settles_ms": FROZEN_AT_MS + 5000, "credits": 3,
                                     "reason": "network_intelligence_request"}], "folded": {"nyne-docs-key": 6}},
                callbacks={"next_id": 2, "deliveries": [{
                    "id": "dlv_000001", "url": "http://127.0.0.1:9/hook", "ref": job["id"], "owner": "nyne-docs-key",
                    "state": "scheduled", "next_due_ms": FROZEN_AT_MS + 6000, "attempts": [
                        {"attempt": 1, "scheduled_ms": FROZEN_AT_MS + 5000, "attempted_ms": FROZEN_AT_MS + 5000,
                         "status": 500, "error": None, "acknowledged": False}]}]},
                rate_limits={"nyne-docs-key": {"minute": [FROZEN_AT_MS], "hour": [FROZEN_AT_MS]}})
    outfame["events"] = {"acc_7Gx2kLm9Qr": [
        {"kind": "pause", "at_ms": FROZEN_AT_MS - 7_200_000, "reason": "review", "cancelled": 3},
        {"kind": "resume", "at_ms": FROZEN_AT_MS - 3_600_000, "delay_ms": 90_000}]}
    restore_snapshot(app, base)
    return app


@pytest.fixture(scope="module")
def busy_app() -> web.Application:
    return _busy_app()


@pytest.fixture(scope="module")
def busy_snapshot(busy_app: web.Application) -> dict[str, Any]:
    return export_snapshot(busy_app)


def test_the_busy_state_round_trips_and_matches_the_published_schema(busy_app: web.Application) -> None:
    snapshot = export_snapshot(busy_app)
    assert busy_app[SCHEMAS].violations("snapshot", snapshot) == []
    restore_snapshot(busy_app, copy.deepcopy(snapshot))
    assert export_snapshot(busy_app) == snapshot


async def test_a_busy_server_of_every_provider_exports_what_the_schema_describes(busy: Any) -> None:
    snapshot = await exported(busy)
    assert busy.app[SCHEMAS].violations("snapshot", snapshot) == []  # the reference validator agrees
    assert busy.app[SCHEMAS].fast_violations("snapshot", snapshot) == []


def test_any_snapshot_dict_can_be_checked_without_an_app(busy_app: web.Application) -> None:
    snapshot = export_snapshot(busy_app)
    schemas = SchemaStore(data_dir("schemas"))
    valid = validate_snapshot(snapshot, schemas, PROVIDERS_UNDER_TEST)
    assert valid.seed == snapshot["seed"] and valid.clock.now_ms == snapshot["clock"]["now_ms"]
    with pytest.raises(SnapshotError) as refused:
        validate_snapshot(snapshot, schemas, ("nyne",))  # a server without Outfame cannot take its part
    assert refused.value.path == "$.providers.outfame"
    with pytest.raises(SnapshotError) as refused:
        validate_snapshot(snapshot, schemas, PROVIDERS_UNDER_TEST, max_jobs=0)
    assert refused.value.path == "$.providers.nyne.jobs"


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 150)), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(data=st.data())
def test_export_never_fails_on_what_import_accepted(busy_app: web.Application, busy_snapshot: dict[str, Any],
                                                   data: st.DataObject) -> None:
    base = busy_snapshot
    snapshot = copy.deepcopy(base)
    candidates = [path for path in _paths(base) if path and path[0] not in ("seed", "scenario")]
    # Values taken from elsewhere in the snapshot, and instants in range, make changes that may well fit.
    plausible = st.one_of(st.sampled_from([_at(base, path) for path in candidates]),
                          st.integers(min_value=0, max_value=253_402_300_799_999), st.integers(0, 10))
    for _ in range(data.draw(st.integers(min_value=1, max_value=3), label="changes")):
        path = data.draw(st.sampled_from(candidates), label="path")
        how = data.draw(st.sampled_from(["hostile", "plausible", "plausible", "delete", "repeat"]), label="how")
        value = data.draw(HOSTILE if how == "hostile" else plausible, label="value")
        try:
            _change(snapshot, path, how, copy.deepcopy(value))
        except (KeyError, IndexError, TypeError):
            pass  # an earlier change removed the spot
    before = export_snapshot(busy_app)
    try:
        restore_snapshot(busy_app, snapshot)
    except SnapshotError as error:
        assert error.path.startswith("$") and str(error).startswith(f"at {error.path}: ")
        assert export_snapshot(busy_app) == before  # refused: nothing changed
        event("refused")
        return
    event("accepted")
    accepted = export_snapshot(busy_app)
    orjson.dumps(accepted)
    assert busy_app[SCHEMAS].fast_violations("snapshot", accepted) == []
    restore_snapshot(busy_app, accepted)  # what export wrote, import takes back ...
    assert export_snapshot(busy_app) == accepted  # ... exactly

