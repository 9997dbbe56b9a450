"""`--state FILE`: keep the mutable state on disk, so a restart (even after kill -9) resumes it.

Saves are atomic (temporary file, fsync, rename, fsync of the directory), so
the file is always a whole snapshot: the previous one or the new one. A save
happens every `interval` seconds when something changed, and at shutdown; at
most the last interval is lost to a crash. A file that cannot be read back is
an error the user must resolve, never a silent fresh start. A save that fails
(a full disk, anything) is logged once and retried every interval; the save
at shutdown always runs. An exclusive lock on FILE.lock keeps a second
server off the same file.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import IO, Any, AsyncIterator

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

import orjson
from aiohttp import web

from mockserver.core.background import running
from mockserver.store.snapshots import SnapshotError, export_snapshot, restore_snapshot

log = logging.getLogger("mockserver.store.persistence")


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


class StateFileLock:
    """An exclusive `flock` on FILE.lock, held while a server uses FILE; it holds the owner's pid.

    The lock file stays when released: deleting it could let two servers lock two different files.
    The kernel drops the lock of a killed process, so a crash never leaves the state file stuck.
    """

    def __init__(self, state_path: Path) -> None:
        self.state_path = state_path
        self.path = state_path.with_name(state_path.name + ".lock")
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        if fcntl is None:
            raise StateFileError("--state needs file locks (fcntl), which this platform lacks")
        try:
            file = open(self.path, "a+", encoding="utf-8")
        except OSError as error:
            raise StateFileError(f"cannot create the lock file {self.path}: {error.strerror or error}") from None
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            file.seek(0)
            holder = file.read().strip()[:20]
            file.close()
            by = f" (pid {holder})" if holder.isdecimal() else ""
            raise StateFileError(f"state file {self.state_path} is in use by another mockserver{by}; stop it, "
                                 "or give this server another --state file") from None
        file.truncate(0)
        file.write(str(os.getpid()))
        file.flush()
        self._file = file

    def release(self) -> None:
        file, self._file = self._file, None
        if file is not None:
            file.truncate(0)
            file.close()  # closing drops the lock


class StateSaver:
    """Writes the snapshot when it changed; `lifecycle` runs it periodically and at shutdown."""

    def __init__(self, path: Path, interval_s: float, lock: StateFileLock | None = None) -> None:
        self.path, self.interval_s, self.lock = path, interval_s, lock
        self._last: bytes | None = None
        self._failing: str | None = None  # why saving fails, while it does (logged once per reason)

    def save(self, app: web.Application) -> bool:
        data = orjson.dumps(export_snapshot(app), option=orjson.OPT_SORT_KEYS)
        if data == self._last:
            return False
        write_atomically(self.path, data)
        self._last = data
        return True

    def save_or_log(self, app: web.Application, when: str = "") -> bool:
        """Save; on any failure log one line (once per distinct reason) and report False: the caller retries."""
        try:
            self.save(app)
        except Exception as error:  # noqa: BLE001 - a failing save must never stop the saver or the server
            reason = f"{type(error).__name__}: {getattr(error, 'strerror', None) or error}"
            if reason != self._failing:
                log.error("could not save the state to %s%s: %s; retrying every %g s",
                          self.path, when, reason, self.interval_s)
            self._failing = reason
            return False
        if self._failing is not None:
            log.warning("the state is saved to %s again", self.path)
            self._failing = None
        return True

    async def _every_interval(self, app: web.Application) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            self.save_or_log(app)

    async def lifecycle(self, app: web.Application) -> AsyncIterator[None]:
        try:
            async with running(self._every_interval(app), "mockserver-state-saver"):
                yield
        finally:
            for retry_s in _SHUTDOWN_RETRIES_S:  # the last chance to keep what changed: a few tries
                if self.save_or_log(app, " at shutdown"):
                    break
                await asyncio.sleep(retry_s)
            else:
                log.error("the state at shutdown was not saved to %s; it holds the last state saved", self.path)
            if self.lock is not None:
                self.lock.release()


_SHUTDOWN_RETRIES_S = (0.1, 0.3, 0)


def attach_state_file(app: web.Application, path: Path, interval_s: float) -> None:
    """Lock `path`, restore what it holds, and keep saving to it while the app runs."""
    if not path.parent.is_dir():
        raise StateFileError(f"the directory of state file {path} does not exist")
    lock = StateFileLock(path)
    lock.acquire()
    try:
        restore_from_file(app, path)
    except BaseException:
        lock.release()
        raise
    app.cleanup_ctx.append(StateSaver(path, interval_s, lock).lifecycle)
