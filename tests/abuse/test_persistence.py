"""--state persistence that never goes quiet: failing saves are logged and retried, the shutdown save
always runs, and a second server is kept off the file."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from pathlib import Path

import pytest

from mockserver.store import persistence
from mockserver.store.persistence import StateFileError, StateSaver
from mockserver.store.snapshots import export_snapshot
from tests.conftest import ClientFactory
from tests.test_cli import free_port, start, wait_for_banner

FLAG = "watchlist:550e8400-e29b-41d4-a716-446655440000:simulate_failure"


async def test_a_failing_save_is_logged_once_retried_and_the_shutdown_save_still_runs(
        make_client: ClientFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    client = await make_client()
    path = tmp_path / "state.json"
    failures = {"left": 3}

    def flaky_export(app):  # not an OSError: what killed the saver before
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("cannot export right now")
        return export_snapshot(app)

    monkeypatch.setattr(persistence, "export_snapshot", flaky_export)
    saver = StateSaver(path, 0.01)
    lifecycle = saver.lifecycle(client.app)
    with caplog.at_level(logging.WARNING, logger="mockserver.store.persistence"):
        await lifecycle.__anext__()
        for _ in range(500):
            if path.exists():
                break
            await asyncio.sleep(0.01)
        assert path.exists()  # retried until it worked
        await client.patch("/__admin/flags", json={"outx": {FLAG: True}})  # a change the loop may not see
        failures["left"] = 1  # the first shutdown try fails too: it is tried again
        with pytest.raises(StopAsyncIteration):
            await lifecycle.__anext__()
    messages = [record.getMessage() for record in caplog.records]
    assert messages[0].startswith(f"could not save the state to {path}: RuntimeError: cannot export right now")
    assert messages.count(messages[0]) == 1  # once per reason, not once per interval
    assert any(message.startswith("could not save the state to") and "at shutdown" in message for message in messages)
    assert all(record.exc_info is None for record in caplog.records)
    assert json.loads(path.read_bytes())["providers"]["outx"]["flags"] == {FLAG: True}


async def test_a_second_server_on_the_same_state_file_is_refused(make_client: ClientFactory, tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    await make_client(state_path=path)
    with pytest.raises(StateFileError, match=f"state file {path} is in use by another mockserver"):
        await make_client(state_path=path)


def test_a_second_mockserver_process_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    first = start("--port", str(free_port()), "--state", str(path), "--providers", "outx")
    try:
        wait_for_banner(first)
        second = start("--port", str(free_port()), "--state", str(path), "--providers", "outx")
        out, err = second.communicate(timeout=60)
        assert second.returncode == 2 and out == ""
        assert err == (f"mockserver: error: state file {path} is in use by another mockserver (pid {first.pid}); "
                       "stop it, or give this server another --state file\n")
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=30)
    assert first.returncode == 0 and path.exists()
