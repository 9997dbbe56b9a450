"""Schemathesis, with every one of its checks and its stateful phase, finds no gap between document and server.

The providers' half of the document (`?only=providers`: the admin API must not reset and freeze the mock
under the fuzzer) is fuzzed against a strict, frozen mock, bounded and seeded so the run is repeatable.
A longer run: `SCHEMATHESIS_EXAMPLES=500 SCHEMATHESIS_SEED=random pytest tests/openapi/test_schemathesis.py`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

from mockserver.providers import available_providers
from mockserver.settings import Settings
from mockserver.testing import MockServer, ThreadedMockServer
from tests.conftest import FROZEN_AT_MS

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "20"))
SEED = os.environ.get("SCHEMATHESIS_SEED", "1")


def _schemathesis() -> str:
    found = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which("schemathesis")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("schemathesis is not installed (it is a test extra: pip install -e '.[test]')")
        pytest.skip("schemathesis is not installed (pip install -e '.[test]')")
    return found


def _toml(value: Any) -> str:
    return json.dumps(value)  # JSON strings and arrays are valid TOML


def config_for(credentials: dict[str, dict[str, Any]]) -> str:
    """Credentials for every security scheme, and the few values an API cannot be fuzzed without.

    Each pinned value is one the API documents as an id the caller must already have: OutX answers 400
    (not 404) to an unknown watchlist, and Outfame's cursor is an opaque token only a previous page gives.
    Outfame's pause and resume answer 400 already_paused / already_active by state, not by shape.
    """
    outx, adn, nyne, outfame = (credentials[name] for name in ("outx", "appdotnet", "nyne", "outfame"))
    schemes = {
        "outxApiKey": {"api_key": outx["api_key"]},
        "adnBearer": {"bearer": adn["access_token"]}, "adnAccessToken": {"api_key": adn["access_token"]},
        "nyneApiKey": {"api_key": nyne["headers"]["X-API-Key"]},
        "nyneApiSecret": {"api_key": nyne["headers"]["X-API-Secret"]},
        "nyneApiKeyQuery": {"api_key": nyne["headers"]["X-API-Key"]},
        "nyneApiSecretQuery": {"api_key": nyne["headers"]["X-API-Secret"]},
        "outfameBearer": {"bearer": outfame["api_key"]},
    }
    lines = []
    for scheme, values in schemes.items():
        lines += [f"[auth.openapi.{scheme}]"] + [f"{key} = {_toml(value)}" for key, value in values.items()] + [""]
    account = _toml(outfame["account_id"])
    operations = [  # one entry per operation: the first entry that matches an operation is the one used
        ('include-path = "/api-interactions"', f'parameters = {{ "query.watchlist_id" = {_toml(outx["watchlist_id"])} }}'),
        ('include-path = "/stream/0/users/{user_id}/interactions"', 'parameters = { "path.user_id" = "me" }'),
        ('include-path = "/v1/engagement/activity"', f'parameters = {{ "query.account_id" = {account}, "query.cursor" = "" }}'),
        ('include-path = "/v1/engagement/stats"', f'parameters = {{ "query.account_id" = {account} }}'),
        ('include-path-regex = "^/v1/engagement/(pause|resume)$"',
         'checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404"]'),
    ]
    for selector, setting in operations:
        lines += ["[[operations]]", selector, setting, ""]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def fuzzed_mock() -> Iterator[ThreadedMockServer]:
    settings = Settings(host="127.0.0.1", port=0, strict=True, freeze_at_ms=FROZEN_AT_MS,
                        providers=available_providers())
    with ThreadedMockServer(settings) as server:
        # Rate limits are checked by the contract kit; here they would turn a run into a wall of 429s.
        for provider in ("nyne", "appdotnet"):
            MockServer(server.url).set_flag(provider, "rate_limits", False)
        yield server


def test_schemathesis_finds_no_failure_with_every_check(fuzzed_mock: ThreadedMockServer, tmp_path: Path) -> None:
    executable = _schemathesis()
    handle = MockServer(fuzzed_mock.url)
    with urllib.request.urlopen(f"{fuzzed_mock.url}/__admin/openapi.json?only=providers") as answer:
        document = json.load(answer)
    assert not any(path.startswith("/__admin") for path in document["paths"])
    (tmp_path / "openapi.json").write_text(json.dumps(document))
    (tmp_path / "schemathesis.toml").write_text(config_for(handle.credentials))
    done = subprocess.run(
        [executable, "--no-color", "--config-file", str(tmp_path / "schemathesis.toml"), "run",
         str(tmp_path / "openapi.json"), "--url", fuzzed_mock.url, "--checks", "all", "--workers", "1",
         "--max-examples", str(EXAMPLES), "--seed", SEED, "--phases", "examples,coverage,fuzzing,stateful",
         # Nyne's body is six shapes of patterned strings; drawing them takes retries, which is fine here.
         "--suppress-health-check", "filter_too_much"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path)
    report = done.stdout + done.stderr
    assert done.returncode == 0, report[-6000:]
    counted = re.search(r"(\d+) generated, (\d+) found", report) or re.search(r"(\d+) generated", report)
    assert counted and int(counted.group(1)) > 500, report[-3000:]  # it really exercised the API
    assert "Stateful" in report and "✅ Stateful" in report, report[-3000:]
    tested = re.search(r"Tested: (\d+)", report)
    assert tested and int(tested.group(1)) == sum(len(ops) for ops in document["paths"].values())
    print(report[report.find("SUMMARY"):])  # the numbers, for -s runs
