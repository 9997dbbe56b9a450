"""`--state FILE`: keep the mutable state on disk, so a restart (even after kill -9) resumes it.

Saves are atomic (temporary file, fsync, rename, fsync of the directory), so
the file is always a whole snapshot: the previous one or the new one. A save
happens every `interval` seconds when something changed, and at shutdown; at
most the last interval is lost to a crash. A file that cannot be read back is
an error the user must resolve, never a silent fresh start.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Any, AsyncIterator

import orjson
from aiohttp import web

from mockserver.core.background import running
from mockserver.snapshots import SnapshotError, export_snapshot, restore_snapshot

log = logging.getLogger("mockserver.persistence")


class StateFileError(Exception):
    """The state file exists but cannot be used; the message tells the user what to do."""


def write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # make the rename itself durable
    finally:
        os.close(directory)


def read_state_file(path: Path) -> Any | None:
    """The snapshot stored at `path`, or None when there is no file yet."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StateFileError(f"cannot read state file {path}: {error.strerror or error}") from None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise StateFileError(f"state file {path} is corrupt ({error}); move it away to start fresh") from None


def restore_from_file(app: web.Application, path: Path) -> bool:
    """Restore the state saved at `path`; False when there was none."""
    if not path.parent.is_dir():
        raise StateFileError(f"the directory of state file {path} does not exist")
    snapshot = read_state_file(path)
    if snapshot is None:
        return False
    try:
        restore_snapshot(app, snapshot)
    except SnapshotError as error:
        raise StateFileError(f"state file {path} cannot be restored: {error}; move it away to start fresh") from None
    return True


class StateSaver:
    """Writes the snapshot when it changed; `lifecycle` runs it periodically and at shutdown."""

    def __init__(self, path: Path, interval_s: float) -> None:
        self.path, self.interval_s = path, interval_s
        self._last: bytes | None = None

    def save(self, app: web.Application) -> bool:
        data = orjson.dumps(export_snapshot(app), option=orjson.OPT_SORT_KEYS)
        if data == self._last:
            return False
        write_atomically(self.path, data)
        self._last = data
        return True

    async def _every_interval(self, app: web.Application) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            try:
                self.save(app)
            except OSError:  # a full disk must not take the mock down; the next save retries
                log.exception("could not save the state to %s", self.path)

    async def lifecycle(self, app: web.Application) -> AsyncIterator[None]:
        async with running(self._every_interval(app), "mockserver-state-saver"):
            yield
        try:
            self.save(app)
        except OSError:
            log.exception("could not save the state to %s at shutdown", self.path)
