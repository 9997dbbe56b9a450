"""An OutX watchlist's interactions, derived on demand, plus its overlay.

A watchlist's interactions form a virtual stream indexed by k = 0, 1, 2, ...
(oldest first). Interaction k happens at `origin + k*step + jitter(k)` with
`0 <= jitter < step`, so times strictly increase with k and "how many happened
by time t" is O(1). Who acted, whether it was a like or a comment, and which
of the six newest posts it is on repeat with a period of PERIOD items, which
makes any filter a set of residues mod PERIOD plus a few ranges near the
chosen authors' posts (see matching.py): counting matches below n and finding
the j-th match are both O(log PERIOD). Page n therefore costs what page 1
costs, for any filter.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, insort
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from mockserver.core.clock import DAY_MS, date_of_ms, day_start_ms
from mockserver.core.memo import AnswerMemo
from mockserver.core.timeline import Timeline
from mockserver.core.world import Pools, derive, derived_uuid, pick, slugify, stable_key, unit_float
from mockserver.providers.outx.content import OutxContent
from mockserver.providers.outx.matching import (
    BACK, MINUTE_MS, PERIOD, Matches, OnPosts, Segments, count_between, residues_where, split_by_back,
)
from mockserver.providers.outx.posts import POST_TIME_SALT, Posts, company_id, person_id, tracked_authors

LIKE, COMMENT = "like", "comment"
INTERACTION_TYPES = (LIKE, COMMENT)
GRAPH_DAYS = 7
_ONLY = {kind: frozenset({kind}) for kind in INTERACTION_TYPES}
_MATCHES_CACHE_SIZE = 256
_RENDER_CACHE_SIZE = 4096  # rendered interactions and posts kept per watchlist
_ITEM_BYTES = 1200  # about what one interaction of a page is as JSON (its dicts hold about twice that)

# Salts: independent random values drawn for the same item.
_S_TIME, _S_ID, _S_TEXT, _S_POST, _S_ACTOR, _S_KIND = range(6)
_S_CHOOSE_PERSON, _S_CHOOSE_COMPANY, _S_SHUFFLE = range(20, 23)

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

    The residue lists the watchlist's filters use are memoised here too (in
    `memo`): they depend on nothing else.
    """

    key: int
    actors: list[dict[str, Any]]
    slot_of_actor: dict[str, int]
    actor_slot: array  # actor slot of residue r
    is_comment: bytes  # whether residue r is a comment
    post_authors: list[dict[str, Any]]
    memo: dict[Any, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def build(cls, spec: dict[str, Any], seed: int, pools: Pools) -> "WatchlistCast":
        key = stable_key(seed, "outx", "watchlist", spec["id"])
        actors = _actors(key, seed, pools, spec.get("actors", 150), spec.get("company_share", 0.1))
        comment_share: float = spec.get("comment_share", 0.3)
        return cls(
            key=key,
            actors=actors,
            slot_of_actor={actor["id"]: slot for slot, actor in enumerate(actors)},
            # Activity is skewed: a few actors account for most interactions.
            actor_slot=array("H", (min(len(actors) - 1, int(len(actors) * unit_float(
                derive(key, r, _S_ACTOR)) ** 1.8)) for r in range(PERIOD))),
            is_comment=bytes(unit_float(derive(key, r, _S_KIND)) < comment_share for r in range(PERIOD)),
            post_authors=tracked_authors(key, seed, pools, spec.get("tracked_authors", 12),
                                         spec.get("tracked_companies", 2)),
        )

    @property
    def back(self) -> bytes:
        """Which of the six newest posts residue r's interaction is on (built on first use)."""
        found = self.memo.get("back")
        if found is None:
            found = self.memo["back"] = bytes(derive(self.key, r, _S_POST) % BACK for r in range(PERIOD))
        return found

    def residues(self, types: frozenset[str], slots: frozenset[int] | None, *, by_back: bool = False,
                 exclude: frozenset[int] = frozenset()) -> Any:
        """Sorted residues of these types (and actor slots, unless None), or, `by_back`, those of the types
        whose actor is not in `exclude`, split by back value. Memoised (bounded)."""
        memo_key = ("residues", types, slots, by_back, exclude)
        found = self.memo.get(memo_key)
        if found is None:
            want_comment, want_like = COMMENT in types, LIKE in types
            is_comment, actor_slot = self.is_comment, self.actor_slot

            def typed(r: int) -> bool:
                return bool(want_comment if is_comment[r] else want_like)

            if by_back:
                found = split_by_back(self.back, lambda r: typed(r) and actor_slot[r] not in exclude)
            else:
                found = residues_where(lambda r: typed(r) and (slots is None or actor_slot[r] in slots))
            if len(self.memo) > _MATCHES_CACHE_SIZE:
                back = self.memo.get("back")
                self.memo.clear()
                if back is not None:
                    self.memo["back"] = back
            self.memo[memo_key] = found
        return found


@dataclass
class WatchlistRenders:
    """Rendered derived items and what filters match: pure functions of (seed, spec, anchor).

    Kept across rebuilds at the same anchor (a reset with a frozen start), so
    the first page after a reset costs what any page costs. Nothing here may
    depend on the overlay or the clock.
    """

    interactions: dict[int, tuple[dict[str, Any], int]] = field(default_factory=dict)
    posts: dict[int, dict[str, Any]] = field(default_factory=dict)
    recorded: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    matches: OrderedDict[tuple[frozenset[str], frozenset[int] | None, frozenset[int]], Matches] = \
        field(default_factory=OrderedDict)


class Watchlist:
    """One watchlist and its virtual stream of interactions and posts."""

    def __init__(self, spec: dict[str, Any], team_id: str, seed: int, anchor_ms: int,
                 pools: Pools, content: OutxContent, cast: WatchlistCast | None = None,
                 renders: WatchlistRenders | None = None) -> None:
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

        self.cast = cast = cast or WatchlistCast.build(spec, seed, pools)
        self.actors = cast.actors
        self._slot_of_actor = cast.slot_of_actor
        self._actor_slot = cast.actor_slot
        self._is_comment = cast.is_comment
        # What each filter matches (its residues come from the cast; its segments depend on the anchor).
        renders = WatchlistRenders() if renders is None else renders
        self._matches = renders.matches

        # About forty interactions per post; a post every 30 minutes to 2 days.
        post_step_ms = min(2 * DAY_MS, max(30 * MINUTE_MS, history_ms // max(1, initial // 40)))
        self.posts = Posts(self.key, content, self.slug, cast.post_authors,
                           Timeline(self.key, POST_TIME_SALT, self.timeline.origin_ms - 8 * post_step_ms, post_step_ms))
        self.segments = Segments(self.timeline, self.posts.timeline)
        # The overlay: likes made through the API, oldest first, and per post their times.
        self.agent_likes: list[AgentLike] = []
        self._agent_times: list[int] = []  # every overlay like's time, sorted
        self._agent_like_times: dict[int, list[int]] = {}
        self._overlay_version = 0  # bumped on every change, so nothing memoised outlives one
        # Derived items never change, so rendering them once is enough (bounded caches).
        self._interactions = renders.interactions
        self._posts = renders.posts
        self._recorded = renders.recorded
        self._past_days: dict[tuple[Selection, int, int], dict[str, Any]] = {}
        # Answers depend on the clock only through how many items exist by then, which
        # changes every few minutes, not every millisecond: memoise on that count.
        self._pages: AnswerMemo[InteractionsPage] = AnswerMemo(_RENDER_CACHE_SIZE)
        self._todays: dict[tuple[Any, ...], dict[str, Any]] = {}

    # -- time <-> index ------------------------------------------------------

    def time_ms(self, k: int) -> int:
        return self.timeline.time_ms(k)

    def count_at(self, t_ms: int) -> int:
        """How many interactions have happened at or before `t_ms`."""
        return self.timeline.count_at(t_ms)

    # -- filters -------------------------------------------------------------

    def matches(self, selection: Selection) -> Matches:
        """What the selection matches among the derived interactions (cached per selection)."""
        types = frozenset(INTERACTION_TYPES) if selection.types is None else selection.types & {LIKE, COMMENT}
        slots: frozenset[int] | None = None
        authors: frozenset[int] = frozenset()
        if selection.actor_ids is not None:
            wanted = selection.actor_ids
            slots = frozenset(self._slot_of_actor[a] for a in wanted if a in self._slot_of_actor)
            authors = frozenset(self.posts.index_of_author[a] for a in wanted if a in self.posts.index_of_author)
        cache_key = (types, slots, authors)
        found = self._matches.get(cache_key)
        if found is not None:
            self._matches.move_to_end(cache_key)
            return found
        found = self._build_matches(types, slots, authors)
        self._matches[cache_key] = found
        if len(self._matches) > _MATCHES_CACHE_SIZE:
            self._matches.popitem(last=False)
        return found

    def _build_matches(self, types: frozenset[str], slots: frozenset[int] | None, authors: frozenset[int]) -> Matches:
        everything = slots is None and len(types) == 2
        any_post = None if everything else self.cast.residues(types, slots)
        on_posts = None
        if authors:
            by_back = self.cast.residues(types, None, by_back=True, exclude=slots or frozenset())
            on_posts = OnPosts(self.segments, by_back, lambda j: self.posts.author_index(j) in authors)
        return Matches(any_post, on_posts, self._published_of)

    def _published_of(self, k: int) -> int:
        return self.segments.published(self.time_ms(k))

    def count(self, selection: Selection, n: int) -> int:
        """Matching interactions among the first n."""
        return self.matches(selection).count(n)

    # -- queries -------------------------------------------------------------

    def state_key(self, now_ms: int) -> tuple[int, int, int, int]:
        """Everything an answer depends on besides the request: how many derived items and overlay
        likes exist by now, which overlay, and which day it is. It changes every few minutes, not every ms."""
        return self.count_at(now_ms), self._overlay_seen(now_ms), self._overlay_version, day_start_ms(now_ms)

    def _overlay_seen(self, now_ms: int) -> int:
        """How many overlay likes exist by now: with the derived count, all an answer depends on."""
        return bisect_left(self._agent_times, now_ms + 1)

    def _selects_like(self, like: AgentLike, wanted: frozenset[str] | None) -> bool:
        if wanted is None:
            return True
        return like.author["id"] in wanted or self.posts.authors[self.posts.author_index(like.post_index)]["id"] in wanted

    def _extra(self, selection: Selection, now_ms: int) -> list[AgentLike]:
        """Overlay likes that exist by now and match, newest first."""
        if not self.agent_likes or not selection.allows_type(LIKE):
            return []
        wanted = selection.actor_ids
        return [like for like in reversed(self.agent_likes)
                if like.time_ms <= now_ms and self._selects_like(like, wanted)]

    def page(self, selection: Selection, offset: int, size: int, now_ms: int) -> InteractionsPage:
        """Newest first: positions offset .. offset+size-1 of the matching items.

        Derived interactions and the overlay's likes are merged by time; the
        cost is O(overlay + page size) whatever the offset.
        """
        n = self.count_at(now_ms)
        key = (selection, offset, size, n, self._overlay_seen(now_ms), self._overlay_version)
        cached = self._pages.get(key)
        if cached is None:
            cached = self._page(selection, offset, size, now_ms, n, self._extra(selection, now_ms))
            self._pages.put(key, cached, _ITEM_BYTES * len(cached.data))
        return cached

    def _page(self, selection: Selection, offset: int, size: int, now_ms: int, n: int,
              extra: list[AgentLike]) -> InteractionsPage:
        matches = self.matches(selection)
        derived = matches.count(n)
        # Where each overlay like lands in the merged list: after every derived
        # item newer than it and every newer overlay like.
        placed = [i + derived - matches.count(self.count_at(like.time_ms)) for i, like in enumerate(extra)]
        total = derived + len(extra)
        first, last = min(offset, total), min(offset + size, total)
        overlay_before = bisect_left(placed, first)
        overlay_in_page = bisect_left(placed, last) - overlay_before
        # Positions not taken by overlay likes hold derived items, consecutive from the newest down.
        derived_ks = iter(matches.newest_first(n, derived - 1 - (first - overlay_before),
                                               last - first - overlay_in_page))
        data = []
        for p in range(first, last):
            before = bisect_left(placed, p)
            if before < len(placed) and placed[before] == p:
                data.append(self._agent_interaction(extra[before], now_ms))
            else:
                data.append(self.interaction(next(derived_ks), now_ms))
        likes = self.count(selection.only(LIKE), n) + len(extra)
        return InteractionsPage(data, total, likes, total - likes)

    def graph(self, selection: Selection, now_ms: int) -> list[dict[str, Any]]:
        """Per-day like and comment counts for the last GRAPH_DAYS days, today last.

        Days before today are complete and never change (unless the overlay
        changes, which is part of the cache key), so they are computed once.
        """
        today = day_start_ms(now_ms)
        days = []
        for back in range(GRAPH_DAYS - 1, 0, -1):
            start = today - back * DAY_MS
            key = (selection, start, self._overlay_version)
            day = self._past_days.get(key)
            if day is None:
                day = self._day(selection, start, start + DAY_MS - 1)
                _remember(self._past_days, key, day)
            days.append(day)
        key = (selection, today, self.count_at(now_ms), self._overlay_seen(now_ms), self._overlay_version)
        todays = self._todays.get(key)
        if todays is None:
            todays = self._day(selection, today, now_ms)
            _remember(self._todays, key, todays)
        days.append(todays)
        return days

    def _day(self, selection: Selection, start: int, end: int) -> dict[str, Any]:
        likes, comments = self.matches(selection.only(LIKE)), self.matches(selection.only(COMMENT))
        lo, hi = self.count_at(start - 1), self.count_at(end)
        extra = sum(start <= like.time_ms <= end for like in self._extra(selection, end))
        return {
            "posted_at": date_of_ms(start),
            "like_count": likes.count(hi) - likes.count(lo) + extra,
            "comment_count": comments.count(hi) - comments.count(lo),
        }

    # -- the overlay -----------------------------------------------------------

    def post_index_of(self, social_urn: str, now_ms: int) -> int | None:
        """Which of this watchlist's posts has this activity URN (and exists by now), if any."""
        return self.posts.index_of(social_urn, now_ms)

    def add_agent_like(self, like: AgentLike) -> None:
        insort(self.agent_likes, like, key=lambda item: (item.time_ms, item.id))
        insort(self._agent_times, like.time_ms)
        insort(self._agent_like_times.setdefault(like.post_index, []), like.time_ms)
        self._overlay_version += 1

    def remove_agent_like(self, like: AgentLike) -> None:
        """Take back a like whose task was forced to fail or to complete at another time."""
        self.agent_likes.remove(like)
        self._agent_times.remove(like.time_ms)
        self._agent_like_times[like.post_index].remove(like.time_ms)
        self._overlay_version += 1

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
            cached = (base, self.post_index_for(k))
            _remember(self._interactions, k, cached)
        base, j = cached
        return {**base, "post": self.post(j, now_ms)}

    def post_index_for(self, k: int) -> int:
        """One of the six newest posts published at least a minute before the interaction."""
        return self._published_of(k) - 1 - self.cast.back[k % PERIOD]

    def activity_urn(self, j: int) -> str:
        return self.posts.activity_urn(j)

    def post(self, j: int, now_ms: int) -> dict[str, Any]:
        """Post j as the Posts API shows it at `now_ms`.

        Its public counters are what the watchlist does not record plus what it
        does: the interactions on it that exist by now, agent likes included, so
        `likes_count` and `comments_count` never fall below what a client can count.
        """
        post = self._posts.get(j)
        if post is None:
            post = self.posts.render(j)
            _remember(self._posts, j, post)
        likes, comments = self.recorded_on(j, self.count_at(now_ms))
        liked = self._agent_like_times.get(j)
        if liked:
            likes += bisect_left(liked, now_ms + 1)
        return {**post, "likes_count": post["likes_count"] + likes, "comments_count": post["comments_count"] + comments}

    def recorded_on(self, j: int, n: int) -> tuple[int, int]:
        """(likes, comments) among the first n derived interactions that are on post j."""
        close = self.segments.start(j + 1 + BACK)
        key = (j, min(n, close))  # once the post's segments are over, the counts stay put
        found = self._recorded.get(key)
        if found is None:
            lows = [self.segments.start(j + 1 + b) for b in range(BACK)] + [close]
            found = tuple(sum(count_between(by_back[b], lows[b], min(lows[b + 1], n)) for b in range(BACK))
                          for by_back in (self.cast.residues(_ONLY[kind], None, by_back=True)
                                          for kind in (LIKE, COMMENT)))
            _remember(self._recorded, key, found)
        return found


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    """Keep at most _RENDER_CACHE_SIZE entries: when full, start over (cheap, and the working set refills)."""
    if len(cache) >= _RENDER_CACHE_SIZE:
        cache.clear()
    cache[key] = value
