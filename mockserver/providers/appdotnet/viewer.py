"""A scenario user ("me"): the people around them, their posts and channels, and their interactions."""

from __future__ import annotations

from typing import Any

import orjson

from mockserver.core.clock import DAY_MS
from mockserver.core.memo import AnswerMemo
from mockserver.core.world import DerivedParts, derive, pick, stable_key, unit_float
from mockserver.providers.appdotnet.content import LOCALES, TIMEZONES
from mockserver.providers.appdotnet.params import Paging, StreamQuery
from mockserver.providers.appdotnet.people import Directory, RenderOptions, image, iso_seconds, user_flags
from mockserver.providers.appdotnet.richtext import Hashtag, Link, Mention, Segment, compose
from mockserver.providers.appdotnet.stream import (
    CREATE, FOLLOW, POST_ACTIONS, REPLY, REPOST, STAR, SUBSCRIBE, UNSUBSCRIBE, WELCOME, Stream,
)

POST_ID_BASE = 1_000_000
OWN_CHANNEL_BASE = 1_000
CREATED_CHANNEL_BASE = 100_000

_S_CHOOSE, _S_FOLLOWS, _S_YOU_FOLLOW, _S_SIZE, _S_MEMBER, _S_CHANNEL = range(20, 26)
_S_PTEXT, _S_PSOURCE, _S_PMETA, _S_CHMETA, _S_ME = range(30, 35)
# Largest group of users one coalesced interaction shows, by action.
_MAX_GROUP = {FOLLOW: 4, STAR: 5, REPOST: 3, REPLY: 3, SUBSCRIBE: 3, UNSUBSCRIBE: 2, CREATE: 1}
# Entries per render cache; a full cache starts over (cheap, and the working set refills).
_CACHE_SIZE = 4096


