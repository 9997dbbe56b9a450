"""One user's interactions stream as a virtual sequence: index <-> time, actions, filters, id ranges.

Interaction k (k = 0 oldest) happens at `origin + k*step + jitter(k)`, so
times strictly increase and "how many by time t" is O(1). Interaction 0 is the
welcome; interaction k >= 1 takes its action from a table indexed by
(k-1) mod PERIOD, which turns any `interaction_actions` filter into a set of
residues: counting matches and finding the j-th match are O(log PERIOD).

Coalescing: items are spread over LANES lanes ((k-1) mod LANES). Every object
(my posts, my channels, me for follows) belongs to one lane, and only items
of that lane act on it; two items of one lane are at least LANES steps apart,
which is chosen to exceed the coalescing window. So two interactions with the
same action and object are always further apart than the window, as if every
burst inside a window had been merged into one interaction.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass

from mockserver.core.clock import DAY_MS
from mockserver.core.timeline import Timeline
from mockserver.core.world import DerivedParts, derive, unit_float

FOLLOW, REPLY, REPOST, STAR, WELCOME = "follow", "reply", "repost", "star", "welcome"
CREATE, SUBSCRIBE, UNSUBSCRIBE = "broadcast_create", "broadcast_subscribe", "broadcast_unsubscribe"
ACTIONS = (FOLLOW, REPLY, REPOST, STAR, WELCOME, CREATE, SUBSCRIBE, UNSUBSCRIBE)
POST_ACTIONS = frozenset({STAR, REPOST, REPLY})
CHANNEL_ACTIONS = frozenset({CREATE, SUBSCRIBE, UNSUBSCRIBE})
_CODE = {action: code for code, action in enumerate(ACTIONS)}

MINUTE_MS = 60_000
_PERIOD_TARGET = 4096
_RESIDUE_CACHE = 64
_S_TIME, _S_ACTION, _S_CHANNEL_KIND, _S_PTIME, _S_POST_BACK = range(5)
_FOREVER = 1 << 62  # beyond any instant a clock shows


@dataclass(frozen=True, slots=True)
class Window:
    """Matching items of one request, newest first, and whether more matched."""

    indices: list[int]
    more: bool


class Stream:
    def __init__(self, key: int, anchor_ms: int, interactions: int, history_days: int, live: bool,
                 window_ms: int, channels: int, derived: DerivedParts | None = None) -> None:
        self.key = key
        self.step_ms = max(1, history_days * DAY_MS // interactions) if interactions else 0
        # Exactly `interactions` items exist at the anchor.
        self.timeline = Timeline(key, _S_TIME, anchor_ms - interactions * self.step_ms + 1, self.step_ms,
                                 None if live else interactions)
        # +1 s: event dates are shown to the second and must still differ by more than the window.
        self.lanes = (window_ms + 1000) // self.step_ms + 2 if self.step_ms else 2
        self.period = self.lanes * -(-_PERIOD_TARGET // self.lanes)
        self.channels = channels
        # The action table and the residue lists drawn from it depend on nothing the anchor or overlay
        # change: kept across rebuilds from the same seed and scenario.
        self._codes: bytes
        self._residues: OrderedDict[frozenset[int], array]
        self._codes, self._residues = (DerivedParts() if derived is None else derived).get(
            ("appdotnet", "actions", key, self.lanes, self.period, channels),
            lambda: (bytes(self._choose(r) for r in range(self.period)), OrderedDict()))
        post_step_ms = max(self.step_ms, 10 * MINUTE_MS)
        # Far enough back that every lane has two posts before the first interaction.
        self.posts = Timeline(key, _S_PTIME, self.timeline.origin_ms - (2 * self.lanes + 2) * post_step_ms,
                              post_step_ms)
        self._span: tuple[int, int, tuple[int, int]] = (0, 0, (0, 0))  # see counts_at; empty at first

    # -- actions ---------------------------------------------------------------

    def _choose(self, r: int) -> int:
        lane, u = r % self.lanes, unit_float(derive(self.key, r, _S_ACTION))
        if lane == 0:  # the only lane whose object may be the user (follows)
            p_follow = min(0.6, 0.12 * self.lanes)
            if u < p_follow:
                return _CODE[FOLLOW]
            u = (u - p_follow) / (1 - p_follow)
        if lane < self.channels:  # lanes that own one of the user's broadcast channels
            p_channel = min(0.3, 0.05 * self.lanes)
            if u < p_channel:
                subscribe = derive(self.key, r, _S_CHANNEL_KIND) % 4 != 0
                return _CODE[SUBSCRIBE if subscribe else UNSUBSCRIBE]
            u = (u - p_channel) / (1 - p_channel)
        if u < 0.5:
            return _CODE[STAR]
        if u < 0.74:
            return _CODE[REPLY]
        return _CODE[REPOST] if u < 0.96 else _CODE[CREATE]

    def action(self, k: int) -> str:
        return WELCOME if k == 0 else ACTIONS[self._codes[(k - 1) % self.period]]

    def lane(self, k: int) -> int:
        return (k - 1) % self.lanes

    # -- time <-> index ----------------------------------------------------------

    def time_ms(self, k: int) -> int:
        return self.timeline.time_ms(k)

    def count_at(self, t_ms: int) -> int:
        """How many interactions have happened at or before `t_ms`."""
        return self.timeline.count_at(t_ms)

    def counts_at(self, t_ms: int) -> tuple[int, int]:
        """(interactions, posts) existing at `t_ms`: all an answer depends on the clock through.

        Both stay fixed between consecutive events, so the span around the last
        reading is kept, and a request inside it costs two comparisons instead
        of four hashes (a frozen clock always is inside; a running one mostly).
        """
        lo, hi, counts = self._span
        if lo <= t_ms < hi:
            return counts
        counts = self.count_at(t_ms), self.posts_at(t_ms)
        lo = max(_span_start(self.timeline, counts[0]), _span_start(self.posts, counts[1]))
        hi = min(_span_end(self.timeline, counts[0]), _span_end(self.posts, counts[1]))
        self._span = (lo, hi, counts)
        return counts

    def post_time_ms(self, j: int) -> int:
        return self.posts.time_ms(j)

    def posts_at(self, t_ms: int) -> int:
        """How many of the user's posts exist at `t_ms`."""
        return self.posts.count_at(t_ms)

    # -- objects -----------------------------------------------------------------

    def post_of(self, k: int) -> int:
        """The post item k acts on: one of the two newest posts of its lane, a minute old at least."""
        lane = self.lane(k)
        newest = self.posts_at(self.time_ms(k) - MINUTE_MS) - 1
        j0 = newest - (newest - lane) % self.lanes
        return j0 - self.lanes * (derive(self.key, k, _S_POST_BACK) % 2)

    def post_horizon(self, j: int, now_ms: int) -> int:
        """Items below this index may act on post j: all a rendered post depends on the clock through.

        It stops growing once post j is no longer among the two newest of its
        lane, so an old post's rendering never changes again.
        """
        return min(self.count_at(self.post_time_ms(j + 2 * self.lanes) + MINUTE_MS - 1), self.count_at(now_ms))

    def items_on_post(self, j: int, now_ms: int) -> list[int]:
        """Every item (up to now) whose object is post j; a short scan of one lane."""
        lane = j % self.lanes
        first = max(1, self.count_at(self.post_time_ms(j) + MINUTE_MS - 1))
        end = self.post_horizon(j, now_ms)
        start = first + (lane - (first - 1)) % self.lanes
        return [k for k in range(start, end, self.lanes)
                if self.action(k) in POST_ACTIONS and self.post_of(k) == j]

    def own_channel_of(self, k: int, pick: int) -> int:
        lane = self.lane(k)
        choices = len(range(lane, self.channels, self.lanes))
        return lane + self.lanes * (pick % choices)

    # -- filters and id ranges ---------------------------------------------------

    def _residues_for(self, actions: frozenset[str]) -> array:
        codes = frozenset(_CODE[a] for a in actions if a != WELCOME)
        cached = self._residues.get(codes)
        if cached is not None:
            self._residues.move_to_end(codes)
            return cached
        found = array("I", (r for r in range(self.period) if self._codes[r] in codes))
        self._residues[codes] = found
        if len(self._residues) > _RESIDUE_CACHE:
            self._residues.popitem(last=False)
        return found

    def count_below(self, actions: frozenset[str] | None, n: int) -> int:
        """Matching items among k < n."""
        if actions is None or n <= 0:
            return max(n, 0)
        residues = self._residues_for(actions)
        cycles, rest = divmod(n - 1, self.period)
        return (WELCOME in actions) + cycles * len(residues) + bisect_left(residues, rest)

    def kth(self, actions: frozenset[str] | None, j: int) -> int:
        """The index of the j-th matching item (0 = oldest)."""
        if actions is None:
            return j
        if WELCOME in actions:
            if j == 0:
                return 0
            j -= 1
        residues = self._residues_for(actions)
        cycles, rest = divmod(j, len(residues))
        return 1 + cycles * self.period + residues[rest]

    def select(self, actions: frozenset[str] | None, since_id: int | None, before_id: int | None,
               count: int, now_ms: int) -> Window:
        """App.net paging over pagination ids k+1: the range (since_id, before_id), newest first.

        A positive count takes the newest items of the range, a negative one the oldest.
        """
        n = self.count_at(now_ms)
        lo = 0 if since_id is None else min(max(since_id, 0), n)
        hi = n if before_id is None else min(max(before_id - 1, 0), n)
        if hi <= lo:
            return Window([], False)
        below_lo = self.count_below(actions, lo)
        matched = self.count_below(actions, hi) - below_lo
        take = min(abs(count), matched)
        first = below_lo + (matched - take if count > 0 else 0)
        indices = [self.kth(actions, j) for j in range(first + take - 1, first - 1, -1)]
        return Window(indices, matched > take)


def _span_start(timeline: Timeline, n: int) -> int:
    """The first instant at which `n` events have happened (count_at(t) == n from here)."""
    return timeline.time_ms(n - 1) if n else -_FOREVER


def _span_end(timeline: Timeline, n: int) -> int:
    """The first instant with more than `n` events: the next event's, if there is one."""
    if not timeline.step_ms or (timeline.limit is not None and n >= timeline.limit):
        return _FOREVER
    return timeline.time_ms(n)
