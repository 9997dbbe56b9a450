"""`mockserver serve --workers N`: N server processes sharing one port (SO_REUSEPORT).

The kernel spreads connections across the workers. All of them anchor their
worlds at the same instant, so read paths answer identically whichever worker
a request reaches (with a frozen clock, byte for byte). With a Redis store
(`--store redis://...`) they act as one mock: every change, admin call and
scheduled job is shared (docs/scaling.md). With the memory store each worker
keeps its own state, so a change lands on one worker only: read-heavy load.

A SIGINT or SIGTERM stops every worker started so far, also while the others
are still starting.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from typing import IO, Sequence

from mockserver.core.clock import Clock, iso_from_ms
from mockserver.logs import server_line
from mockserver.settings import Settings


class WorkersError(Exception):
    pass


class _Stopped(BaseException):
    """A stop signal arrived while workers were starting."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def worker_command(settings: Settings, port: int, anchor_ms: int) -> list[str]:
    command = [sys.executable, "-m", "mockserver", "serve", "--host", settings.host, "--port", str(port),
               "--seed", str(settings.seed), "--scenario", str(settings.scenario_path),
               "--providers", ",".join(settings.providers), "--journal-size", str(settings.journal_size),
               "--journal-bytes", str(settings.journal_bytes),
               "--max-connections", str(settings.max_connections), "--header-timeout", str(settings.header_timeout_s),
               "--body-timeout", str(settings.body_timeout_s),
               "--max-jobs", str(settings.max_jobs), "--worker-anchor-ms", str(anchor_ms)]
    if settings.strict:
        command.append("--strict")
    if settings.freeze_at_ms is not None:
        command += ["--freeze-at", iso_from_ms(settings.freeze_at_ms)]
    if settings.cors_origins:
        command += ["--cors", ",".join(settings.cors_origins)]
    command += ["--log-format", settings.log_format] + (["--access-log"] if settings.access_log else []) + \
        (["--quiet"] if settings.quiet else [])
    return command


def _forward(stream: IO[str], target: IO[str]) -> None:
    """Copy a worker's output (access log, errors) line by line, so its pipe never fills and blocks it."""
    for line in stream:
        target.write(line)
        target.flush()


def _joined_banner(banner: str, count: int, log_format: str) -> str:
    if log_format == "json":
        line = json.loads(banner)
        return json.dumps({**line, "message": f"{line['message']} with {count} workers", "workers": count})
    return f"{banner.strip()} with {count} workers"


def run_workers(settings: Settings, count: int) -> int:
    """Start `count` workers, print one banner, forward SIGINT/SIGTERM, wait for them all."""
    if settings.state_path is not None:
        raise WorkersError("--state cannot be shared by several workers; run one worker to keep state on disk")
    port = settings.port or _free_port(settings.host)
    anchor_ms = settings.freeze_at_ms if settings.freeze_at_ms is not None else Clock().now_ms()
    env = dict(os.environ)
    if settings.admin_token:
        env["MOCKSERVER_ADMIN_TOKEN"] = settings.admin_token  # not on the command line, where ps shows it
    if settings.store_url:
        env["MOCKSERVER_STORE"] = settings.store_url  # nor a store URL, which may hold a password
    env["MOCKSERVER_STORE_LEASE"] = str(settings.store_lease_ms / 1000)
    children: list[subprocess.Popen[str]] = []

    starting = {"spawning": False, "stop": 0}

    def stop_starting(signum: int, _frame: object) -> None:
        if starting["spawning"]:
            starting["stop"] = signum
        else:
            raise _Stopped(signum)

    previous = {signum: signal.signal(signum, stop_starting) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        for _ in range(count):
            # A stop signal waits while a child is made and listed, so none is left unlisted (running on).
            starting["spawning"] = True
            try:
                children.append(subprocess.Popen(worker_command(settings, port, anchor_ms), stdout=subprocess.PIPE,
                                                 stderr=subprocess.PIPE, text=True, env=env))
            finally:
                starting["spawning"] = False
            if starting["stop"]:
                raise _Stopped(starting["stop"])
            child = children[-1]
            banner = child.stdout.readline() if child.stdout else ""
            if not banner:
                problem = child.stderr.read().strip() if child.stderr else ""
                raise WorkersError(problem.removeprefix("mockserver: error: ") or "a worker did not start")
    except _Stopped as stopped:
        _stop(children)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        return 128 + stopped.signum
    except BaseException:
        _stop(children)
        raise
    if not settings.quiet:
        print(_joined_banner(banner, count, settings.log_format), flush=True)
    pumps = [threading.Thread(target=_forward, args=(pipe, target), daemon=True)
             for child in children for pipe, target in ((child.stdout, sys.stdout), (child.stderr, sys.stderr))]
    for pump in pumps:
        pump.start()
    stop = {"signal": None}

    def forward(signum: int, _frame: object) -> None:
        stop["signal"] = signum
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, forward)
    codes = [child.wait() for child in children]
    for pump in pumps:
        pump.join(timeout=5)
    if not settings.quiet:
        print(server_line(settings.log_format, "mockserver stopped", event="stopped"), file=sys.stderr, flush=True)
    return 0 if stop["signal"] is not None or not any(codes) else 1


def _stop(children: Sequence[subprocess.Popen[str]]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        child.wait(timeout=30)
