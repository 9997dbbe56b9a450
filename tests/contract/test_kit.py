"""The contract kit's own machinery: safe client, throttle, outcomes, reports, redaction."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Iterator
from xml.etree import ElementTree

import pytest
from aiohttp import web

from mockserver.contract.client import ContractClient, Throttle, UnsafeRequestRefused
from mockserver.contract.model import (
    Check, CheckFailed, CheckInconclusive, CheckResult, Exchange, Outcome, Registry,
)
from mockserver.contract.report import as_json, as_junit, as_markdown
from mockserver.contract.runner import run_check
from mockserver.contract.verify import VerifyOptions, failed, verify
from mockserver.settings import Settings
from mockserver.testing import AppServer, ThreadedMockServer


@pytest.fixture
def limited() -> Iterator[str]:
    calls: dict[str, int] = {}

    async def handler(request: web.Request) -> web.Response:
        calls[request.path] = calls.get(request.path, 0) + 1
        if request.path == "/slow-down":
            return web.json_response({"error": "too many"}, status=429, headers={"Retry-After": "120"})
        if request.path == "/once" and calls[request.path] == 1:
            return web.json_response({"error": "too many"}, status=429, headers={"Retry-After": "0"})
        return web.json_response({"ok": True, "echo": request.headers.get("x-api-key")})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    with AppServer(app) as server:
        yield server.url


def client(base: str, record: list[Exchange], allow: bool = False) -> ContractClient:
    return ContractClient(base, allow_mutations=allow, secrets={"OUTX_API_KEY": "sekret-123"},
                          throttle=Throttle(0), record=record.append)


def test_read_only_mode_refuses_unsafe_methods_before_they_leave(limited: str) -> None:
    sent: list[Exchange] = []
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        with pytest.raises(UnsafeRequestRefused, match="read-only"):
            client(limited, sent).request(method, "/x", json_body={"a": 1})
    assert sent == []
    assert client(limited, sent, allow=True).request("POST", "/x", json_body={}).status == 200


def test_429_with_a_long_retry_after_is_inconclusive_and_a_short_one_is_retried(limited: str) -> None:
    sent: list[Exchange] = []
    with pytest.raises(CheckInconclusive, match="rate limited"):
        client(limited, sent).request("GET", "/slow-down")
    assert client(limited, sent).request("GET", "/once").status == 200
    assert [e.status for e in sent] == [429, 429, 200]


def test_evidence_never_holds_the_secret_and_curl_replays_with_variables(limited: str) -> None:
    sent: list[Exchange] = []
    client(limited, sent).request("GET", "/x", params={"key": "sekret-123"}, headers={"x-api-key": "sekret-123"})
    [exchange] = sent
    text = json.dumps(exchange.__dict__)
    assert "sekret-123" not in text
    assert "${OUTX_API_KEY}" in exchange.url and '"x-api-key: ${OUTX_API_KEY}"' in exchange.curl
    assert exchange.response_excerpt.count("${OUTX_API_KEY}") == 1  # the echoed key, redacted


def test_throttle_spaces_requests() -> None:
    clock = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    throttle = Throttle(2.0, sleep=sleep, now=lambda: clock[0])
    for _ in range(3):
        throttle.wait()
    assert slept == [0.5, 0.5]


def _check(run, mutating: bool = False) -> Check:
    return Check("demo.one", "demo", "a documented fact", run, mutating)


def test_outcomes_of_a_check() -> None:
    def context(check: Check, record) -> object:
        return object()

    def fails(ctx: object) -> None:
        raise CheckFailed("expected HTTP 401, got 200")

    def crashes(ctx: object) -> None:
        raise KeyError("oops")

    assert run_check(_check(lambda ctx: None), context, False).outcome is Outcome.PASS
    assert run_check(_check(fails), context, False).outcome is Outcome.FAIL
    assert run_check(_check(crashes), context, False).outcome is Outcome.ERROR
    skipped = run_check(_check(lambda ctx: None, mutating=True), context, False)
    assert skipped.outcome is Outcome.SKIPPED and "--allow-mutations" in skipped.message


def test_an_unreachable_target_is_an_error_not_a_failure(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket closes
    results = verify(VerifyOptions(base_url=f"http://127.0.0.1:{port}", providers=("outx",),
                                   environ={"OUTX_API_KEY": "k", "OUTX_WATCHLIST_ID": "w"}, rate_limit=0,
                                   timeout_s=2))
    assert results and {r.outcome for r in results} <= {Outcome.ERROR, Outcome.SKIPPED}
    assert any("cannot reach the target" in r.message for r in results) and failed(results)


def test_missing_credentials_skip_with_the_reason_never_pass() -> None:
    results = verify(VerifyOptions(base_url="http://127.0.0.1:9", providers=("outx",), environ={},
                                   use_admin="no", rate_limit=0))
    assert results and all(r.outcome is Outcome.SKIPPED for r in results)
    assert all(r.message.startswith("set OUTX_") or "--allow-mutations" in r.message for r in results)


def test_reports_carry_fact_outcome_and_evidence() -> None:
    check = _check(lambda ctx: None)
    exchange = Exchange("GET", "http://127.0.0.1/x", 200, curl="curl -sS http://127.0.0.1/x")
    results = [CheckResult(check, Outcome.FAIL, "expected 7 days", [exchange], 12),
               CheckResult(Check("demo.two", "demo", "another fact", lambda c: None), Outcome.INCONCLUSIVE, "429")]
    document = as_json(results, {"base_url": "http://127.0.0.1"})
    assert document["summary"]["fail"] == 1 and document["results"][0]["fact"] == "a documented fact"
    markdown = as_markdown(results, {"base_url": "http://127.0.0.1", "providers": ["demo"]})
    assert "| `demo.one` | a documented fact | fail |" in markdown and "curl -sS http://127.0.0.1/x" in markdown
    suite = ElementTree.fromstring(as_junit(results)).find("testsuite")
    assert suite is not None and suite.get("failures") == "1" and suite.get("skipped") == "1"


def test_the_registry_refuses_duplicate_ids_and_selects_groups() -> None:
    registry = Registry()
    registry.check("p.a.one", "fact")(lambda ctx: None)
    registry.check("p.b.two", "fact")(lambda ctx: None)
    with pytest.raises(ValueError, match="duplicate"):
        registry.check("p.a.one", "fact")(lambda ctx: None)
    assert [c.id for c in registry.checks(only=("p.a",))] == ["p.a.one"]


def test_cli_verify_against_the_mock_writes_every_report(tmp_path: Path) -> None:
    import subprocess
    import sys

    with ThreadedMockServer(Settings(host="127.0.0.1", port=0, providers=("outx",))) as server:
        done = subprocess.run([sys.executable, "-m", "mockserver", "verify", "--base-url", server.url,
                               "--rate-limit", "0", "--report-dir", str(tmp_path), "--junit",
                               str(tmp_path / "junit.xml")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS" in done.stdout and "mock admin API found" in done.stdout
    assert {p.name for p in tmp_path.iterdir()} == {"outx.json", "outx.md", "junit.xml"}
