"""The pytest plugin as users meet it: fixtures, handle, options."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import get_type_hints

import aiohttp
import pytest

from mockserver.paths import default_scenario_path
from mockserver.pytest_plugin import _check_strict
from mockserver.testing import MockServer, MockServerError

pytest_plugins = ["pytester"]

DOCS_PATH = "/api-interactions?watchlist_id=550e8400-e29b-41d4-a716-446655440000"
README = Path(__file__).resolve().parents[1] / "README.md"


def get(server: MockServer, path: str = DOCS_PATH, key: str = "YOUR_API_KEY") -> tuple[int, dict]:
    request = urllib.request.Request(server.url + path, headers={"x-api-key": key})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_sync_use_with_a_plain_http_client(mock_server: MockServer) -> None:
    status, body = get(mock_server)
    assert status == 200 and len(body["data"]) == 10
    assert mock_server.credentials["outx"]["api_key"] == "YOUR_API_KEY"
    assert mock_server.base_url("outx") == mock_server.url and "outx" in mock_server.urls
    mock_server.journal.verify(count=1, path="/api-interactions", status=200)
    assert mock_server.journal.count(path="/api-interactions") == 1
    with pytest.raises(MockServerError, match="found 1"):
        mock_server.journal.verify(count=3, path="/api-interactions")


def test_faults_from_the_handle(mock_server: MockServer) -> None:
    rule = mock_server.faults.add("status", status=503, path="/api-interactions", count=1)
    assert [r["id"] for r in mock_server.faults.list()] == [rule["id"]]
    assert get(mock_server)[0] == 503
    assert get(mock_server)[0] == 200
    mock_server.faults.add("status", status=500)
    mock_server.faults.clear()
    assert get(mock_server)[0] == 200


def test_journal_entries_reads_every_page(mock_server: MockServer) -> None:
    """The admin API pages the journal (100 entries by default); the handle reads back to the oldest."""
    for page in range(1, 131):
        get(mock_server, f"{DOCS_PATH}&page={page}")
    entries = mock_server.journal.entries(path="/api-interactions")
    assert [entry["query"]["page"] for entry in entries] == [[str(page)] for page in range(1, 131)]
    assert len(mock_server.journal.entries(limit=5)) == 5


def test_each_test_starts_clean(mock_server: MockServer) -> None:
    # The previous tests left requests and rules behind: the fixture reset them.
    assert mock_server.faults.list() == []
    assert mock_server.journal.entries() == []


def test_clock_control(mock_server: MockServer) -> None:
    start = mock_server.clock.now_ms()
    assert mock_server.health()["clock"]["mode"] == "frozen"  # frozen at session start by default
    mock_server.clock.advance("5m")
    assert mock_server.clock.now_ms() == start + 300_000
    # The README's instant is before the session's anchor: the anchor follows, the world keeps its history.
    answer = mock_server.clock.freeze("2024-01-16T10:40:00Z")
    assert answer["anchor"] == "2024-01-16T10:40:00.000Z" and answer["anchor_moved"]["to"] == answer["anchor"]
    assert mock_server.clock.now().isoformat() == "2024-01-16T10:40:00+00:00"
    _, body = get(mock_server)
    assert body["pagination"]["total"] == 5000 and body["graph_data"][-1]["posted_at"] == "2024-01-16"


def test_clock_advance_can_answer_once_due_work_has_started(mock_server: MockServer) -> None:
    release, called = threading.Event(), threading.Event()

    class SlowReceiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server name
            called.set()
            release.wait(10)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return None

    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SlowReceiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        headers = mock_server.credentials["nyne"]["headers"]
        body = {"username": "janedoe", "type": "followers",
                "callback_url": f"http://127.0.0.1:{receiver.server_address[1]}/hook"}
        request = urllib.request.Request(mock_server.url + "/person/interactions", data=json.dumps(body).encode(),
                                         headers={**headers, "Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=10).close()
        started = mock_server.clock.advance("5s", wait=False)  # the receiver still holds the callback
        assert started["ran"] == 1 and started["running"] == 1 and called.wait(10)
        release.set()
        assert mock_server.clock.advance(0)["running"] == 0  # waits (the default) until it is done
    finally:
        release.set()
        receiver.shutdown()


def test_typed_credentials_with_headers_ready_to_send(mock_server: MockServer) -> None:
    credentials = mock_server.credentials
    assert credentials.outx.headers == {"x-api-key": "YOUR_API_KEY"}
    assert credentials["outx"]["api_key"] == credentials.outx.api_key == "YOUR_API_KEY"
    assert (credentials.nyne.api_key, credentials.nyne.api_secret) == ("YOUR_API_KEY", "YOUR_API_SECRET")
    assert credentials.appdotnet.headers == {"Authorization": "Bearer <YOUR ACCESS TOKEN>"}
    assert credentials.outfame.headers == {"Authorization": "Bearer sk_live_your_api_key"}
    assert dict(credentials.outfame)["account_id"] == "acc_7Gx2kLm9Qr" and len(credentials) == 4
    for name, entry in credentials.items():  # the typed attributes are exactly the named values sent
        assert set(get_type_hints(type(entry))) == set(entry) - {"headers"}, name
    request = urllib.request.Request(mock_server.url + DOCS_PATH, headers=credentials.outx.headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    with pytest.raises(AttributeError, match="outx credentials have no 'token'; they have headers, api_key"):
        credentials.outx.token
    with pytest.raises(AttributeError, match="twitter is not served here; serving outx, appdotnet"):
        credentials.twitter


def test_flags_and_snapshots(mock_server: MockServer) -> None:
    flag = "watchlist:550e8400-e29b-41d4-a716-446655440000:simulate_failure"
    snapshot = mock_server.snapshot()
    mock_server.set_flag("outx", flag, True)
    assert mock_server.flags()["outx"][flag] is True and get(mock_server)[0] == 500
    mock_server.restore(snapshot)
    assert get(mock_server)[0] == 200
    with pytest.raises(MockServerError, match="404"):
        mock_server.set_flag("outx", "watchlist:nope:simulate_failure", True)


async def test_async_use(mock_server: MockServer) -> None:
    async with aiohttp.ClientSession(mock_server.url) as session:
        async with session.get(DOCS_PATH, headers={"x-api-key": "YOUR_API_KEY"}) as response:
            assert response.status == 200
            body = await response.json()
    mock_server.clock.advance("1h")
    assert body["pagination"]["total"] == 5000


def test_factory_with_custom_seed_scenario_and_clock(mock_server_factory) -> None:
    scenario = json.loads(default_scenario_path().read_text())
    scenario["outx"]["teams"][0]["watchlists"][0]["interactions"] = 25
    one = mock_server_factory(seed=7, scenario=scenario, freeze_at="2024-01-16T10:40:00Z", providers=("outx",))
    two = mock_server_factory(seed=7, scenario=scenario, freeze_at="2024-01-16T10:40:00Z", providers=("outx",))
    assert one.url != two.url
    assert get(one) == get(two)
    assert get(one)[1]["pagination"]["total"] == 25
    assert one.scenario["outx"]["teams"][0]["watchlists"][0]["interactions"] == 25
    token_server = mock_server_factory(admin_token="t0k3n", providers=("outx",))
    with pytest.raises(MockServerError, match="401"):
        MockServer(token_server.url).health()
    assert token_server.health()["status"] == "ok"


def test_a_bad_scenario_fails_at_start(mock_server_factory) -> None:
    from mockserver.scenario import ScenarioError

    with pytest.raises(ScenarioError, match="is invalid"):
        mock_server_factory(scenario={"name": "x", "outx": {"teams": []}}, providers=("outx",))


def test_strict_violations_fail_the_test() -> None:
    class Broken(MockServer):
        def strict_violations(self) -> list[str]:
            return ["GET /x -> 200 does not match outx/error"]

    with pytest.raises(pytest.fail.Exception, match="break its own schemas"):
        _check_strict(Broken("http://127.0.0.1:9"))


def test_the_plugin_is_registered_for_other_projects_and_starts_a_server_only_when_asked(
        pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user="""
        import sys

        def test_without_the_fixture():
            assert "mockserver.app" not in sys.modules and "mockserver.providers" not in sys.modules

        def test_uses_fixture(mock_server):
            assert mock_server.health()["status"] == "ok" and mock_server.health()["seed"] == 3
            assert mock_server.providers == ["outx"]
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--mockserver-seed", "3",
                                           "--mockserver-providers", "outx")
    result.assert_outcomes(passed=2)