class Viewer:
    def __init__(self, spec: dict[str, Any], position: int, viewers: int, seed: int, anchor_ms: int,
                 window_ms: int, people: Directory, derived: DerivedParts | None = None) -> None:
        derived = DerivedParts() if derived is None else derived
        self.spec = spec
        self.id: str = spec["id"]
        self.username: str = spec["username"]
        self.position, self.viewers = position, viewers
        self.people = people
        self.content = people.content
        self.key = stable_key(seed, "appdotnet", "user", self.id)
        self.anchor_ms = anchor_ms
        self.stream = Stream(self.key, anchor_ms, spec["interactions"], spec.get("history_days", 30),
                             spec.get("live", True), window_ms, spec.get("channels", 2), derived)
        wanted, follower_share = min(spec.get("actors", 120), len(people)), spec.get("follower_share", 0.6)
        self.actors, self.follows_you, self.you_follow, self.followers = derived.get(
            ("appdotnet", "actors", self.key, wanted, follower_share),
            lambda: self._choose_actors(wanted, follower_share))
        # Rendered answers and objects. Everything here is a pure function of the seed, the options and
        # the clock, and each key names the counts through which the clock reaches the value (how many
        # interactions and posts exist by now), so an entry is never stale and a frozen clock hits every time.
        self._pages: AnswerMemo[tuple[dict[str, Any], bytes]] = AnswerMemo(_CACHE_SIZE)
        self._interactions: dict[tuple[Any, ...], dict[str, Any]] = {}
        self._posts: dict[tuple[Any, ...], dict[str, Any]] = {}
        self._mes: dict[tuple[Any, ...], dict[str, Any]] = {}

    def _choose_actors(self, wanted: int, follower_share: float
                       ) -> tuple[list[int], list[bool], list[bool], list[int]]:
        """Who acts on this user's stream (pool indices by slot), and who follows whom."""
        chosen: dict[int, None] = {}
        attempt = 0
        while len(chosen) < wanted:
            chosen.setdefault(derive(self.key, attempt, _S_CHOOSE) % len(self.people))
            attempt += 1
        follows_you = [slot == 0 or unit_float(derive(self.key, slot, _S_FOLLOWS)) < follower_share
                       for slot in range(wanted)]
        you_follow = [unit_float(derive(self.key, slot, _S_YOU_FOLLOW)) < 0.4 for slot in range(wanted)]
        return list(chosen), follows_you, you_follow, [slot for slot in range(wanted) if follows_you[slot]]

    # -- users ---------------------------------------------------------------------

    def actor(self, slot: int, options: RenderOptions) -> dict[str, Any]:
        index = self.actors[slot]
        user = self.people.user(index, options)
        flags = user_flags(self.follows_you[slot], self.you_follow[slot], user["type"])
        return {**user, **flags}

    def me(self, options: RenderOptions, now_ms: int) -> dict[str, Any]:
        """The token's own user; like App.net's own-user object it carries no `you_*` flags."""
        cache_key = (options, self.stream.posts_at(now_ms))  # the clock shows only in the post count
        found = self._mes.get(cache_key)
        if found is None:
            found = self._me(options, now_ms)
            _remember(self._mes, cache_key, found)
        return found

    def _me(self, options: RenderOptions, now_ms: int) -> dict[str, Any]:
        spec, key = self.spec, self.key
        person = self.people.pools.people[derive(key, 0, _S_ME) % len(self.people)]
        segments: list[Segment] = [spec.get("description", f"{person.headline}. {person.bio}.")]
        bio = compose(segments)
        description: dict[str, Any] = {"text": bio.text, "entities": bio.entities}
        if options.html:
            description["html"] = bio.html
        roll = derive(key, 1, _S_ME)
        user: dict[str, Any] = {
            "id": self.id,
            "username": self.username,
            "name": spec.get("name", person.full_name)[:50],
            "description": description,
            "timezone": spec.get("timezone", pick(TIMEZONES, roll)),
            "locale": spec.get("locale", pick(LOCALES, roll >> 8)),
            "avatar_image": image(key, 0, "avatar", 200, 200, False),
            "cover_image": image(key, 0, "cover", 960, 260, True),
            "type": spec.get("type", "human"),
            "created_at": iso_seconds(self.created_ms),
            "counts": {
                "followers": len(self.followers) + (roll >> 16) % 300,
                "following": sum(self.you_follow) + (roll >> 28) % 100,
                "posts": self.stream.posts_at(now_ms),
                "stars": (roll >> 40) % 500,
            },
            "canonical_url": f"https://alpha.app.net/{self.username}",
        }
        if "verified_domain" in spec:
            user["verified_domain"] = spec["verified_domain"]
        if options.user_annotations:
            user["annotations"] = []
        return user

    @property
    def created_ms(self) -> int:
        """A minute before the first post; the welcome (the oldest interaction) comes after it."""
        stream = self.stream
        start = stream.time_ms(0) if stream.step_ms else self.anchor_ms - self.spec.get("history_days", 30) * DAY_MS
        return min(start, stream.post_time_ms(0)) - 60_000

    # -- groups --------------------------------------------------------------------

    def group(self, k: int) -> list[int]:
        """Actor slots of interaction k, most recent first; follows come only from followers."""
        action = self.stream.action(k)
        pool = self.followers if action == FOLLOW else range(len(self.actors))
        u = unit_float(derive(self.key, k, _S_SIZE))
        size = 1 if u < 0.6 else 2 if u < 0.82 else 3 if u < 0.92 else 4 if u < 0.97 else 5
        size = min(size, _MAX_GROUP[action], len(pool))
        members: dict[int, None] = {}
        for attempt in range(8 * size):
            if len(members) == size:
                break
            # Skewed: a few people account for most of the activity.
            share = unit_float(derive(self.key, k, _S_MEMBER + 8 * attempt)) ** 1.8
            members.setdefault(pool[min(len(pool) - 1, int(len(pool) * share))])
        return list(members)

    # -- posts and channels ----------------------------------------------------------

    def post_id(self, j: int) -> str:
        return str(POST_ID_BASE + j * self.viewers + self.position)

    def post(self, j: int, options: RenderOptions, now_ms: int) -> dict[str, Any]:
        # The clock shows in the author's post count and in which interactions acted on the post so far.
        stream = self.stream
        cache_key = (j, options, stream.posts_at(now_ms), stream.post_horizon(j, now_ms))
        found = self._posts.get(cache_key)
        if found is None:
            found = self._post(j, options, now_ms)
            _remember(self._posts, cache_key, found)
        return found

    def _post(self, j: int, options: RenderOptions, now_ms: int) -> dict[str, Any]:
        key = self.key
        text_roll, meta = derive(key, j, _S_PTEXT), derive(key, j, _S_PMETA)
        segments: list[Segment] = []
        if text_roll % 10 == 0:  # a directed post, opening with a mention
            slot = (text_roll >> 4) % len(self.actors)
            index = self.actors[slot]
            segments += [Mention(self.people.user_id(index), self.people.username(index)), " "]
        segments.append(pick(self.content.sentences, text_roll >> 8))
        if (text_roll >> 20) % 3 == 0:
            segments += [" ", Hashtag(pick(self.content.hashtags, text_roll >> 24))]
        if (text_roll >> 32) % 4 == 0:
            url = pick(self.content.urls, text_roll >> 36)
            segments += [" ", Link(url, url)]
        rich = compose(segments)
        acted: dict[str, list[int]] = {STAR: [], REPOST: [], REPLY: []}
        for k in self.stream.items_on_post(j, now_ms):
            acted[self.stream.action(k)].extend(self.group(k))
        client = pick(self.content.clients, derive(key, j, _S_PSOURCE))
        post_id = self.post_id(j)
        post: dict[str, Any] = {
            "id": post_id,
            "user": self.me(options, now_ms),
            "created_at": iso_seconds(self.stream.post_time_ms(j)),
            "text": rich.text,
            "html": rich.html,
            "source": {"name": client.name, "link": client.link, "client_id": client.client_id},
            "canonical_url": f"https://alpha.app.net/{self.username}/post/{post_id}",
            "thread_id": post_id,
            "num_replies": len(acted[REPLY]),
            "num_stars": len(set(acted[STAR])),
            "num_reposts": len(set(acted[REPOST])),
            "entities": rich.entities,
            "machine_only": False,
            "you_starred": False,
            "you_reposted": False,
        }
        if not options.html:
            del post["html"]
        if options.post_annotations:
            post["annotations"] = [] if meta % 5 else [{
                "type": "net.app.core.geolocation",
                "value": {"latitude": round(-60 + (meta >> 8) % 12000 / 100, 4),
                          "longitude": round(-180 + (meta >> 24) % 36000 / 100, 4)},
            }]
        if options.starred_by:
            post["starred_by"] = [self.actor(s, options) for s in dict.fromkeys(acted[STAR])]
        if options.reposters:
            post["reposters"] = [self.actor(s, options) for s in dict.fromkeys(acted[REPOST])]
        return post

    def own_channel(self, c: int, options: RenderOptions, now_ms: int) -> dict[str, Any]:
        meta = derive(self.key, c, _S_CHMETA)
        channel = _channel(str(OWN_CHANNEL_BASE + c * self.viewers + self.position), self.me(options, now_ms),
                           meta, editor=True)
        channel["counts"]["subscribers"] = 20 + (meta >> 20) % 2000  # shown to editors only
        channel["you_subscribed"] = True
        return self._with_annotations(channel, meta, options)

    def created_channel(self, k: int, creator_slot: int, options: RenderOptions) -> dict[str, Any]:
        meta = derive(self.key, k, _S_CHANNEL)
        channel = _channel(str(CREATED_CHANNEL_BASE + k * self.viewers + self.position),
                           self.actor(creator_slot, options), meta, editor=False)
        channel["you_subscribed"] = False
        return self._with_annotations(channel, meta, options)

    def _with_annotations(self, channel: dict[str, Any], meta: int, options: RenderOptions) -> dict[str, Any]:
        if options.channel_annotations:
            title = pick(self.content.channel_titles, meta)
            channel["annotations"] = [
                {"type": "net.app.core.broadcast.metadata",
                 "value": {"title": title, "description": pick(self.content.sentences, meta >> 8)}},
                {"type": "net.app.core.fallback_url",
                 "value": {"url": f"https://app.net/c/{format(meta & 0xFFFFFF, 'x')}"}},
            ]
        return channel

    # -- interactions ------------------------------------------------------------------

    def interactions_page(self, query: StreamQuery, now_ms: int) -> tuple[dict[str, Any], bytes]:
        """The envelope of one stream request (data newest first, and meta) and its compact JSON.

        Memoised on the parsed query and on the only two things the clock
        changes: how many interactions and how many of my posts exist by now.
        """
        cache_key = (query, *self.stream.counts_at(now_ms))
        found = self._pages.get(cache_key)
        if found is None:
            body = self._page(query.chosen.actions, query.paging, query.options, now_ms)
            found = (body, orjson.dumps(body))
            self._pages.put(cache_key, found, len(found[1]))
        return found

    def _page(self, actions: frozenset[str] | None, paging: Paging, options: RenderOptions,
              now_ms: int) -> dict[str, Any]:
        window = self.stream.select(actions, paging.since_id, paging.before_id, paging.count, now_ms)
        data = [self.interaction(k, options, now_ms) for k in window.indices]
        meta: dict[str, Any] = {"code": 200}
        if data:
            meta["max_id"], meta["min_id"] = data[0]["pagination_id"], data[-1]["pagination_id"]
        meta["more"] = window.more
        return {"data": data, "meta": meta}

    def interaction(self, k: int, options: RenderOptions, now_ms: int) -> dict[str, Any]:
        stream = self.stream
        action = stream.action(k)
        # What the clock can change in item k: my post count (in "me"), and for post actions which
        # interactions acted on that post so far.
        horizon = stream.post_horizon(stream.post_of(k), now_ms) if action in POST_ACTIONS else -1
        cache_key = (k, options, stream.posts_at(now_ms), horizon)
        found = self._interactions.get(cache_key)
        if found is None:
            found = self._interaction(k, action, options, now_ms)
            _remember(self._interactions, cache_key, found)
        return found

    def _interaction(self, k: int, action: str, options: RenderOptions, now_ms: int) -> dict[str, Any]:
        stream = self.stream
        if action == WELCOME:
            objects: list[dict[str, Any]] = []
            users = [self.me(options, now_ms)]
        else:
            slots = self.group(k)
            users = [self.actor(slot, options) for slot in slots]
            if action == FOLLOW:
                objects = [self.me(options, now_ms)]
            elif action in POST_ACTIONS:
                objects = [self.post(stream.post_of(k), options, now_ms)]
            elif action == CREATE:
                objects = [self.created_channel(k, slots[0], options)]
            else:
                objects = [self.own_channel(stream.own_channel_of(k, derive(self.key, k, _S_CHANNEL)),
                                            options, now_ms)]
        return {
            "action": action,
            "event_date": iso_seconds(stream.time_ms(k)),
            "objects": objects,
            "users": users,
            "pagination_id": str(k + 1),
        }


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    """Keep at most _CACHE_SIZE entries: when full, start over (cheap, and the working set refills)."""
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[key] = value


def _acl(public: bool, you: bool) -> dict[str, Any]:
    return {"any_user": False, "immutable": False, "public": public, "user_ids": [], "you": you}


def _channel(channel_id: str, owner: dict[str, Any], meta: int, editor: bool) -> dict[str, Any]:
    """A broadcast channel: anyone may read; only the owner writes and edits."""
    return {
        "counts": {"messages": 1 + meta % 400},
        "has_unread": (meta >> 12) % 3 == 0,
        "id": channel_id,
        "owner": owner,
        "is_inactive": False,
        "readers": _acl(True, True),
        "editors": _acl(False, editor),
        "recent_message_id": str(10_000 + (meta >> 32) % 9_000_000),
        "type": "net.app.core.broadcast",
        "writers": _acl(False, editor),
        "you_can_edit": editor,
        "you_muted": False,
    }
