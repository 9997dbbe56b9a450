"""The Redis store: reads against the memory store, a 90/10 read/write mix on 1 and 2 processes, round trips.

Measured side by side in one run on loopback, as ratios:
- reads: each endpoint's req/s with `--store redis://...` over the same with the memory store (goal >= 0.8);
- a 90/10 read/write mix (OutX pages; OutX likes and Nyne lookups) against one process and against two
  processes on one Redis store (the client spreads requests over both): throughput ratio and p99, while a
  checker polls every task and job created from the *other* process at once: any 404 or mismatch is an
  inconsistency (goal: none);
- Redis commands per request, by endpoint (from the server's own command counter).

Run alone with `python -m bench.store`; `make bench` runs it after the other benchmarks.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator
from contextlib import contextmanager

from bench.fixtures import Reporter
from bench.load import measure

ROOT = Path(__file__).resolve().parents[1]
FREEZE = "2024-01-16T10:40:00Z"
WATCHLIST = "550e8400-e29b-41d4-a716-446655440000"
OUTX = {"x-api-key": "YOUR_API_KEY"}
NYNE = {"X-API-Key": "YOUR_API_KEY", "X-API-Secret": "YOUR_API_SECRET"}
READS = (
    ("outx interactions, page_size 10", f"/api-interactions?watchlist_id={WATCHLIST}&page=3&page_size=10", OUTX),
    ("appdotnet interactions, count 20", "/stream/0/users/me/interactions?count=20",
     {"Authorization": "Bearer YOUR_ACCESS_TOKEN"}),
    ("outfame activity, limit 50", "/v1/engagement/activity?account_id=acc_7Gx2kLm9Qr&limit=50",
     {"Authorization": "Bearer sk_live_your_api_key"}),
)
READ_RATIO_GOAL = 0.8


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def redis_server() -> Iterator[str | None]:
    """A throwaway redis-server (no persistence) on a free loopback port; None when there is none."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="mockserver-bench-redis-") as directory:
        port = _free_port()
        process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                    "--appendonly", "no", "--dir", directory], stdout=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                        sock.sendall(b"PING\r\n")
                        if sock.recv(8).startswith(b"+PONG"):
                            break
                except OSError:
                    time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(timeout=10)


@contextmanager
def serving(scenario: Path, *args: str) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "mockserver", "serve", "--port", str(port), "--freeze-at",
                                FREEZE, "--scenario", str(scenario), "--quiet", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:  # quiet: no banner, so wait until it answers
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"mockserver did not start: {process.stderr.read() if process.stderr else ''}")
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def bench_scenario(directory: Path) -> Path:
    """The default scenario with limits out of the way of a load test (App.net's limiter stays on, roomy)."""
    scenario = json.loads((ROOT / "fixtures/scenarios/default.json").read_text())
    scenario["nyne"]["rate_limits"]["enabled"] = False
    scenario["appdotnet"]["rate_limits"]["authenticated"]["limit"] = 1_000_000_000
    path = directory / "store-bench.json"
    path.write_text(json.dumps(scenario))
    return path


# -- the 90/10 mix and its checker ------------------------------------------------------------------