def test_importing_the_plugin_imports_no_server_code() -> None:
    # Every pytest run of any project with the package installed imports the plugin.
    heavy = ("aiohttp", "faker", "jsonschema", "orjson", "urllib.request", "mockserver.app", "mockserver.core",
             "mockserver.providers", "mockserver.testing")
    code = f"import sys, mockserver.pytest_plugin; print(sorted(m for m in sys.modules if m.startswith({heavy})))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_under_xdist_each_worker_starts_its_own_server(pytester: pytest.Pytester) -> None:
    record = pytester.path / "urls.txt"
    pytester.makepyfile(test_workers=f"""
        import os
        import pytest

        @pytest.mark.parametrize("n", range(6))
        def test_record(mock_server, n):
            with open({str(record)!r}, "a") as out:
                out.write(os.environ["PYTEST_XDIST_WORKER"] + " " + mock_server.url + "\\n")
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2", "--mockserver-providers", "outx")
    result.assert_outcomes(passed=6)
    seen = {tuple(line.split()) for line in record.read_text().splitlines()}
    workers, urls = {worker for worker, _ in seen}, {url for _, url in seen}
    assert len(workers) == 2 and len(urls) == 2 and len(seen) == 2  # one server per worker, for all its tests


def test_one_shared_url_for_several_xdist_workers_is_refused(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_never="def test_never(mock_server):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2",
                                           "--mockserver-url", "http://127.0.0.1:9")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--mockserver-url http://127.0.0.1:9 would be shared by 2 pytest-xdist workers*"])


def test_readme_shows_the_example_test_verbatim() -> None:
    example = (Path(__file__).parent / "examples" / "test_readme_example.py").read_text()
    assert example in README.read_text(), "README must quote tests/examples/test_readme_example.py exactly"
