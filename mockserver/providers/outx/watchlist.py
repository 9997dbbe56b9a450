"""An OutX watchlist's interactions and posts, derived on demand, plus its overlay.

A watchlist's interactions form a virtual stream indexed by k = 0, 1, 2, ...
(oldest first). Interaction k happens at `origin + k*step + jitter(k)` with
`0 <= jitter < step`, so times strictly increase with k and "how many happened
by time t" is O(1). Who acted and whether it was a like or a comment repeat
with a period of PERIOD items, which makes any filter a set of residues mod
PERIOD: counting matches below n and finding the j-th match are both O(log
PERIOD). Page n therefore costs what page 1 costs, for any filter.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, insort
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from mockserver.core.clock import DAY_MS, date_of_ms, day_start_ms
from mockserver.core.timeline import Timeline
from mockserver.core.world import Pools, derive, derived_uuid, pick, slugify, stable_key, unit_float
from mockserver.providers.outx.content import LANGUAGES, POST_TYPES, OutxContent

PERIOD = 8192
LIKE, COMMENT = "like", "comment"
INTERACTION_TYPES = (LIKE, COMMENT)
GRAPH_DAYS = 7
_MINUTE_MS = 60_000
_RESIDUE_CACHE_SIZE = 256
_RENDER_CACHE_SIZE = 4096  # rendered interactions and posts kept per watchlist

# Salts: independent random values drawn for the same item.
_S_TIME, _S_ID, _S_TEXT, _S_POST, _S_ACTOR, _S_KIND = range(6)
_S_PTIME, _S_PID, _S_PAUTHOR, _S_PCONTENT, _S_PTYPE, _S_PCOUNTS, _S_PMETA = range(10, 17)
_S_CHOOSE_PERSON, _S_CHOOSE_COMPANY, _S_SHUFFLE, _S_CHOOSE_TRACKED = range(20, 24)


@dataclass(frozen=True, slots=True)
class Selection:
    """The filter of one request; None means "no filter on this attribute"."""

    types: frozenset[str] | None = None
    actor_ids: frozenset[str] | None = None

    def allows_type(self, kind: str) -> bool:
        return self.types is None or kind in self.types

    def only(self, kind: str) -> "Selection":
        return Selection(frozenset({kind}) if self.allows_type(kind) else frozenset(), self.actor_ids)


@dataclass(frozen=True, slots=True)
class AgentLike:
    """A like performed through the API (an agent task): part of the overlay."""

    id: str
    time_ms: int  # when the task completes, and so when the like exists
    post_index: int
    author: dict[str, Any]


@dataclass(frozen=True, slots=True)
class InteractionsPage:
    data: list[dict[str, Any]]
    total: int
    total_likes: int
    total_comments: int


def person_id(seed: int, index: int) -> str:
    return derived_uuid(stable_key(seed, "outx", "person"), index)


def company_id(seed: int, index: int) -> str:
    return derived_uuid(stable_key(seed, "outx", "company"), index)


def _image_url(key: int, index: int) -> str:
    code = format(derive(key, index, 63), "016X")
    return f"https://media.licdn.com/dms/image/v2/D4E03AQ{code}/profile-displayphoto-shrink_200_200/0/"


def _actors(key: int, seed: int, pools: Pools, count: int, company_share: float) -> list[dict[str, Any]]:
    """The people and company pages that interact with one watchlist's posts."""
    companies = min(round(count * company_share), len(pools.companies))
    people = min(count - companies, len(pools.people))
    actors: list[dict[str, Any]] = []
    for kind, wanted, pool in (("user", people, pools.people), ("company", companies, pools.companies)):
        chosen: dict[int, None] = {}
        attempt = 0
        while len(chosen) < wanted:
            chosen.setdefault(derive(key, attempt, _S_CHOOSE_PERSON if kind == "user" else _S_CHOOSE_COMPANY) % len(pool))
            attempt += 1
        for index in chosen:
            item = pool[index]
            if kind == "user":
                actors.append({"id": person_id(seed, index), "full_name": item.full_name,
                               "author_slug": item.slug, "headline": item.headline, "author_type": "user"})
            else:
                actors.append({"id": company_id(seed, index), "full_name": item.name,
                               "author_slug": item.slug, "headline": item.tagline, "author_type": "company"})
    # Interleave so that low slots (the most active ones) mix people and companies.
    actors.sort(key=lambda actor: derive(key, stable_key(actor["id"]), _S_SHUFFLE))
    return actors


