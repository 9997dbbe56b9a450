from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from mockserver.core.validation import SchemaStore
from mockserver.paths import data_dir, default_scenario_path
from mockserver.scenario import ScenarioError, load_scenario, parse_scenario


@pytest.fixture(scope="module")
def schemas() -> SchemaStore:
    return SchemaStore(data_dir("schemas"))


@pytest.fixture
def document() -> dict:
    return json.loads(default_scenario_path().read_text())


def test_default_scenario_is_valid_and_holds_the_documented_ids(schemas: SchemaStore) -> None:
    scenario = load_scenario(default_scenario_path(), schemas)
    teams = scenario.section("outx")["teams"]
    keys = [key for team in teams for key in team["api_keys"]]
    watchlists = {w["id"]: w for team in teams for w in team["watchlists"]}
    assert "YOUR_API_KEY" in keys and len(teams) >= 2
    assert watchlists["550e8400-e29b-41d4-a716-446655440000"]["interactions"] >= 1000
    assert any(w["interactions"] == 0 for w in watchlists.values())
    assert any(w.get("simulate_failure") for w in watchlists.values())


def test_errors_name_the_place_and_the_problem(schemas: SchemaStore, document: dict) -> None:
    document["outx"]["teams"][0]["watchlists"][0]["interactions"] = -3
    document["outx"]["teams"][1]["api_keys"] = []
    document["outx"]["teams"][0]["colour"] = "red"
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(document, "broken.json", schemas)
    message = str(caught.value)
    assert message.startswith("scenario broken.json is invalid:")
    assert "at $.outx.teams[0].watchlists[0].interactions: -3 is less than the minimum of 0" in message
    assert "at $.outx.teams[1].api_keys: [] should be non-empty" in message
    assert "at $.outx.teams[0]: Additional properties are not allowed ('colour' was unexpected)" in message


def test_duplicate_ids_and_shared_keys_are_refused_without_echoing_keys(schemas: SchemaStore, document: dict) -> None:
    teams = document["outx"]["teams"]
    teams[1]["api_keys"] = ["YOUR_API_KEY"]
    teams[1]["watchlists"].append(copy.deepcopy(teams[0]["watchlists"][0]))
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(document, "dup.json", schemas)
    message = str(caught.value)
    assert "OutX API key is already used at $.outx.teams[0].api_keys[0]" in message
    assert "watchlist id '550e8400-e29b-41d4-a716-446655440000' is already used" in message
    assert "YOUR_API_KEY" not in message


@pytest.mark.parametrize("content, expected", [
    (b"{not json", "is not valid JSON: Expecting property name enclosed in double quotes at line 1, column 2"),
    (b"\xff\xfe", "is not UTF-8 text"),
    (b"[]", "at $: [] is not of type 'object'"),
])
def test_unreadable_files_get_one_clear_line(schemas: SchemaStore, tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(content)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, schemas)
    assert expected in str(caught.value)


def test_missing_file(schemas: SchemaStore, tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read scenario file .*nope.json: No such file"):
        load_scenario(tmp_path / "nope.json", schemas)
