"""GET /v1/engagement/activity through HTTP: every parameter, cursor paging, the documented shape."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.providers.outfame.conftest import (
    AUTH, DOCS_ACCOUNT, HOUR_MS, LOW_LIMITS_ACCOUNT, MINUTE_MS, SETUP_ACCOUNT, activity, advance, call,
    error_code, whole_log,
)

TYPES = ("like", "follow", "comment", "story_view")


async def test_the_documented_request_works_verbatim(outfame: TestClient) -> None:
    response = await outfame.get("/v1/engagement/activity?account_id=acc_7Gx2kLm9Qr&type=like&limit=5",
                                 headers={"Authorization": "Bearer sk_live_your_api_key"})
    assert response.status == 200
    body = await response.json()
    assert len(body["data"]) == 5 and body["has_more"] is True and body["next_cursor"].startswith("cur_")
    for item in body["data"]:
        assert item["type"] == "like" and item["id"].startswith("act_")
        assert item["source"].split(":", 1)[0] in ("hashtag", "competitor", "location")
        assert 0 <= item["quality_score"] <= 1
        assert item["performed_at"].startswith("2026-02-09T")
    times = [item["performed_at"] for item in body["data"]]
    assert times == sorted(times, reverse=True)


async def test_sources_come_from_the_accounts_targeting(outfame: TestClient) -> None:
    allowed = {"hashtag:fitness", "hashtag:gymlife", "hashtag:healthyeating", "hashtag:homeworkout",
               "competitor:competitor1", "competitor:fitwithmia", "competitor:liftclub.la",
               "location:Los Angeles, CA", "location:Santa Monica, CA"}
    items = await whole_log(outfame, account_id=DOCS_ACCOUNT)
    assert {item["source"] for item in items} <= allowed
    kinds = Counter(item["source"].split(":")[0] for item in items)
    assert kinds["hashtag"] > kinds["competitor"] > kinds["location"] > 0


async def test_statuses_and_target_fields_by_type(outfame: TestClient) -> None:
    items = await whole_log(outfame, account_id=DOCS_ACCOUNT)
    statuses = Counter(item["status"] for item in items)
    assert set(statuses) == {"completed", "skipped", "failed", "pending"}
    assert statuses["completed"] > 10 * statuses["failed"]
    for item in items:
        if item["type"] == "follow":
            assert item["target_post_id"] is None
        elif item["type"] == "story_view":
            assert item["target_post_id"].isdigit()
        else:
            assert len(item["target_post_id"]) == 10
        if item["status"] == "skipped":
            assert item["quality_score"] <= 0.55
        if item["status"] == "completed":
            assert item["quality_score"] >= 0.62


async def test_pending_actions_are_the_next_fifteen_minutes_and_come_first(outfame: TestClient) -> None:
    items = await whole_log(outfame, account_id=DOCS_ACCOUNT)
    pending = [item for item in items if item["status"] == "pending"]
    assert pending and items[:len(pending)] == pending
    assert all("2026-02-09T14:30:00Z" < item["performed_at"] <= "2026-02-09T14:45:00Z" for item in pending)


async def test_pages_join_without_duplicates_or_gaps(outfame: TestClient) -> None:
    everything = (await activity(outfame, account_id=DOCS_ACCOUNT, limit="200"))["data"]
    for size in (1, 7, 50):
        if size == 1:
            everything_small = everything[:30]
            pages, query = [], {"account_id": DOCS_ACCOUNT, "limit": "1"}
            for _ in range(30):
                page = await activity(outfame, **query)
                pages.extend(page["data"])
                query["cursor"] = page["next_cursor"]
            assert pages == everything_small
        else:
            assert (await whole_log(outfame, limit=size, account_id=DOCS_ACCOUNT))[:200] == everything


async def test_cursors_stay_stable_while_new_actions_happen(outfame: TestClient) -> None:
    before = await whole_log(outfame, account_id=DOCS_ACCOUNT)
    first = await activity(outfame, account_id=DOCS_ACCOUNT, limit="20")
    await advance(outfame, 2 * HOUR_MS)
    rest = await whole_log(outfame, account_id=DOCS_ACCOUNT, cursor=first["next_cursor"])
    assert [item["id"] for item in first["data"] + rest] == [item["id"] for item in before]
    # The pending ones on page one were performed since; everything older is unchanged.
    assert rest == before[20:]
    now = await whole_log(outfame, account_id=DOCS_ACCOUNT)
    assert len(now) > len(before) and now[-len(before):][20:] == before[20:]
    ids = [item["id"] for item in now]
    assert len(ids) == len(set(ids))


async def test_type_filter_partitions_the_log(outfame: TestClient) -> None:
    everything = await whole_log(outfame, account_id=DOCS_ACCOUNT)
    by_type = {kind: await whole_log(outfame, account_id=DOCS_ACCOUNT, type=kind) for kind in TYPES}
    for kind, items in by_type.items():
        assert items == [item for item in everything if item["type"] == kind]
    assert sum(len(items) for items in by_type.values()) == len(everything)


async def test_date_filter_returns_whole_past_days(outfame: TestClient) -> None:
    today = await whole_log(outfame, account_id=DOCS_ACCOUNT)
    explicit = await whole_log(outfame, account_id=DOCS_ACCOUNT, date="2026-02-09")
    assert explicit == today
    yesterday = await whole_log(outfame, account_id=DOCS_ACCOUNT, date="2026-02-08")
    assert all(item["performed_at"].startswith("2026-02-08T") for item in yesterday)
    assert all(item["status"] != "pending" for item in yesterday)
    done = Counter(item["type"] for item in yesterday if item["status"] == "completed")
    assert done == {"like": 150, "follow": 60, "comment": 20, "story_view": 200}  # a full day reaches its limits
    assert await whole_log(outfame, account_id=DOCS_ACCOUNT, date="2026-02-10") == []  # not planned yet
    assert await whole_log(outfame, account_id=DOCS_ACCOUNT, date="2025-01-01") == []  # before the account joined
    assert await whole_log(outfame, account_id=SETUP_ACCOUNT) == []


async def test_active_hours_bound_the_day(outfame: TestClient) -> None:
    items = await whole_log(outfame, account_id=LOW_LIMITS_ACCOUNT, date="2026-02-08")
    assert items and all("T08:00:00Z" <= item["performed_at"][10:] < "T20:00:00Z" for item in items)
    assert not any(item["type"] == "story_view" for item in items)  # its story_view limit is 0


async def test_limit_defaults_to_50_and_allows_200(outfame: TestClient) -> None:
    assert len((await activity(outfame, account_id=DOCS_ACCOUNT))["data"]) == 50
    assert len((await activity(outfame, account_id=DOCS_ACCOUNT, limit="200"))["data"]) == 200


async def test_last_page_has_no_cursor(outfame: TestClient) -> None:
    page = await activity(outfame, account_id=LOW_LIMITS_ACCOUNT, date="2026-02-08", limit="200")
    assert page["has_more"] is False and page["next_cursor"] is None


async def test_an_empty_cursor_means_the_first_page(outfame: TestClient) -> None:
    assert await activity(outfame, account_id=DOCS_ACCOUNT, cursor="") == await activity(outfame, account_id=DOCS_ACCOUNT)


# -- bad input -----------------------------------------------------------------------

@pytest.mark.parametrize("params, code, param", [
    ({}, "missing_parameter", "account_id"),
    ({"account_id": " "}, "missing_parameter", "account_id"),
    ({"account_id": DOCS_ACCOUNT, "type": "share"}, "invalid_parameter", "type"),
    ({"account_id": DOCS_ACCOUNT, "type": "LIKE"}, "invalid_parameter", "type"),
    ({"account_id": DOCS_ACCOUNT, "type": ""}, "invalid_parameter", "type"),
    ({"account_id": DOCS_ACCOUNT, "limit": "0"}, "invalid_parameter", "limit"),
    ({"account_id": DOCS_ACCOUNT, "limit": "201"}, "invalid_parameter", "limit"),
    ({"account_id": DOCS_ACCOUNT, "limit": "1.5"}, "invalid_parameter", "limit"),
    ({"account_id": DOCS_ACCOUNT, "limit": "-1"}, "invalid_parameter", "limit"),
    ({"account_id": DOCS_ACCOUNT, "limit": ""}, "invalid_parameter", "limit"),
    ({"account_id": DOCS_ACCOUNT, "date": "2026-02-30"}, "invalid_parameter", "date"),
    ({"account_id": DOCS_ACCOUNT, "date": "2026-2-9"}, "invalid_parameter", "date"),
    ({"account_id": DOCS_ACCOUNT, "date": "20260209"}, "invalid_parameter", "date"),
    ({"account_id": DOCS_ACCOUNT, "date": "2026-02-09T00:00:00Z"}, "invalid_parameter", "date"),
    ({"account_id": DOCS_ACCOUNT, "date": "today"}, "invalid_parameter", "date"),
    ({"account_id": DOCS_ACCOUNT, "cursor": "cur_xYz789AbC"}, "invalid_cursor", "cursor"),
    ({"account_id": DOCS_ACCOUNT, "cursor": "abc"}, "invalid_cursor", "cursor"),
    ({"account_id": DOCS_ACCOUNT, "cursor": "cur_!!!!"}, "invalid_cursor", "cursor"),
    ({"account_id": DOCS_ACCOUNT, "cursor": "cur_" + "A" * 24}, "invalid_cursor", "cursor"),
    ([("account_id", DOCS_ACCOUNT), ("account_id", DOCS_ACCOUNT)], "invalid_parameter", "account_id"),
    ([("account_id", DOCS_ACCOUNT), ("limit", "5"), ("limit", "6")], "invalid_parameter", "limit"),
])
async def test_400_for_bad_parameters(outfame: TestClient, params: Any, code: str, param: str) -> None:
    body = await activity(outfame, 400, **dict(params)) if isinstance(params, dict) else \
        await call(outfame, "GET", "activity", 400, params=params)
    assert error_code(body) == code and body["error"]["param"] == param


async def test_a_tampered_cursor_is_refused(outfame: TestClient) -> None:
    cursor = (await activity(outfame, account_id=DOCS_ACCOUNT))["next_cursor"]
    for broken in (cursor[:-1], cursor + "A", cursor[:-2] + ("AA" if cursor[-2:] != "AA" else "BB")):
        assert error_code(await activity(outfame, 400, account_id=DOCS_ACCOUNT, cursor=broken)) == "invalid_cursor"


async def test_a_cursor_is_bound_to_its_account_type_and_date(outfame: TestClient) -> None:
    cursor = (await activity(outfame, account_id=DOCS_ACCOUNT, type="like"))["next_cursor"]
    for params in ({"account_id": LOW_LIMITS_ACCOUNT, "type": "like"}, {"account_id": DOCS_ACCOUNT},
                   {"account_id": DOCS_ACCOUNT, "type": "follow"},
                   {"account_id": DOCS_ACCOUNT, "type": "like", "date": "2026-02-08"}):
        body = await activity(outfame, 400, cursor=cursor, **params)
        assert error_code(body) == "invalid_cursor"
    # The date it was issued for is allowed, and implied when absent.
    await activity(outfame, account_id=DOCS_ACCOUNT, type="like", date="2026-02-09", cursor=cursor)


async def test_a_cursor_keeps_its_day_after_midnight(outfame: TestClient) -> None:
    first = await activity(outfame, account_id=DOCS_ACCOUNT, limit="100")
    before = await whole_log(outfame, account_id=DOCS_ACCOUNT, cursor=first["next_cursor"])
    await advance(outfame, 12 * HOUR_MS)  # now the next day
    assert await whole_log(outfame, account_id=DOCS_ACCOUNT, cursor=first["next_cursor"]) == before


async def test_unknown_parameters_are_ignored(outfame: TestClient) -> None:
    base = await activity(outfame, account_id=DOCS_ACCOUNT)
    assert await activity(outfame, account_id=DOCS_ACCOUNT, page="3", foo="bar") == base


async def test_the_same_seed_and_clock_give_identical_bytes(make_client: Any) -> None:
    from tests.providers.outfame.conftest import DOCS_NOW_MS
    bodies = []
    for _ in range(2):
        client = await make_client(providers=("outfame",), freeze_at_ms=DOCS_NOW_MS)
        response = await client.get("/v1/engagement/activity", params={"account_id": DOCS_ACCOUNT, "limit": "200"},
                                    headers=AUTH)
        bodies.append(await response.read())
        response = await client.get("/v1/engagement/stats", params={"account_id": DOCS_ACCOUNT}, headers=AUTH)
        bodies.append(await response.read())
    assert bodies[0] == bodies[2] and bodies[1] == bodies[3]
    other = await make_client(providers=("outfame",), freeze_at_ms=DOCS_NOW_MS, seed=2)
    response = await other.get("/v1/engagement/activity", params={"account_id": DOCS_ACCOUNT, "limit": "200"},
                               headers=AUTH)
    assert await response.read() != bodies[0]


async def test_minutes_later_the_queue_has_moved_on(outfame: TestClient) -> None:
    before = await whole_log(outfame, account_id=DOCS_ACCOUNT)
    await advance(outfame, 20 * MINUTE_MS)
    after = await whole_log(outfame, account_id=DOCS_ACCOUNT)
    old = {item["id"]: item for item in before}
    for item in after:
        if item["id"] in old and old[item["id"]]["status"] != "pending":
            assert item == old[item["id"]]  # the past never changes
    assert all(item["status"] != "pending" for item in after if item["id"] in old)
