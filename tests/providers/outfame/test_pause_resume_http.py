"""POST pause and resume through HTTP: the queue, the engine stopping and restarting, every error."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockserver.core.clock import date_of_ms, parse_instant_ms
from tests.conftest import ClientFactory
from tests.providers.outfame.conftest import (
    AUTH, DOCS_ACCOUNT, HOUR_MS, LOW_LIMITS_ACCOUNT, MINUTE_MS, OTHER_WORKSPACE_ACCOUNT, PAUSED_ACCOUNT, SETUP_ACCOUNT,
    SUSPENDED_ACCOUNT, advance, call, error_code, stats, whole_log,
)


async def pause(client: TestClient, status: int = 200, **body: Any) -> Any:
    return await call(client, "POST", "pause", status, json={"account_id": DOCS_ACCOUNT, **body})


async def resume(client: TestClient, status: int = 200, **body: Any) -> Any:
    return await call(client, "POST", "resume", status, json={"account_id": DOCS_ACCOUNT, **body})


def pending(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [item for item in items if item["status"] == "pending"]


async def test_the_documented_pause_cancels_the_real_queue(outfame: TestClient) -> None:
    before = await whole_log(outfame, account_id=DOCS_ACCOUNT)
    queued = pending(before)
    assert queued
    response = await outfame.post("/v1/engagement/pause", data=b'{"account_id": "acc_7Gx2kLm9Qr", '
                                  b'"reason": "Scheduled maintenance"}',
                                  headers={"Authorization": "Bearer sk_live_your_api_key",
                                           "Content-Type": "application/json"})
    assert response.status == 200
    assert await response.json() == {"account_id": DOCS_ACCOUNT, "status": "paused",
                                     "paused_at": "2026-02-09T14:30:00Z", "queued_actions_cancelled": len(queued)}
    after = await whole_log(outfame, account_id=DOCS_ACCOUNT)
    assert after == before[len(queued):]  # the queue is gone, the past is untouched
    body = await stats(outfame)
    assert body["status"] == "paused" and body["next_action_at"] is None


async def test_a_paused_account_performs_nothing_and_resume_restarts_within_two_minutes(outfame: TestClient) -> None:
    await pause(outfame)
    performed = await whole_log(outfame, account_id=DOCS_ACCOUNT)
    await advance(outfame, 3 * HOUR_MS)
    assert await whole_log(outfame, account_id=DOCS_ACCOUNT) == performed
    total = (await stats(outfame))["total_actions_today"]

    answer = await resume(outfame)
    assert answer == {"account_id": DOCS_ACCOUNT, "status": "active", "resumed_at": "2026-02-09T17:30:00Z"}
    body = await stats(outfame)
    assert body["status"] == "active"
    resumed = parse_instant_ms(answer["resumed_at"])
    first = parse_instant_ms(body["next_action_at"])
    assert resumed + MINUTE_MS <= first <= resumed + 2 * MINUTE_MS
    assert len(await whole_log(outfame, account_id=DOCS_ACCOUNT)) > len(performed)  # queued again

    await advance(outfame, 2 * MINUTE_MS)
    items = await whole_log(outfame, account_id=DOCS_ACCOUNT)
    new = [item for item in items if item["performed_at"] > "2026-02-09T17:30:00Z" and item["status"] != "pending"]
    assert new and new[-1]["performed_at"] == body["next_action_at"]
    await advance(outfame, HOUR_MS)
    assert (await stats(outfame))["total_actions_today"] > total


@pytest.mark.parametrize("paused_at, resume_at", [
    ("2026-02-10T00:30:00Z", "2026-02-10T01:04:00Z"),  # the review's case: before the assumed 06:00 start
    ("2026-02-09T15:00:00Z", "2026-02-09T23:30:00Z"),  # after the assumed 23:00 end (limits not yet spent)
    ("2026-02-09T15:00:00Z", "2026-02-09T23:59:30Z"),  # the first action falls on the next day
    ("2026-02-10T03:00:00Z", "2026-02-10T05:59:00Z"),
])
async def test_the_resume_promise_holds_at_night_for_accounts_without_hours_of_their_own(
        make_client: ClientFactory, paused_at: str, resume_at: str) -> None:
    """"Growth begins again within 1-2 minutes", also outside the mock's assumed 06-23 UTC hours."""
    client = await make_client(providers=("outfame",), freeze_at_ms=parse_instant_ms(paused_at))
    await pause(client)
    resumed = parse_instant_ms(resume_at)
    await advance(client, resumed - parse_instant_ms(paused_at))
    assert (await resume(client))["resumed_at"] == resume_at
    first = parse_instant_ms((await stats(client))["next_action_at"])
    assert resumed + MINUTE_MS <= first <= resumed + 2 * MINUTE_MS
    await advance(client, 2 * MINUTE_MS)
    when = date_of_ms(resumed + 2 * MINUTE_MS)
    done = [item for item in await whole_log(client, account_id=DOCS_ACCOUNT, date=when)
            if item["status"] != "pending" and item["performed_at"] > resume_at]
    assert done and parse_instant_ms(done[-1]["performed_at"]) == first


