"""Every per-tenant history is bounded, each operation on it is cheap, and what is folded away
still exports and imports exactly."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.core.clock import DAY_MS
from mockserver.core.jobs import JobStore
from mockserver.core.memo import MAX_MEMO_BYTES
from mockserver.providers.outfame import world as outfame_world
from mockserver.providers.outfame.timeline import FOLDED_EVENTS, MAX_EVENTS
from mockserver.store.appkeys import PROVIDERS, SCHEDULER
from tests.abuse.conftest import exported
from tests.conftest import ClientFactory
from tests.providers.appdotnet.test_memo import ANCHOR, query, viewer
from tests.providers.outfame.conftest import DOCS_ACCOUNT, DOCS_NOW_MS
from tests.providers.outx.test_agent_http import OLDEST_ADMIN, a_tracked_post, interactions, like, task

NYNE = {"X-API-Key": "YOUR_API_KEY", "X-API-Secret": "YOUR_API_SECRET"}
LIMITED_NYNE = {"X-API-Key": "OTHER_NYNE_API_KEY", "X-API-Secret": "OTHER_NYNE_API_SECRET"}  # two jobs at once
OUTFAME = {"Authorization": "Bearer sk_live_your_api_key"}


def _history(count: int) -> list[dict[str, Any]]:
    """Pauses and resumes every two minutes, ending before DOCS_NOW_MS, oldest first."""
    start = DOCS_NOW_MS - count * 120_000 - DAY_MS
    return [{"kind": "pause", "at_ms": start + i * 120_000, "reason": None, "cancelled": 2} if i % 2 == 0 else
            {"kind": "resume", "at_ms": start + i * 120_000, "delay_ms": 60_000} for i in range(count)]


async def test_outfame_events_are_bounded_and_a_pause_plans_only_the_days_it_touches(
        make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    client = await make_client(providers=("outfame",), freeze_at_ms=DOCS_NOW_MS)
    client.app[PROVIDERS]["outfame"].import_state({"events": {DOCS_ACCOUNT: _history(MAX_EVENTS)}})
    seen: list[int] = []
    plan_day = outfame_world.plan_day

    def counting(account: Any, day: int, periods: list[Any], burns: list[Any]) -> Any:
        seen.append(len(periods) + len(burns))
        return plan_day(account, day, periods, burns)

    monkeypatch.setattr(outfame_world, "plan_day", counting)
    for action in ("pause", "resume"):
        response = await client.post(f"/v1/engagement/{action}", json={"account_id": DOCS_ACCOUNT}, headers=OUTFAME)
        assert response.status == 200, await response.text()
    stats = await client.get("/v1/engagement/stats", params={"account_id": DOCS_ACCOUNT}, headers=OUTFAME)
    assert stats.status == 200
    assert seen and max(seen) < 10  # not the thousand events before today
    events = client.app[PROVIDERS]["outfame"].export_state()["events"][DOCS_ACCOUNT]
    assert len(events) == MAX_EVENTS + 2 - FOLDED_EVENTS  # one over the bound folded the oldest away
    assert events[-2:] == [{"kind": "pause", "at_ms": DOCS_NOW_MS, "reason": None, "cancelled": events[-2]["cancelled"]},
                           {"kind": "resume", "at_ms": DOCS_NOW_MS, "delay_ms": events[-1]["delay_ms"]}]


async def test_nyne_callback_deliveries_are_bounded_by_max_jobs(make_client: ClientFactory,
                                                                unused_tcp_port: int) -> None:
    client = await make_client(providers=("nyne",), max_jobs=3)
    for _ in range(5):
        response = await client.post("/person/interactions", headers=NYNE, json={
            "username": "janedoe", "type": "followers", "callback_url": f"http://127.0.0.1:{unused_tcp_port}/h"})
        assert response.status == 202
    deliveries = await (await client.get("/__admin/providers/nyne/callbacks")).json()
    assert [d["id"] for d in deliveries] == ["dlv_000003", "dlv_000004", "dlv_000005"]  # the oldest went first
    state = client.app[PROVIDERS]["nyne"].export_state()
    assert len(state["jobs"]) == len(state["ledger"]["entries"]) == len(state["callbacks"]["deliveries"]) == 3
    assert client.app[SCHEDULER].pending() == 3  # the forgotten deliveries' attempts are not waiting either


async def test_likes_of_forgotten_outx_tasks_stay_and_survive_a_restore(make_client: ClientFactory) -> None:
    client = await make_client(max_jobs=2)
    post = await a_tracked_post(client)
    first = (await like(client, {"social_urn": post["social_urn"]}))["api_agent_task_id"]
    for n in range(70):  # untracked posts push the first task out of the store, and its bookkeeping too
        await like(client, {"social_urn": f"urn:li:activity:{n}"})
    await client.post("/__admin/clock/advance", json={"by": "1m"})
    assert (await task(client, first, status=404))  # forgotten, as --max-jobs says
    likes = await interactions(client, actor_ids=OLDEST_ADMIN["id"])
    assert [item["post"]["social_urn"] for item in likes["data"]] == [post["social_urn"]]  # the like stays

    snapshot = await exported(client)
    assert [f["social_urn"] for f in snapshot["providers"]["outx"]["agent"]["folded"]] == [post["social_urn"]]
    await client.post("/__admin/reset")
    assert (await client.put("/__admin/state", json=snapshot)).status == 200
    assert await exported(client) == snapshot
    assert await interactions(client, actor_ids=OLDEST_ADMIN["id"]) == likes
    again = await like(client, {"social_urn": post["social_urn"]})
    await client.post("/__admin/clock/advance", json={"by": "1m"})
    assert (await task(client, again["api_agent_task_id"]))["data"]["task_output"]["already_liked"] is True


async def test_a_limited_nyne_key_submits_at_a_cost_independent_of_its_jobs_in_flight(
        make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under a frozen clock every job of a key with a concurrent-job limit stays in flight; a submit
    used to look at each of them (10,000 in flight: 25 ms a submit instead of 0.8)."""
    client = await make_client(providers=("nyne",))
    assert (await client.patch("/__admin/flags", json={"nyne": {"rate_limits": False}})).status == 200

    async def submit() -> None:
        response = await client.post("/person/interactions", headers=LIMITED_NYNE,
                                     json={"username": "janedoe", "type": "followers"})
        assert response.status == 202, await response.text()

    for _ in range(600):
        await submit()
    looked_at: list[str] = []
    peek = JobStore.peek
    monkeypatch.setattr(JobStore, "peek", lambda store, job_id: (looked_at.append(job_id), peek(store, job_id))[1])
    for _ in range(20):
        await submit()
    assert len(looked_at) <= 20 * 4  # a few heap tops each, not the 600 jobs in flight
    newest = (await (await client.get("/__admin/providers/nyne/jobs")).json())["jobs"][0]
    # Two at a time, five seconds each: the 620th job waits for the 309 pairs before it.
    assert newest["status"] == "pending" and newest["completes_ms"] - newest["submitted_ms"] == 310 * 5_000


def test_big_app_net_pages_do_not_pile_up_in_the_answer_memo() -> None:
    """A client paging with count=200 (650 KB a page): the memo, bounded by entries alone, held gigabytes
    (1,000 such pages: a served mock at 705 MB)."""
    v = viewer(interactions=4_000)
    for page in range(16):  # 10 MB of answers
        body, payload = v.interactions_page(query(count=200, before_id=4_000 - 200 * page), ANCHOR)
        assert len(body["data"]) == 200 and len(payload) > 500_000
    assert v._pages.bytes <= MAX_MEMO_BYTES and len(v._pages) < 16
