"""An OutX watchlist's posts: their authors (tracked people and company pages), URNs and rendering.

Post j is published at `timeline.time_ms(j)`; everything else about it is a
hash of (watchlist key, j). The public counters a post shows also depend on
the interactions recorded on it, which the watchlist adds (see Watchlist.post).
"""

from __future__ import annotations

from typing import Any

from mockserver.core.timeline import Timeline
from mockserver.core.world import Pools, derive, derived_uuid, pick, stable_key
from mockserver.providers.outx.content import LANGUAGES, POST_TYPES, OutxContent

# Salts: independent random values drawn for the same post.
_S_PTIME, _S_PID, _S_PAUTHOR, _S_PCONTENT, _S_PTYPE, _S_PCOUNTS, _S_PMETA = range(10, 17)
_S_CHOOSE_TRACKED, _S_CHOOSE_TRACKED_COMPANY = 23, 24
POST_TIME_SALT = _S_PTIME


def person_id(seed: int, index: int) -> str:
    return derived_uuid(stable_key(seed, "outx", "person"), index)


def company_id(seed: int, index: int) -> str:
    return derived_uuid(stable_key(seed, "outx", "company"), index)


def _image_url(key: int, index: int, kind: str) -> str:
    code = format(derive(key, index, 63), "016X")
    if kind == "company":
        return f"https://media.licdn.com/dms/image/v2/C4E0BAQ{code}/company-logo_200_200/0/"
    return f"https://media.licdn.com/dms/image/v2/D4E03AQ{code}/profile-displayphoto-shrink_200_200/0/"


def tracked_authors(key: int, seed: int, pools: Pools, people: int, companies: int) -> list[dict[str, Any]]:
    """The people and company pages whose posts the watchlist tracks."""
    chosen_people = dict.fromkeys(derive(key, a, _S_CHOOSE_TRACKED) % len(pools.people) for a in range(people))
    authors = [{"id": person_id(seed, i), "full_name": pools.people[i].full_name, "author_slug": pools.people[i].slug,
                "headline": pools.people[i].headline, "author_image_url": _image_url(key, i, "person")}
               for i in chosen_people]
    chosen_companies = dict.fromkeys(
        derive(key, a, _S_CHOOSE_TRACKED_COMPANY) % len(pools.companies) for a in range(companies))
    authors += [{"id": company_id(seed, i), "full_name": pools.companies[i].name,
                 "author_slug": pools.companies[i].slug, "headline": pools.companies[i].tagline,
                 "author_image_url": _image_url(key, i, "company")}
                for i in chosen_companies]
    return authors


class Posts:
    """The posts of one watchlist, derived on demand."""

    def __init__(self, key: int, content: OutxContent, slug: str, authors: list[dict[str, Any]],
                 timeline: Timeline) -> None:
        self.key = key
        self.slug = slug
        self.timeline = timeline
        self._content = content
        self.authors = authors  # from tracked_authors
        self.index_of_author = {author["id"]: i for i, author in enumerate(authors)}

    def author_index(self, j: int) -> int:
        return derive(self.key, j, _S_PAUTHOR) % len(self.authors)

    def activity_urn(self, j: int) -> str:
        """LinkedIn activity ids start with the creation time in ms (the top 41 bits)."""
        return f"urn:li:activity:{(self.timeline.time_ms(j) << 22) | (derive(self.key, j, _S_PID) & 0x3FFFFF)}"

    def index_of(self, social_urn: str, now_ms: int) -> int | None:
        """Which post has this activity URN (and exists by now), if any.

        Activity ids carry the post's creation time in their top bits, and post
        j is created within post j's slot of the post timeline, so the answer
        is one division and one comparison.
        """
        digits = social_urn.removeprefix("urn:li:activity:")
        if not digits.isdecimal() or len(digits) > 25:
            return None
        created = int(digits) >> 22
        j = self.timeline.index_of(created) if created <= now_ms else None
        return j if j is not None and self.activity_urn(j) == social_urn else None

    def render(self, j: int) -> dict[str, Any]:
        """Post j as the Posts API shows it, with the counters of what the watchlist does not record."""
        h = derive(self.key, j, _S_PCOUNTS)
        meta = derive(self.key, j, _S_PMETA)
        activity = self.activity_urn(j)
        post_type = pick(POST_TYPES, derive(self.key, j, _S_PTYPE))
        content = self._content
        return {
            "id": derived_uuid(self.key, j, _S_PID),
            "linkedin_post_url": f"https://www.linkedin.com/feed/update/{activity}",
            "content": pick(content.posts, derive(self.key, j, _S_PCONTENT)),
            "created_at": self.timeline.time_ms(j),
            "likes_count": 40 + h % 900,
            "shares_count": (h >> 10) % 60,
            "comments_count": 4 + (h >> 20) % 120,
            "bookmark": (meta & 0xF) == 0,
            "post_type": post_type,
            "linkedin_post_urn": activity,
            "language": pick(LANGUAGES, meta >> 4),
            "tags": _some(content.tags, meta >> 8, 3),
            "videos": [f"https://dms.licdn.com/playlist/vid/{activity[16:]}/mp4-720p"] if post_type == "video" else None,
            "social_urn": activity,
            "primary_keywords": _some(content.keywords, meta >> 16, 3),
            "tracking_lists_slug": self.slug,
            "list_info": [],
            "post_author": self.authors[self.author_index(j)],
        }


def _some(pool: tuple[str, ...], bits: int, most: int) -> list[str]:
    """0..most distinct entries of `pool`, chosen by `bits`."""
    count = bits % (most + 1)
    chosen = dict.fromkeys(pool[(bits >> (8 + 6 * i)) % len(pool)] for i in range(count))
    return list(chosen)
