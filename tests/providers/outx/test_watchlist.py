"""Unit tests of the OutX virtual world: O(1) indexing, filters, coherence."""

from __future__ import annotations

from collections import Counter

import pytest

from mockserver.core.clock import DAY_MS, date_of_ms
from mockserver.core.world import pools_for
from mockserver.providers.outx.content import build_content
from mockserver.providers.outx.watchlist import COMMENT, LIKE, PERIOD, Selection, Watchlist

ANCHOR = 1_705_401_600_000


def watchlist(**spec: object) -> Watchlist:
    pools = pools_for(1)
    full = {"id": "wl", "name": "Test list", "interactions": 3000, "history_days": 10, **spec}
    return Watchlist(full, "team", 1, ANCHOR, pools, build_content(pools))


def test_exactly_the_configured_interactions_exist_at_the_anchor() -> None:
    for count in (1, 7, 3000, 123_457):
        wl = watchlist(interactions=count)
        assert wl.count_at(ANCHOR) == count
        assert wl.time_ms(count - 1) <= ANCHOR < wl.time_ms(count)
        assert wl.time_ms(0) >= ANCHOR - 10 * DAY_MS


def test_times_strictly_increase_and_count_at_inverts_them() -> None:
    wl = watchlist()
    times = [wl.time_ms(k) for k in range(2000)]
    assert all(a < b for a, b in zip(times, times[1:]))
    for k in range(0, 2000, 37):
        assert wl.count_at(times[k]) == k + 1
        assert wl.count_at(times[k] - 1) == k


def test_live_watchlists_grow_with_the_clock_and_frozen_ones_do_not() -> None:
    live, still = watchlist(), watchlist(live=False)
    later = ANCHOR + DAY_MS
    assert live.count_at(later) == pytest.approx(3300, abs=1)  # 300 a day
    assert still.count_at(later) == 3000


def test_empty_watchlist_has_nothing_ever() -> None:
    wl = watchlist(interactions=0)
    assert wl.count_at(ANCHOR + 100 * DAY_MS) == 0
    page = wl.page(Selection(), 0, 10, ANCHOR)
    assert page.data == [] and page.total == 0
    assert all(day["like_count"] == day["comment_count"] == 0 for day in wl.graph(Selection(), ANCHOR))


def brute_force(wl: Watchlist, selection: Selection, now: int) -> list[int]:
    """Ids of matching interactions, newest first, by scanning everything.

    An actor id matches the interaction's author (a person or a company page)
    and the author of the post it is on (a tracked person or company page).
    """
    n = wl.count_at(now)
    keep = []
    for k in range(n - 1, -1, -1):
        item = wl.interaction(k, now)
        if selection.allows_type(item["interaction_type"]) and (
            selection.actor_ids is None or item["author"]["id"] in selection.actor_ids
            or item["post"]["post_author"]["id"] in selection.actor_ids
        ):
            keep.append(item["id"])
    return keep


def tracked(wl: Watchlist, kind: str) -> str:
    """The id of a tracked post author that is a person ("user") or a company page."""
    return next(a["id"] for a in wl.posts.authors if ("company-logo" in a["author_image_url"]) == (kind == "company"))


@pytest.mark.parametrize("make_selection", [
    lambda wl: Selection(),
    lambda wl: Selection(types=frozenset({LIKE})),
    lambda wl: Selection(types=frozenset({COMMENT})),
    lambda wl: Selection(actor_ids=frozenset({wl.actors[0]["id"], wl.actors[5]["id"]})),
    lambda wl: Selection(types=frozenset({COMMENT}), actor_ids=frozenset({wl.actors[1]["id"], "unknown"})),
    lambda wl: Selection(actor_ids=frozenset({"nobody"})),
    lambda wl: Selection(actor_ids=frozenset({tracked(wl, "user")})),
    lambda wl: Selection(types=frozenset({COMMENT}), actor_ids=frozenset({tracked(wl, "company"), wl.actors[0]["id"]})),
    lambda wl: Selection(types=frozenset({LIKE}), actor_ids=frozenset(a["id"] for a in wl.posts.authors[:4])),
])
def test_paging_equals_a_full_scan(make_selection) -> None:
    wl = watchlist(interactions=PERIOD + 1500, history_days=30)  # crosses a period boundary
    selection = make_selection(wl)
    expected = brute_force(wl, selection, ANCHOR)
    size = 97
    paged = []
    page = wl.page(selection, 0, size, ANCHOR)
    total = page.total
    for offset in range(0, total + size, size):
        page = wl.page(selection, offset, size, ANCHOR)
        assert page.total == total
        paged.extend(item["id"] for item in page.data)
    assert paged == expected
    assert page.total_likes + page.total_comments == total


def test_totals_by_type_match_the_items() -> None:
    wl = watchlist()
    page = wl.page(Selection(), 0, 3000, ANCHOR)
    kinds = Counter(item["interaction_type"] for item in page.data)
    assert kinds[LIKE] == page.total_likes and kinds[COMMENT] == page.total_comments
    assert 0.2 < page.total_comments / page.total < 0.4  # comment_share 0.3