async def test_accounts_with_their_own_hours_resume_at_their_next_active_minute(make_client: ClientFactory) -> None:
    """acc_L0wL1m1ts1 works 08:00-20:00 UTC by its scenario: a night resume waits for the morning, a resume
    inside its hours keeps the 1-2 minute promise."""
    client = await make_client(providers=("outfame",), freeze_at_ms=parse_instant_ms("2026-02-09T23:00:00Z"))
    await pause(client, account_id=LOW_LIMITS_ACCOUNT)
    await advance(client, 2 * HOUR_MS)  # 01:00
    await resume(client, account_id=LOW_LIMITS_ACCOUNT)
    first = (await stats(client, LOW_LIMITS_ACCOUNT))["next_action_at"]
    assert "2026-02-10T08:00:00Z" <= first <= "2026-02-10T08:12:00Z"  # the day's opening
    await advance(client, 9 * HOUR_MS + 30 * MINUTE_MS)  # 10:30, inside its hours
    await pause(client, account_id=LOW_LIMITS_ACCOUNT)
    await advance(client, HOUR_MS)
    answer = await resume(client, account_id=LOW_LIMITS_ACCOUNT)
    resumed = parse_instant_ms(answer["resumed_at"])
    following = parse_instant_ms((await stats(client, LOW_LIMITS_ACCOUNT))["next_action_at"])
    assert resumed + MINUTE_MS <= following <= resumed + 2 * MINUTE_MS


async def test_ids_after_a_resume_are_new(outfame: TestClient) -> None:
    queued = {item["id"] for item in pending(await whole_log(outfame, account_id=DOCS_ACCOUNT))}
    await pause(outfame)
    await resume(outfame)
    await advance(outfame, 30 * MINUTE_MS)
    ids = [item["id"] for item in await whole_log(outfame, account_id=DOCS_ACCOUNT)]
    assert len(ids) == len(set(ids)) and not queued & set(ids)


async def test_cursors_survive_a_pause_and_resume(outfame: TestClient) -> None:
    everything = await whole_log(outfame, account_id=DOCS_ACCOUNT)
    first = await call(outfame, "GET", "activity", params={"account_id": DOCS_ACCOUNT, "limit": "40"})
    await pause(outfame)
    await resume(outfame)
    await advance(outfame, HOUR_MS)
    rest = await whole_log(outfame, account_id=DOCS_ACCOUNT, cursor=first["next_cursor"])
    assert rest == everything[40:]


async def test_pause_then_resume_twice_in_a_row(outfame: TestClient) -> None:
    await pause(outfame, reason=None)
    assert error_code(await pause(outfame, 400)) == "already_paused"
    assert (await resume(outfame))["status"] == "active"
    assert error_code(await resume(outfame, 400)) == "already_active"
    # Paused again during the 1-2 minute start-up: nothing was queued yet.
    assert (await pause(outfame))["queued_actions_cancelled"] >= 0


async def test_resume_an_account_the_scenario_paused(outfame: TestClient) -> None:
    assert error_code(await pause(outfame, 400, account_id=PAUSED_ACCOUNT)) == "already_paused"
    await resume(outfame, account_id=PAUSED_ACCOUNT)
    await advance(outfame, HOUR_MS)
    body = await stats(outfame, PAUSED_ACCOUNT)
    assert body["status"] == "active" and body["total_actions_today"] > 0


@pytest.mark.parametrize("account_id, code", [(SUSPENDED_ACCOUNT, "account_suspended"),
                                              (SETUP_ACCOUNT, "account_in_setup")])
async def test_suspended_and_setup_accounts_cannot_be_paused_or_resumed(outfame: TestClient, account_id: str,
                                                                       code: str) -> None:
    assert error_code(await pause(outfame, 400, account_id=account_id)) == code
    assert error_code(await resume(outfame, 400, account_id=account_id)) == code


