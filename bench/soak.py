"""`python -m bench.soak --minutes N [--hostile]`: a bounded mixed workload at a fixed rate, on loopback.

Starts the mock (real clock, all providers), sends a steady mix of reads and
writes across every provider for N minutes, and reports errors (5xx and
connection failures must be 0), p99 latency per minute (drift), and resident
memory per minute (must flatten: caches, the journal and the kept jobs are
all bounded; the run uses a small --max-jobs so that bound is reached early).

With `--hostile`, two servers run side by side: both get the same
well-behaved mix at the same rate, and one of them also gets, from another
process, what issue 16's review threw at the mock (`bench/hostile.py`). The
plain server is the baseline measured in the same run, under the same
machine load: the well-behaved p99 on the hostile server should stay within
2x of it, no request to either may get a 5xx, and the hostile server's
memory should stay within 20% of what it held once warm.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import multiprocessing
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TextIO

import aiohttp

from bench.hostile import hostile, server_error
from bench.run import Server, free_port, rss_mb

WATCHLIST = "550e8400-e29b-41d4-a716-446655440000"
OUTX = {"x-api-key": "YOUR_API_KEY"}
NYNE = {"X-API-Key": "YOUR_API_KEY", "X-API-Secret": "YOUR_API_SECRET"}
ADN = {"Authorization": "Bearer YOUR_ACCESS_TOKEN"}
OUTFAME = {"Authorization": "Bearer sk_live_your_api_key"}
RSS_GOAL, P99_GOAL = 0.20, 2.0  # hostile: memory within 20% of the warm start, p99 within 2x of the plain server's


def workload() -> itertools.cycle:
    """The request mix: mostly reads, some writes, a few deliberate client errors."""
    pages = itertools.count(1)
    mix: list[Any] = [
        lambda: ("GET", f"/api-interactions?watchlist_id={WATCHLIST}&page={next(pages) % 500 + 1}", OUTX, None),
        lambda: ("GET", f"/api-interactions?watchlist_id={WATCHLIST}&interaction_type=comment&page_size=50", OUTX, None),
        lambda: ("POST", "/linkedin-agent/like-post", OUTX, {"social_urn": f"urn:li:activity:{next(pages) % 200}"}),
        lambda: ("GET", "/stream/0/users/me/interactions?count=20", ADN, None),
        lambda: ("GET", "/stream/0/users/me/interactions?count=-5&since_id=10", ADN, None),
        lambda: ("GET", "/v1/engagement/activity?account_id=acc_7Gx2kLm9Qr&limit=50", OUTFAME, None),
        lambda: ("GET", "/v1/engagement/stats?account_id=acc_7Gx2kLm9Qr", OUTFAME, None),
        lambda: ("POST", "/person/interactions", NYNE, {"username": f"user{next(pages) % 997}", "type": "followers",
                                                      "max_results": 10}),
        lambda: ("GET", "/api-interactions?watchlist_id=nope", OUTX, None),  # a 400 on purpose
    ]
    return itertools.cycle(mix)


@dataclass
class Steady:
    """The well-behaved mix against one server: latencies by minute, and what went wrong."""

    name: str
    minutes: list[list[float]] = field(default_factory=list)
    errors: int = 0  # 5xx and dropped connections
    client_errors: int = 0  # the deliberate 4xx (and 429s)

    @property
    def sent(self) -> int:
        return sum(len(minute) for minute in self.minutes)

    def p99(self, minute: int | None = None) -> float:
        values = self.minutes[minute] if minute is not None else [v for m in self.minutes for v in m]
        return statistics.quantiles(values, n=100)[98] if len(values) > 1 else 0.0


async def steady(base: str, seconds: float, rate: float, into: Steady) -> None:
    """The workload at a fixed rate (never faster than `rate` a second) for `seconds`."""
    requests = workload()
    started = time.monotonic()
    async with aiohttp.ClientSession(base, timeout=aiohttp.ClientTimeout(total=30)) as session:
        while (now := time.monotonic()) < started + seconds:
            minute = int((now - started) // 60)
            while len(into.minutes) <= minute:
                into.minutes.append([])
            method, path, headers, body = next(requests)()
            begin = time.monotonic()
            try:
                async with session.request(method, path, headers=headers, json=body) as response:
                    await response.read()
                    if response.status >= 500:
                        into.errors += 1
                    elif response.status >= 400:
                        into.client_errors += 1
            except (aiohttp.ClientError, asyncio.TimeoutError):
                into.errors += 1
            into.minutes[minute].append((time.monotonic() - begin) * 1000)
            await asyncio.sleep(max(0.0, started + sum(map(len, into.minutes)) / rate - time.monotonic()))


async def report_each_minute(runs: list[Steady], servers: list[Server], minutes: float) -> None:
    started = time.monotonic()
    for minute in range(int(minutes)):
        await asyncio.sleep(max(0.0, started + 60 * (minute + 1) - 0.5 - time.monotonic()))  # before the work ends
        parts = [f"{run.name}: {len(run.minutes[minute]) if minute < len(run.minutes) else 0} requests, "
                 f"p99 {run.p99(minute) if minute < len(run.minutes) else 0:.2f} ms, "
                 f"RSS {rss_mb(server.process.pid):.1f} MB, server errors so far {run.errors}"
                 for run, server in zip(runs, servers)]
        print(f"minute {minute + 1}: " + "; ".join(parts), flush=True)


def serve(log: TextIO, max_jobs: int) -> tuple[Server, str]:
    """The mock as `mockserver serve` runs it (its log into `log`), and its base URL."""
    port = free_port()
    server = Server([sys.executable, "-m", "mockserver", "serve", "--port", str(port), "--journal-size", "1000",
                     "--max-jobs", str(max_jobs)], stderr=log)
    return server, f"http://127.0.0.1:{port}"


def plain(args: argparse.Namespace) -> int:
    with tempfile.TemporaryFile("w+") as log:
        server, base = serve(log, args.max_jobs)
        run = Steady("plain")
        try:
            print(f"start-up RSS {rss_mb(server.process.pid):.1f} MB", flush=True)
            asyncio.run(both(report_each_minute([run], [server], args.minutes),
                             steady(base, args.minutes * 60, args.rate, run)))
            print(f"end RSS {rss_mb(server.process.pid):.1f} MB", flush=True)
        finally:
            server.stop()
    print(f"\n{run.sent} requests in {args.minutes:g} min at {args.rate:g}/s: {run.errors} server errors or dropped "
          f"connections, {run.client_errors} deliberate 4xx", flush=True)
    return 1 if run.errors else 0


async def both(monitor: Any, *work: Any) -> None:
    """Run `work` to the end; the monitor only while it runs."""
    watching = asyncio.ensure_future(monitor)
    try:
        await asyncio.gather(*work)
    finally:
        watching.cancel()


def in_process(results: "multiprocessing.Queue[Any]", *args: Any) -> None:
    results.put(asyncio.run(hostile(*args)))


def log_summary(log: TextIO) -> tuple[int, int, Counter[str]]:
    """(lines, tracebacks, the commonest kinds of line) of a server's stderr."""
    log.seek(0)
    lines = log.read().splitlines()
    kinds = Counter(re.sub(r"[\d.:]+", "#", line)[:90] for line in lines)
    return len(lines), sum("Traceback" in line for line in lines), kinds


