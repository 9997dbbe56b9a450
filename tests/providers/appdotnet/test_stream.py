"""Unit tests of the virtual interactions stream: timing, paging, filters, coalescing lanes."""

from __future__ import annotations

import pytest

from mockserver.core.clock import DAY_MS
from mockserver.core.world import pools_for
from mockserver.providers.appdotnet.content import build_content
from mockserver.providers.appdotnet.people import Directory, RenderOptions
from mockserver.providers.appdotnet.stream import ACTIONS, POST_ACTIONS, WELCOME, Stream
from mockserver.providers.appdotnet.viewer import Viewer

ANCHOR = 1_705_401_600_000
HOUR = 3_600_000


def stream(interactions: int = 2000, window_ms: int = 6 * HOUR, live: bool = True, channels: int = 2) -> Stream:
    return Stream(12345, ANCHOR, interactions, 30, live, window_ms, channels)


def ids(s: Stream, actions: frozenset[str] | None, since: int | None, before: int | None, count: int) -> list[int]:
    return [k + 1 for k in s.select(actions, since, before, count, ANCHOR).indices]


def test_exactly_the_configured_items_exist_and_times_invert() -> None:
    for n in (1, 10, 2000, 99_999):
        s = stream(n)
        assert s.count_at(ANCHOR) == n and s.time_ms(n - 1) <= ANCHOR < s.time_ms(n)
    s = stream()
    times = [s.time_ms(k) for k in range(500)]
    assert all(a < b for a, b in zip(times, times[1:]))
    assert all(s.count_at(times[k]) == k + 1 and s.count_at(times[k] - 1) == k for k in range(0, 500, 7))


def test_the_specs_worked_example() -> None:
    s = stream(10, live=False)
    assert ids(s, None, None, None, 20) == [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]
    assert ids(s, None, 2, 9, 2) == [8, 7]
    assert ids(s, None, 2, 9, -2) == [4, 3]
    assert s.select(None, 2, 9, 2, ANCHOR).more and not s.select(None, 2, 9, 6, ANCHOR).more


def brute(s: Stream, actions: frozenset[str] | None, since: int | None, before: int | None, count: int) -> list[int]:
    n = s.count_at(ANCHOR)
    pool = [k + 1 for k in range(n) if (actions is None or s.action(k) in actions)
            and (since is None or k + 1 > since) and (before is None or k + 1 < before)]
    chosen = pool[-count:] if count > 0 else pool[:-count]
    return sorted(chosen, reverse=True)


@pytest.mark.parametrize("actions", [None, frozenset({"star"}), frozenset({"follow", "welcome"}),
                                     frozenset({"welcome"}), frozenset({"broadcast_unsubscribe", "repost"}),
                                     frozenset()])
def test_select_agrees_with_brute_force(actions: frozenset[str] | None) -> None:
    s = stream(3000, window_ms=HOUR)
    for since, before, count in [(None, None, 20), (None, 2500, 200), (100, 900, -50), (0, 5, 3),
                                 (2990, None, -200), (None, 1, 5), (400, 400, 5), (None, 10**12, 7)]:
        assert ids(s, actions, since, before, count) == brute(s, actions, since, before, count)


def test_the_oldest_item_is_the_welcome_and_only_it() -> None:
    s = stream(5000)
    assert s.action(0) == WELCOME
    assert all(s.action(k) != WELCOME for k in range(1, 5000))
    assert {s.action(k) for k in range(5000)} == set(ACTIONS)


@pytest.mark.parametrize("window_ms", [60_000, HOUR, 6 * HOUR, 24 * HOUR])
def test_same_object_never_recurs_inside_the_window(window_ms: int) -> None:
    pools = pools_for(1)
    people = Directory(1, ANCHOR, pools, build_content(pools))
    spec = {"id": "9", "username": "me", "tokens": [{"token": "t"}], "interactions": 3000, "channels": 3}
    viewer = Viewer(spec, 0, 1, 1, ANCHOR, window_ms, people)
    s = viewer.stream
    last: dict[tuple[str, object], int] = {}
    for k in range(1, 3000):
        action = s.action(k)
        if action in POST_ACTIONS:
            target: object = ("post", s.post_of(k))
        elif action == "follow":
            target = "me"
        elif action == "broadcast_create":
            target = ("created", k)
        else:
            target = ("channel", s.own_channel_of(k, k))
        # own_channel_of picks by a hash in the viewer; any pick stays in the item's lane
        key = (action, target)
        if key in last:
            assert s.time_ms(k) - last[key] > window_ms + 1000
        last[key] = s.time_ms(k)


def test_post_choices_are_published_posts_of_the_items_lane() -> None:
    s = stream(2000)
    for k in range(1, 2000):
        j = s.post_of(k)
        assert j >= 0 and j % s.lanes == s.lane(k)
        assert s.post_time_ms(j) <= s.time_ms(k) - 60_000


def test_items_on_post_is_the_exact_inverse_of_post_of() -> None:
    s = stream(1500)
    expected: dict[int, list[int]] = {}
    for k in range(1, 1500):
        if s.action(k) in POST_ACTIONS:
            expected.setdefault(s.post_of(k), []).append(k)
    for j, items in list(expected.items())[::5]:
        assert s.items_on_post(j, ANCHOR) == items


def test_live_streams_grow_and_frozen_ones_do_not() -> None:
    assert stream(3000).count_at(ANCHOR + DAY_MS) == pytest.approx(3100, abs=1)
    assert stream(3000, live=False).count_at(ANCHOR + DAY_MS) == 3000
    assert stream(0).count_at(ANCHOR + DAY_MS) == 0


def test_group_sizes_and_follow_members() -> None:
    pools = pools_for(1)
    people = Directory(1, ANCHOR, pools, build_content(pools))
    spec = {"id": "9", "username": "me", "tokens": [{"token": "t"}], "interactions": 2000, "follower_share": 0.3}
    viewer = Viewer(spec, 0, 1, 1, ANCHOR, 6 * HOUR, people)
    sizes = set()
    for k in range(1, 2000):
        group = viewer.group(k)
        assert len(group) == len(set(group)) >= 1
        sizes.add(len(group))
        if viewer.stream.action(k) == "follow":
            assert all(viewer.follows_you[slot] for slot in group)
    assert {1, 2, 3} <= sizes
    item = viewer.interaction(1999, RenderOptions(), ANCHOR)
    assert item["pagination_id"] == "2000"
