"""Reading platform, username and tweet id out of Twitter/X and Instagram URLs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

TWITTER, INSTAGRAM = "twitter", "instagram"
PLATFORMS = (TWITTER, INSTAGRAM)

_HOSTS = {
    "x.com": TWITTER, "twitter.com": TWITTER, "mobile.twitter.com": TWITTER, "mobile.x.com": TWITTER,
    "instagram.com": INSTAGRAM, "m.instagram.com": INSTAGRAM,
}
USERNAME = {
    TWITTER: re.compile(r"[A-Za-z0-9_]{1,15}"),
    INSTAGRAM: re.compile(r"[A-Za-z0-9._]{1,30}"),
}
USERNAME_RULE = {
    TWITTER: "1-15 letters, digits or underscores",
    INSTAGRAM: "1-30 letters, digits, periods or underscores",
}
TWEET_ID = re.compile(r"[0-9]{10,25}")
# First path segments that are pages of the site, not accounts.
_TWITTER_PAGES = frozenset({
    "home", "explore", "search", "settings", "messages", "notifications", "hashtag", "intent", "share",
    "compose", "login", "signup", "tos", "privacy", "i",
})
_INSTAGRAM_POSTS = frozenset({"p", "reel", "reels", "tv"})
_INSTAGRAM_PAGES = frozenset({"explore", "accounts", "direct", "about", "developer", "legal"})


class UrlProblem(ValueError):
    """A URL the API cannot read an account or a tweet from; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class SocialUrl:
    platform: str
    username: str | None
    tweet_id: str | None


def platform_of_host(host: str) -> str | None:
    host = host.lower().rstrip(".")
    return _HOSTS.get(host[4:] if host.startswith("www.") else host)


def parse_social_url(raw: str) -> SocialUrl:
    text = raw.strip()
    if not text:
        raise UrlProblem("social_media_url is empty; give a Twitter/X or Instagram profile or status URL")
    if "://" not in text:
        text = "https://" + text  # "x.com/janedoe" is what people paste
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError:
        raise UrlProblem("social_media_url is not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise UrlProblem("social_media_url must be an http(s) URL on x.com, twitter.com or instagram.com")
    platform = platform_of_host(host)
    if platform is None:
        raise UrlProblem(f"social_media_url must point to x.com, twitter.com or instagram.com (got host {host!r})")
    segments = [segment for segment in parts.path.split("/") if segment]
    if platform == TWITTER:
        return _twitter(segments)
    return _instagram(segments)


def _twitter(segments: list[str]) -> SocialUrl:
    if len(segments) >= 3 and segments[0] == "i" and "status" in segments[1:3]:
        # x.com/i/status/<id> and x.com/i/web/status/<id> name a tweet without its author.
        position = segments.index("status")
        return SocialUrl(TWITTER, None, _tweet_id(segments[position + 1: position + 2]))
    if not segments or segments[0].lower() in _TWITTER_PAGES:
        raise UrlProblem("social_media_url must be a profile URL (https://x.com/<username>) "
                         "or a status URL (https://x.com/<username>/status/<id>)")
    username = valid_username(TWITTER, segments[0].lstrip("@"), "the username in social_media_url")
    if len(segments) >= 2 and segments[1].lower() in ("status", "statuses"):
        return SocialUrl(TWITTER, username, _tweet_id(segments[2:3]))
    return SocialUrl(TWITTER, username, None)


def _tweet_id(found: list[str]) -> str:
    if not found or not TWEET_ID.fullmatch(found[0]):
        raise UrlProblem("the status id in social_media_url must be 10-25 digits")
    return found[0]


def _instagram(segments: list[str]) -> SocialUrl:
    if segments and segments[0].lower() in _INSTAGRAM_POSTS:
        raise UrlProblem("an Instagram post URL does not name an account; "
                         "give the profile URL (https://www.instagram.com/<username>/) or a username")
    if segments and segments[0].lower() == "stories" and len(segments) >= 2:
        segments = segments[1:]
    if not segments or segments[0].lower() in _INSTAGRAM_PAGES or segments[0].lower() == "stories":
        raise UrlProblem("social_media_url must be an Instagram profile URL (https://www.instagram.com/<username>/)")
    return SocialUrl(INSTAGRAM, valid_username(INSTAGRAM, segments[0].lstrip("@"), "the username in social_media_url"),
                     None)


def valid_username(platform: str, username: str, what: str = "username") -> str:
    if not USERNAME[platform].fullmatch(username):
        shown = username if len(username) <= 40 else username[:37] + "..."
        raise UrlProblem(f"{what} {shown!r} is not a valid {_label(platform)} handle ({USERNAME_RULE[platform]})")
    return username


def _label(platform: str) -> str:
    return "Twitter/X" if platform == TWITTER else "Instagram"


def profile_url(platform: str, username: str) -> str:
    if platform == TWITTER:
        return f"https://x.com/{username}"
    return f"https://www.instagram.com/{username}/"