def with_hostile(args: argparse.Namespace) -> int:
    seconds = args.minutes * 60
    warm_s = min(60.0, seconds / 5)  # memory is compared from here: journal, caches and kept jobs are full by then
    with tempfile.TemporaryFile("w+") as plain_log, tempfile.TemporaryFile("w+") as hostile_log:
        served = [serve(plain_log, args.max_jobs), serve(hostile_log, args.max_jobs)]
        servers = [server for server, _ in served]
        runs = [Steady("plain"), Steady("hostile")]
        results: multiprocessing.Queue = multiprocessing.Queue()
        attacker = multiprocessing.Process(target=in_process, args=(
            results, served[1][1], seconds, args.hostile_rate, args.slow_heads, args.slow_bodies))
        rss: dict[str, float] = {"start-up": rss_mb(servers[1].process.pid)}

        async def sample_warm() -> None:
            await asyncio.sleep(warm_s)
            rss["warm"] = rss_mb(servers[1].process.pid)

        try:
            print(f"hostile soak: {args.minutes:g} min; well-behaved {args.rate:g}/s to each of two servers, the "
                  f"plain one and the hostile one; hostile actions {args.hostile_rate:g}/s, {args.slow_heads} slow "
                  f"heads and {args.slow_bodies} slow bodies held open", flush=True)
            attacker.start()
            asyncio.run(both(report_each_minute(runs, servers, args.minutes),
                             *(steady(base, seconds, args.rate, run) for (_, base), run in zip(served, runs)),
                             sample_warm()))
            rss["end"], rss["plain end"] = rss_mb(servers[1].process.pid), rss_mb(servers[0].process.pid)
            tally: dict[str, int] = results.get(timeout=180)
            attacker.join(30)
        finally:
            for server in servers:
                server.stop()
        lines, tracebacks, kinds = log_summary(hostile_log)
    return verdict(runs, tally, rss, lines, tracebacks, kinds, warm_s)


