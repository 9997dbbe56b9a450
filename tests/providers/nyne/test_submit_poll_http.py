"""POST and GET /person/interactions over HTTP: credentials, the job's life, results, 404s."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockserver.store.appkeys import SCHEMAS
from tests.conftest import FROZEN_AT_MS
from tests.providers.nyne.conftest import (
    AUTH, JOB_MS, KEY, OTHER_AUTH, PATH, SECRET, NyneClientFactory, advance, poll, submit,
)

FOLLOWERS = {"social_media_url": "https://x.com/janedoe", "type": "followers"}
REQUEST_ID = re.compile(r"interaction_[0-9a-f]{16}_(\d+)_\d{4}")


async def test_submit_answers_202_with_a_queued_job_in_the_envelope(nyne: TestClient) -> None:
    body = await submit(nyne, FOLLOWERS)
    assert body["success"] is True and body["timestamp"] == "2024-01-16T10:40:00"
    match = REQUEST_ID.fullmatch(body["data"]["request_id"])
    assert match and int(match.group(1)) == FROZEN_AT_MS // 1000
    assert body["data"] == {"request_id": body["data"]["request_id"], "status": "queued", "completed": False}


async def test_a_job_moves_from_queued_through_processing_to_completed(nyne: TestClient) -> None:
    request_id = (await submit(nyne, {**FOLLOWERS, "max_results": 25}))["data"]["request_id"]
    assert (await poll(nyne, request_id))["data"]["status"] == "queued"
    await advance(nyne, 1_000)
    assert (await poll(nyne, request_id))["data"] == {"request_id": request_id, "status": "processing",
                                                      "completed": False}
    await advance(nyne, JOB_MS - 1_001)
    assert (await poll(nyne, request_id))["data"]["status"] == "processing"
    await advance(nyne, 1)
    data = (await poll(nyne, request_id))["data"]
    assert data["status"] == "completed" and data["completed"] is True
    assert data["completed_on"] == "2024-01-16T10:40:05Z"
    result = data["result"]
    assert result["interaction_type"] == "followers" and result["platform"] == "twitter"
    assert result["target"] == {"username": "janedoe", "profile_url": "https://x.com/janedoe"}
    assert result["total_count"] == len(result["interactions"]) == 25
    entry = result["interactions"][0]
    assert set(entry) == {"username", "display_name", "profile_url", "bio", "followers_count",
                          "following_count", "verified"}
    assert entry["profile_url"] == f"https://x.com/{entry['username']}"
    assert len({e["username"] for e in result["interactions"]}) == 25  # nobody twice


async def test_polls_of_a_completed_job_are_byte_identical(nyne: TestClient) -> None:
    request_id = (await submit(nyne, FOLLOWERS))["data"]["request_id"]
    await advance(nyne, JOB_MS)
    first = await (await nyne.get(PATH, params={"request_id": request_id}, headers=AUTH)).read()
    second = await (await nyne.get(PATH, params={"request_id": request_id}, headers=AUTH)).read()
    assert first == second


async def test_the_same_seed_and_clock_give_the_same_bytes(nyne_client: NyneClientFactory) -> None:
    bodies = []
    for _ in range(2):
        client = await nyne_client()
        request_id = (await submit(client, {**FOLLOWERS, "type": "followers,following"}))["data"]["request_id"]
        await advance(client, JOB_MS)
        response = await client.get(PATH, params={"request_id": request_id}, headers=AUTH)
        bodies.append(await response.read())
    assert bodies[0] == bodies[1]


@pytest.mark.parametrize("username, message", [
    ("private_person", "@private_person is a private Twitter/X account; its network cannot be read"),
    ("ghost_user_404", "No Twitter/X account named @ghost_user_404 exists"),
])
async def test_private_or_missing_accounts_fail_the_job(nyne: TestClient, username: str, message: str) -> None:
    request_id = (await submit(nyne, {"username": username, "type": "followers"}))["data"]["request_id"]
    await advance(nyne, 1_000)
    assert (await poll(nyne, request_id))["data"]["status"] == "processing"
    await advance(nyne, JOB_MS)
    data = (await poll(nyne, request_id))["data"]
    assert data == {"request_id": request_id, "status": "failed", "completed": False, "error": message,
                    "failed_on": "2024-01-16T10:40:05Z"}


async def test_a_missing_tweet_and_a_private_instagram_account_fail(nyne: TestClient) -> None:
    tweet = await submit(nyne, {"tweet_id": "1000000000000000000", "type": "replies"})
    gallery = await submit(nyne, {"social_media_url": "instagram.com/private.gallery", "type": "following"})
    await advance(nyne, JOB_MS)
    assert "Tweet 1000000000000000000 was not found" in (await poll(nyne, tweet["data"]["request_id"]))["data"]["error"]
    data = (await poll(nyne, gallery["data"]["request_id"]))["data"]
    assert data["status"] == "failed" and "private Instagram account" in data["error"]


async def test_replies_carry_reply_text_and_date_oldest_first(nyne: TestClient) -> None:
    body = {"twitter_url": "https://twitter.com/janedoe/status/1234567890123456789/", "interaction_type": "replies"}
    request_id = (await submit(nyne, body))["data"]["request_id"]
    await advance(nyne, JOB_MS)
    result = (await poll(nyne, request_id))["data"]["result"]
    assert result["target"] == {"username": "janedoe", "profile_url": "https://x.com/janedoe",
                                "tweet_id": "1234567890123456789"}
    assert result["total_count"] == 42 == len(result["interactions"])  # the scenario's reply count
    dates = [entry["reply_date"] for entry in result["interactions"]]
    assert dates == sorted(dates)
    assert set(result["interactions"][0]) == {"username", "display_name", "profile_url", "reply_text", "reply_date"}


async def test_followers_and_following_entries_are_tagged_and_share_the_budget(nyne: TestClient) -> None:
    body = {"social_media_url": "https://x.com/janedoe", "type": "following,followers", "max_results": 10}
    request_id = (await submit(nyne, body))["data"]["request_id"]
    await advance(nyne, JOB_MS)
    result = (await poll(nyne, request_id))["data"]["result"]
    assert result["interaction_type"] == "followers,following"
    assert [e["relationship"] for e in result["interactions"]] == ["follower"] * 5 + ["following"] * 5


async def test_instagram_profiles_and_never_more_than_max_results(nyne: TestClient) -> None:
    body = {"social_media_url": "https://www.instagram.com/some.creator/?hl=en", "type": "followers",
            "max_results": 5000}
    request_id = (await submit(nyne, body))["data"]["request_id"]
    await advance(nyne, JOB_MS)
    result = (await poll(nyne, request_id))["data"]["result"]
    assert result["platform"] == "instagram"
    assert result["target"] == {"username": "some.creator", "profile_url": "https://www.instagram.com/some.creator/"}
    assert len(result["interactions"]) <= 1000
    assert all(e["profile_url"].startswith("https://www.instagram.com/") for e in result["interactions"])


async def test_an_empty_network_completes_with_no_entries(nyne: TestClient) -> None:
    request_id = (await submit(nyne, {"username": "@brand_new_acct", "type": "followers"}))["data"]["request_id"]
    await advance(nyne, JOB_MS)
    result = (await poll(nyne, request_id))["data"]["result"]
    assert result["interactions"] == [] and result["total_count"] == 0
    assert result["target"]["username"] == "brand_new_acct"


async def test_a_person_is_the_same_everywhere(nyne: TestClient) -> None:
    """A follower of one account, looked up itself, has the network size its profile shows."""
    first = (await submit(nyne, {**FOLLOWERS, "max_results": 10}))["data"]["request_id"]
    await advance(nyne, JOB_MS)
    person = (await poll(nyne, first))["data"]["result"]["interactions"][0]
    second = (await submit(nyne, {"username": person["username"], "type": "followers",
                                  "max_results": 1000}))["data"]["request_id"]
    await advance(nyne, JOB_MS)
    result = (await poll(nyne, second))["data"]["result"]
    assert result["total_count"] == min(1000, person["followers_count"])
    other = (await submit(nyne, {"username": "someone_else", "type": "followers"}))["data"]["request_id"]
    await advance(nyne, JOB_MS)
    everyone = {e["username"]: e for e in (await poll(nyne, other))["data"]["result"]["interactions"]}
    for entry in result["interactions"]:
        if entry["username"] in everyone:
            assert everyone[entry["username"]] == entry


async def test_the_completed_payload_matches_the_documented_example_shape(nyne: TestClient) -> None:
    request_id = (await submit(nyne, FOLLOWERS))["data"]["request_id"]
    await advance(nyne, JOB_MS)
    body = await poll(nyne, request_id)
    assert nyne.app[SCHEMAS].violations("nyne/poll-response", body) == []
    assert set(body) == {"success", "data", "timestamp"}
    assert set(body["data"]) == {"request_id", "status", "completed", "result", "completed_on"}


# -- credentials ------------------------------------------------------------------------

@pytest.mark.parametrize("headers, params, code", [
    ({}, {}, "missing_credentials"),
    ({"X-API-Key": KEY}, {}, "missing_credentials"),
    ({"X-API-Secret": SECRET}, {}, "missing_credentials"),
    ({"X-API-Key": KEY, "X-API-Secret": "wrong"}, {}, "invalid_credentials"),
    ({"X-API-Key": "wrong", "X-API-Secret": SECRET}, {}, "invalid_credentials"),
    ({"X-API-Key": KEY, "X-API-Secret": "OTHER_NYNE_API_SECRET"}, {}, "invalid_credentials"),
    ({}, {"api_key": KEY, "api_secret": "nope"}, "invalid_credentials"),
])
async def test_401_for_missing_or_invalid_credentials(nyne: TestClient, headers: dict[str, str],
                                                      params: dict[str, str], code: str) -> None:
    for response in (await nyne.post(PATH, json=FOLLOWERS, headers=headers, params=params),
                     await nyne.get(PATH, params={"request_id": "x", **params}, headers=headers)):
        assert response.status == 401
        body = await response.json()
        assert body["success"] is False and body["error"]["code"] == code
        assert SECRET not in body["error"]["message"] and "X-RateLimit-Limit" not in response.headers


async def test_credentials_as_query_parameters_work_for_submit_and_poll(nyne: TestClient) -> None:
    creds = {"api_key": KEY, "api_secret": SECRET}
    response = await nyne.post(PATH, json=FOLLOWERS, params=creds)
    assert response.status == 202
    request_id = (await response.json())["data"]["request_id"]
    response = await nyne.get(PATH, params={"request_id": request_id, **creds})
    assert response.status == 200


async def test_jobs_belong_to_the_key_that_submitted_them(nyne: TestClient) -> None:
    request_id = (await submit(nyne, FOLLOWERS))["data"]["request_id"]
    body = await poll(nyne, request_id, 404, headers=OTHER_AUTH)
    assert body["error"]["code"] == "request_not_found"


# -- polling errors ---------------------------------------------------------------------

@pytest.mark.parametrize("request_id", ["interaction_0000000000000000_1705401600_1234", "nope", "x" * 300])
async def test_404_request_not_found_for_unknown_ids(nyne: TestClient, request_id: str) -> None:
    body = await poll(nyne, request_id, 404)
    assert body["success"] is False and body["error"]["code"] == "request_not_found"
    assert body["timestamp"] == "2024-01-16T10:40:00"


async def test_results_expire_after_the_configured_ttl(nyne_client: NyneClientFactory) -> None:
    client = await nyne_client(jobs={"queued_ms": 0, "processing_ms": 2_000, "result_ttl_ms": 60_000})
    request_id = (await submit(client, FOLLOWERS))["data"]["request_id"]
    assert (await poll(client, request_id))["data"]["status"] == "processing"
    await advance(client, 2_000 + 59_999)
    assert (await poll(client, request_id))["data"]["status"] == "completed"
    await advance(client, 1)
    assert (await poll(client, request_id, 404))["error"]["code"] == "request_not_found"


@pytest.mark.parametrize("params, message", [
    ({}, "request_id is required"),
    ({"request_id": "  "}, "request_id is required"),
    ([("request_id", "a"), ("request_id", "b")], "only once"),
])
async def test_400_for_a_missing_or_repeated_request_id(nyne: TestClient, params: Any, message: str) -> None:
    response = await nyne.get(PATH, params=params, headers=AUTH)
    assert response.status == 400
    assert message in (await response.json())["error"]["message"]


async def test_other_methods_get_a_json_405(nyne: TestClient) -> None:
    response = await nyne.delete(PATH, headers=AUTH)
    assert response.status == 405 and response.content_type == "application/json"