@dataclass
class MixResult:
    requests: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    created: int = 0
    checked: int = 0
    inconsistencies: list[str] = field(default_factory=list)

    @property
    def per_s(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def p99_ms(self) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[int(0.99 * (len(ordered) - 1))] if ordered else float("nan")


async def _mix(bases: list[str], seconds: float, concurrency: int, urns: list[str]) -> MixResult:
    import aiohttp

    result = MixResult()
    rng = random.Random(7)
    checks: list[asyncio.Task[None]] = []

    async def check(kind: str, ident: str, written_on: int) -> None:
        """Poll what was just created from the other process (the same one when there is only one)."""
        other = bases[(written_on + 1) % len(bases)]
        async with aiohttp.ClientSession() as fresh:
            if kind == "task":
                url, headers, field_path = (f"{other}/linkedin-agent/get-task-status?api_agent_task_id={ident}",
                                            OUTX, ("data", "id"))
            else:
                url, headers, field_path = f"{other}/person/interactions?request_id={ident}", NYNE, ("data", "request_id")
            async with fresh.get(url, headers=headers) as answer:
                body = await answer.json(content_type=None)
        result.checked += 1
        found = body
        for name in field_path:
            found = found.get(name) if isinstance(found, dict) else None
        if answer.status != 200 or found != ident:
            result.inconsistencies.append(f"{kind} {ident}: {answer.status} from the other process")

    async def client(session: aiohttp.ClientSession, number: int) -> None:
        deadline = time.perf_counter() + seconds
        turn = number
        while time.perf_counter() < deadline:
            turn += 1
            index = turn % len(bases)
            base = bases[index]
            started = time.perf_counter()
            try:
                if rng.random() < 0.1:
                    if turn % 2:
                        async with session.post(f"{base}/linkedin-agent/like-post", headers=OUTX,
                                                json={"social_urn": rng.choice(urns)}) as answer:
                            body = await answer.json()
                        ident, kind = body["api_agent_task_id"], "task"
                    else:
                        async with session.post(f"{base}/person/interactions", headers=NYNE, json={
                                "social_media_url": f"https://x.com/mix{turn}", "type": "followers",
                                "max_results": 5}) as answer:
                            body = await answer.json()
                        ident, kind = body["data"]["request_id"], "job"
                    result.created += 1
                    checks.append(asyncio.create_task(check(kind, ident, index)))
                else:
                    page = 1 + rng.randrange(50)
                    async with session.get(f"{base}/api-interactions?watchlist_id={WATCHLIST}&page={page}"
                                           f"&page_size=10", headers=OUTX) as answer:
                        await answer.read()
                if answer.status >= 400:
                    result.errors += 1
            except (aiohttp.ClientError, KeyError, ValueError):
                result.errors += 1
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            result.requests += 1

    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        await asyncio.gather(*(client(session, n) for n in range(concurrency)))
    result.seconds = time.perf_counter() - started
    await asyncio.gather(*checks)
    return result


def mix(bases: list[str], seconds: float, concurrency: int = 16) -> MixResult:
    import urllib.request

    request = urllib.request.Request(f"{bases[0]}/api-interactions?watchlist_id={WATCHLIST}&page_size=100",
                                     headers=OUTX)
    with urllib.request.urlopen(request, timeout=30) as response:
        urns = sorted({item["post"]["social_urn"] for item in json.load(response)["data"]})
    return asyncio.run(_mix(bases, seconds, concurrency, urns))


# -- Redis commands per request ------------------------------------------------------------------------


def _commands_processed(url: str) -> int:
    import redis

    client = redis.Redis.from_url(url.split("?", 1)[0])
    try:
        return int(client.info("stats")["total_commands_processed"])
    finally:
        client.close()


def commands_per_request(base: str, url: str, path: str, headers: dict[str, str], rounds: int = 200,
                         method: str = "GET", body: Any = None) -> float:
    """Redis commands the server sends per request (less what its background loop sends meanwhile)."""
    import urllib.request

    idle_before = _commands_processed(url)
    time.sleep(1.0)
    idle_per_s = _commands_processed(url) - idle_before - 1  # the counter's own INFO
    before, started = _commands_processed(url), time.perf_counter()
    data = json.dumps(body).encode() if body is not None else None
    for _ in range(rounds):
        request = urllib.request.Request(base + path, data=data, method=method,
                                         headers={**headers, "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
    elapsed = time.perf_counter() - started
    return (_commands_processed(url) - before - 1 - idle_per_s * elapsed) / rounds


# -- the report ----------------------------------------------------------------------------------------------


def report_store_scale(report: Reporter, seconds: float, connections: int, tool: str) -> None:
    with redis_server() as url, tempfile.TemporaryDirectory() as tmp:
        if url is None:
            report.add("redis store: skipped, redis-server not found (Debian: apt-get install redis-server)")
            return
        scenario = bench_scenario(Path(tmp))
        with serving(scenario) as memory, serving(scenario, "--store", url + "?prefix=reads:") as shared:
            report.add(f"{'redis store reads':<36} {'redis req/s':>11} {'memory req/s':>12} {'ratio':>6} "
                       f"{'p99 ms':>7}  goal")
            for name, path, headers in READS:
                theirs = measure(memory + path, headers, seconds, connections, tool)
                mine = measure(shared + path, headers, seconds, connections, tool)
                ratio = mine.requests_per_s / theirs.requests_per_s
                report.add(f"{name:<36} {mine.requests_per_s:>11.0f} {theirs.requests_per_s:>12.0f} {ratio:>6.2f} "
                           f"{mine.p99_ms:>7.2f}  >= {READ_RATIO_GOAL}",
                           ratio >= READ_RATIO_GOAL and mine.errors == 0, f"redis reads: {name}")
            report.add("redis commands per request (a command is one round trip unless pipelined):")
            rows = [(name, path, headers, "GET", None) for name, path, headers in READS] + [
                ("outx like-post", "/linkedin-agent/like-post", OUTX, "POST",
                 {"social_urn": "urn:li:activity:7123456789012345678"}),
                ("nyne submit", "/person/interactions", NYNE, "POST",
                 {"social_media_url": "https://x.com/janedoe", "type": "followers", "max_results": 5}),
                ("admin health", "/__admin/health", {}, "GET", None),
            ]
            for name, path, headers, method, body in rows:
                per = commands_per_request(shared, url, path, headers, method=method, body=body)
                report.add(f"  {name:<34} {per:>5.1f}")
        with serving(scenario, "--store", url + "?prefix=one:") as alone:
            single = mix([alone], seconds)
        with serving(scenario, "--store", url + "?prefix=two:") as first, \
                serving(scenario, "--store", url + "?prefix=two:") as second:
            double = mix([first, second], seconds)
        for label, result in (("1 process ", single), ("2 processes", double)):
            report.add(f"90/10 mix, redis store, {label}: {result.per_s:.0f} req/s, p99 {result.p99_ms:.1f} ms, "
                       f"{result.errors} errors; {result.created} tasks/jobs created, {result.checked} polled from "
                       f"the other process, {len(result.inconsistencies)} inconsistent (goal 0)",
                       not result.inconsistencies and result.errors == 0, f"mix consistency ({label.strip()})")
        report.add(f"90/10 mix throughput, 2 processes / 1: {double.per_s / single.per_s:.2f} "
                   f"(2 cores shared by both processes, Redis and the load generator)")


class _Printer:
    misses: list[str] = []

    def add(self, line: str, met: bool | None = None, what: str = "") -> None:
        print(line + ("" if met is None else ("  MET" if met else "  MISSED")), flush=True)
        if met is False:
            self.misses.append(what or line)


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--tool", choices=("auto", "wrk", "builtin"), default="auto")
    args = parser.parse_args()
    printer = _Printer()
    report_store_scale(printer, args.seconds, args.connections, args.tool)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