def verdict(runs: list[Steady], tally: dict[str, int], rss: dict[str, float], lines: int, tracebacks: int,
            kinds: Counter[str], warm_s: float) -> int:
    plain_run, hostile_run = runs
    misses = []

    def line(text: str, met: bool) -> None:
        print(text + ("  MET" if met else "  MISSED"), flush=True)
        if not met:
            misses.append(text)

    print("\nhostile actions (action -> answer: count):")
    for key, count in tally.items():
        print(f"  {key}: {count}")
    bad = sum(count for key, count in tally.items() if server_error(key.rsplit(" -> ", 1)[1]))
    line(f"hostile actions: {sum(tally.values())}, server errors or unanswered: {bad} (goal 0)", bad == 0)
    for run in runs:
        line(f"well-behaved to the {run.name} server: {run.sent} requests, {run.errors} server errors or dropped "
             f"connections (goal 0), {run.client_errors} deliberate 4xx", run.errors == 0)
    ratio = hostile_run.p99() / plain_run.p99() if plain_run.p99() else float("inf")
    line(f"well-behaved p99 over the run: plain {plain_run.p99():.2f} ms, hostile {hostile_run.p99():.2f} ms: "
         f"{ratio:.2f}x (goal <= {P99_GOAL:g}x)", ratio <= P99_GOAL)
    growth = rss["end"] / rss["warm"] - 1
    line(f"hostile server RSS: start-up {rss['start-up']:.1f} MB, after {warm_s:.0f} s {rss['warm']:.1f} MB, end "
         f"{rss['end']:.1f} MB: {growth:+.1%} (goal within {RSS_GOAL:.0%}; the plain server ended at "
         f"{rss['plain end']:.1f} MB)", abs(growth) <= RSS_GOAL)
    line(f"hostile server log: {lines} lines, {tracebacks} tracebacks (goal 0)", tracebacks == 0)
    for kind, count in kinds.most_common(6):
        print(f"  {count} x {kind}")
    print("\nall goals met" if not misses else f"\n{len(misses)} goal(s) missed", flush=True)
    return 1 if misses else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=200.0, help="well-behaved requests per second (per server)")
    parser.add_argument("--max-jobs", type=int, default=2000,
                        help="the server's --max-jobs: small, so retained state reaches its bound within the run")
    parser.add_argument("--hostile", action="store_true", help="also run a second server under hostile traffic")
    parser.add_argument("--hostile-rate", type=float, default=20.0, help="hostile actions per second")
    parser.add_argument("--slow-heads", type=int, default=40, help="half-sent request heads held open at any time")
    parser.add_argument("--slow-bodies", type=int, default=8, help="half-sent bodies held open at any time")
    args = parser.parse_args()
    return with_hostile(args) if args.hostile else plain(args)


if __name__ == "__main__":
    raise SystemExit(main())