@dataclass(frozen=True)
class WatchlistCast:
    """Who acts on a watchlist and how: a pure function of (seed, spec), so never rebuilt by a reset.

    The residue lists the watchlist's filters use are memoised here too: they
    depend on nothing else.
    """

    actors: list[dict[str, Any]]
    slot_of_actor: dict[str, int]
    actor_slot: array  # actor slot of residue r
    is_comment: bytes  # whether residue r is a comment
    post_authors: list[dict[str, Any]]
    residues: OrderedDict[tuple[frozenset[str], frozenset[int] | None], array]

    @classmethod
    def build(cls, spec: dict[str, Any], seed: int, pools: Pools) -> "WatchlistCast":
        key = stable_key(seed, "outx", "watchlist", spec["id"])
        actors = _actors(key, seed, pools, spec.get("actors", 150), spec.get("company_share", 0.1))
        comment_share: float = spec.get("comment_share", 0.3)
        people = pools.people
        tracked = spec.get("tracked_authors", 12)
        return cls(
            actors=actors,
            slot_of_actor={actor["id"]: slot for slot, actor in enumerate(actors)},
            # Activity is skewed: a few actors account for most interactions.
            actor_slot=array("H", (min(len(actors) - 1, int(len(actors) * unit_float(
                derive(key, r, _S_ACTOR)) ** 1.8)) for r in range(PERIOD))),
            is_comment=bytes(unit_float(derive(key, r, _S_KIND)) < comment_share for r in range(PERIOD)),
            post_authors=[
                {"id": person_id(seed, i), "full_name": people[i].full_name, "author_slug": people[i].slug,
                 "headline": people[i].headline, "author_image_url": _image_url(key, i)}
                for i in dict.fromkeys(derive(key, a, _S_CHOOSE_TRACKED) % len(people) for a in range(tracked))
            ],
            residues=OrderedDict(),
        )


