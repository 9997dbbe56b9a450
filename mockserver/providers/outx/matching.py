"""Which of a watchlist's derived interactions a filter selects, counted and indexed in O(log PERIOD).

Interaction k's type, actor and `back` repeat with period PERIOD (they are
functions of the residue r = k mod PERIOD). `back` says which of the six
newest posts the interaction is on: interaction k is on post
`published(k) - 1 - back(r)`, where published(k) counts the posts published
at least a minute before it. Interactions with the same published count q
form *segment* q, a range of k; inside it, the post of k is q - 1 - back(r).

A filter selects an interaction when its type is allowed and either its actor
is chosen (a set of residues, "A", valid on any post) or its post is by a
chosen author. The second part ("B") is, per segment, the residues whose back
points at such a post, minus A, so A and B never overlap and counts add. B
lives on the few segments near the chosen authors' posts, kept in order with
prefix sums, so counting below n and finding the i-th match cost O(log) each.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Callable, Sequence

from mockserver.core.timeline import Timeline

PERIOD = 8192
BACK = 6  # an interaction goes to one of the six newest posts
MINUTE_MS = 60_000

Residues = array  # sorted residues mod PERIOD ("H" typecode)


def count_below(residues: Residues | None, n: int) -> int:
    """How many k < n have their residue in `residues` (None: every k)."""
    if residues is None:
        return n
    cycles, rest = divmod(n, PERIOD)
    return cycles * len(residues) + bisect_left(residues, rest)


def count_between(residues: Residues | None, lo: int, hi: int) -> int:
    return count_below(residues, hi) - count_below(residues, lo) if hi > lo else 0


def kth(residues: Residues | None, j: int) -> int:
    """The j-th (0-based) k whose residue is in `residues`."""
    if residues is None:
        return j
    cycles, rest = divmod(j, len(residues))
    return cycles * PERIOD + residues[rest]


@dataclass(frozen=True, slots=True)
class Segments:
    """Where each post's interactions are: segment q holds the k whose published count is q."""

    interactions: Timeline
    posts: Timeline

    def start(self, q: int) -> int:
        """The first k whose published count is at least q (a post is open a minute after it appears)."""
        if q <= 0:
            return 0
        return self.interactions.count_at(self.posts.time_ms(q - 1) + MINUTE_MS - 1)

    def published(self, created_ms: int) -> int:
        return self.posts.count_at(created_ms - MINUTE_MS)


class OnPosts:
    """B: the interactions on posts by chosen authors that A does not already select.

    Segments are found by scanning posts in order (each post's author is a
    hash), and extended only as far as a query needs, so a live watchlist's
    new posts are picked up as they appear.
    """

    def __init__(self, segments: Segments, by_back: tuple[Residues, ...], is_chosen: Callable[[int], bool]) -> None:
        self.segments = segments
        self.by_back = by_back  # per back value: allowed type, actor not in A
        self.is_chosen = is_chosen  # post index -> by a chosen author?
        self._scanned = 0  # posts 0 .. _scanned-1 have been looked at
        self._masks: dict[int, int] = {}  # segment q -> bit set of the backs that point at chosen posts
        self._final = 0  # segments q < _final are listed below
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.backs: list[tuple[int, ...]] = []
        self.cumulative: list[int] = []  # matches in listed segments up to and including this one

    def _ensure(self, q_last: int) -> None:
        """List every segment up to q_last (inclusive)."""
        if q_last < self._final:
            return
        for j in range(self._scanned, q_last):  # a segment q holds posts q-6 .. q-1
            if self.is_chosen(j):
                for back in range(BACK):
                    self._masks[j + 1 + back] = self._masks.get(j + 1 + back, 0) | (1 << back)
        self._scanned = max(self._scanned, q_last)
        for q in range(self._final, q_last + 1):
            mask = self._masks.pop(q, 0)
            if not mask:
                continue
            lo, hi = self.segments.start(q), self.segments.start(q + 1)
            backs = tuple(b for b in range(BACK) if mask >> b & 1)
            found = sum(count_between(self.by_back[b], lo, hi) for b in backs)
            if hi <= lo or not found:
                continue
            self.starts.append(lo)
            self.ends.append(hi)
            self.backs.append(backs)
            self.cumulative.append((self.cumulative[-1] if self.cumulative else 0) + found)
        self._final = q_last + 1

    def _in_segment(self, s: int, hi: int) -> int:
        return sum(count_between(self.by_back[b], self.starts[s], min(hi, self.ends[s])) for b in self.backs[s])

    def count(self, n: int, published: int) -> int:
        """Matches among k < n, where `published` is the published count of k = n - 1."""
        if n <= 0:
            return 0
        self._ensure(published)
        s = bisect_right(self.starts, n - 1) - 1
        if s < 0:
            return 0
        before = self.cumulative[s - 1] if s else 0
        return before + (self.cumulative[s] - before if self.ends[s] <= n else self._in_segment(s, n))

    def kth(self, i: int) -> int:
        """The i-th (0-based) match, oldest first; segments must be listed that far (count() did it)."""
        s = bisect_right(self.cumulative, i)
        rank = i - (self.cumulative[s - 1] if s else 0)
        lo, hi = self.starts[s], self.ends[s] - 1  # the answer is the least k with rank+1 matches up to it
        while lo < hi:
            mid = (lo + hi) // 2
            if self._in_segment(s, mid + 1) > rank:
                hi = mid
            else:
                lo = mid + 1
        return lo


class Matches:
    """The derived interactions one filter selects: A (residues) plus B (posts by chosen authors)."""

    def __init__(self, any_post: Residues | None, on_posts: OnPosts | None,
                 published_of: Callable[[int], int]) -> None:
        self.any_post = any_post
        self.on_posts = on_posts
        self._published_of = published_of  # k -> its published count

    def count(self, n: int) -> int:
        """Matches among the first n interactions."""
        found = count_below(self.any_post, n)
        if self.on_posts is not None and n > 0:
            found += self.on_posts.count(n, self._published_of(n - 1))
        return found

    def newest_first(self, n: int, top: int, how_many: int) -> list[int]:
        """The matches numbered top, top-1, ... (0-based, oldest first), at most `how_many`, among k < n."""
        wanted = range(top, max(-1, top - how_many), -1)
        if self.on_posts is None:
            return [kth(self.any_post, i) for i in wanted]
        if not wanted:
            return []
        # Binary search for the newest one, then step down: each step takes the larger of the
        # previous A match and the previous B match.
        lo, hi = 0, n - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if self.count(mid + 1) > top:
                hi = mid
            else:
                lo = mid + 1
        found = [lo]
        while len(found) < len(wanted):
            found.append(self._previous(found[-1]))
        return found

    def _previous(self, k: int) -> int:
        assert self.on_posts is not None
        in_a = count_below(self.any_post, k)
        in_b = self.on_posts.count(k, self._published_of(k - 1)) if k > 0 else 0
        return max(kth(self.any_post, in_a - 1) if in_a else -1, self.on_posts.kth(in_b - 1) if in_b else -1)


def residues_where(test: Callable[[int], bool]) -> Residues:
    return array("H", (r for r in range(PERIOD) if test(r)))


def split_by_back(back: Sequence[int], test: Callable[[int], bool]) -> tuple[Residues, ...]:
    """The residues passing `test`, one sorted array per back value."""
    parts = [array("H") for _ in range(BACK)]
    for r in range(PERIOD):
        if test(r):
            parts[back[r]].append(r)
    return tuple(parts)
