"""--state FILE: atomic saves, exact restores, kill -9, and corrupt files that are never ignored."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from mockserver.store.persistence import StateFileError, StateSaver, read_state_file, restore_from_file, write_atomically
from mockserver.store.snapshots import export_snapshot
from tests.conftest import FROZEN_AT_MS
from tests.test_cli import free_port, start, wait_for_banner

FLAG = "watchlist:550e8400-e29b-41d4-a716-446655440000:simulate_failure"


def test_atomic_write_leaves_only_the_file(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    write_atomically(target, b'{"a": 1}')
    write_atomically(target, b'{"a": 2}')
    assert json.loads(target.read_bytes()) == {"a": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_missing_file_is_a_fresh_start_and_broken_ones_are_errors(tmp_path: Path) -> None:
    assert read_state_file(tmp_path / "none.json") is None
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "mockserver-state/1", "seed": ')
    with pytest.raises(StateFileError, match="is corrupt"):
        read_state_file(broken)


async def test_save_and_restore_round_trip(make_client, tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    client = await make_client(state_path=path)
    await client.patch("/__admin/flags", json={"outx": {FLAG: True}})
    like = await client.post("/linkedin-agent/like-post", json={"social_urn": "urn:li:activity:1"},
                             headers={"x-api-key": "YOUR_API_KEY"})
    assert like.status == 200
    await client.post("/__admin/clock/advance", json={"by": "1h"})
    saver = StateSaver(path, 60)
    assert saver.save(client.app) is True and saver.save(client.app) is False  # unchanged: no write
    expected = export_snapshot(client.app)
    await client.close()  # one server per state file: the first lets go of it
    restored = await make_client(state_path=path, freeze_at_ms=FROZEN_AT_MS + 99_000_000)
    assert export_snapshot(restored.app) == expected
    assert (await (await restored.get("/__admin/flags")).json())["outx"][FLAG] is True


async def test_a_snapshot_that_does_not_fit_is_refused(make_client, tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"format": "mockserver-state/1", "seed": 1, "anchor_ms": 1,
                                "scenario": {"name": "x"}, "clock": {}, "providers": {}}))
    client = await make_client()
    with pytest.raises(StateFileError, match="cannot be restored"):
        restore_from_file(client.app, path)
    with pytest.raises(StateFileError, match="does not exist"):
        restore_from_file(client.app, tmp_path / "no" / "such" / "dir.json")


def _admin(port: int, method: str, path: str, body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}/__admin{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def test_state_survives_kill_9(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    port = free_port()
    args = ("--port", str(port), "--state", str(path), "--state-interval", "0.1", "--providers", "outx")
    first = start(*args)
    try:
        wait_for_banner(first)
        _admin(port, "PATCH", "/flags", {"outx": {FLAG: True}})
        before = _admin(port, "GET", "/state")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (path.exists() and json.loads(path.read_bytes()) == before):
            time.sleep(0.05)
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    assert json.loads(path.read_bytes()) == before
    second = start(*args)
    try:
        wait_for_banner(second)
        assert _admin(port, "GET", "/flags")["outx"][FLAG] is True
        assert _admin(port, "GET", "/state")["providers"] == before["providers"]
    finally:
        second.send_signal(signal.SIGTERM)
        second.communicate(timeout=15)
    assert second.returncode == 0


def test_a_corrupt_state_file_stops_the_server_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("{not json")
    process = start("--port", str(free_port()), "--state", str(path))
    out, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert f"mockserver: error: state file {path} is corrupt" in err and "Traceback" not in err
    assert path.read_text() == "{not json"  # never overwritten
