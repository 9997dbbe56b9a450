"""The `mockserver` command as a user runs it: real processes, real sockets."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from mockserver import paths
from mockserver.cli import build_parser, main, settings_from

DOCS_URL = "/api-interactions?watchlist_id=550e8400-e29b-41d4-a716-446655440000&page=1&page_size=10"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "mockserver", "serve", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def wait_for_banner(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    line = process.stdout.readline()  # the server prints exactly one line once it listens
    assert line, process.stderr.read() if process.stderr else ""
    return line


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT])
def test_serve_prints_one_line_answers_and_stops_cleanly(stop_with: signal.Signals) -> None:
    port = free_port()
    process = start("--port", str(port), "--seed", "3", "--freeze-at", "2024-01-16T10:40:00Z")
    try:
        banner = wait_for_banner(process)
        assert banner.startswith("mockserver ") and f"http://127.0.0.1:{port}" in banner
        assert "outx" in banner and "seed 3" in banner
        request = urllib.request.Request(f"http://127.0.0.1:{port}{DOCS_URL}", headers={"x-api-key": "YOUR_API_KEY"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = json.load(response)
        assert len(body["data"]) == 10
    finally:
        process.send_signal(stop_with)
        out, err = process.communicate(timeout=15)
    assert process.returncode == 0
    assert out == "" and "Traceback" not in err


def test_busy_port_is_one_clear_error() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        process = start("--port", str(port))
        out, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert err.strip().startswith(f"mockserver: error: cannot listen on 127.0.0.1:{port}:")
    assert "Traceback" not in err and err.count("\n") == 1


@pytest.mark.parametrize("args, message", [
    (["--port", "http"], "not a port number: 'http'"),
    (["--port", "70000"], "port must be between 0 and 65535"),
    (["--providers", "outx,twitter"], "unknown provider(s) twitter"),
    (["--seed", "abc"], "seed must be an integer"),
    (["--freeze-at", "yesterday"], "not an ISO 8601 instant"),
    (["--bogus"], "usage: mockserver serve"),  # the subcommand's usage, not the top-level one
])
def test_bad_flags_are_clear_errors(args: list[str], message: str) -> None:
    process = start(*args)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert message in err and "Traceback" not in err


def test_bad_scenario_file_is_a_clear_error(tmp_path: Path) -> None:
    scenario = tmp_path / "broken.json"
    scenario.write_text(json.dumps({"name": "x", "outx": {"teams": []}}))
    process = start("--port", str(free_port()), "--scenario", str(scenario))
    out, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert f"mockserver: error: scenario {scenario} is invalid:" in err
    assert "at $.outx.teams: [] should be non-empty" in err and "Traceback" not in err


def test_a_refused_scenario_is_a_clear_error(tmp_path: Path) -> None:
    scenario = json.loads(paths.default_scenario_path().read_text())
    scenario["appdotnet"]["users"][1]["id"] = scenario["appdotnet"]["users"][0]["id"]
    path = tmp_path / "dup.json"
    path.write_text(json.dumps(scenario))
    process = start("--port", str(free_port()), "--scenario", str(path))
    out, err = process.communicate(timeout=30)
    assert process.returncode == 2 and "Traceback" not in err
    assert err == (f"mockserver: error: scenario {path} is invalid:\n"
                   "  - at $.appdotnet.users[1].id: App.net user id '1558' is already used at $.appdotnet.users[0].id\n")


@pytest.mark.parametrize("argv", [["serve", "--port", "0"], ["openapi"], ["validate", "outx/error", "-"]])
def test_an_install_without_its_data_files_is_a_clear_error(argv: list[str], tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(paths, "_PACKAGE", tmp_path / "site-packages" / "mockserver")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("mockserver: error: cannot find the ") and err.count("\n") == 1
    assert "reinstall it" in err


def test_settings_from_flags_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKSERVER_SEED", "42")
    monkeypatch.setenv("MOCKSERVER_PROVIDERS", "outx")
    args = build_parser().parse_args(["serve", "--port", "0", "--strict", "--admin-token", "tok-81f3"])
    settings = settings_from(args)
    assert settings.seed == 42 and settings.port == 0 and settings.strict
    assert settings.providers == ("outx",) and settings.admin_token == "tok-81f3"
    assert "tok-81f3" not in repr(settings)  # secrets stay out of logs and tracebacks
    args = build_parser().parse_args(["serve", "--seed", "7"])
    assert settings_from(args).seed == 7  # a flag beats the environment


def test_journal_bytes_from_a_flag_or_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert settings_from(build_parser().parse_args(["serve"])).journal_bytes == 64 * 1024**2
    monkeypatch.setenv("MOCKSERVER_JOURNAL_BYTES", "16MiB")
    assert settings_from(build_parser().parse_args(["serve"])).journal_bytes == 16 * 1024**2
    assert settings_from(build_parser().parse_args(["serve", "--journal-bytes", "2G"])).journal_bytes == 2 * 1024**3
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--journal-bytes", "10k"])
    assert "must be a size from 1MiB to 64GiB" in capsys.readouterr().err


def test_connection_limits_from_flags_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = settings_from(build_parser().parse_args(["serve"]))
    assert (defaults.max_connections, defaults.header_timeout_s, defaults.body_timeout_s) == (1000, 10.0, 30.0)
    monkeypatch.setenv("MOCKSERVER_MAX_CONNECTIONS", "50")
    args = build_parser().parse_args(["serve", "--header-timeout", "2.5", "--body-timeout", "7"])
    settings = settings_from(args)
    assert (settings.max_connections, settings.header_timeout_s, settings.body_timeout_s) == (50, 2.5, 7.0)
    for bad in (["--max-connections", "0"], ["--header-timeout", "0"], ["--body-timeout", "1e9"]):
        with pytest.raises(SystemExit):
            build_parser().parse_args(["serve", *bad])


def test_version_and_help() -> None:
    done = subprocess.run([sys.executable, "-m", "mockserver", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("mockserver ")
    done = subprocess.run([sys.executable, "-m", "mockserver", "serve", "--help"], capture_output=True, text=True)
    assert "--scenario FILE" in done.stdout and "--providers" in done.stdout
    assert "(default: 8080; env: MOCKSERVER_PORT)" in " ".join(done.stdout.split())


def _get(port: int, path: str, **headers: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
        return response.status


@pytest.mark.parametrize("flags", [["--quiet", "--access-log"], ["--log-format", "json", "--access-log"]])
def test_quiet_prints_nothing_and_json_prints_one_object_a_line(flags: list[str]) -> None:
    port = free_port()
    process = start("--port", str(port), *flags)
    try:
        if "--quiet" in flags:
            for _ in range(100):  # no start-up line to wait for: poll
                try:
                    _get(port, "/__admin/health")
                    break
                except OSError:
                    time.sleep(0.1)
        else:
            banner = json.loads(wait_for_banner(process))
            assert banner["event"] == "listening" and banner["url"] == f"http://127.0.0.1:{port}"
        assert _get(port, "/stream/0/users/me/interactions?access_token=YOUR_ACCESS_TOKEN&count=1") == 200
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=15)
    assert process.returncode == 0 and "YOUR_ACCESS_TOKEN" not in out + err
    if "--quiet" in flags:
        assert out == "" and err == ""
    else:
        line = json.loads(out.splitlines()[-1])
        assert line["provider"] == "appdotnet" and line["status"] == 200 and line["path"].startswith("/stream/0/")
        assert json.loads(err)["event"] == "stopped"
