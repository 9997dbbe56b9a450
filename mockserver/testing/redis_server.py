"""A throwaway redis-server for tests and benchmarks of the Redis store: a free loopback port, no persistence."""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from typing import Iterator


class RedisServerError(RuntimeError):
    """redis-server did not start; the message has what it said."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def throwaway_redis_server(binary: str = "redis-server", start_timeout_s: float = 10.0) -> Iterator[str]:
    """Start `binary` in a temporary directory of its own and yield its URL (redis://127.0.0.1:PORT/0);
    stopped and removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="mockserver-redis-") as directory:
        port = _free_port()
        process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                    "--appendonly", "no", "--dir", directory,
                                    "--logfile", os.path.join(directory, "redis.log")],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + start_timeout_s
            while not _answers_ping(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    problem = process.stderr.read().decode() if process.poll() is not None and process.stderr else ""
                    raise RedisServerError(f"redis-server did not start on port {port}: {problem.strip()}")
                time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(timeout=10)
            if process.stderr:
                process.stderr.close()
