"""Several simulated days through HTTP: limits, the 72-hour rule, and clock-advance equals time passing."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from aiohttp.test_utils import TestClient

from mockserver.core.clock import DAY_MS, parse_instant_ms
from tests.conftest import ClientFactory
from tests.providers.outfame.conftest import (
    AUTH, DOCS_ACCOUNT, DOCS_NOW_MS, HOUR_MS, LOW_LIMITS_ACCOUNT, advance, call, whole_log,
)

LIMITS = {DOCS_ACCOUNT: {"like": 150, "follow": 60, "comment": 20, "story_view": 200},
          LOW_LIMITS_ACCOUNT: {"like": 12, "follow": 5, "comment": 2, "story_view": 0}}
HOURS_72_MS = 72 * HOUR_MS


async def days_of_log(client: TestClient, account_id: str, first: date, count: int) -> list[dict]:
    items = []
    for offset in range(count):
        day = (first + timedelta(days=offset)).isoformat()
        items.extend(await whole_log(client, account_id=account_id, date=day))
    return items


async def test_limits_and_the_72_hour_rule_hold_over_a_week(outfame: TestClient) -> None:
    await advance(outfame, 5 * DAY_MS)  # 2026-02-14 14:30: the week before is all in the past
    for account_id, limits in LIMITS.items():
        items = await days_of_log(outfame, account_id, date(2026, 2, 7), 8)
        per_day: dict[str, Counter] = defaultdict(Counter)
        for item in items:
            if item["status"] == "completed":
                per_day[item["performed_at"][:10]][item["type"]] += 1
        assert len(per_day) == 8
        for counts in per_day.values():
            assert all(counts[kind] <= limit for kind, limit in limits.items())
        last_seen: dict[str, int] = {}
        for item in sorted(items, key=lambda item: item["performed_at"]):
            at = parse_instant_ms(item["performed_at"])
            previous = last_seen.get(item["target_username"])
            assert previous is None or at - previous >= HOURS_72_MS, item
            last_seen[item["target_username"]] = at


async def test_pacing_is_human_like(outfame: TestClient) -> None:
    items = await whole_log(outfame, account_id=DOCS_ACCOUNT, date="2026-02-08")
    times = sorted(parse_instant_ms(item["performed_at"]) for item in items)
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 5_000
    assert len(set(gaps)) > 60  # irregular, not a metronome
    assert sum(gap >= 5 * 60_000 for gap in gaps) >= 10  # cool-downs between bursts
    hours = Counter(int(item["performed_at"][11:13]) for item in items)
    assert len(hours) >= 14  # spread through the active hours


async def test_advancing_a_frozen_clock_equals_starting_later(make_client: ClientFactory) -> None:
    early = await make_client(providers=("outfame",), freeze_at_ms=DOCS_NOW_MS)
    await advance(early, 3 * DAY_MS + 5 * HOUR_MS)
    late = await make_client(providers=("outfame",), freeze_at_ms=DOCS_NOW_MS + 3 * DAY_MS + 5 * HOUR_MS)
    for params in ({}, {"date": "2026-02-11"}, {"type": "comment"}):
        query = {"account_id": DOCS_ACCOUNT, "limit": "200", **params}
        assert await call(early, "GET", "activity", params=query) == await call(late, "GET", "activity", params=query)
    query = {"account_id": DOCS_ACCOUNT}
    assert await call(early, "GET", "stats", params=query) == await call(late, "GET", "stats", params=query)


async def test_a_pause_spanning_midnight_stops_the_next_day_too(outfame: TestClient) -> None:
    await call(outfame, "POST", "pause", json={"account_id": DOCS_ACCOUNT})
    await advance(outfame, DAY_MS)
    assert await whole_log(outfame, account_id=DOCS_ACCOUNT) == []
    body = await call(outfame, "GET", "stats", params={"account_id": DOCS_ACCOUNT}, headers=AUTH)
    assert body["total_actions_today"] == 0 and body["avg_quality_score"] is None
    await call(outfame, "POST", "resume", json={"account_id": DOCS_ACCOUNT})
    await advance(outfame, 9 * HOUR_MS)  # 23:30: a late start still respects the day's limits
    body = await call(outfame, "GET", "stats", params={"account_id": DOCS_ACCOUNT})
    assert 0 < body["total_actions_today"] <= 430
    assert all(usage["remaining"] >= 0 for usage in body["actions"].values())
