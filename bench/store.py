"""The Redis store measured against the memory store, in one run, on loopback (`make bench` runs it last).

- Reads: each read endpoint of `bench.run` against a server on the memory store and one on a Redis store,
  in alternating rounds; the median of the rounds' req/s ratios (redis / memory), goal >= 0.8.
- Round trips per request, by endpoint: the writes a server sends Redis (its `round_trips` counter in
  GET /__admin/health, less what its background loop sends meanwhile), one client at a time, and under
  the load of the reads above (where requests in flight share round trips).
- A 90/10 read/write mix (OutX pages; OutX likes and Nyne submits) against one server, then against two
  servers on one Redis store with requests spread over both: throughput (and its ratio, 2 / 1), p99, and
  a checker that polls every task and job created from the other server the moment it is created:
  a 404 or a different id is an inconsistency (goal: none).

Run alone with `python -m bench.store`; needs redis-server (Debian: apt-get install redis-server).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from bench.fixtures import Reporter
from bench.load import measure
from bench.run import ENDPOINTS, FREEZE, NYNE, OUTX, WATCHLIST, Endpoint, Report, Server, free_port, \
    million_scenario, post_json
from mockserver.testing.redis_server import throwaway_redis_server

READ_RATIO_GOAL = 0.8
ROUNDS = 3  # alternating memory/redis rounds per endpoint; the median ratio is reported
URN = "urn:li:activity:7123456789012345678"


@contextmanager
def serving(scenario: Path, *args: str) -> Iterator[str]:
    """A `mockserver serve` process with the bench's world; yields its base URL."""
    port = free_port()
    server = Server([sys.executable, "-m", "mockserver", "serve", "--port", str(port), "--freeze-at", FREEZE,
                     "--scenario", str(scenario), *args])
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def _get(url: str, headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def store_counters(base: str) -> tuple[int, int]:
    """(round trips, commands) the server has sent its Redis store so far."""
    store = _get(f"{base}/__admin/health")["store"]
    return int(store["round_trips"]), int(store["commands"])


def _idle_round_trips_per_s(base: str, seconds: float = 1.0) -> float:
    """What the server's background loop (catching up, claiming due work) sends while no request comes."""
    before, started = store_counters(base)[0], time.perf_counter()
    time.sleep(seconds)
    return (store_counters(base)[0] - before - 1) / (time.perf_counter() - started)  # less the health call's own


def _call(base: str, method: str, path: str, headers: dict[str, str], body: Any) -> None:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={**headers, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def round_trips_alone(base: str, method: str, path: str, headers: dict[str, str], body: Any = None,
                      rounds: int = 200) -> float:
    """Round trips per request with one client sending one request at a time."""
    idle = _idle_round_trips_per_s(base)
    before, started = store_counters(base)[0], time.perf_counter()
    for _ in range(rounds):
        _call(base, method, path, headers, body)
    spent = store_counters(base)[0] - before - 1 - idle * (time.perf_counter() - started)
    return spent / rounds


# -- reads, memory against redis ------------------------------------------------------------------------


@dataclass
class ReadRow:
    endpoint: Endpoint
    ratios: list[float] = field(default_factory=list)
    redis_per_s: list[float] = field(default_factory=list)
    memory_per_s: list[float] = field(default_factory=list)
    p99_ms: list[float] = field(default_factory=list)
    errors: int = 0
    round_trips: float = 0.0  # per request, under this load


def _nyne_poll(base: str) -> Endpoint:
    job = post_json(f"{base}/person/interactions", {"username": "janedoe", "type": "followers"}, NYNE)
    return Endpoint("nyne poll", f"/person/interactions?request_id={job['data']['request_id']}", NYNE, 0, "nyne")


def compare_reads(memory: str, shared: str, seconds: float, connections: int, tool: str) -> list[ReadRow]:
    pairs = [(endpoint, endpoint) for endpoint in ENDPOINTS] + [(_nyne_poll(memory), _nyne_poll(shared))]
    rows = []
    for on_memory, on_redis in pairs:
        row = ReadRow(on_memory)
        spent = requests = 0
        for _ in range(ROUNDS):
            theirs = measure(memory + on_memory.path, on_memory.headers, seconds, connections, tool)
            before = store_counters(shared)[0]
            mine = measure(shared + on_redis.path, on_redis.headers, seconds, connections, tool)
            spent += store_counters(shared)[0] - before - 1
            requests += int(mine.requests_per_s * seconds)
            row.ratios.append(mine.requests_per_s / theirs.requests_per_s)
            row.redis_per_s.append(mine.requests_per_s)
            row.memory_per_s.append(theirs.requests_per_s)
            row.p99_ms.append(mine.p99_ms)
            row.errors += mine.errors + theirs.errors
        row.round_trips = spent / max(requests, 1)
        rows.append(row)
    return rows


# -- the 90/10 mix and its checker ---------------------------------------------------------------------------


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

    async def check(session: aiohttp.ClientSession, kind: str, ident: str, written_on: int) -> None:
        """Poll what was just created, from the other server (the same one when there is only one)."""
        other = bases[(written_on + 1) % len(bases)]
        if kind == "task":
            url, headers = f"{other}/linkedin-agent/get-task-status?api_agent_task_id={ident}", OUTX
        else:
            url, headers = f"{other}/person/interactions?request_id={ident}", NYNE
        async with session.get(url, headers=headers) as answer:
            body = await answer.json(content_type=None)
        result.checked += 1
        data = body.get("data") if isinstance(body, dict) else None
        found = data.get("id" if kind == "task" else "request_id") if isinstance(data, dict) else None
        if answer.status != 200 or found != ident:
            result.inconsistencies.append(f"{kind} {ident}: {answer.status} from the other server")

    async def client(session: aiohttp.ClientSession, checker: aiohttp.ClientSession, number: int) -> None:
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
                            ident, kind = (await answer.json())["api_agent_task_id"], "task"
                    else:
                        async with session.post(f"{base}/person/interactions", headers=NYNE, json={
                                "social_media_url": f"https://x.com/mix{number}x{turn}", "type": "followers",
                                "max_results": 5}) as answer:
                            ident, kind = (await answer.json())["data"]["request_id"], "job"
                    result.created += 1
                    checks.append(asyncio.create_task(check(checker, kind, ident, index)))
                else:
                    page = 1 + rng.randrange(50)
                    async with session.get(f"{base}/api-interactions?watchlist_id={WATCHLIST}&page={page}"
                                           f"&page_size=10", headers=OUTX) as answer:
                        await answer.read()
                if answer.status >= 400:
                    result.errors += 1
            except (aiohttp.ClientError, KeyError, TypeError, ValueError):
                result.errors += 1
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            result.requests += 1

    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session, \
            aiohttp.ClientSession() as checker:
        await asyncio.gather(*(client(session, checker, n) for n in range(concurrency)))
        result.seconds = time.perf_counter() - started
        await asyncio.gather(*checks)
    return result


def mix(bases: list[str], seconds: float, concurrency: int) -> MixResult:
    page = _get(f"{bases[0]}/api-interactions?watchlist_id={WATCHLIST}&page_size=100", OUTX)
    urns = sorted({item["post"]["social_urn"] for item in page["data"]})
    return asyncio.run(_mix(bases, seconds, concurrency, urns))


# -- the report ------------------------------------------------------------------------------------------------


def report_store_scale(report: Reporter, seconds: float, connections: int, tool: str) -> None:
    binary = shutil.which("redis-server")
    if binary is None:
        report.add("redis store: not measured, redis-server not found (Debian: apt-get install redis-server)")
        return
    with throwaway_redis_server(binary) as url, tempfile.TemporaryDirectory() as tmp:
        scenario = million_scenario(Path(tmp))
        with serving(scenario) as memory, serving(scenario, "--store", url + "?prefix=reads:") as shared:
            rows = compare_reads(memory, shared, seconds, connections, tool)
            report.add(f"{'redis store reads (median of ' + str(ROUNDS) + ')':<36} {'redis req/s':>11} "
                       f"{'memory req/s':>12} {'ratio':>6} {'p99 ms':>7} {'trips/req':>9}  goal")
            for row in rows:
                ratio = statistics.median(row.ratios)
                report.add(f"{row.endpoint.name:<36} {statistics.median(row.redis_per_s):>11.0f} "
                           f"{statistics.median(row.memory_per_s):>12.0f} {ratio:>6.2f} "
                           f"{statistics.median(row.p99_ms):>7.2f} {row.round_trips:>9.2f}  >= {READ_RATIO_GOAL}",
                           ratio >= READ_RATIO_GOAL and row.errors == 0, f"redis reads: {row.endpoint.name}")
            report.add("redis round trips per request, one client at a time (each waited for; under load, "
                       "requests in flight share them: trips/req above):")
            writes = [("outx like-post", "POST", "/linkedin-agent/like-post", OUTX, {"social_urn": URN}),
                      ("nyne submit", "POST", "/person/interactions", NYNE,
                       {"social_media_url": "https://x.com/janedoe", "type": "followers", "max_results": 5}),
                      ("admin clock advance 1s", "POST", "/__admin/clock/advance", {}, {"by": "1s"})]
            for name, method, path, headers, body in [(e.name, "GET", e.path, e.headers, None) for e in ENDPOINTS] \
                    + writes:
                report.add(f"  {name:<34} {round_trips_alone(shared, method, path, headers, body):>5.2f}")
        with serving(scenario, "--store", url + "?prefix=one:") as alone:
            single = mix([alone], seconds * ROUNDS, connections)
        with ExitStack() as servers:
            pair = [servers.enter_context(serving(scenario, "--store", url + "?prefix=two:")) for _ in range(2)]
            double = mix(pair, seconds * ROUNDS, connections)
    for label, result in (("1 server ", single), ("2 servers", double)):
        report.add(f"90/10 mix, redis store, {label}: {result.per_s:.0f} req/s, p99 {result.p99_ms:.1f} ms, "
                   f"{result.errors} errors; {result.created} tasks/jobs created, {result.checked} polled from the "
                   f"other server at once, {len(result.inconsistencies)} inconsistent (goal 0)",
                   not result.inconsistencies and result.errors == 0, f"mix consistency ({label.strip()})")
    report.add(f"90/10 mix throughput, 2 servers / 1: {double.per_s / single.per_s:.2f} "
               f"(both servers, Redis and the load generator share the machine's cores)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=4.0, help="duration of each load run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--tool", choices=("auto", "wrk", "builtin"), default="auto")
    args = parser.parse_args()
    report = Report()
    report_store_scale(report, args.seconds, args.connections, args.tool)
    print(report.summary(), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
