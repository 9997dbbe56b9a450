"""Scenario files: loading, the schema, and the rules beyond it (each problem at its JSON path, no key echoed)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from mockserver.core.validation import SchemaStore
from mockserver.paths import data_dir, default_scenario_path
from mockserver.scenario import ScenarioError, load_scenario, parse_scenario, scenario_problems


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


def test_the_default_scenario_has_no_problems(schemas: SchemaStore, document: dict) -> None:
    assert scenario_problems(document, schemas) == []


def test_duplicates_in_every_provider_are_found_with_their_paths(schemas: SchemaStore, document: dict) -> None:
    users = document["appdotnet"]["users"]
    users[1]["id"] = users[0]["id"]
    users[1]["tokens"].append({"token": "YOUR_ACCESS_TOKEN"})
    document["appdotnet"]["app_tokens"].append("OTHER_USER_ACCESS_TOKEN")
    nyne = document["nyne"]
    nyne["credentials"][1].update(id="nyne-docs-key", api_key="YOUR_API_KEY")
    nyne["profiles"].append({"platform": "twitter", "username": "JaneDoe"})
    nyne["tweets"].append(copy.deepcopy(nyne["tweets"][0]))
    workspaces = document["outfame"]["workspaces"]
    workspaces[1]["id"] = workspaces[0]["id"]
    workspaces[1]["accounts"].append({"id": "acc_7Gx2kLm9Qr"})
    workspaces[1]["api_keys"].append({"key": "sk_live_your_api_key", "scopes": []})
    problems = scenario_problems(document, schemas)
    expected = [
        "at $.appdotnet.users[1].id: App.net user id '1558' is already used at $.appdotnet.users[0].id",
        "at $.appdotnet.users[1].tokens[1].token: App.net token is already used at $.appdotnet.users[0].tokens[1].token",
        "at $.appdotnet.app_tokens[1]: App.net token is already used at $.appdotnet.users[1].tokens[0].token",
        "at $.nyne.credentials[1].id: Nyne credential id 'nyne-docs-key' is already used at $.nyne.credentials[0].id",
        "at $.nyne.credentials[1].api_key: Nyne API key is already used at $.nyne.credentials[0].api_key",
        "at $.nyne.profiles[6].username: Nyne twitter handle 'janedoe' is already used at $.nyne.profiles[0].username",
        "at $.nyne.tweets[3].tweet_id: Nyne tweet id '1234567890123456789' is already used at $.nyne.tweets[0].tweet_id",
        "at $.outfame.workspaces[1].id: workspace id 'ws_fitgrowth' is already used at $.outfame.workspaces[0].id",
        "at $.outfame.workspaces[1].api_keys[1].key: Outfame API key is already used at $.outfame.workspaces[0].api_keys[0].key",
        "at $.outfame.workspaces[1].accounts[1].id: account id 'acc_7Gx2kLm9Qr' is already used at "
        "$.outfame.workspaces[0].accounts[0].id",
    ]
    assert sorted(problems) == sorted(expected)
    for secret in ("YOUR_ACCESS_TOKEN", "OTHER_USER_ACCESS_TOKEN", "YOUR_API_KEY", "sk_live_your_api_key"):
        assert all(secret not in problem for problem in problems)


def test_ordered_pairs_and_twitter_handles(schemas: SchemaStore, document: dict) -> None:
    document["outfame"]["workspaces"][0]["accounts"][0]["active_hours"] = {"end": 5}  # start defaults to 6
    document["outx"]["agent_task_seconds"] = {"min": 30, "max": 10}
    assert sorted(scenario_problems(document, schemas)) == [
        "at $.outfame.workspaces[0].accounts[0].active_hours: start must be before end",
        "at $.outx.agent_task_seconds: min must not exceed max",
    ]
    document = json.loads(default_scenario_path().read_text())
    document["nyne"]["profiles"].append({"platform": "twitter", "username": "much_too_long_for_x"})
    document["nyne"]["profiles"].append({"platform": "instagram", "username": "much_too_long_for_x"})  # fine there
    assert scenario_problems(document, schemas) == [
        "at $.nyne.profiles[6].username: 'much_too_long_for_x' does not match '^[A-Za-z0-9_]{1,15}$'"]


def test_a_scenario_needs_one_provider_section_and_any_one_will_do(schemas: SchemaStore, document: dict) -> None:
    assert scenario_problems({"name": "empty"}, schemas) == [
        "at $: a scenario describes at least one provider: outx, appdotnet, nyne, outfame"]
    assert scenario_problems({"name": "nyne only", "nyne": document["nyne"]}, schemas) == []


def test_comments_are_allowed_on_entities_but_not_inside_value_maps(schemas: SchemaStore, document: dict) -> None:
    document["//"] = ["A scenario for the growth team.", "Second line."]
    document["outx"]["teams"][0]["//"] = "Acme's key is the docs' placeholder"
    document["outx"]["teams"][0]["watchlists"][0]["//"] = "the docs' watchlist"
    document["outfame"]["workspaces"][0]["accounts"][0]["//"] = "the documented account"
    assert scenario_problems(document, schemas) == []
    document["outfame"]["workspaces"][0]["accounts"][0]["daily_limits"]["//"] = "not here: this maps action types"
    assert scenario_problems(document, schemas) == [
        "at $.outfame.workspaces[0].accounts[0].daily_limits: Additional properties are not allowed ('//' was unexpected)"]
