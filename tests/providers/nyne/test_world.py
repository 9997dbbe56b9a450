"""Unit tests of the Nyne world: handles, network sizes, result shapes, determinism."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mockserver.core.world import pools_for
from mockserver.paths import default_scenario_path
from mockserver.providers.nyne.parsing import InteractionRequest
from mockserver.providers.nyne.urls import INSTAGRAM, TWITTER, USERNAME, UrlProblem, parse_social_url
from mockserver.providers.nyne.world import NyneWorld

NOW = 1_705_401_600_000


def section(**overrides: Any) -> dict[str, Any]:
    document = json.loads(default_scenario_path().read_text("utf-8"))
    return {**document["nyne"], **overrides}


def world(seed: int = 1, **overrides: Any) -> NyneWorld:
    return NyneWorld(section(**overrides), seed, pools_for(seed))


def request(kind: str, username: str | None = "someone", tweet_id: str | None = None, platform: str = TWITTER,
            max_results: int = 100) -> InteractionRequest:
    return InteractionRequest(platform, kind, username, tweet_id, max_results, None)


@pytest.mark.parametrize("platform", [TWITTER, INSTAGRAM])
def test_every_pool_person_has_a_unique_valid_handle(platform: str) -> None:
    w = world()
    handles = [w.people.handle(platform, i) for i in range(len(w.people))]
    assert len({h.casefold() for h in handles}) == len(handles)
    assert all(USERNAME[platform].fullmatch(h) for h in handles)
    assert w.people.index_of_handle(platform, handles[17].upper()) == 17


def test_results_are_deterministic_per_seed_and_differ_between_seeds() -> None:
    req = request("followers,following")
    assert world().result(req, NOW) == world().result(req, NOW)
    assert world(seed=2).result(req, NOW) != world().result(req, NOW)


@pytest.mark.parametrize("followers, following, limit, split", [
    (1000, 1000, 100, (50, 50)), (10, 1000, 100, (10, 90)), (1000, 3, 100, (97, 3)),
    (0, 0, 100, (0, 0)), (7, 8, 100, (7, 8)), (1000, 1000, 11, (6, 5)),
])
def test_followers_and_following_share_max_results(followers: int, following: int, limit: int,
                                                   split: tuple[int, int]) -> None:
    w = world(profiles=[{"platform": "twitter", "username": "target", "followers": followers,
                         "following": following}])
    entries = w.result(request("followers,following", "target", max_results=limit), NOW)["interactions"]
    tags = [e["relationship"] for e in entries]
    assert (tags.count("follower"), tags.count("following")) == split
    assert tags == sorted(tags)  # followers first, then following


def test_the_size_of_a_network_caps_the_result() -> None:
    w = world(profiles=[{"platform": "instagram", "username": "small.shop", "followers": 13}])
    result = w.result(request("followers", "small.shop", platform=INSTAGRAM, max_results=1000), NOW)
    assert result["total_count"] == 13 == w.result_size(request("followers", "small.shop", platform=INSTAGRAM,
                                                                max_results=1000), NOW)


def test_replies_fall_between_the_tweet_and_the_completion() -> None:
    w = world()
    tweet = str(((NOW - 3_600_000 - 1_288_834_974_657) << 22) | 12345)  # a snowflake from an hour ago
    result = w.result(request("replies", None, tweet_id=tweet, max_results=1000), NOW)
    dates = [e["reply_date"] for e in result["interactions"]]
    assert dates and dates == sorted(dates)
    assert "2024-01-16T09:40:00Z" <= dates[0] and dates[-1] <= "2024-01-16T10:40:00Z"
    assert result["target"]["tweet_id"] == tweet and result["target"]["username"]


def test_a_tweet_from_the_future_has_no_replies_yet() -> None:
    w = world()
    tweet = str(((NOW + 86_400_000 - 1_288_834_974_657) << 22))
    assert w.tweet_time_ms(tweet, NOW) < NOW  # not a plausible snowflake for now: a seeded past instead
    assert w.result_size(request("replies", None, tweet_id="1111111111111111111"), NOW) == 0


def test_the_scenario_decides_failures() -> None:
    w = world()
    assert w.failure(request("followers", "janedoe")) is None
    assert "private" in (w.failure(request("followers", "Private_Person")) or "")
    assert "suspended" in (world(profiles=[{"platform": "twitter", "username": "gone", "status": "suspended"}])
                           .failure(request("following", "gone")) or "")


@pytest.mark.parametrize("url", ["https://x.com/i/status/123", "https://x.com/user/status/",
                                 "https://x.com/user/status/abc", "http://[::1/x"])
def test_unreadable_urls_raise_with_a_reason(url: str) -> None:
    with pytest.raises(UrlProblem):
        parse_social_url(url)


def test_url_parsing_reads_platform_user_and_tweet() -> None:
    found = parse_social_url("https://www.instagram.com/stories/some.creator/123/")
    assert (found.platform, found.username, found.tweet_id) == (INSTAGRAM, "some.creator", None)
    found = parse_social_url("https://x.com/i/status/1234567890")
    assert (found.platform, found.username, found.tweet_id) == (TWITTER, None, "1234567890")
