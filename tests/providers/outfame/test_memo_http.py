"""Memoised answers must never be stale: a warm server answers exactly like a cold one in the same state.

Each test warms the memos, moves the clock or the overlay (pause, resume,
state import), and compares every answer, byte for byte, with a server that
never answered before, built at the same instant with the same overlay.
"""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from mockserver.core.clock import parse_instant_ms
from mockserver.store.appkeys import CLOCK, PROVIDERS
from tests.conftest import ClientFactory
from tests.providers.outfame.conftest import (
    AUTH, DOCS_ACCOUNT, DOCS_NOW_MS, HOUR_MS, LOW_LIMITS_ACCOUNT, activity, advance, call, stats,
)

QUERIES: tuple[tuple[str, dict[str, str]], ...] = (
    ("activity", {"account_id": DOCS_ACCOUNT}),
    ("activity", {"account_id": DOCS_ACCOUNT, "limit": "7"}),
    ("activity", {"account_id": DOCS_ACCOUNT, "type": "like", "limit": "5"}),
    ("activity", {"account_id": LOW_LIMITS_ACCOUNT}),
    ("stats", {"account_id": DOCS_ACCOUNT}),
    ("stats", {"account_id": LOW_LIMITS_ACCOUNT}),
)


async def raw(client: TestClient, path: str, params: dict[str, str]) -> bytes:
    response = await client.get(f"/v1/engagement/{path}", params=params, headers=AUTH)
    assert response.status == 200, await response.text()
    return await response.read()


async def answers(client: TestClient) -> list[bytes]:
    return [await raw(client, path, params) for path, params in QUERIES]


async def cold_twin(make_client: ClientFactory, warm: TestClient) -> TestClient:
    """A server that has answered nothing, at the warm one's instant, with the warm one's overlay."""
    twin = await make_client(providers=("outfame",), freeze_at_ms=DOCS_NOW_MS)
    twin.app[CLOCK].advance(warm.app[CLOCK].now_ms() - DOCS_NOW_MS)
    twin.app[PROVIDERS]["outfame"].import_state(warm.app[PROVIDERS]["outfame"].export_state())
    return twin


async def assert_fresh(make_client: ClientFactory, warm: TestClient) -> list[bytes]:
    mine = await answers(warm)
    assert mine == await answers(await cold_twin(make_client, warm))
    return mine


def first_pending(page: dict[str, Any]) -> dict[str, Any]:
    return [item for item in page["data"] if item["status"] == "pending"][-1]  # newest first: the oldest is last


async def test_an_action_stops_being_pending_when_the_clock_reaches_it(make_client: ClientFactory) -> None:
    warm = await make_client(providers=("outfame",), freeze_at_ms=DOCS_NOW_MS)
    before = await assert_fresh(make_client, warm)
    page = await activity(warm, account_id=DOCS_ACCOUNT)
    due = first_pending(page)
    wait = parse_instant_ms(due["performed_at"]) - DOCS_NOW_MS
    await advance(warm, wait)
    after = await assert_fresh(make_client, warm)
    assert after != before
    now_done = {item["id"]: item for item in (await activity(warm, account_id=DOCS_ACCOUNT))["data"]}
    assert now_done[due["id"]]["status"] != "pending"


async def test_stats_count_each_action_as_it_happens(make_client: ClientFactory) -> None:
    warm = await make_client(providers=("outfame",), freeze_at_ms=DOCS_NOW_MS)
    seen = [await stats(warm)]
    for _ in range(5):  # walk from one attempt to the next
        wait = parse_instant_ms(seen[-1]["next_action_at"]) - warm.app[CLOCK].now_ms()
        await advance(warm, wait)
        await assert_fresh(make_client, warm)
        seen.append(await stats(warm))
    assert len({body["next_action_at"] for body in seen}) == len(seen)
    assert seen[-1]["total_actions_today"] > seen[0]["total_actions_today"]


async def test_pause_and_resume_change_answers_without_the_clock_moving(make_client: ClientFactory) -> None:
    warm = await make_client(providers=("outfame",), freeze_at_ms=DOCS_NOW_MS)
    running = await answers(warm)
    await call(warm, "POST", "pause", json={"account_id": DOCS_ACCOUNT})
    paused = await assert_fresh(make_client, warm)
    assert paused != running
    assert (await stats(warm))["status"] == "paused"
    assert not [item for item in (await activity(warm, account_id=DOCS_ACCOUNT))["data"]
                if item["status"] == "pending"]
    await call(warm, "POST", "resume", json={"account_id": DOCS_ACCOUNT})
    resumed = await assert_fresh(make_client, warm)
    assert resumed not in (running, paused)
    assert (await stats(warm))["status"] == "active"


async def test_importing_another_overlay_of_the_same_size_changes_the_answers(make_client: ClientFactory) -> None:
    """Same number of events, different events: nothing keyed on the overlay's size may survive."""
    warm = await make_client(providers=("outfame",), freeze_at_ms=DOCS_NOW_MS)
    await call(warm, "POST", "pause", json={"account_id": DOCS_ACCOUNT})
    paused_now = await answers(warm)
    runtime = warm.app[PROVIDERS]["outfame"]
    runtime.import_state({"events": {DOCS_ACCOUNT: [
        {"kind": "pause", "at_ms": DOCS_NOW_MS - 3 * HOUR_MS, "reason": None, "cancelled": 0}]}})
    earlier = await assert_fresh(make_client, warm)
    assert earlier != paused_now


async def test_importing_a_resume_seconds_apart_changes_the_answers(make_client: ClientFactory) -> None:
    """Two overlays alike in size and shape: the walk after the resume starts at another instant, so
    its actions have other ids and times though they have the same sequence numbers."""
    warm = await make_client(providers=("outfame",), freeze_at_ms=DOCS_NOW_MS)
    runtime = warm.app[PROVIDERS]["outfame"]
    seen = []
    for resumed_ms in (DOCS_NOW_MS - 2 * HOUR_MS, DOCS_NOW_MS - 2 * HOUR_MS + 7_000):
        runtime.import_state({"events": {DOCS_ACCOUNT: [
            {"kind": "pause", "at_ms": DOCS_NOW_MS - 3 * HOUR_MS, "reason": None, "cancelled": 0},
            {"kind": "resume", "at_ms": resumed_ms, "delay_ms": 60_000}]}})
        seen.append(await assert_fresh(make_client, warm))
    assert seen[0] != seen[1]


async def test_a_warm_server_repeats_itself_byte_for_byte(make_client: ClientFactory) -> None:
    warm = await make_client(providers=("outfame",), freeze_at_ms=DOCS_NOW_MS)
    first = await assert_fresh(make_client, warm)
    assert await answers(warm) == first
