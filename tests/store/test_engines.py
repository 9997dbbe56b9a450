"""The store contract, on both engines: what a change does, and (Redis) that two servers sharing it act as one."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from mockserver.store import redis_engine
from mockserver.store.appkeys import STORE
from tests.conftest import DOCS_WATCHLIST, OUTX_KEY, ClientFactory

URN = "urn:li:activity:7123456789012345678"
NYNE = {"X-API-Key": "YOUR_API_KEY", "X-API-Secret": "YOUR_API_SECRET"}
ADN = {"Authorization": "Bearer YOUR_ACCESS_TOKEN"}
ALL = ("outx", "appdotnet", "nyne", "outfame")


@pytest.fixture(params=["memory", "redis"])
def store_url(request: pytest.FixtureRequest) -> str:
    return "memory" if request.param == "memory" else request.getfixturevalue("redis_url")


async def _like(client: TestClient) -> str:
    answer = await client.post("/linkedin-agent/like-post", json={"social_urn": URN}, headers={"x-api-key": OUTX_KEY})
    assert answer.status == 200, await answer.text()
    return str((await answer.json())["api_agent_task_id"])


async def _task_status(client: TestClient, task_id: str) -> str:
    answer = await client.get(f"/linkedin-agent/get-task-status?api_agent_task_id={task_id}",
                              headers={"x-api-key": OUTX_KEY})
    assert answer.status == 200, await answer.text()
    return str((await answer.json())["data"]["status"])


async def test_every_change_goes_through_the_store_and_reads_see_it(make_client: ClientFactory,
                                                                    store_url: str) -> None:
    client = await make_client(store_url=store_url, providers=ALL)
    task_id = await _like(client)
    assert await _task_status(client, task_id) == "pending"
    assert (await client.post("/__admin/clock/advance", json={"by": "1m"})).status == 200
    assert await _task_status(client, task_id) == "completed"
    state = await (await client.get("/__admin/state")).json()
    assert [task["id"] for task in state["providers"]["outx"]["agent"]["tasks"]] == [task_id]
    bad = await client.post("/__admin/providers/outx/force-task", json={"task_id": task_id, "status": "failed"})
    assert bad.status == 400  # refused by the command itself (the task has finished), the same on both engines
    reset = await client.post("/__admin/reset")
    assert reset.status == 200 and (await client.get("/__admin/journal")).status == 200
    journal = await (await client.get("/__admin/journal")).json()
    assert journal["entries"] == [] and journal["stored"] == 0


async def test_rate_limit_windows_count_every_request_exactly(make_client: ClientFactory, store_url: str) -> None:
    client = await make_client(store_url=store_url, providers=("appdotnet",))
    answers = await asyncio.gather(*(client.get("/stream/0/users/me/interactions?count=1", headers=ADN)
                                     for _ in range(30)))
    remaining = sorted(int(answer.headers["X-RateLimit-Remaining"]) for answer in answers)
    assert remaining == list(range(5000 - 30, 5000))  # each request counted once, none twice
    state = await (await client.get("/__admin/state")).json()
    assert [window[1] for window in state["providers"]["appdotnet"]["rate_limits"]["by_token"].values()] == [30]


# -- two servers on one Redis store: one mock ------------------------------------------------------------


async def _pair(make_client: ClientFactory, redis_url: str, **overrides: Any) -> tuple[TestClient, TestClient]:
    settings = {"store_url": redis_url, "providers": ALL, **overrides}
    return await make_client(**settings), await make_client(**settings)


async def test_a_write_on_one_server_is_seen_by_the_next_request_on_the_other(make_client: ClientFactory,
                                                                            redis_url: str) -> None:
    one, other = await _pair(make_client, redis_url)
    task_id = await _like(one)
    assert await _task_status(other, task_id) == "pending"
    freeze = await other.post("/__admin/clock/freeze", json={"at": "2024-01-16T11:00:00Z"})
    assert freeze.status == 200
    assert (await (await one.get("/__admin/clock")).json())["now"] == "2024-01-16T11:00:00.000Z"
    assert await _task_status(one, task_id) == "completed"
    page = await (await other.get(f"/api-interactions?watchlist_id={DOCS_WATCHLIST}&page_size=100",
                                  headers={"x-api-key": OUTX_KEY})).json()
    # The like shows on the other server only if its post is tracked; either way both agree byte for byte.
    mine = await (await one.get(f"/api-interactions?watchlist_id={DOCS_WATCHLIST}&page_size=100",
                                headers={"x-api-key": OUTX_KEY})).json()
    assert page == mine
    assert (await other.patch("/__admin/flags", json={"outx": {f"watchlist:{DOCS_WATCHLIST}:simulate_failure": True}}
                              )).status == 200
    failing = await one.get(f"/api-interactions?watchlist_id={DOCS_WATCHLIST}", headers={"x-api-key": OUTX_KEY})
    assert failing.status == 500
    pause = await one.post("/v1/engagement/pause", json={"account_id": "acc_7Gx2kLm9Qr"},
                           headers={"Authorization": "Bearer sk_live_your_api_key"})
    again = await other.post("/v1/engagement/pause", json={"account_id": "acc_7Gx2kLm9Qr"},
                             headers={"Authorization": "Bearer sk_live_your_api_key"})
    assert pause.status == 200 and again.status == 400  # already paused, as one server would say
    assert "already paused" in (await again.text()).lower()


async def test_admin_calls_act_on_every_server(make_client: ClientFactory, redis_url: str) -> None:
    one, other = await _pair(make_client, redis_url)
    rule = await one.post("/__admin/faults", json={"kind": "status", "status": 503, "path": "/api-interactions",
                                                   "count": 1})
    assert rule.status == 201
    statuses = [(await client.get(f"/api-interactions?watchlist_id={DOCS_WATCHLIST}",
                                  headers={"x-api-key": OUTX_KEY})).status for client in (other, one, other)]
    assert statuses == [503, 200, 200]  # one firing in all, whichever server answered
    journal = await (await one.get("/__admin/journal?path=/api-interactions")).json()
    assert [entry["status"] for entry in journal["entries"]] == [503, 200, 200]
    verify = await (await other.post("/__admin/journal/verify", json={"path": "/api-interactions", "count": 3})).json()
    assert verify["ok"] is True
    snapshot = await (await other.get("/__admin/state")).json()
    await _like(one)
    assert (await one.put("/__admin/state", json=snapshot)).status == 200
    assert (await (await other.get("/__admin/providers/outx/tasks")).json())["total"] == 0
    assert (await other.post("/__admin/reset", json={"seed": 7})).status == 200
    health = await (await one.get("/__admin/health")).json()
    assert health["seed"] == 7 and health["journal"]["stored"] == 0 and health["store"]["engine"] == "redis"


async def test_rate_limits_are_exact_across_servers(make_client: ClientFactory, redis_url: str) -> None:
    one, other = await _pair(make_client, redis_url, providers=("nyne",))
    poll = "/person/interactions?request_id=unknown"
    answers = await asyncio.gather(*(client.get(poll, headers=NYNE) for _ in range(35) for client in (one, other)))
    statuses = [answer.status for answer in answers]
    assert statuses.count(404) == 60 and statuses.count(429) == 10  # 60 a minute per key, over both servers


async def test_one_callback_delivery_per_attempt_with_two_servers_running_due_work(
        make_client: ClientFactory, redis_url: str, aiohttp_server: Any) -> None:
    calls: list[str] = []

    async def hook(request: web.Request) -> web.Response:
        calls.append((await request.json())["data"]["request_id"])
        return web.Response(status=503 if len(calls) == 1 else 200)

    receiver = web.Application()
    receiver.router.add_post("/hook", hook)
    server: TestServer = await aiohttp_server(receiver)
    one, other = await _pair(make_client, redis_url, providers=("nyne",))
    submitted = await one.post("/person/interactions", headers=NYNE, json={
        "social_media_url": "https://x.com/janedoe", "type": "followers", "max_results": 5,
        "callback_url": f"http://127.0.0.1:{server.port}/hook"})
    assert submitted.status == 202
    # Both servers move the clock past the job's end and the retry: each runs what is due; nothing runs twice.
    await asyncio.gather(one.post("/__admin/clock/advance", json={"by": "10s"}),
                         other.post("/__admin/clock/advance", json={"by": "10s"}))
    for client in (one, other, one):
        await client.post("/__admin/clock/advance", json={"by": "2s"})
    deliveries = await (await other.get("/__admin/providers/nyne/callbacks")).json()
    assert len(calls) == 2 and [attempt["status"] for attempt in deliveries[0]["attempts"]] == [503, 200]
    assert deliveries[0]["state"] == "delivered"


async def test_a_server_that_starts_later_catches_up_from_the_kept_snapshot(
        make_client: ClientFactory, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(redis_engine, "COMPACT_EVERY", 3)
    first = await make_client(store_url=redis_url)
    tasks = [await _like(first) for _ in range(7)]
    await asyncio.sleep(0.05)  # the snapshot is written in the background
    store = first.app[STORE]
    assert await store.redis.get(store.keys.base) is not None
    assert await store.redis.xlen(store.keys.log) < 7  # the log before the snapshot is gone
    late = await make_client(store_url=redis_url)
    assert [await _task_status(late, task) for task in tasks] == ["pending"] * 7


async def test_the_event_stream_shows_requests_made_on_another_server(make_client: ClientFactory,
                                                                     redis_url: str) -> None:
    one, other = await _pair(make_client, redis_url, providers=("outx",))
    async with other.get("/__admin/events") as stream:
        assert (await stream.content.readuntil(b"\n\n")).startswith(b"retry")
        await asyncio.sleep(0.1)  # subscribed
        await one.get(f"/api-interactions?watchlist_id={DOCS_WATCHLIST}", headers={"x-api-key": OUTX_KEY})
        event = await asyncio.wait_for(stream.content.readuntil(b"\n\n"), 5)
    assert event.startswith(b"event: request\nid: 1\n") and b'"/api-interactions"' in event


async def test_keys_are_bounded_and_expire(make_client: ClientFactory, redis_url: str) -> None:
    client = await make_client(store_url=redis_url, providers=("appdotnet",), journal_size=3)
    for _ in range(5):
        await client.get("/stream/0/users/me/interactions?count=1", headers=ADN)
    store = client.app[STORE]
    assert await store.redis.xlen(store.keys.journal) == 3
    assert (await (await client.get("/__admin/journal")).json())["dropped"] == 2
    windows = [key async for key in store.redis.scan_iter(match=store.keys.prefix + "rl:*")]
    ttls = [await store.redis.pttl(key) for key in windows]
    assert windows and all(0 < ttl <= 3_600_000 + 86_400_000 for ttl in ttls)


async def test_answer_bodies_are_kept_apart_and_go_with_their_entries(make_client: ClientFactory,
                                                                     redis_url: str) -> None:
    one, other = await _pair(make_client, redis_url, providers=("appdotnet",), journal_size=3)
    for client in (one, other, one, other, one):
        assert (await client.get("/stream/0/users/me/interactions?count=2", headers=ADN)).status == 200
    store = one.app[STORE]

    async def answers() -> int:
        return len([key async for key in store.redis.scan_iter(match=store.keys.prefix + "journal:answer:*")])

    assert await answers() == 3  # one for each entry still held
    newest = (await (await other.get("/__admin/journal")).json())["entries"][-1]
    detail = await (await other.get(f"/__admin/journal/{newest['seq']}")).json()  # answered by the other server
    assert detail["answer"]["status"] == 200 and len(detail["answer"]["body"]["data"]) == 2
    assert (await one.delete("/__admin/journal")).status == 200
    assert await answers() == 0
    await one.get("/stream/0/users/me/interactions?count=2", headers=ADN)
    assert (await other.post("/__admin/reset")).status == 200
    assert await answers() == 0 and await store.redis.llen(store.keys.journal_sizes) == 0


async def test_the_event_stream_follows_the_journal_across_a_reset(make_client: ClientFactory,
                                                                   redis_url: str) -> None:
    one, other = await _pair(make_client, redis_url, providers=("outx",))
    for _ in range(3):
        await one.get(f"/api-interactions?watchlist_id={DOCS_WATCHLIST}", headers={"x-api-key": OUTX_KEY})
    async with other.get("/__admin/events") as stream:
        assert (await stream.content.readuntil(b"\n\n")).startswith(b"retry")
        await asyncio.sleep(0.1)  # following the journal from its newest entry
        assert (await one.post("/__admin/reset")).status == 200  # numbered from 1 again
        await one.get(f"/api-interactions?watchlist_id={DOCS_WATCHLIST}", headers={"x-api-key": OUTX_KEY})
        frames = []
        while not any(frame.startswith(b"event: request") for frame in frames):
            frames.append(await asyncio.wait_for(stream.content.readuntil(b"\n\n"), 5))
    request = next(frame for frame in frames if frame.startswith(b"event: request"))
    assert request.startswith(b"event: request\nid: 1\n")
    assert any(frame.startswith(b"event: admin") and b"/__admin/reset" in frame for frame in frames)


async def test_a_dashboard_on_a_quiet_server_keeps_seeing_requests(make_client: ClientFactory, redis_url: str,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    # A socket timeout of 0.6 s: following the journal must never wait longer than that in one read.
    one, other = await _pair(make_client, f"{redis_url}&socket_timeout=0.6", providers=("outx",))
    async with other.get("/__admin/events") as stream:
        assert (await stream.content.readuntil(b"\n\n")).startswith(b"retry")
        await asyncio.sleep(1.5)  # quiet for longer than the timeout
        await one.get(f"/api-interactions?watchlist_id={DOCS_WATCHLIST}", headers={"x-api-key": OUTX_KEY})
        await one.post("/__admin/clock/advance", json={"by": "1s"})
        events = [await asyncio.wait_for(stream.content.readuntil(b"\n\n"), 5) for _ in range(2)]
    assert sorted(event.split(b"\n", 1)[0] for event in events) == [b"event: admin", b"event: request"]
    assert not [record for record in caplog.records if record.name == "mockserver.store"]


async def test_a_store_out_of_reach_is_a_503_in_one_log_line(make_client: ClientFactory,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    from mockserver.testing.redis_server import throwaway_redis_server
    from tests.system import require_programs

    binary = require_programs("redis-server", why="the Redis store's tests")["redis-server"]
    with throwaway_redis_server(binary) as url:  # a server of its own: this test stops it
        client = await make_client(store_url=url, providers=("outx",))
        page = f"/api-interactions?watchlist_id={DOCS_WATCHLIST}"
        assert (await client.get(page, headers={"x-api-key": OUTX_KEY})).status == 200
    with caplog.at_level(logging.WARNING):
        answers = [await client.get(page, headers={"x-api-key": OUTX_KEY}) for _ in range(3)]
        answers += [await client.get("/__admin/health"), await client.post("/__admin/clock/advance", json={"by": "1s"})]
        await asyncio.sleep(0.2)  # the scheduler's passes fail meanwhile too
    assert [answer.status for answer in answers] == [503] * 5
    assert all(answer.headers["Retry-After"] == "1" for answer in answers)
    body = await answers[0].json()
    assert body["error"] == "store_unavailable" and "cannot be reached" in body["message"]
    lines = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert not any(record.exc_info for record in lines)  # no traceback
    assert len([r for r in lines if r.getMessage().startswith("answering 503")]) == 1  # one line per 10 s
    assert len([r for r in lines if r.name == "mockserver.scheduler"]) <= 2  # not one per 50 ms pass


async def test_rate_limit_windows_stay_bounded_however_many_clients_come_and_go(make_client: ClientFactory,
                                                                                 redis_url: str) -> None:
    """Windows that are over go (keys and index), and past the bound the one over soonest: not one set entry per
    client address ever seen, as long as traffic lasts."""
    from mockserver.core.ratelimit import Window
    from mockserver.store.redis_limits import RedisFixedWindows, RedisRateLimiter

    client = await make_client(store_url=redis_url, providers=("appdotnet",))
    store = client.app[STORE]
    fixed = RedisFixedWindows(store, "probe-fixed", 2, 1_000)
    fixed.max_windows = 3
    sliding = RedisRateLimiter(store, "probe-sliding", [Window("second", 2, 1_000)])

    async def kept(limiter: Any) -> list[bytes]:
        prefix = limiter._prefix()
        names = await store.redis.zrange(prefix + "index", 0, -1)
        assert sorted(names) == sorted([key async for key in store.redis.scan_iter(match=prefix + "w:*")])
        return [name[len(prefix) + 2:] for name in names]

    for n in range(6):
        assert (await fixed.take(f"10.0.0.{n}", now_ms=n))[0]
        assert (await sliding.take(f"10.0.0.{n}", now_ms=n)).allowed
    assert await kept(fixed) == [b"10.0.0.3", b"10.0.0.4", b"10.0.0.5"]  # the bound: the one over soonest went
    assert len(await kept(sliding)) == 6
    assert (await fixed.take("10.0.1.1", now_ms=5_000))[0]  # every earlier window is over by now
    assert (await sliding.take("10.0.1.1", now_ms=5_000)).allowed
    assert await kept(fixed) == [b"10.0.1.1"]
    assert await kept(sliding) == [b"10.0.1.1:second"]
