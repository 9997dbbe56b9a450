"""GET /v1/engagement/stats through HTTP: the numbers agree with the activity log."""

from __future__ import annotations

from collections import Counter

import pytest
from aiohttp.test_utils import TestClient

from tests.providers.outfame.conftest import (
    DOCS_ACCOUNT, HOUR_MS, LOW_LIMITS_ACCOUNT, MINUTE_MS, PAUSED_ACCOUNT, SETUP_ACCOUNT, SUSPENDED_ACCOUNT,
    advance, call, error_code, stats, whole_log,
)

PLURAL = {"like": "likes", "follow": "follows", "comment": "comments", "story_view": "story_views"}


async def assert_stats_match_log(client: TestClient, account_id: str) -> dict:
    body = await stats(client, account_id)
    items = await whole_log(client, account_id=account_id)
    done = Counter(item["type"] for item in items if item["status"] == "completed")
    for kind, name in PLURAL.items():
        usage = body["actions"][name]
        assert usage["performed"] == done[kind]
        assert usage["remaining"] == usage["limit"] - usage["performed"] >= 0
    assert body["total_actions_today"] == sum(done.values())
    completed = [item["quality_score"] for item in items if item["status"] == "completed"]
    if completed:
        assert body["avg_quality_score"] == pytest.approx(sum(completed) / len(completed), abs=0.0051)
    else:
        assert body["avg_quality_score"] is None
    pending = [item for item in items if item["status"] == "pending"]
    if pending and body["status"] == "active":
        assert body["next_action_at"] == pending[-1]["performed_at"]  # the oldest pending is the next
    return body


async def test_the_documented_request_and_shape(outfame: TestClient) -> None:
    response = await outfame.get("/v1/engagement/stats?account_id=acc_7Gx2kLm9Qr",
                                 headers={"Authorization": "Bearer sk_live_your_api_key"})
    assert response.status == 200
    body = await response.json()
    assert body["account_id"] == DOCS_ACCOUNT and body["date"] == "2026-02-09" and body["status"] == "active"
    assert [body["actions"][name]["limit"] for name in PLURAL.values()] == [150, 60, 20, 200]
    assert body["resets_at"] == "2026-02-10T00:00:00Z"
    assert "2026-02-09T14:30:00Z" < body["next_action_at"] < "2026-02-09T15:30:00Z"


async def test_stats_equal_counts_over_the_paged_log_through_the_day(outfame: TestClient) -> None:
    await advance(outfame, 15 * HOUR_MS + 40 * MINUTE_MS)  # to 06:10 the next day
    seen = []
    for _ in range(9):  # 06:10 to 22:10, every two hours
        body = await assert_stats_match_log(outfame, DOCS_ACCOUNT)
        await assert_stats_match_log(outfame, LOW_LIMITS_ACCOUNT)
        assert body["date"] == "2026-02-10"
        seen.append(body["total_actions_today"])
        await advance(outfame, 2 * HOUR_MS)
    assert seen == sorted(seen) and seen[0] < 30 and seen[-1] > 400


async def test_at_the_end_of_a_day_every_limit_is_reached_and_next_action_is_tomorrow(outfame: TestClient) -> None:
    await advance(outfame, 9 * HOUR_MS)  # 23:30
    body = await assert_stats_match_log(outfame, DOCS_ACCOUNT)
    assert all(usage["remaining"] == 0 for usage in body["actions"].values())
    assert body["next_action_at"].startswith("2026-02-10T06:")


async def test_conversion_rates_are_plausible_and_stable_within_a_day(outfame: TestClient) -> None:
    first = (await stats(outfame))["conversion_rates"]
    await advance(outfame, 3 * HOUR_MS)
    assert (await stats(outfame))["conversion_rates"] == first
    assert 0.03 <= first["like_to_follow_back"] <= 0.07
    assert 0.15 <= first["follow_to_follow_back"] <= 0.29
    assert 0.10 <= first["comment_to_follow_back"] <= 0.20
    assert 0.02 <= first["story_view_to_follow_back"] <= 0.05
    assert first["follow_to_follow_back"] > first["like_to_follow_back"]
    await advance(outfame, 10 * HOUR_MS)
    assert (await stats(outfame))["conversion_rates"] != first


async def test_the_stopped_accounts_report_their_status(outfame: TestClient) -> None:
    for account_id, status in ((PAUSED_ACCOUNT, "paused"), (SUSPENDED_ACCOUNT, "suspended"), (SETUP_ACCOUNT, "setup")):
        body = await assert_stats_match_log(outfame, account_id)
        assert body["status"] == status and body["next_action_at"] is None
        assert body["total_actions_today"] == 0  # stopped 26 h or more ago (setup: never started)
    assert await whole_log(outfame, account_id=PAUSED_ACCOUNT, date="2026-02-07")  # but it worked before


async def test_unknown_account_is_404(outfame: TestClient) -> None:
    body = await call(outfame, "GET", "stats", 404, params={"account_id": "acc_nope"})
    assert error_code(body) == "account_not_found"
    body = await call(outfame, "GET", "stats", 400, params={})
    assert error_code(body) == "missing_parameter"
