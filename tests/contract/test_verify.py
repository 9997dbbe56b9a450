"""`mockserver verify` cannot go green by accident: empty runs, unknown ids, headers, reports and replays."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from mockserver.cli import main
from mockserver.contract.verify import VerifyOptions, check_ids, verify
from mockserver.settings import Settings
from mockserver.testing import ThreadedMockServer


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with ThreadedMockServer(Settings(host="127.0.0.1", port=0, providers=("outx", "appdotnet"))) as server:
        yield server.url


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket closes
    return f"http://127.0.0.1:{port}"


def _no_target_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("OUTX_", "ADN_", "NYNE_", "OUTFAME_")):
            monkeypatch.delenv(name)


def test_a_url_that_does_not_answer_exits_non_zero_unless_skips_are_allowed(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _no_target_variables(monkeypatch)
    url = _closed_port_url()
    assert main(["verify", "--base-url", url, "--providers", "outx", "--rate-limit", "0"]) == 1
    out = capsys.readouterr().out
    assert f"no mock admin API at {url}/__admin (the URL does not answer" in out
    assert "nothing was checked" in out and "--allow-skips" in out
    assert main(["verify", "--base-url", url, "--providers", "outx", "--rate-limit", "0", "--allow-skips"]) == 0


def test_the_header_says_when_a_mock_admin_api_was_found(mock_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    verify(VerifyOptions(base_url=mock_url, providers=("outx",), only=("outx.errors.missing_key",), rate_limit=0))
    assert f"# target {mock_url}: mock admin API found at {mock_url}/__admin" in capsys.readouterr().out


def test_list_checks_names_every_check_and_follows_the_filters(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--list-checks"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == check_ids()
    assert main(["verify", "--list-checks", "--only", "outx.tasks"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(line.startswith("outx.tasks.") for line in lines)
    assert any("(mutating)" in line for line in lines)


def test_an_unknown_only_id_is_an_error_naming_the_nearest_ids(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--base-url", "http://127.0.0.1:9", "--only", "outx.errors.missing"]) == 2
    error = capsys.readouterr().err
    assert "'outx.errors.missing' names no check or group" in error and "outx.errors.missing_key" in error
    assert main(["verify", "--base-url", "http://127.0.0.1:9", "--only", "nope.x"]) == 2
    assert "nearest: " in capsys.readouterr().err


def test_each_provider_report_names_its_own_provider(mock_url: str, tmp_path: Path) -> None:
    verify(VerifyOptions(base_url=mock_url, only=("outx.errors.missing_key", "appdotnet.auth.missing_token"),
                         rate_limit=0, report_dir=tmp_path))
    for provider, other in (("outx", "appdotnet"), ("appdotnet", "outx")):
        markdown = (tmp_path / f"{provider}.md").read_text()
        assert markdown.splitlines()[0] == f"# Conformance report: {provider} at {mock_url}"
        assert other not in markdown
        assert json.loads((tmp_path / f"{provider}.json").read_text())["target"]["providers"] == [provider]


@pytest.mark.skipif(shutil.which("curl") is None and os.environ.get("CI") != "true",
                    reason="curl is not installed: replay commands cannot be run")
def test_replay_commands_run_verbatim_against_the_mock(mock_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _no_target_variables(monkeypatch)
    results = verify(VerifyOptions(base_url=mock_url, rate_limit=0,
                                   only=("outx.interactions.schema", "appdotnet.auth.query_parameter")))
    exchanges = [exchange for result in results for exchange in result.evidence]
    for variable in ("${OUTX_API_KEY:-", "${ADN_ACCESS_TOKEN:-"):  # a header, and a query parameter
        assert any(variable in exchange.curl for exchange in exchanges), variable
    for exchange in exchanges:
        done = subprocess.run(["sh", "-c", exchange.curl + " -o /dev/null -w '%{http_code}'"], capture_output=True,
                              text=True, timeout=30, env={"PATH": os.environ["PATH"]})
        assert done.stdout == str(exchange.status), (exchange.curl, done.stdout, done.stderr)
