"""Rate limits per key (429, Retry-After, both header families) and the credit ledger."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from mockserver.store.appkeys import PROVIDERS
from tests.conftest import FROZEN_AT_MS
from tests.providers.nyne.conftest import (
    AUTH, JOB_MS, OTHER_AUTH, PATH, NyneClientFactory, advance, admin_view, poll, submit,
)

BODY = {"username": "janedoe", "type": "followers", "max_results": 10}
UNIX_NOW = FROZEN_AT_MS // 1000


async def test_the_61st_request_in_a_minute_gets_429_with_both_header_families(nyne: TestClient) -> None:
    for n in range(60):
        response = await nyne.post(PATH, json=BODY, headers=AUTH)
        assert response.status == 202
        assert response.headers["X-RateLimit-Remaining"] == response.headers["RateLimit-Remaining"] == str(59 - n)
    assert response.headers["X-RateLimit-Limit"] == response.headers["RateLimit-Limit"] == "60"
    assert response.headers["X-RateLimit-Reset"] == str(UNIX_NOW + 60)
    assert response.headers["RateLimit-Reset"] == "60"

    await advance(nyne, 15_000)
    refused = await nyne.get(PATH, params={"request_id": "any"}, headers=AUTH)  # polls count as requests too
    assert refused.status == 429
    body = await refused.json()
    assert body["success"] is False and body["error"]["code"] == "rate_limit_exceeded"
    assert refused.headers["Retry-After"] == "45"
    assert refused.headers["X-RateLimit-Limit"] == "60" and refused.headers["X-RateLimit-Remaining"] == "0"
    assert refused.headers["X-RateLimit-Reset"] == str(UNIX_NOW + 60)
    assert refused.headers["RateLimit-Remaining"] == "0" and refused.headers["RateLimit-Reset"] == "45"

    other = await nyne.post(PATH, json=BODY, headers=OTHER_AUTH)  # limits are per key
    assert other.status == 202 and other.headers["X-RateLimit-Remaining"] == "59"

    await advance(nyne, 44_999)
    assert (await nyne.post(PATH, json=BODY, headers=AUTH)).status == 429
    await advance(nyne, 1)  # the 60 requests of the first instant leave the window together
    again = await nyne.post(PATH, json=BODY, headers=AUTH)
    assert again.status == 202 and again.headers["X-RateLimit-Remaining"] == "59"


async def test_unauthenticated_requests_are_not_counted(nyne: TestClient) -> None:
    for _ in range(70):
        assert (await nyne.post(PATH, json=BODY)).status == 401
    assert (await nyne.post(PATH, json=BODY, headers=AUTH)).headers["X-RateLimit-Remaining"] == "59"


async def test_the_hourly_limit_and_custom_limits(nyne_client: NyneClientFactory) -> None:
    client = await nyne_client(rate_limits={"per_minute": 5, "per_hour": 7})
    for minute in range(2):
        for _ in range(5 if minute == 0 else 2):
            assert (await client.post(PATH, json=BODY, headers=AUTH)).status == 202
        await advance(client, 60_000)
    refused = await client.post(PATH, json=BODY, headers=AUTH)
    assert refused.status == 429 and refused.headers["X-RateLimit-Limit"] == "7"
    assert refused.headers["Retry-After"] == str(3600 - 120)


async def test_limits_can_be_switched_off(nyne_client: NyneClientFactory) -> None:
    client = await nyne_client(rate_limits={"enabled": False})
    for _ in range(65):
        response = await client.post(PATH, json=BODY, headers=AUTH)
        assert response.status == 202 and "X-RateLimit-Limit" not in response.headers


async def test_the_rate_limits_flag_switches_limits_at_run_time(nyne: TestClient) -> None:
    flags = nyne.app[PROVIDERS]["nyne"].flags()
    assert flags is not None and flags.effective() == {"rate_limits": True}
    flags.set("rate_limits", False)
    for _ in range(65):
        assert (await nyne.post(PATH, json=BODY, headers=AUTH)).status == 202
    assert nyne.app[PROVIDERS]["nyne"].export_state()["flags"] == {"rate_limits": False}
    flags.set("rate_limits", True)
    assert (await nyne.post(PATH, json=BODY, headers=AUTH)).headers["X-RateLimit-Remaining"] == "59"


async def test_credits_are_3_per_request_0_when_empty_or_failed_and_polling_is_free(nyne: TestClient) -> None:
    ids = [
        (await submit(nyne, BODY))["data"]["request_id"],
        (await submit(nyne, {"username": "janedoe", "type": "following"}))["data"]["request_id"],
        (await submit(nyne, {"username": "brand_new_acct", "type": "followers"}))["data"]["request_id"],
        (await submit(nyne, {"tweet_id": "1111111111111111111", "type": "replies"}))["data"]["request_id"],
        (await submit(nyne, {"username": "private_person", "type": "followers"}))["data"]["request_id"],
    ]
    await submit(nyne, BODY, headers=OTHER_AUTH)
    ledger = (await admin_view(nyne, "credits"))
    assert ledger["nyne-docs-key"]["credits_used"] == 0  # nothing is charged before the jobs finish
    assert [e["settled"] for e in ledger["nyne-docs-key"]["entries"]] == [False] * 5

    await advance(nyne, JOB_MS)
    for request_id in ids * 3:
        await poll(nyne, request_id)
    ledger = (await admin_view(nyne, "credits"))
    mine = ledger["nyne-docs-key"]
    assert mine["credits_used"] == 6
    assert [(e["request_id"], e["credits"], e["reason"]) for e in mine["entries"]] == [
        (ids[0], 3, "network_intelligence_request"), (ids[1], 3, "network_intelligence_request"),
        (ids[2], 0, "no_results"), (ids[3], 0, "no_results"), (ids[4], 0, "failed"),
    ]
    assert all(e["settled"] and e["settles_ms"] == FROZEN_AT_MS + JOB_MS for e in mine["entries"])
    assert ledger["nyne-other-key"]["credits_used"] == 3
    assert "YOUR_API_SECRET" not in repr(ledger) and "YOUR_API_KEY" not in repr(ledger)


async def test_the_charging_rule_is_a_scenario_setting(nyne_client: NyneClientFactory) -> None:
    """The page says both "per-result unit price" and "charged per request": per_result charges each entry."""
    client = await nyne_client(credits={"charging": "per_result", "credits": 2})
    full = (await submit(client, {**BODY, "max_results": 10}))["data"]["request_id"]
    empty = (await submit(client, {"username": "brand_new_acct", "type": "followers"}))["data"]["request_id"]
    await advance(client, JOB_MS)
    results = (await poll(client, full))["data"]["result"]["total_count"]
    await poll(client, empty)
    mine = (await admin_view(client, "credits"))["nyne-docs-key"]
    assert results == 10 and mine["credits_used"] == 20
    assert [(e["credits"], e["reason"]) for e in mine["entries"]] == [
        (20, "network_intelligence_results"), (0, "no_results")]


async def test_invalid_requests_cost_nothing(nyne: TestClient) -> None:
    await submit(nyne, {"type": "followers"}, status=400)
    assert (await admin_view(nyne, "credits")) == {}


def test_the_ledger_folds_old_entries_into_exact_totals() -> None:
    from mockserver.providers.nyne.ledger import CreditLedger

    ledger = CreditLedger(max_entries=2)
    for n, results in enumerate((5, 0, 7, None, 9)):
        ledger.record(f"r{n}", "key-a", n, n, results)
    view = ledger.view(now_ms=100)["key-a"]
    assert view["credits_used"] == 9 and len(view["entries"]) == 2  # 3 + 0 + 3 + 0 + 3
    restored = CreditLedger(max_entries=2)
    restored.load(ledger.export())
    assert restored.view(now_ms=100) == ledger.view(now_ms=100)
