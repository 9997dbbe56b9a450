"""Single-answer invariants: the documented examples satisfy them, and each broken fact is named."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from mockserver.contract.invariants import BY_SCHEMA, problems_of
from mockserver.paths import data_dir


def example(name: str) -> Any:
    return json.loads((data_dir("fixtures") / "examples" / f"{name}.json").read_text())


# OutX's interactions example is left out: the docs abbreviate its graph_data to one of the seven days.
@pytest.mark.parametrize("schema", ["outx/task-status-response", "appdotnet/interactions-response",
                                    "nyne/poll-response", "outfame/activity-response", "outfame/stats-response"])
def test_documented_examples_hold(schema: str) -> None:
    assert schema in BY_SCHEMA and problems_of(schema, example(schema), 200, {}) == []


def test_each_broken_fact_is_named() -> None:
    page = example("outx/interactions-response")
    broken = copy.deepcopy(page)
    broken["pagination"]["total"] += 1
    broken["graph_data"] = broken["graph_data"][:1] * 2
    found = problems_of("outx/interactions-response", broken, 200, {"page_size": "5"})
    assert any("!= total" in p for p in found) and any("page_size 10, asked for 5" in p for p in found)
    assert any("graph_data is not 7 consecutive days" in p for p in found)
    stats = example("outfame/stats-response")
    stats["actions"]["likes"]["performed"] = stats["actions"]["likes"]["limit"] + 1
    found = problems_of("outfame/stats-response", stats, 200, {})
    assert any("exceeds the daily limit" in p for p in found) and any("likes: remaining" in p for p in found)
    envelope = example("appdotnet/interactions-response")
    assert problems_of("appdotnet/interactions-response", envelope, 201, {}) == [
        "meta.code 200 is not the HTTP status 201"]
    assert problems_of("nyne/error", {"success": True}, 404, {}) == ["HTTP 404 with success True"]
