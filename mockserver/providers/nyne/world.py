"""Nyne's world: the scenario's configuration and every account's network, derived on demand.

A target's followers, following and a tweet's replies are virtual lists:
entry i is pool person `(start + stride * i) mod N` (a permutation, so no one
appears twice), with start and stride drawn from (seed, target). Building a
result costs what its entries cost, whatever the account's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockserver.core.world import Pools, derive, pick, stable_key, unit_float
from mockserver.providers.nyne.content import reply_texts
from mockserver.providers.nyne.envelope import instant
from mockserver.providers.nyne.ledger import ChargingRule
from mockserver.providers.nyne.parsing import FOLLOWERS, FOLLOWERS_AND_FOLLOWING, FOLLOWING, REPLIES, InteractionRequest
from mockserver.providers.nyne.people import PeopleProfiles
from mockserver.providers.nyne.urls import INSTAGRAM, TWITTER, profile_url

_S_START, _S_STRIDE, _S_SIZE, _S_TIME, _S_TEXT, _S_JITTER, _S_AUTHOR = range(7)
# Strides coprime with any pool size made of 2s and 5s (the default pool has 2000 people).
_STRIDES = (3, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61)
_TWITTER_EPOCH_MS = 1_288_834_974_657  # snowflake ids carry their creation instant after this
_HOUR_MS, _DAY_MS = 3_600_000, 86_400_000
_REPLY_SPAN_MS = 3 * _DAY_MS  # a tweet's replies arrive within three days (assumed)
_LABEL = {TWITTER: "Twitter/X", INSTAGRAM: "Instagram"}


@dataclass(frozen=True, slots=True)
class Credential:
    id: str
    api_key: str
    api_secret: str
    max_concurrent_jobs: int | None = None  # beyond it, a new job waits in `pending` for a slot


@dataclass(frozen=True, slots=True)
class JobTiming:
    pending_ms: int = 0  # every job waits this long in `pending` before it is queued
    queued_ms: int = 1_000
    processing_ms: int = 4_000
    result_ttl_ms: int = 86_400_000


@dataclass(frozen=True, slots=True)
class RateLimits:
    enabled: bool = True
    per_minute: int = 60
    per_hour: int = 1_000


@dataclass(frozen=True, slots=True)
class AccountRule:
    status: str = "available"
    followers: int | None = None
    following: int | None = None


@dataclass(frozen=True, slots=True)
class TweetRule:
    status: str = "available"
    author: str | None = None
    replies: int | None = None


class NyneWorld:
    def __init__(self, section: dict[str, Any], seed: int, pools: Pools) -> None:
        self.seed = seed
        self.credentials = tuple(Credential(c["id"], c["api_key"], c["api_secret"], c.get("max_concurrent_jobs"))
                                 for c in section["credentials"])
        self.timing = JobTiming(**section.get("jobs", {}))
        self.charging = ChargingRule(**section.get("credits", {}))
        self.limits = RateLimits(**section.get("rate_limits", {}))
        self.callback_hosts: tuple[str, ...] = tuple(section.get("callback_hosts", ()))
        self.accounts = {(p["platform"], p["username"].casefold()): AccountRule(
            p.get("status", "available"), p.get("followers"), p.get("following")) for p in section.get("profiles", ())}
        self.tweets = {t["tweet_id"]: TweetRule(t.get("status", "available"), t.get("author"), t.get("replies"))
                       for t in section.get("tweets", ())}
        self.people = PeopleProfiles(seed, pools)
        self.replies = reply_texts(pools)

    # -- what a request will find ---------------------------------------------

    def failure(self, request: InteractionRequest) -> str | None:
        """Why the lookup cannot complete (the failed job's error), or None."""
        if request.interaction_type == REPLIES:
            assert request.tweet_id is not None
            if self.tweets.get(request.tweet_id, TweetRule()).status == "not_found":
                return f"Tweet {request.tweet_id} was not found: it was deleted or never existed"
        username = self.target_username(request)
        rule = self.accounts.get((request.platform, username.casefold()), AccountRule())
        label = _LABEL[request.platform]
        if rule.status == "private":
            what = "replies" if request.interaction_type == REPLIES else "network"
            return f"@{username} is a private {label} account; its {what} cannot be read"
        if rule.status == "not_found":
            return f"No {label} account named @{username} exists"
        if rule.status == "suspended":
            return f"The {label} account @{username} is suspended"
        return None

    def target_username(self, request: InteractionRequest) -> str:
        if request.username is not None:
            return request.username
        assert request.tweet_id is not None
        author = self.tweets.get(request.tweet_id, TweetRule()).author
        if author is not None:
            return author
        key = stable_key(self.seed, "nyne", "tweet", request.tweet_id)
        return self.people.handle(TWITTER, derive(key, 0, _S_AUTHOR) % len(self.people))

    def network_size(self, platform: str, username: str, relation: str) -> int:
        """How many followers (or followed accounts) the account has."""
        rule = self.accounts.get((platform, username.casefold()), AccountRule())
        fixed = rule.followers if relation == FOLLOWERS else rule.following
        if fixed is not None:
            return fixed
        owner = self.people.index_of_handle(platform, username)
        if owner is not None:  # a pool person: the counts its own profile shows
            followers, following = self.people.counts(platform, owner)
            return followers if relation == FOLLOWERS else following
        u = unit_float(derive(stable_key(self.seed, "nyne", platform, relation, username.casefold()), 0, _S_SIZE))
        return int(10 ** (1 + (4.0 if relation == FOLLOWERS else 2.7) * u))

    def reply_count(self, tweet_id: str) -> int:
        fixed = self.tweets.get(tweet_id, TweetRule()).replies
        if fixed is not None:
            return fixed
        u = unit_float(derive(stable_key(self.seed, "nyne", "tweet", tweet_id), 0, _S_SIZE))
        return int(10 ** (0.5 + 2.8 * u))

    def tweet_time_ms(self, tweet_id: str, now_ms: int) -> int:
        """The snowflake instant when the id carries a plausible one, else a seeded recent past."""
        stamped = (int(tweet_id) >> 22) + _TWITTER_EPOCH_MS
        if _TWITTER_EPOCH_MS < stamped <= now_ms:
            return stamped
        u = unit_float(derive(stable_key(self.seed, "nyne", "tweet", tweet_id), 0, _S_TIME))
        return now_ms - _HOUR_MS - int(u * 30 * _DAY_MS)

    # -- results ----------------------------------------------------------------

    def result_size(self, request: InteractionRequest, completed_ms: int) -> int:
        return sum(count for _, _, count in self._sections(request, completed_ms))

    def result(self, request: InteractionRequest, completed_ms: int) -> dict[str, Any]:
        username = self.target_username(request)
        target: dict[str, Any] = {"username": username, "profile_url": profile_url(request.platform, username)}
        if request.tweet_id is not None:
            target["tweet_id"] = request.tweet_id
        entries: list[dict[str, Any]] = []
        for relation, key, count in self._sections(request, completed_ms):
            if relation == REPLIES:
                entries.extend(self._replies(request.tweet_id or "", key, count, completed_ms))
            else:
                tag = request.interaction_type == FOLLOWERS_AND_FOLLOWING
                entries.extend(self._profiles(request.platform, relation, key, count, tag))
        return {"interaction_type": request.interaction_type, "platform": request.platform, "target": target,
                "interactions": entries, "total_count": len(entries)}

    def _sections(self, request: InteractionRequest, completed_ms: int) -> list[tuple[str, int, int]]:
        """(relation, list key, entries to return) for each list the request reads."""
        limit = request.max_results
        if request.interaction_type == REPLIES:
            assert request.tweet_id is not None
            exists = self.tweet_time_ms(request.tweet_id, completed_ms) < completed_ms
            count = min(limit, self.reply_count(request.tweet_id)) if exists else 0
            return [(REPLIES, stable_key(self.seed, "nyne", "tweet", request.tweet_id), count)]
        username = self.target_username(request)
        relations = (FOLLOWERS, FOLLOWING) if request.interaction_type == FOLLOWERS_AND_FOLLOWING \
            else (request.interaction_type,)
        sizes = [self.network_size(request.platform, username, relation) for relation in relations]
        if len(sizes) == 2:
            # Half the budget each; a side with fewer accounts leaves its share to the other.
            first = min(sizes[0], max(limit - sizes[1], -(-limit // 2)))
            counts = [first, min(sizes[1], limit - first)]
        else:
            counts = [min(limit, sizes[0])]
        return [(relation, stable_key(self.seed, "nyne", request.platform, relation, username.casefold()), count)
                for relation, count in zip(relations, counts)]

    def _member(self, key: int, i: int) -> int:
        size = len(self.people)
        start = derive(key, 0, _S_START) % size
        stride = pick(_STRIDES, derive(key, 0, _S_STRIDE))
        return (start + stride * i) % size

    def _profiles(self, platform: str, relation: str, key: int, count: int, tag: bool) -> list[dict[str, Any]]:
        entries = []
        for i in range(count):
            entry = dict(self.people.profile(platform, self._member(key, i)))
            if tag:
                entry["relationship"] = "follower" if relation == FOLLOWERS else "following"
            entries.append(entry)
        return entries

    def _replies(self, tweet_id: str, key: int, count: int, completed_ms: int) -> list[dict[str, Any]]:
        """Oldest first, spread over the hours after the tweet and never after the job completed."""
        posted = self.tweet_time_ms(tweet_id, completed_ms)
        span = min(_REPLY_SPAN_MS, completed_ms - posted)
        entries = []
        for i in range(count):
            person = self.people.profile(TWITTER, self._member(key, i))
            at = posted + (span * i + int(span * unit_float(derive(key, i, _S_JITTER)))) // max(count, 1)
            entries.append({
                "username": person["username"],
                "display_name": person["display_name"],
                "profile_url": person["profile_url"],
                "reply_text": pick(self.replies, derive(key, i, _S_TEXT)),
                "reply_date": instant(min(max(at, posted + 1000), completed_ms)),
            })
        return entries

