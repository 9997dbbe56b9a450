"""`serve --workers N`: several processes on one port, answering read paths identically."""

from __future__ import annotations

import signal
import urllib.request

from tests.test_cli import DOCS_URL, free_port, start, wait_for_banner


def test_two_workers_share_a_port_and_agree(tmp_path) -> None:
    port = free_port()
    process = start("--workers", "2", "--port", str(port), "--freeze-at", "2024-01-16T10:40:00Z",
                    "--providers", "outx", "--access-log")
    try:
        banner = wait_for_banner(process)
        assert f"http://127.0.0.1:{port}" in banner and banner.strip().endswith("with 2 workers")
        bodies = set()
        for _ in range(20):  # new connections each time, so the kernel spreads them over the workers
            request = urllib.request.Request(f"http://127.0.0.1:{port}{DOCS_URL}",
                                             headers={"x-api-key": "YOUR_API_KEY", "Connection": "close"})
            with urllib.request.urlopen(request, timeout=10) as response:
                bodies.add(response.read())
        assert len(bodies) == 1
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0 and "Traceback" not in err
    # Each worker's access log reaches the parent's output (and never fills a pipe that blocks the worker).
    assert out.count(" GET /api-interactions?") == 20
    assert err.count("mockserver stopped") == 1


def test_workers_refuse_a_shared_state_file(tmp_path) -> None:
    process = start("--workers", "2", "--port", str(free_port()), "--state", str(tmp_path / "s.json"))
    out, err = process.communicate(timeout=30)
    assert process.returncode == 2 and "--state cannot be shared" in err


def test_a_worker_that_cannot_start_is_one_clear_error(tmp_path) -> None:
    scenario = tmp_path / "bad.json"
    scenario.write_text("{")
    process = start("--workers", "2", "--port", str(free_port()), "--scenario", str(scenario))
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2 and "is not valid JSON" in err and "Traceback" not in err
