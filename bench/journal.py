"""`python -m bench.journal`: does reading a full journal stall the event loop? Loopback only.

The mock runs in this process, its journal filled with large JSON bodies
(sent to an unknown path, as a careless or hostile client would). Clients
run in processes of their own: one sends provider requests at a fixed rate,
first alone, then while two others list the journal and verify against it
with a body filter, back to back. Reported per phase: the provider
requests' p50/p99/max latency, and the longest the event loop spent in one
callback, in CPU time (wall-clock lag on a shared machine also counts the
time the process was not scheduled at all, which says nothing about the
code). Also how long a listing page and a verify take, and memory.
"""

from __future__ import annotations

import argparse
import asyncio
import asyncio.events
import gc
import multiprocessing
import os
import statistics
import time
from typing import Any, Callable

import aiohttp
from aiohttp import web

from bench.run import free_port, rss_mb
from mockserver.app import create_app
from mockserver.settings import Settings

WATCHLIST = "550e8400-e29b-41d4-a716-446655440000"
OUTX = {"x-api-key": "YOUR_API_KEY"}


async def fill(session: aiohttp.ClientSession, entries: int, body_kib: int) -> None:
    # Many small objects, as real payloads are: parsed, they cost far more than their bytes.
    item = b'{"id": 12345, "name": "item", "tags": ["a", "b"], "ok": true}'
    body = b'{"items": [' + b", ".join([item] * (body_kib * 1024 // (len(item) + 2))) + b"]}"
    for _ in range(entries):
        async with session.post("/nowhere", data=body, headers={"Content-Type": "application/json"}) as response:
            await response.read()


async def provider_latencies(base: str, seconds: float, rate: float) -> list[float]:
    latencies: list[float] = []
    async with aiohttp.ClientSession(base, timeout=aiohttp.ClientTimeout(total=60)) as session:
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            begin = time.perf_counter()
            async with session.get(f"/api-interactions?watchlist_id={WATCHLIST}&page={len(latencies) % 50 + 1}",
                                   headers=OUTX) as response:
                await response.read()
                assert response.status == 200, response.status
            latencies.append((time.perf_counter() - begin) * 1000)
            await asyncio.sleep(max(0.0, started + len(latencies) / rate - time.monotonic()))
    return latencies


async def read_journal(base: str, seconds: float) -> dict[str, list[float]]:
    """List the journal and verify against it, back to back, for `seconds`."""
    took: dict[str, list[float]] = {"listing": [], "verify": []}
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession(base, timeout=aiohttp.ClientTimeout(total=120)) as session:
        while time.monotonic() < deadline:
            for name, method, path, kwargs in (
                ("listing", "GET", "/__admin/journal", {"params": {"limit": "1000"}}),
                ("verify", "POST", "/__admin/journal/verify", {"json": {"body_includes": {"items": ["nope"]}}}),
            ):
                begin = time.perf_counter()
                async with session.request(method, path, **kwargs) as response:
                    await response.read()
                    assert response.status == 200, response.status
                took[name].append((time.perf_counter() - begin) * 1000)
    return took


def in_process(results: "multiprocessing.Queue[Any]", job: Callable[..., Any], *args: Any) -> None:
    results.put(asyncio.run(job(*args)))


class CallbackCosts:
    """CPU time of every event-loop callback while installed (bench instrumentation only)."""

    def __init__(self) -> None:
        self.costs: list[float] = []
        self.busy = 0.0  # the server process's CPU time over the phase's wall time
        self._original = asyncio.events.Handle._run

    def __enter__(self) -> "CallbackCosts":
        original, costs = self._original, self.costs

        def timed(handle: asyncio.events.Handle) -> None:
            started = time.thread_time()
            original(handle)
            costs.append((time.thread_time() - started) * 1000)

        asyncio.events.Handle._run = timed  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.events.Handle._run = self._original  # type: ignore[method-assign]

    def summary(self) -> str:
        ordered = sorted(self.costs)
        return (f"longest loop callback {ordered[-1]:.2f} ms CPU "
                f"(p99.9 {ordered[int(len(ordered) * 0.999)]:.2f} ms, {len(ordered)} callbacks); "
                f"server busy {self.busy:.0%} of the time")


def latency_summary(latencies: list[float]) -> str:
    p99 = statistics.quantiles(latencies, n=100)[98]
    return f"p50 {statistics.median(latencies):.2f} ms, p99 {p99:.2f} ms, max {max(latencies):.2f} ms"


async def phase(base: str, seconds: float, rate: float, readers: int) -> tuple[list[float], dict, CallbackCosts]:
    results: multiprocessing.Queue = multiprocessing.Queue()
    processes = [multiprocessing.Process(target=in_process, args=(results, read_journal, base, seconds + 1))
                 for _ in range(readers)]
    processes.append(multiprocessing.Process(target=in_process,
                                             args=(results, provider_latencies, base, seconds, rate)))
    for process in processes:
        process.start()
    cpu, wall = time.process_time(), time.monotonic()
    with CallbackCosts() as costs:
        gathered = [await asyncio.to_thread(results.get, True, seconds + 120) for _ in processes]
    costs.busy = (time.process_time() - cpu) / (time.monotonic() - wall)
    for process in processes:
        await asyncio.to_thread(process.join, 30)
    latencies = next(item for item in gathered if isinstance(item, list))
    took: dict[str, list[float]] = {"listing": [], "verify": []}
    for item in gathered:
        if isinstance(item, dict):
            for name, values in item.items():
                took[name] += values
    return latencies, took, costs


async def run(args: argparse.Namespace) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    runner = web.AppRunner(create_app(Settings(providers=("outx",), port=port)), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    gc.collect()
    gc.freeze()  # as `mockserver serve` does
    try:
        async with aiohttp.ClientSession(base) as session:
            await fill(session, args.entries, args.body_kib)
            for page in range(1, 51):  # memoised answers: warm, so that phase 1 measures no first renders
                await (await session.get(f"/api-interactions?watchlist_id={WATCHLIST}&page={page}",
                                         headers=OUTX)).read()
            journal = (await (await session.get("/__admin/health")).json())["journal"]
        print(f"journal: {journal['stored']} entries, {journal['bytes'] / 2**20:.1f} MiB held "
              f"(bound {journal['max_bytes'] / 2**20:.0f} MiB), {journal['dropped']} dropped; "
              f"RSS {rss_mb(os.getpid()):.0f} MB", flush=True)
        alone, _, idle_costs = await phase(base, args.seconds, args.rate, readers=0)
        during, took, busy_costs = await phase(base, args.seconds, args.rate, readers=args.readers)
    finally:
        await runner.cleanup()
    print(f"provider requests alone:            {latency_summary(alone)}; {idle_costs.summary()}")
    print(f"... while {args.readers} clients read the journal: {latency_summary(during)}; {busy_costs.summary()}")
    print(f"a listing page: median {statistics.median(took['listing']):.0f} ms; a verify with a body filter "
          f"over every entry: median {statistics.median(took['verify']):.0f} ms ({len(took['listing'])} of each)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--body-kib", type=int, default=1000, help="size of each journaled body")
    parser.add_argument("--seconds", type=float, default=10.0, help="of each measuring phase")
    parser.add_argument("--rate", type=float, default=100.0, help="provider requests per second")
    parser.add_argument("--readers", type=int, default=2, help="processes reading the journal meanwhile")
    asyncio.run(run(parser.parse_args()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