@pytest.mark.parametrize("account_id", ["acc_doesNotExist", OTHER_WORKSPACE_ACCOUNT, "x" * 300])
async def test_404_account_not_found(outfame: TestClient, account_id: str) -> None:
    for action in (pause, resume):
        body = await action(outfame, 404, account_id=account_id)
        assert error_code(body) == "account_not_found" and body["error"]["param"] == "account_id"


@pytest.mark.parametrize("data, code", [
    (b"", "missing_parameter"),
    (b"{}", "missing_parameter"),
    (b'{"account_id": ""}', "missing_parameter"),
    (b'{"account_id": null}', "missing_parameter"),
    (b'{"account_id": 42}', "invalid_parameter"),
    (b'{"account_id": ["acc_7Gx2kLm9Qr"]}', "invalid_parameter"),
    (b'{"account_id": "acc_7Gx2kLm9Qr", "reason": 5}', "invalid_parameter"),
    (b'{"account_id": "acc_7Gx2kLm9Qr", "reason": "' + b"x" * 501 + b'"}', "invalid_parameter"),
    (b"{not json", "invalid_json"),
    (b"\xff\xfe", "invalid_json"),
    (b'["acc_7Gx2kLm9Qr"]', "invalid_json"),
    (b'"acc_7Gx2kLm9Qr"', "invalid_json"),
])
async def test_400_for_bad_pause_bodies(outfame: TestClient, data: bytes, code: str) -> None:
    body = await call(outfame, "POST", "pause", 400, data=data)
    assert error_code(body) == code
    assert (await stats(outfame))["status"] == "active"  # nothing changed


@pytest.mark.parametrize("data, code", [(b"", "missing_parameter"), (b"[]", "invalid_json"),
                                        (b'{"account_id": 1}', "invalid_parameter")])
async def test_400_for_bad_resume_bodies(outfame: TestClient, data: bytes, code: str) -> None:
    assert error_code(await call(outfame, "POST", "resume", 400, data=data)) == code


async def test_unknown_body_fields_are_ignored(outfame: TestClient) -> None:
    assert (await pause(outfame, note="x"))["status"] == "paused"


async def test_a_huge_body_is_413_not_500(outfame: TestClient) -> None:
    body = await call(outfame, "POST", "pause", 413, data=b"{" + b" " * (2 * 1024 * 1024) + b"}")
    assert error_code(body) == "payload_too_large"


async def test_wrong_methods_are_405_in_outfames_error_shape(outfame: TestClient) -> None:
    for method, path in (("GET", "pause"), ("POST", "activity"), ("PUT", "resume"), ("DELETE", "stats")):
        body = await call(outfame, method, path, 405)
        assert error_code(body) == "method_not_allowed", path


@pytest.mark.parametrize("method, path", [("GET", "/v1/engagement/actions"), ("GET", "/v1/engagement"),
                                          ("POST", "/v1/engagement/"), ("GET", "/v1/engagement/stats/today"),
                                          ("DELETE", "/v1/engagement/accounts/acc_7Gx2kLm9Qr")])
async def test_unknown_paths_under_v1_engagement_are_404_in_outfames_error_shape(
        outfame: TestClient, method: str, path: str) -> None:
    response = await outfame.request(method, path, headers=AUTH)
    assert response.status == 404 and response.content_type == "application/json"
    assert await response.json() == {"error": {"code": "not_found", "message": f"No route for {method} {path}"}}


async def test_the_resume_promise_holds_as_shown_to_the_second(make_client: ClientFactory) -> None:
    """Answers show whole seconds: a resume at .999 s still shows its first action at most 120 s after resumed_at."""
    start = parse_instant_ms("2026-02-09T15:00:00Z")
    client = await make_client(providers=("outfame",), freeze_at_ms=start)
    waits = set()
    for _ in range(150):  # each resume's delay is derived from its instant: 150 instants cover 60..120 s
        await pause(client)
        await advance(client, 1_999)  # resumes land 999 ms past a whole second
        answer = await resume(client)
        first = (await stats(client))["next_action_at"]
        waits.add((parse_instant_ms(first) - parse_instant_ms(answer["resumed_at"])) // 1000)
    assert min(waits) >= 60 and max(waits) <= 120, sorted(waits)
    assert max(waits) == 120  # the longest derived delay was among them
