"""The App.net spec's sample objects validate against the schemas, and broken ones do not."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from mockserver.core.validation import SchemaStore
from mockserver.paths import data_dir

SAMPLES = json.loads((Path(__file__).parent / "sample_objects.json").read_text())["samples"]


@pytest.fixture(scope="module")
def schemas() -> SchemaStore:
    return SchemaStore(data_dir("schemas"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s["name"])
def test_spec_sample_objects_validate(schemas: SchemaStore, sample: dict[str, Any]) -> None:
    assert schemas.violations(sample["schema"], sample["value"]) == []


def test_broken_samples_are_refused(schemas: SchemaStore) -> None:
    user = copy.deepcopy(next(s["value"] for s in SAMPLES if s["name"] == "USER"))
    user["id"] = 1558  # ids travel as strings
    assert schemas.violations("appdotnet/user", user)
    post = copy.deepcopy(next(s["value"] for s in SAMPLES if s["name"] == "POST"))
    post["created_at"] = "2012-10-11 19:48:40"
    assert schemas.violations("appdotnet/post", post)
    interaction = copy.deepcopy(next(s["value"] for s in SAMPLES if s["name"] == "FOLLOW_INTERACTION"))
    interaction["objects"] = [post]  # a follow's objects are users
    assert schemas.violations("appdotnet/interaction", interaction)
    assert schemas.violations("appdotnet/error", {"data": [], "meta": {"code": 401, "error_message": "x"}})
