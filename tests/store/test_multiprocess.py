"""Real processes on one Redis store act as one mock: writes, the clock, scheduled work, a killed process."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import urllib.request
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest

from mockserver.paths import default_scenario_path
from tests.test_cli import free_port, start, wait_for_banner

NYNE = {"X-API-Key": "YOUR_API_KEY", "X-API-Secret": "YOUR_API_SECRET"}
OUTX = {"x-api-key": "YOUR_API_KEY"}
WATCHLIST = "550e8400-e29b-41d4-a716-446655440000"
FROZEN = "2024-01-16T10:40:00Z"


def call(url: str, body: Any = None, headers: dict[str, str] | None = None, method: str | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", "Connection": "close", **(headers or {})})
    with urllib.request.urlopen(request, timeout=15) as response:
        return json.load(response)


@contextmanager
def serving(*args: str) -> Iterator[tuple[str, Any]]:
    """A `mockserver serve` process; yields its base URL and the process, stopped (or found dead) after."""
    port = free_port()
    process = start("--port", str(port), *args)
    try:
        wait_for_banner(process)
        yield f"http://127.0.0.1:{port}", process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
        assert "Traceback" not in err, err


def fast_jobs_scenario(directory: Path) -> Path:
    """The default scenario with Nyne jobs that finish within a third of a second of real time."""
    scenario = json.loads(default_scenario_path().read_text())
    scenario["nyne"]["jobs"] = {"queued_ms": 100, "processing_ms": 200}
    scenario["nyne"]["rate_limits"]["enabled"] = False
    path = directory / "fast.json"
    path.write_text(json.dumps(scenario))
    return path


class Receiver:
    """A callback receiver on loopback: records every POST; `hold` makes the next one wait until released."""

    def __init__(self, first_status: int = 200) -> None:
        self.posts: list[str] = []
        self.hold = threading.Event()
        self.release = threading.Event()
        self.held = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server spelling
                request_id = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["data"]["request_id"]
                receiver.posts.append(request_id)
                if receiver.hold.is_set():
                    receiver.hold.clear()
                    receiver.held.set()
                    receiver.release.wait(30)
                first = receiver.posts.count(request_id) == 1
                self.send_response(first_status if first else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()


def wait_until(condition: Any, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_like_on_one_process_polled_on_another_and_one_clock(redis_url: str) -> None:
    common = ("--store", redis_url, "--freeze-at", FROZEN, "--providers", "outx")
    with serving(*common) as (one, _), serving(*common) as (other, _):
        task = call(f"{one}/linkedin-agent/like-post", {"social_urn": "urn:li:activity:7123456789012345678"}, OUTX)
        status = f"/linkedin-agent/get-task-status?api_agent_task_id={task['api_agent_task_id']}"
        assert call(other + status, headers=OUTX)["data"]["status"] == "pending"
        call(f"{other}/__admin/clock/freeze", {"at": "2024-01-16T11:00:00Z"})
        assert call(f"{one}/__admin/clock")["now"] == "2024-01-16T11:00:00.000Z"
        assert call(one + status, headers=OUTX)["data"]["status"] == "completed"


def test_each_callback_attempt_is_made_once_by_two_processes_racing(redis_url: str, tmp_path: Path) -> None:
    receiver = Receiver(first_status=503)  # every delivery needs its retry
    common = ("--store", redis_url, "--scenario", str(fast_jobs_scenario(tmp_path)), "--providers", "nyne")
    try:
        with serving(*common) as (one, _), serving(*common) as (other, _):
            ids = [call(f"{base}/person/interactions", {"social_media_url": f"https://x.com/racer{n}",
                                                        "type": "followers", "max_results": 3,
                                                        "callback_url": receiver.url}, NYNE)["data"]["request_id"]
                   for n, base in enumerate((one, other) * 4)]
            wait_until(lambda: len(receiver.posts) >= 2 * len(ids), 20)
            time.sleep(1.5)  # room for a duplicate, had there been one
            deliveries = call(f"{one}/__admin/providers/nyne/callbacks")
    finally:
        receiver.close()
    assert sorted(receiver.posts) == sorted(ids * 2)  # the failed first attempt and its retry, once each
    assert [[a["status"] for a in d["attempts"]] for d in deliveries] == [[503, 200]] * len(ids)


def test_work_claimed_by_a_process_killed_with_sigkill_is_done_by_another(redis_url: str, tmp_path: Path) -> None:
    receiver = Receiver()
    receiver.hold.set()  # the first attempt hangs in the receiver until the process making it is dead
    common = ("--store", redis_url, "--scenario", str(fast_jobs_scenario(tmp_path)), "--providers", "nyne",
              "--store-lease", "1")
    try:
        with serving(*common) as (doomed, process):
            request_id = call(f"{doomed}/person/interactions", {"social_media_url": "https://x.com/janedoe",
                                                               "type": "followers", "max_results": 3,
                                                               "callback_url": receiver.url}, NYNE)["data"]["request_id"]
            assert receiver.held.wait(15)  # the doomed process holds the attempt's lease
            with serving(*common) as (survivor, _):  # running before the other dies
                os.kill(process.pid, signal.SIGKILL)
                process.wait(10)
                receiver.release.set()
                wait_until(lambda: call(f"{survivor}/__admin/providers/nyne/callbacks")[0]["state"] == "delivered",
                           20)
                delivery = call(f"{survivor}/__admin/providers/nyne/callbacks")[0]
    finally:
        receiver.close()
    assert receiver.posts == [request_id, request_id]  # the killed process's attempt, then the survivor's
    assert [attempt["attempt"] for attempt in delivery["attempts"]] == [1]  # recorded once


def test_two_workers_on_redis_walk_the_readme_like_poll_interactions_every_time(redis_url: str) -> None:
    with serving("--workers", "2", "--store", redis_url, "--freeze-at", FROZEN, "--providers", "outx") as (base, _):
        page = call(f"{base}/api-interactions?watchlist_id={WATCHLIST}&page_size=8", headers=OUTX)
        urns = list(dict.fromkeys(item["post"]["social_urn"] for item in page["data"]))[:3]
        for urn in urns:  # new connections every call: the kernel spreads them over both workers
            task = call(f"{base}/linkedin-agent/like-post", {"social_urn": urn}, OUTX)["api_agent_task_id"]
            call(f"{base}/__admin/clock/advance", {"by": "30s"})
            polled = call(f"{base}/linkedin-agent/get-task-status?api_agent_task_id={task}", headers=OUTX)
            assert polled["data"]["status"] == "completed" and polled["data"]["task_output"]["liked"] is True
            likes = call(f"{base}/api-interactions?watchlist_id={WATCHLIST}&page_size=5&interaction_type=like",
                         headers=OUTX)["data"]
            assert any(like["post"]["social_urn"] == urn and like["author"]["full_name"] == "Dana Whitfield"
                       for like in likes)


def test_sigterm_while_workers_start_stops_the_started_ones() -> None:
    process = start("--workers", "4", "--port", str(free_port()), "--providers", "outx")
    children_file = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    wait_until(lambda: children_file.read_text().split() if children_file.exists() else False, 20)
    children = [int(pid) for pid in children_file.read_text().split()]
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=30)
    assert process.returncode == 128 + signal.SIGTERM
    wait_until(lambda: not any(Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid) for pid in children), 10)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:", 1)[1].split("\n", 1)[0].lower()
    except (OSError, IndexError):
        return "zombie"


pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
