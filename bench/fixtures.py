"""The mock as a test fixture: reset cost, the plugin's start-up, and per-test cost against pytest-httpserver.

Every number is a ratio or a difference against something measured in the
same run: GET /__admin/health for a reset, pytest without the plugin for its
start-up, the same 200-test file through pytest-httpserver for `mock_server`.
"""

from __future__ import annotations

import http.client
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

RESET_RATIO_GOAL, RESET_MS_GOAL = 3.0, 5.0
PLUGIN_MS_GOAL = 50.0
PER_TEST_RATIO_GOAL = 2.0
TESTS = 200
DOCS_PATH = "/api-interactions?watchlist_id=550e8400-e29b-41d4-a716-446655440000&page=1&page_size=10"


class Reporter(Protocol):
    def add(self, line: str, met: bool | None = None, what: str = "") -> None: ...


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def reset_against_health(base_url: str, rounds: int = 300) -> tuple[float, float]:
    """Medians (ms) of POST /__admin/reset and GET /__admin/health, interleaved on one kept-alive connection."""
    parsed = urlparse(base_url)
    if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("benchmarks only send traffic to loopback")
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)

    def timed(method: str, path: str) -> float:
        started = time.perf_counter()
        connection.request(method, path, body=b"" if method == "POST" else None)
        response = connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f"{method} {path} answered {response.status}")
        return elapsed

    try:
        for _ in range(20):  # warm up both paths
            timed("POST", "/__admin/reset"), timed("GET", "/__admin/health")
        resets, healths = [], []
        for _ in range(rounds):
            resets.append(timed("POST", "/__admin/reset"))
            healths.append(timed("GET", "/__admin/health"))
    finally:
        connection.close()
    return _median_ms(resets), _median_ms(healths)