class Watchlist:
    """One watchlist and its virtual stream of interactions and posts."""

    def __init__(self, spec: dict[str, Any], team_id: str, seed: int, anchor_ms: int,
                 pools: Pools, content: OutxContent, cast: WatchlistCast | None = None) -> None:
        self.id: str = spec["id"]
        self.name: str = spec["name"]
        self.slug: str = spec.get("slug") or slugify(self.name)
        self.team_id = team_id
        self.seed = seed
        self.key = stable_key(seed, "outx", "watchlist", self.id)
        self._content = content
        initial: int = spec["interactions"]
        history_ms = spec.get("history_days", 28) * DAY_MS
        step_ms = max(1, history_ms // initial) if initial else 0
        # The origin is chosen so that exactly `initial` interactions exist at the anchor.
        self.timeline = Timeline(self.key, _S_TIME, anchor_ms - initial * step_ms + 1, step_ms,
                                 None if spec.get("live", True) else initial)

        cast = cast or WatchlistCast.build(spec, seed, pools)
        self.actors = cast.actors
        self._slot_of_actor = cast.slot_of_actor
        self._actor_slot = cast.actor_slot
        self._is_comment = cast.is_comment
        self._residues = cast.residues
        self._post_authors = cast.post_authors
        # About forty interactions per post; a post every 30 minutes to 2 days.
        post_step_ms = min(2 * DAY_MS, max(30 * _MINUTE_MS, history_ms // max(1, initial // 40)))
        self.posts = Timeline(self.key, _S_PTIME, self.timeline.origin_ms - 8 * post_step_ms, post_step_ms)
        # The overlay: likes made through the API, oldest first, and per post their times.
        self.agent_likes: list[AgentLike] = []
        self._agent_times: list[int] = []  # every overlay like's time, sorted
        self._agent_like_times: dict[int, list[int]] = {}
        # Derived items never change, so rendering them once is enough (bounded caches).
        self._interactions: dict[int, tuple[dict[str, Any], int]] = {}
        self._posts: dict[int, dict[str, Any]] = {}
        self._past_days: dict[tuple[Selection, int, int], dict[str, Any]] = {}
        # Answers depend on the clock only through how many items exist by then, which
        # changes every few minutes, not every millisecond: memoise on that count.
        self._pages: dict[tuple[Any, ...], InteractionsPage] = {}
        self._todays: dict[tuple[Any, ...], dict[str, Any]] = {}

    # -- time <-> index ------------------------------------------------------

    def time_ms(self, k: int) -> int:
        return self.timeline.time_ms(k)

    def count_at(self, t_ms: int) -> int:
        """How many interactions have happened at or before `t_ms`."""
        return self.timeline.count_at(t_ms)

    # -- filters -------------------------------------------------------------

    def _residues_for(self, selection: Selection) -> array | None:
        """Sorted residues mod PERIOD that match; None when everything matches."""
        types = frozenset(INTERACTION_TYPES) if selection.types is None else selection.types & {LIKE, COMMENT}
        slots = None
        if selection.actor_ids is not None:
            slots = frozenset(self._slot_of_actor[a] for a in selection.actor_ids if a in self._slot_of_actor)
        if slots is None and len(types) == 2:
            return None
        cache_key = (types, slots)
        cached = self._residues.get(cache_key)
        if cached is not None:
            self._residues.move_to_end(cache_key)
            return cached
        want_comment, want_like = COMMENT in types, LIKE in types
        residues = array("H", (
            r for r in range(PERIOD)
            if (want_comment if self._is_comment[r] else want_like)
            and (slots is None or self._actor_slot[r] in slots)
        ))
        self._residues[cache_key] = residues
        if len(self._residues) > _RESIDUE_CACHE_SIZE:
            self._residues.popitem(last=False)
        return residues

    @staticmethod
    def _count_below(residues: array | None, n: int) -> int:
        if residues is None:
            return n
        cycles, rest = divmod(n, PERIOD)
        return cycles * len(residues) + bisect_left(residues, rest)

    @staticmethod
    def _kth(residues: array | None, j: int) -> int:
        if residues is None:
            return j
        cycles, rest = divmod(j, len(residues))
        return cycles * PERIOD + residues[rest]

    def count(self, selection: Selection, n: int) -> int:
        """Matching interactions among the first n."""
        return self._count_below(self._residues_for(selection), n)

    # -- queries -------------------------------------------------------------

    def state_key(self, now_ms: int) -> tuple[int, int, int]:
        """Everything an answer depends on besides the request: how many derived items and overlay
        likes exist by now, and which day it is. It changes every few minutes, not every ms."""
        return self.count_at(now_ms), self._overlay_seen(now_ms), day_start_ms(now_ms)

    def _overlay_seen(self, now_ms: int) -> int:
        """How many overlay likes exist by now: with the derived count, all an answer depends on."""
        return bisect_left(self._agent_times, now_ms + 1)

    def _extra(self, selection: Selection, now_ms: int) -> list[AgentLike]:
        """Overlay likes that exist by now and match, newest first."""
        if not self.agent_likes or not selection.allows_type(LIKE):
            return []
        wanted = selection.actor_ids
        return [like for like in reversed(self.agent_likes)
                if like.time_ms <= now_ms and (wanted is None or like.author["id"] in wanted)]

    def page(self, selection: Selection, offset: int, size: int, now_ms: int) -> InteractionsPage:
        """Newest first: positions offset .. offset+size-1 of the matching items.

        Derived interactions and the overlay's likes are merged by time; the
        cost is O(overlay + page size) whatever the offset.
        """
        n = self.count_at(now_ms)
        key = (selection, offset, size, n, self._overlay_seen(now_ms))
        cached = self._pages.get(key)
        if cached is None:
            cached = self._page(selection, offset, size, now_ms, n, self._extra(selection, now_ms))
            _remember(self._pages, key, cached)
        return cached

    def _page(self, selection: Selection, offset: int, size: int, now_ms: int, n: int,
              extra: list[AgentLike]) -> InteractionsPage:
        residues = self._residues_for(selection)
        derived = self._count_below(residues, n)
        # Where each overlay like lands in the merged list: after every derived
        # item newer than it and every newer overlay like.
        placed = [i + derived - self._count_below(residues, self.count_at(like.time_ms))
                  for i, like in enumerate(extra)]
        total = derived + len(extra)
        data = []
        for p in range(min(offset, total), min(offset + size, total)):
            before = bisect_left(placed, p)
            if before < len(placed) and placed[before] == p:
                data.append(self._agent_interaction(extra[before], now_ms))
            else:
                data.append(self.interaction(self._kth(residues, derived - 1 - (p - before)), now_ms))
        likes = self.count(selection.only(LIKE), n) + len(extra)
        return InteractionsPage(data, total, likes, total - likes)

    def graph(self, selection: Selection, now_ms: int) -> list[dict[str, Any]]:
        """Per-day like and comment counts for the last GRAPH_DAYS days, today last.

        Days before today are complete and never change (unless the overlay
        grows, which is part of the cache key), so they are computed once.
        """
        today = day_start_ms(now_ms)
        days = []
        for back in range(GRAPH_DAYS - 1, 0, -1):
            start = today - back * DAY_MS
            key = (selection, start, len(self.agent_likes))
            day = self._past_days.get(key)
            if day is None:
                day = self._day(selection, start, start + DAY_MS - 1)
                _remember(self._past_days, key, day)
            days.append(day)
        key = (selection, today, self.count_at(now_ms), self._overlay_seen(now_ms))
        todays = self._todays.get(key)
        if todays is None:
            todays = self._day(selection, today, now_ms)
            _remember(self._todays, key, todays)
        days.append(todays)
        return days

    def _day(self, selection: Selection, start: int, end: int) -> dict[str, Any]:
        likes, comments = selection.only(LIKE), selection.only(COMMENT)
        lo, hi = self.count_at(start - 1), self.count_at(end)
        extra = sum(start <= like.time_ms <= end for like in self._extra(selection, end))
        return {
            "posted_at": date_of_ms(start),
            "like_count": self.count(likes, hi) - self.count(likes, lo) + extra,
            "comment_count": self.count(comments, hi) - self.count(comments, lo),
        }

    # -- the overlay -----------------------------------------------------------

    def post_index_of(self, social_urn: str, now_ms: int) -> int | None:
        """Which of this watchlist's posts has this activity URN (and exists by now), if any.

        Activity ids carry the post's creation time in their top bits, and post
        j is created within post j's slot of the post timeline, so the answer
        is one division and one comparison.
        """
        digits = social_urn.removeprefix("urn:li:activity:")
        if not digits.isdecimal() or len(digits) > 25:
            return None
        created = int(digits) >> 22
        j = self.posts.index_of(created) if created <= now_ms else None
        return j if j is not None and self.activity_urn(j) == social_urn else None

    def add_agent_like(self, like: AgentLike) -> None:
        insort(self.agent_likes, like, key=lambda item: (item.time_ms, item.id))
        insort(self._agent_times, like.time_ms)
        insort(self._agent_like_times.setdefault(like.post_index, []), like.time_ms)

    def _agent_interaction(self, like: AgentLike, now_ms: int) -> dict[str, Any]:
        return {"id": like.id, "text": "", "interaction_type": LIKE, "created_at": like.time_ms,
                "author": like.author, "post": self.post(like.post_index, now_ms)}

    # -- rendering -----------------------------------------------------------

    def interaction(self, k: int, now_ms: int) -> dict[str, Any]:
        cached = self._interactions.get(k)
        if cached is None:
            r = k % PERIOD
            created = self.time_ms(k)
            is_comment = self._is_comment[r]
            base = {
                "id": derived_uuid(self.key, k, _S_ID),
                "text": pick(self._content.comments, derive(self.key, k, _S_TEXT)) if is_comment else "",
                "interaction_type": COMMENT if is_comment else LIKE,
                "created_at": created,
                "author": self.actors[self._actor_slot[r]],
            }
            cached = (base, self._post_index_for(k, created))
            _remember(self._interactions, k, cached)
        base, j = cached
        return {**base, "post": self.post(j, now_ms)}

    def _post_index_for(self, k: int, created_ms: int) -> int:
        """One of the six newest posts published at least a minute before the interaction."""
        published = self.posts.count_at(created_ms - _MINUTE_MS)
        return published - 1 - derive(self.key, k, _S_POST) % min(published, 6)

    def activity_urn(self, j: int) -> str:
        """LinkedIn activity ids start with the creation time in ms (the top 41 bits)."""
        return f"urn:li:activity:{(self.posts.time_ms(j) << 22) | (derive(self.key, j, _S_PID) & 0x3FFFFF)}"

    def post(self, j: int, now_ms: int) -> dict[str, Any]:
        """Post j as the Posts API shows it at `now_ms` (agent likes done by then included)."""
        post = self._posts.get(j)
        if post is None:
            post = self._render_post(j)
            _remember(self._posts, j, post)
        liked = self._agent_like_times.get(j)
        if liked:
            return {**post, "likes_count": post["likes_count"] + bisect_left(liked, now_ms + 1)}
        return post

    def _render_post(self, j: int) -> dict[str, Any]:
        h = derive(self.key, j, _S_PCOUNTS)
        meta = derive(self.key, j, _S_PMETA)
        created = self.posts.time_ms(j)
        activity = self.activity_urn(j)
        post_type = pick(POST_TYPES, derive(self.key, j, _S_PTYPE))
        content = self._content
        return {
            "id": derived_uuid(self.key, j, _S_PID),
            "linkedin_post_url": f"https://www.linkedin.com/feed/update/{activity}",
            "content": pick(content.posts, derive(self.key, j, _S_PCONTENT)),
            "created_at": created,
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
            "post_author": pick(self._post_authors, derive(self.key, j, _S_PAUTHOR)),
        }


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    """Keep at most _RENDER_CACHE_SIZE entries: when full, start over (cheap, and the working set refills)."""
    if len(cache) >= _RENDER_CACHE_SIZE:
        cache.clear()
    cache[key] = value


def _some(pool: tuple[str, ...], bits: int, most: int) -> list[str]:
    """0..most distinct entries of `pool`, chosen by `bits`."""
    count = bits % (most + 1)
    chosen = dict.fromkeys(pool[(bits >> (8 + 6 * i)) % len(pool)] for i in range(count))
    return list(chosen)
