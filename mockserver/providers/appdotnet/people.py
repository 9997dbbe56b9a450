"""Generated App.net users: one per pool person, the same person under the same id everywhere."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from mockserver.core.clock import DAY_MS
from mockserver.core.world import Pools, derive, pick, stable_key, unit_float
from mockserver.providers.appdotnet.content import LOCALES, TIMEZONES, AdnContent
from mockserver.providers.appdotnet.richtext import Hashtag, Link, Segment, compose

# Generated users have ids from here up; scenario users stay below it.
GENERATED_USER_BASE = 100_000
IMAGE_HOST = "https://images.mockserver.invalid/appdotnet"

_S_TYPE, _S_TZ, _S_LOCALE, _S_AGE, _S_COUNTS, _S_COVER, _S_BIO, _S_DOMAIN, _S_BLOG, _S_IMG = range(10)


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """The object-shaping query parameters App.net's endpoints share."""

    html: bool = True
    user_annotations: bool = False
    post_annotations: bool = False
    channel_annotations: bool = False
    starred_by: bool = False
    reposters: bool = False


def iso_seconds(ms: int) -> str:
    """App.net's strict date format: seconds precision, always UTC with a Z."""
    return datetime.fromtimestamp(ms // 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def image(key: int, index: int, kind: str, width: int, height: int, is_default: bool) -> dict[str, Any]:
    token = format(derive(key, index, _S_IMG + (kind == "cover")), "016x")
    return {"height": height, "is_default": is_default,
            "url": f"{IMAGE_HOST}/{kind}/{token}.png", "width": width}


def user_flags(follows_you: bool, you_follow: bool, user_type: str) -> dict[str, bool]:
    """The `you_*` fields, seen by the user making the request."""
    return {
        "follows_you": follows_you,
        "you_blocked": False,  # a blocked or muted user's actions would not reach the stream at all
        "you_follow": you_follow,
        "you_muted": False,
        "you_can_subscribe": True,
        "you_can_follow": user_type != "bot" or follows_you,  # bots may only follow back
    }


class Directory:
    """Renders generated users; the viewer-independent part is cached per options."""

    def __init__(self, seed: int, anchor_ms: int, pools: Pools, content: AdnContent) -> None:
        self.seed = seed
        self.key = stable_key(seed, "appdotnet", "people")
        self.anchor_ms = anchor_ms
        self.pools = pools
        self.content = content
        self._cache: dict[tuple[int, bool, bool], dict[str, Any]] = {}

    def __len__(self) -> int:
        return len(self.pools.people)

    @staticmethod
    def user_id(index: int) -> str:
        return str(GENERATED_USER_BASE + index)

    def username(self, index: int) -> str:
        person = self.pools.people[index]
        letters = re.sub(r"[^a-z]", "", (person.first_name + person.last_name).lower())[:14] or "user"
        return f"{letters}{index}"  # letters then digits: distinct for distinct indices

    def user_type(self, index: int) -> str:
        roll = unit_float(derive(self.key, index, _S_TYPE))
        return "bot" if roll < 0.03 else "feed" if roll < 0.1 else "human"

    def user(self, index: int, options: RenderOptions) -> dict[str, Any]:
        """The generated user without the `you_*` flags; callers add them."""
        cache_key = (index, options.html, options.user_annotations)
        found = self._cache.get(cache_key)
        if found is None:
            found = self._build(index, options)
            self._cache[cache_key] = found
        return found

    def _bio(self, index: int) -> list[Segment]:
        person = self.pools.people[index]
        segments: list[Segment] = [f"{person.headline}. {person.bio}."]
        roll = derive(self.key, index, _S_BIO)
        if roll % 10 < 3:
            segments += [" ", Hashtag(pick(self.content.hashtags, roll >> 8))]
        if (roll >> 4) % 10 < 2:
            url = pick(self.content.urls, roll >> 16)
            segments += [" ", Link(url, url)]
        return segments

    def _build(self, index: int, options: RenderOptions) -> dict[str, Any]:
        key = self.key
        person = self.pools.people[index]
        username = self.username(index)
        bio = compose(self._bio(index))
        description: dict[str, Any] = {"text": bio.text, "entities": bio.entities}
        if options.html:
            description["html"] = bio.html
        counts = derive(key, index, _S_COUNTS)
        followers = 5 + counts % 2500
        age_days = 200 + derive(key, index, _S_AGE) % 1500
        user: dict[str, Any] = {
            "id": self.user_id(index),
            "username": username,
            "name": person.full_name[:50],
            "description": description,
            "timezone": pick(TIMEZONES, derive(key, index, _S_TZ)),
            "locale": pick(LOCALES, derive(key, index, _S_LOCALE)),
            "avatar_image": image(key, index, "avatar", 200, 200, False),
            "cover_image": image(key, index, "cover", 960, 260, derive(key, index, _S_COVER) % 3 == 0),
            "type": self.user_type(index),
            "created_at": iso_seconds(self.anchor_ms - age_days * DAY_MS - counts % DAY_MS),
            "counts": {
                "followers": followers,
                "following": 10 + (counts >> 12) % 800,
                "posts": 20 + (counts >> 24) % 9000,
                "stars": (counts >> 36) % 1200,
            },
            "canonical_url": f"https://alpha.app.net/{username}",
        }
        domain_roll = derive(key, index, _S_DOMAIN)
        if domain_roll % 100 < 15:
            user["verified_domain"] = pick(self.content.domains, domain_roll >> 8)
        if options.user_annotations:
            blog = derive(key, index, _S_BLOG)
            user["annotations"] = [] if blog % 4 else [
                {"type": "net.app.core.directory.blog", "value": {"url": pick(self.content.urls, blog >> 8)}}
            ]
        return user
