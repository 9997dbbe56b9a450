"""The submit body through HTTP: aliases, URL inference, clamping, and a clear 400 for each mistake."""

from __future__ import annotations

import io
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.providers.nyne.conftest import AUTH, JOB_MS, PATH, NyneClientFactory, advance, poll, submit


async def completed_result(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    request_id = (await submit(client, body))["data"]["request_id"]
    await advance(client, JOB_MS)
    data = (await poll(client, request_id))["data"]
    assert data["status"] == "completed", data
    return data["result"]


@pytest.mark.parametrize("url, platform, username", [
    ("https://x.com/janedoe", "twitter", "janedoe"),
    ("https://www.x.com/janedoe/", "twitter", "janedoe"),
    ("http://twitter.com/janedoe?ref=abc", "twitter", "janedoe"),
    ("https://www.twitter.com/JaneDoe/#top", "twitter", "JaneDoe"),
    ("https://mobile.twitter.com/janedoe/followers", "twitter", "janedoe"),
    ("x.com/janedoe", "twitter", "janedoe"),
    ("https://instagram.com/some.creator", "instagram", "some.creator"),
    ("https://www.instagram.com/some.creator/?igsh=xyz", "instagram", "some.creator"),
    ("  https://www.instagram.com/some_creator  ", "instagram", "some_creator"),
])
async def test_platform_and_username_come_from_profile_urls(nyne: TestClient, url: str, platform: str,
                                                            username: str) -> None:
    result = await completed_result(nyne, {"social_media_url": url, "type": "following", "max_results": 10})
    assert result["platform"] == platform and result["target"]["username"] == username


@pytest.mark.parametrize("field", ["social_media_url", "twitter_url"])
@pytest.mark.parametrize("url", [
    "https://x.com/janedoe/status/1234567890123456789",
    "https://twitter.com/janedoe/status/1234567890123456789/",
    "https://www.x.com/janedoe/status/1234567890123456789?s=20",
    "https://x.com/janedoe/status/1234567890123456789/photo/1",
])
async def test_the_tweet_id_comes_from_status_urls_under_either_name(nyne: TestClient, field: str, url: str) -> None:
    result = await completed_result(nyne, {field: url, "interaction_type": "replies"})
    assert result["target"]["tweet_id"] == "1234567890123456789" and result["total_count"] == 42


async def test_a_tweet_id_alone_finds_the_tweet_and_its_author(nyne: TestClient) -> None:
    result = await completed_result(nyne, {"tweet_id": "1234567890123456789", "type": "replies"})
    assert result["target"]["username"] == "janedoe"  # the scenario names the author
    result = await completed_result(nyne, {"tweet_id": 1749999999999999999, "type": "replies", "max_results": 10})
    assert result["target"]["tweet_id"] == "1749999999999999999" and result["target"]["username"]
    result = await completed_result(nyne, {"social_media_url": "https://x.com/i/web/status/1234567890123456789",
                                           "type": "replies"})
    assert result["target"]["username"] == "janedoe"


async def test_username_alone_defaults_to_twitter_and_at_signs_are_stripped(nyne: TestClient) -> None:
    result = await completed_result(nyne, {"username": "@janedoe", "type": "followers", "max_results": 10})
    assert result["platform"] == "twitter" and result["target"]["username"] == "janedoe"
    result = await completed_result(nyne, {"username": "@some.creator", "platform": "instagram", "type": "followers"})
    assert result["platform"] == "instagram"


async def test_matching_username_and_url_are_accepted(nyne: TestClient) -> None:
    result = await completed_result(nyne, {"social_media_url": "https://x.com/JaneDoe", "username": "@janedoe",
                                           "type": "followers", "social_media_url_extra": "ignored"})
    assert result["target"]["username"] == "janedoe"


@pytest.mark.parametrize("given, used", [(None, 100), (5, 10), (-3, 10), (10, 10), (999, 999), (5000, 1000),
                                         ("50", 50), (20.0, 20), ("9" * 5000, 1000), ("-" + "9" * 5000, 10)])
async def test_max_results_defaults_to_100_and_is_clamped(nyne_client: NyneClientFactory, given: Any,
                                                          used: int) -> None:
    client = await nyne_client(profiles=[{"platform": "twitter", "username": "big_account", "followers": 10**6}])
    body: dict[str, Any] = {"username": "big_account", "type": "followers"}
    if given is not None:
        body["max_results"] = given
    result = await completed_result(client, body)
    assert result["total_count"] == used == len(result["interactions"])


@pytest.mark.parametrize("body, message", [
    ({"type": "followers"}, "need an account: give a profile URL in social_media_url or a username"),
    ({"social_media_url": "https://x.com/janedoe"}, "type (or interaction_type) is required"),
    ({"social_media_url": "https://x.com/janedoe", "type": "likes"}, "type 'likes' is not supported on twitter"),
    ({"social_media_url": "https://x.com/janedoe", "type": "replies,followers"}, "is not supported"),
    ({"social_media_url": "https://x.com/janedoe", "type": 3}, "type must be a string"),
    ({"social_media_url": "https://instagram.com/some.creator", "type": "replies"}, "replies are Twitter/X only"),
    ({"username": "x", "platform": "instagram", "type": "replies"}, "replies are Twitter/X only"),
    ({"social_media_url": "https://x.com/janedoe", "type": "replies"}, "replies lookups need a tweet"),
    ({"tweet_id": "123", "type": "replies"}, "tweet_id must be 10-25 digits"),
    ({"tweet_id": "1" * 26, "type": "replies"}, "tweet_id must be 10-25 digits"),
    ({"tweet_id": "12345678901x", "type": "replies"}, "tweet_id must be 10-25 digits"),
    ({"tweet_id": ["1234567890"], "type": "replies"}, "tweet_id must be a string"),
    ({"social_media_url": "https://x.com/a/status/123", "type": "replies"}, "status id in social_media_url must be 10-25"),
    ({"social_media_url": "https://x.com/a/status/1234567890", "tweet_id": "1234567891", "type": "replies"},
     "does not match the status id"),
    ({"social_media_url": "https://facebook.com/janedoe", "type": "followers"}, "x.com, twitter.com or instagram.com"),
    ({"social_media_url": "ftp://x.com/janedoe", "type": "followers"}, "must be an http(s) URL"),
    ({"social_media_url": "https://x.com/", "type": "followers"}, "must be a profile URL"),
    ({"social_media_url": "https://x.com/home", "type": "followers"}, "must be a profile URL"),
    ({"social_media_url": "https://x.com/this_name_is_far_too_long", "type": "followers"}, "not a valid Twitter/X handle"),
    ({"social_media_url": "https://www.instagram.com/p/Cxyz123/", "type": "followers"}, "post URL does not name an account"),
    ({"social_media_url": "https://www.instagram.com/explore/", "type": "followers"}, "Instagram profile URL"),
    ({"social_media_url": "https://x.com/janedoe", "twitter_url": "https://x.com/other", "type": "followers"},
     "social_media_url and twitter_url are two names for the same field"),
    ({"social_media_url": "https://x.com/janedoe", "type": "followers", "interaction_type": "following"},
     "type and interaction_type are two names"),
    ({"social_media_url": "https://x.com/janedoe", "username": "someone", "type": "followers"}, "does not match the account"),
    ({"social_media_url": 42, "type": "followers"}, "social_media_url must be a string"),
    ({"username": "bad name!", "type": "followers"}, "not a valid Twitter/X handle"),
    ({"username": "x", "platform": "myspace", "type": "followers"}, "platform must be twitter (or x) or instagram"),
    ({"social_media_url": "https://x.com/janedoe", "platform": "instagram", "type": "followers"}, "contradicts"),
    ({"username": "janedoe", "type": "followers", "max_results": "lots"}, "max_results must be an integer"),
    ({"username": "janedoe", "type": "followers", "max_results": "--5"}, "max_results must be an integer"),
    ({"username": "janedoe", "type": "followers", "max_results": True}, "max_results must be an integer"),
    ({"username": "janedoe", "type": "followers", "max_results": 12.5}, "max_results must be an integer"),
    ({"username": "janedoe", "type": "followers", "callback_url": "ftp://127.0.0.1/hook"}, "http:// or https://"),
    ({"username": "janedoe", "type": "followers", "callback_url": "https://example.com/hook"}, "is not allowed"),
    ({"username": "janedoe", "type": "followers", "callback_url": 7}, "callback_url must be a string"),
])
async def test_400_says_what_to_fix(nyne: TestClient, body: dict[str, Any], message: str) -> None:
    answer = await submit(nyne, body, status=400)
    assert answer["success"] is False and message in answer["error"]["message"], answer
    assert answer["error"]["code"] in ("invalid_parameter", "missing_parameter", "invalid_callback_url")


@pytest.mark.parametrize("raw, message", [
    (b"", "body is empty"),
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "must be a JSON object"),
    (b'"text"', "must be a JSON object"),
    ("{\"type\": \"followers\", \"username\": \"\u00e9l\u00e8ve\"}".encode(), "not a valid Twitter/X handle"),
    (b"\xff\xfe", "not valid JSON"),
])
async def test_400_for_bodies_that_are_not_a_json_object(nyne: TestClient, raw: bytes, message: str) -> None:
    response = await nyne.post(PATH, data=raw, headers={**AUTH, "Content-Type": "application/json"})
    assert response.status == 400
    body = await response.json()
    assert message in body["error"]["message"] and body["error"]["code"] in ("invalid_json", "invalid_parameter")
    assert "X-RateLimit-Remaining" in response.headers  # errors after admission still report the limits


async def test_an_oversized_body_gets_413_in_the_error_shape(nyne: TestClient) -> None:
    response = await nyne.post(PATH, data=io.BytesIO(b"{" + b" " * 2_000_000 + b"}"), headers=AUTH)
    assert response.status == 413
    assert (await response.json())["error"]["code"] == "payload_too_large"


async def test_blank_optional_fields_count_as_absent(nyne: TestClient) -> None:
    result = await completed_result(nyne, {"social_media_url": "https://x.com/janedoe", "type": "followers",
                                           "username": "  ", "tweet_id": "", "callback_url": None,
                                           "twitter_url": ""})
    assert result["target"]["username"] == "janedoe"