def _clean_env() -> dict[str, str]:
    """A user's environment: nothing of this run's pytest or mock settings, and bytecode caching on
    (pytest keeps rewritten plugin modules in it; without it every run would rewrite them again)."""
    dropped = ("PYTEST_", "MOCKSERVER_", "PYTHONDONTWRITEBYTECODE")
    return {name: value for name, value in os.environ.items() if not name.startswith(dropped)}


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _pytest(args: list[str], cwd: Path, empty_ok: bool = False, **env: str) -> tuple[float, float]:
    """Wall and CPU seconds of one pytest run in a subprocess, which must pass."""
    started, cpu_before = time.perf_counter(), _children_cpu_s()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=cwd,
                          env={**_clean_env(), **env}, capture_output=True, text=True, timeout=600)
    elapsed, cpu = time.perf_counter() - started, _children_cpu_s() - cpu_before
    if done.returncode != 0 and not (empty_ok and done.returncode == 5):  # 5: no tests collected
        raise RuntimeError(f"pytest {' '.join(args)} failed:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    return elapsed, cpu


@dataclass(frozen=True)
class StartUp:
    """Medians (ms) of `pytest --collect-only` on an empty project."""

    wall_ms: float
    cpu_ms: float  # the pytest process's own CPU time: steadier than the wall clock on a shared machine


def plugin_start_up(rounds: int = 21) -> tuple[StartUp, StartUp]:
    """pytest on an empty project with the plugin and without it (-p no:mockserver), runs interleaved."""
    with tempfile.TemporaryDirectory(prefix="bench-empty-") as tmp:
        project = Path(tmp)
        (project / "pytest.ini").write_text("[pytest]\n")
        runs: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
        _pytest(["--collect-only"], project, empty_ok=True)  # warm the file cache
        for _ in range(rounds):
            runs[True].append(_pytest(["--collect-only"], project, empty_ok=True))
            runs[False].append(_pytest(["--collect-only", "-p", "no:mockserver"], project, empty_ok=True))
    with_plugin, without = (StartUp(_median_ms([wall for wall, _ in runs[on]]),
                                    _median_ms([cpu for _, cpu in runs[on]])) for on in (True, False))
    return with_plugin, without


_MOCK_TESTS = '''
import urllib.request

import pytest

from timing import record

HEADERS = {"x-api-key": "YOUR_API_KEY"}


@pytest.mark.parametrize("n", range(%(tests)d))
def test_get(mock_server, n):
    record(n)
    request = urllib.request.Request(mock_server.url + %(path)r, headers=HEADERS)
    with urllib.request.urlopen(request) as response:
        assert response.status == 200 and response.read()
'''

_HTTPSERVER_TESTS = '''
import urllib.request
from pathlib import Path

import pytest

from timing import record

CANNED = (Path(__file__).parent / "canned.json").read_bytes()
HEADERS = {"x-api-key": "YOUR_API_KEY"}


@pytest.mark.parametrize("n", range(%(tests)d))
def test_get(httpserver, n):
    record(n)
    httpserver.expect_request("/api-interactions").respond_with_data(CANNED, content_type="application/json")
    request = urllib.request.Request(httpserver.url_for(%(path)r), headers=HEADERS)
    with urllib.request.urlopen(request) as response:
        assert response.status == 200 and response.read()
'''

# Loaded with -p: marks when the session starts and when each test body runs, so the session's start-up
# (start to the first body: mostly the session fixture's server) and the per-test cost (first to last
# body, over the tests in between) are told apart from the interpreter's own start.
_TIMING = """
import json
import os
import time

_MARKS = {}


def pytest_sessionstart(session):
    _MARKS["start"] = time.perf_counter()


def record(n):
    _MARKS.setdefault("first", time.perf_counter())
    _MARKS["last"] = time.perf_counter()


def pytest_sessionfinish(session):
    with open(os.environ["BENCH_TIMING_FILE"], "w") as out:
        json.dump(_MARKS, out)
"""


@dataclass(frozen=True)
class FileRun:
    wall_s: float
    start_up_s: float  # session start to the first test's body: mostly the session fixture's start-up
    per_test_ms: float  # each later test: fixture setup and teardown, and one GET


def _run_file(project: Path, test_file: str) -> FileRun:
    timing = project / "timing.json"
    wall, _ = _pytest(["-p", "timing", test_file], project, BENCH_TIMING_FILE=str(timing), PYTHONPATH=str(project))
    marks = json.loads(timing.read_text())
    return FileRun(wall, marks["first"] - marks["start"], (marks["last"] - marks["first"]) / (TESTS - 1) * 1000)


def per_test_against_httpserver(canned: bytes, rounds: int = 3) -> tuple[FileRun, FileRun]:
    """The same 200 one-GET tests through mock_server and through pytest-httpserver; the best of `rounds` each."""
    with tempfile.TemporaryDirectory(prefix="bench-fixtures-") as tmp:
        project = Path(tmp)
        (project / "pytest.ini").write_text("[pytest]\n")
        (project / "timing.py").write_text(_TIMING)
        (project / "canned.json").write_bytes(canned)
        values = {"tests": TESTS, "path": DOCS_PATH}
        (project / "test_mock_server.py").write_text(_MOCK_TESTS % values)
        (project / "test_httpserver.py").write_text(_HTTPSERVER_TESTS % values)
        mine: list[FileRun] = []
        theirs: list[FileRun] = []
        _run_file(project, "test_mock_server.py"), _run_file(project, "test_httpserver.py")  # fill the caches
        for _ in range(rounds):  # interleaved, so both see the same machine
            mine.append(_run_file(project, "test_mock_server.py"))
            theirs.append(_run_file(project, "test_httpserver.py"))
    return min(mine, key=_wall), min(theirs, key=_wall)


def _wall(run: FileRun) -> float:
    return run.wall_s


def report_fixture_costs(base_url: str, canned: bytes, report: Reporter) -> None:
    reset_ms, health_ms = reset_against_health(base_url)
    ratio = reset_ms / health_ms
    report.add(f"reset: median {reset_ms:.2f} ms, GET /__admin/health {health_ms:.2f} ms: {ratio:.2f}x "
               f"(goal <= {RESET_RATIO_GOAL:g}x and < {RESET_MS_GOAL:g} ms)",
               ratio <= RESET_RATIO_GOAL and reset_ms < RESET_MS_GOAL, "reset cost")
    with_plugin, without = plugin_start_up()
    added = with_plugin.cpu_ms - without.cpu_ms
    report.add(f"plugin: pytest --collect-only on an empty project, CPU {with_plugin.cpu_ms:.0f} ms with the plugin, "
               f"{without.cpu_ms:.0f} ms without: +{added:.1f} ms (goal < {PLUGIN_MS_GOAL:g} ms; wall "
               f"{with_plugin.wall_ms:.0f} vs {without.wall_ms:.0f} ms)", added < PLUGIN_MS_GOAL, "plugin start-up")
    mine, theirs = per_test_against_httpserver(canned)
    ratio = mine.wall_s / theirs.wall_s
    report.add(f"{TESTS} tests, one GET each: mock_server {mine.wall_s:.2f} s, pytest-httpserver {theirs.wall_s:.2f} s: "
               f"{ratio:.2f}x (goal <= {PER_TEST_RATIO_GOAL:g}x)", ratio <= PER_TEST_RATIO_GOAL, "per-test cost")
    report.add(f"  session start-up: mock_server {mine.start_up_s * 1000:.0f} ms, pytest-httpserver "
               f"{theirs.start_up_s * 1000:.0f} ms; then per test {mine.per_test_ms:.2f} ms vs {theirs.per_test_ms:.2f} ms")


def main() -> int:
    """`python -m bench.fixtures`: these measurements alone, against a server of their own."""
    from bench.run import Report, Server, fetch, free_port

    report = Report()
    port = free_port()
    server = Server([sys.executable, "-m", "mockserver", "serve", "--port", str(port),
                     "--freeze-at", "2024-01-16T10:40:00Z"])
    try:
        base = f"http://127.0.0.1:{port}"
        report_fixture_costs(base, fetch(base + DOCS_PATH, {"x-api-key": "YOUR_API_KEY"})[2], report)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
