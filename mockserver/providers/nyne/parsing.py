"""The POST /person/interactions body, checked field by field into an `InteractionRequest`."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from mockserver.core.callbacks import AllowList, CallbackRefused
from mockserver.providers.nyne import errors
from mockserver.providers.nyne.urls import (
    INSTAGRAM, TWEET_ID, TWITTER, UrlProblem, parse_social_url, valid_username,
)

REPLIES, FOLLOWERS, FOLLOWING = "replies", "followers", "following"
FOLLOWERS_AND_FOLLOWING = "followers,following"
TYPES_BY_PLATFORM = {
    TWITTER: (REPLIES, FOLLOWERS, FOLLOWING, FOLLOWERS_AND_FOLLOWING),
    INSTAGRAM: (FOLLOWERS, FOLLOWING, FOLLOWERS_AND_FOLLOWING),
}
DEFAULT_MAX_RESULTS, MIN_RESULTS, MAX_RESULTS = 100, 10, 1000
_PLATFORM_NAMES = {"twitter": TWITTER, "x": TWITTER, "instagram": INSTAGRAM}
_DIGITS = re.compile(r"-?[0-9]+")


@dataclass(frozen=True, slots=True)
class InteractionRequest:
    """A valid request: what to look up, for whom, how many, and where to push the result."""

    platform: str
    interaction_type: str
    username: str | None  # None only for replies to a tweet given by id alone
    tweet_id: str | None  # set for replies only
    max_results: int
    callback_url: str | None

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "InteractionRequest":
        return cls(**{name: data.get(name) for name in cls.__dataclass_fields__})


def parse_submit(body: Any, allow_list: AllowList) -> InteractionRequest:
    if not isinstance(body, dict):
        raise errors.invalid_json("The request body must be a JSON object")
    try:
        return _parse(body, allow_list)
    except UrlProblem as problem:
        raise errors.invalid_parameter(str(problem)) from None


def _parse(body: dict[str, Any], allow_list: AllowList) -> InteractionRequest:
    url_text = _aliased_string(body, "social_media_url", "twitter_url")
    kind_text = _aliased_string(body, "type", "interaction_type")
    from_url = parse_social_url(url_text) if url_text is not None else None
    platform = _platform(body, from_url.platform if from_url else None)
    if kind_text is None:
        raise errors.missing_parameter(
            f"type (or interaction_type) is required: one of {', '.join(TYPES_BY_PLATFORM[platform])}")
    kind = _interaction_type(kind_text, platform)

    username = _optional_string(body, "username")
    if username is not None:
        username = valid_username(platform, username.lstrip("@"), "username")
    url_username = from_url.username if from_url else None
    if username and url_username and username.casefold() != url_username.casefold():
        raise errors.invalid_parameter(
            f"username {username!r} does not match the account in social_media_url ({url_username!r}); "
            "send one of them, or make them agree")
    username = username or url_username

    tweet_id = None
    if kind == REPLIES:
        tweet_id = _tweet_id(body, from_url.tweet_id if from_url else None)
    elif username is None:
        raise errors.missing_parameter(
            f"{kind} lookups need an account: give a profile URL in social_media_url or a username")

    callback = _optional_string(body, "callback_url")
    if callback is not None:
        try:
            callback = allow_list.check(callback)
        except CallbackRefused as refused:
            raise errors.callback_not_allowed(str(refused)) from None
    return InteractionRequest(platform, kind, username, tweet_id, _max_results(body), callback)


def _optional_string(body: dict[str, Any], name: str) -> str | None:
    """The trimmed value; an absent, null or blank field counts as not given."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise errors.invalid_parameter(f"{name} must be a string")
    return value.strip() or None


def _aliased_string(body: dict[str, Any], name: str, alias: str) -> str | None:
    first, second = _optional_string(body, name), _optional_string(body, alias)
    if first is not None and second is not None and first != second:
        raise errors.invalid_parameter(f"{name} and {alias} are two names for the same field and disagree; send one")
    return first if first is not None else second


def _platform(body: dict[str, Any], from_url: str | None) -> str:
    """From the URL; a `platform` field (assumed) serves lookups by username alone, default Twitter/X."""
    text = _optional_string(body, "platform")
    if text is None:
        return from_url or TWITTER
    platform = _PLATFORM_NAMES.get(text.lower())
    if platform is None:
        raise errors.invalid_parameter("platform must be twitter (or x) or instagram")
    if from_url is not None and platform != from_url:
        raise errors.invalid_parameter(f"platform {text!r} contradicts social_media_url, which is a {from_url} URL")
    return platform


def _interaction_type(text: str, platform: str) -> str:
    allowed = TYPES_BY_PLATFORM[platform]
    parts = {part.strip().lower() for part in text.split(",") if part.strip()}
    if parts == {FOLLOWERS, FOLLOWING}:
        kind = FOLLOWERS_AND_FOLLOWING  # in either order, as "followers,following" documents
    else:
        kind = next(iter(parts)) if len(parts) == 1 else ""
    if platform == INSTAGRAM and kind == REPLIES:
        raise errors.invalid_parameter(
            "Instagram lookups support followers, following and followers,following; replies are Twitter/X only")
    if kind not in allowed:
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise errors.invalid_parameter(f"type {shown!r} is not supported on {platform}: use one of {', '.join(allowed)}")
    return kind


def _tweet_id(body: dict[str, Any], from_url: str | None) -> str:
    raw = body.get("tweet_id")
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)  # a JSON number: accepted, though clients should send a string
    if raw is not None and not isinstance(raw, str):
        raise errors.invalid_parameter("tweet_id must be a string of 10-25 digits")
    given = raw.strip() if raw else ""
    if given and not TWEET_ID.fullmatch(given):
        raise errors.invalid_parameter("tweet_id must be 10-25 digits")
    if given and from_url and given != from_url:
        raise errors.invalid_parameter(
            f"tweet_id {given} does not match the status id in social_media_url ({from_url}); send one of them")
    tweet_id = given or from_url
    if tweet_id is None:
        raise errors.missing_parameter(
            "replies lookups need a tweet: give tweet_id or a status URL (https://x.com/<username>/status/<id>)")
    return tweet_id


def _max_results(body: dict[str, Any]) -> int:
    """An integer (or a string of digits), clamped into 10..1000 as documented."""
    raw = body.get("max_results")
    if raw is None:
        return DEFAULT_MAX_RESULTS
    if isinstance(raw, str) and _DIGITS.fullmatch(raw.strip()):  # one sign at most: "--5" is not a number
        text = raw.strip()
        # Past a few digits the value is clamped anyway; int() would refuse more than 4,300 of them.
        raw = int(text) if len(text) <= 20 else (-MAX_RESULTS if text.startswith("-") else MAX_RESULTS)
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if not isinstance(raw, int) or isinstance(raw, bool):
        raise errors.invalid_parameter(f"max_results must be an integer ({MIN_RESULTS}-{MAX_RESULTS}; "
                                       "values outside are clamped)")
    return min(MAX_RESULTS, max(MIN_RESULTS, raw))