def test_graph_counts_equal_the_days_items_under_the_same_filter() -> None:
    wl = watchlist()
    now = ANCHOR + 5 * 3_600_000  # five hours into "today"
    for selection in (Selection(), Selection(types=frozenset({LIKE})),
                      Selection(actor_ids=frozenset(a["id"] for a in wl.actors[:3])),
                      Selection(actor_ids=frozenset({tracked(wl, "user"), tracked(wl, "company")}))):
        graph = wl.graph(selection, now)
        assert [day["posted_at"] for day in graph] == [date_of_ms(now - d * DAY_MS) for d in range(6, -1, -1)]
        everything = wl.page(selection, 0, 10_000, now).data
        per_day = Counter((date_of_ms(i["created_at"]), i["interaction_type"]) for i in everything)
        for day in graph:
            assert day["like_count"] == per_day[(day["posted_at"], LIKE)]
            assert day["comment_count"] == per_day[(day["posted_at"], COMMENT)]


def test_post_counters_are_never_below_what_the_watchlist_records() -> None:
    """likes_count and comments_count count at least the interactions on the post, at every instant."""
    wl = watchlist()
    for now in (ANCHOR - 3 * DAY_MS, ANCHOR, ANCHOR + 36 * 3_600_000):
        n = wl.count_at(now)
        recorded: Counter[tuple[int, str]] = Counter()
        for k in range(n):
            recorded[(wl.post_index_for(k), wl.interaction(k, now)["interaction_type"])] += 1
        posts = {j for j, _ in recorded}
        assert len(posts) > 40
        for j in posts:
            likes, comments = recorded[(j, LIKE)], recorded[(j, COMMENT)]
            assert wl.recorded_on(j, n) == (likes, comments)
            post, unrecorded = wl.post(j, now), wl.posts.render(j)
            assert post["likes_count"] == unrecorded["likes_count"] + likes >= likes
            assert post["comments_count"] == unrecorded["comments_count"] + comments >= comments


def test_post_authors_are_tracked_people_and_company_pages() -> None:
    wl = watchlist(tracked_authors=5, tracked_companies=3)
    assert len(wl.posts.authors) == 8
    seen = {wl.post(j, ANCHOR)["post_author"]["id"] for j in range(200)}
    assert seen == {author["id"] for author in wl.posts.authors}
    assert tracked(wl, "company") in seen and tracked(wl, "user") in seen


def test_interactions_are_coherent() -> None:
    wl = watchlist()
    for item in wl.page(Selection(), 0, 300, ANCHOR).data:
        post = item["post"]
        assert post["created_at"] < item["created_at"]
        assert post["linkedin_post_urn"] == post["social_urn"]
        assert post["linkedin_post_url"].endswith(post["linkedin_post_urn"])
        # LinkedIn activity ids carry their creation time in the top bits.
        assert int(post["social_urn"].rsplit(":", 1)[1]) >> 22 == post["created_at"]
        assert post["tracking_lists_slug"] == "test-list"
        assert (item["text"] != "") == (item["interaction_type"] == COMMENT)
        assert (post["videos"] is not None) == (post["post_type"] == "video")
    authors = {a["author_type"] for a in wl.actors}
    assert authors == {"user", "company"}


def test_actors_are_skewed_but_many_take_part() -> None:
    wl = watchlist(interactions=PERIOD)
    counts = Counter(item["author"]["id"] for item in wl.page(Selection(), 0, PERIOD, ANCHOR).data)
    most = counts.most_common()
    assert len(counts) > 100
    assert most[0][1] > 5 * most[-1][1]


def test_a_deep_page_costs_what_the_first_costs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cost is counted in hash evaluations, not seconds: bench/ measures speed."""
    # (Rendered items are cached, so every measured page must be one not rendered before.)
    from mockserver.core import timeline
    from mockserver.providers.outx import posts, watchlist as module

    wl = watchlist(interactions=1_000_000, history_days=60)
    selection = Selection(types=frozenset({COMMENT}))
    wl.page(selection, 0, 10, ANCHOR)  # builds the filter's residue table once
    calls = Counter()
    real = module.derive

    def counting(key: int, index: int, salt: int = 0) -> int:
        calls["derive"] += 1
        return real(key, index, salt)

    for hashing in (module, posts, timeline):
        monkeypatch.setattr(hashing, "derive", counting)
    costs = []
    for offset in (20_000, 99_990, 280_000):  # cold pages: nothing rendered for them yet
        calls.clear()
        page = wl.page(selection, offset, 10, ANCHOR)
        assert len(page.data) == 10
        costs.append(calls["derive"])
    # Pages differ only in how many distinct posts their ten items share (a few dozen hash
    # evaluations each, counters included); a scan to the offset would cost hundreds of thousands.
    assert max(costs) <= 2 * min(costs) and max(costs) < 400, costs
