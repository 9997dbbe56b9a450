"""`python -m bench.soak --minutes N`: a bounded mixed workload at a fixed rate, on loopback.

Starts the mock (real clock, all providers), sends a steady mix of reads and
writes across every provider for N minutes, and reports errors (5xx and
connection failures must be 0), p99 latency per minute (drift), and resident
memory per minute (must flatten: caches, the journal and the kept jobs are
all bounded; the run uses a small --max-jobs so that bound is reached early).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import time
from typing import Any

import aiohttp

from bench.run import Server, free_port, rss_mb

WATCHLIST = "550e8400-e29b-41d4-a716-446655440000"
OUTX = {"x-api-key": "YOUR_API_KEY"}
NYNE = {"X-API-Key": "YOUR_API_KEY", "X-API-Secret": "YOUR_API_SECRET"}
ADN = {"Authorization": "Bearer YOUR_ACCESS_TOKEN"}
OUTFAME = {"Authorization": "Bearer sk_live_your_api_key"}


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


async def soak(base: str, minutes: float, rate: float, pid: int) -> int:
    requests = workload()
    errors, client_errors = 0, 0
    minute_latencies: list[float] = []
    report: list[str] = []
    started = time.monotonic()
    deadline = started + minutes * 60
    next_minute = started + 60
    sent = 0
    async with aiohttp.ClientSession(base, timeout=aiohttp.ClientTimeout(total=30)) as session:
        while time.monotonic() < deadline:
            method, path, headers, body = next(requests)()
            begin = time.monotonic()
            try:
                async with session.request(method, path, headers=headers, json=body) as response:
                    await response.read()
                    if response.status >= 500:
                        errors += 1
                    elif response.status >= 400:
                        client_errors += 1
            except (aiohttp.ClientError, asyncio.TimeoutError):
                errors += 1
            minute_latencies.append((time.monotonic() - begin) * 1000)
            sent += 1
            if time.monotonic() >= next_minute:
                p99 = statistics.quantiles(minute_latencies, n=100)[98] if len(minute_latencies) > 1 else 0.0
                line = f"minute {len(report) + 1}: {len(minute_latencies)} requests, p99 {p99:.2f} ms, " \
                       f"RSS {rss_mb(pid):.1f} MB, server errors so far {errors}"
                print(line, flush=True)
                report.append(line)
                minute_latencies.clear()
                next_minute += 60
            # Fixed rate: sleep until the next slot (bounded: never faster than `rate` per second).
            await asyncio.sleep(max(0.0, started + sent / rate - time.monotonic()))
    print(f"\n{sent} requests in {minutes:g} min at {rate:g}/s: {errors} server errors or dropped connections, "
          f"{client_errors} deliberate 4xx", flush=True)
    return errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second")
    parser.add_argument("--max-jobs", type=int, default=2000,
                        help="the server's --max-jobs: small, so retained state reaches its bound within the run")
    args = parser.parse_args()
    port = free_port()
    import sys
    server = Server([sys.executable, "-m", "mockserver", "serve", "--port", str(port), "--journal-size", "1000",
                     "--max-jobs", str(args.max_jobs)])
    try:
        print(f"start-up RSS {rss_mb(server.process.pid):.1f} MB", flush=True)
        errors = asyncio.run(soak(f"http://127.0.0.1:{port}", args.minutes, args.rate, server.process.pid))
        print(f"end RSS {rss_mb(server.process.pid):.1f} MB", flush=True)
    finally:
        server.stop()
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
