"""Memoised answers must never be stale: whatever a warm server answers, a cold one answers too.

Every test asks a warmed-up viewer (or server) after the clock or the state
moved, and compares with one that never answered before.
"""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp.test_utils import TestClient

from mockserver.core.world import pools_for
from mockserver.providers.appdotnet.content import build_content
from mockserver.providers.appdotnet.params import ActionFilter, Paging, StreamQuery
from mockserver.providers.appdotnet.people import Directory, RenderOptions
from mockserver.providers.appdotnet.stream import REPLY, Stream
from mockserver.providers.appdotnet.viewer import Viewer
from mockserver.store.appkeys import CLOCK, PROVIDERS, WORLD
from tests.providers.appdotnet.helpers import BEARER, PATH, TOKEN, get

ANCHOR = 1_705_401_600_000
HOUR = 3_600_000
EVERYTHING = ActionFilter(None, ())
REVOKE_MAIN = "token:user:1558:1:revoked"


def viewer(interactions: int = 600) -> Viewer:
    """A viewer that has answered nothing yet: every cache empty."""
    pools = pools_for(1)
    people = Directory(1, ANCHOR, pools, build_content(pools))
    spec = {"id": "9", "username": "me", "tokens": [{"token": "t"}], "interactions": interactions}
    return Viewer(spec, 0, 1, 1, ANCHOR, 6 * HOUR, people)


def query(count: int = 20, since_id: int | None = None, before_id: int | None = None,
          options: RenderOptions = RenderOptions()) -> StreamQuery:
    """Queries are memo keys by identity (the handler keeps one per query string): reuse the object."""
    return StreamQuery(False, Paging(since_id, before_id, count), EVERYTHING, options)


def answer(v: Viewer, q: StreamQuery, now_ms: int) -> tuple[dict[str, Any], bytes]:
    body, payload = v.interactions_page(q, now_ms)
    assert payload == orjson.dumps(body)  # the bytes sent are always the body's
    return body, payload


def test_remembered_counts_match_the_counts_at_every_boundary() -> None:
    """counts_at keeps the span around its last reading; readings at, just before and after every
    event, forwards, backwards and far away, must all agree with the direct counts."""
    for interactions, live in ((600, True), (50, False), (0, True)):
        stream = Stream(777, ANCHOR, interactions, 30, live, 6 * HOUR, 2)
        instants = [ANCHOR, ANCHOR - 40 * 24 * HOUR, ANCHOR + 400 * 24 * HOUR]
        for k in range(max(0, interactions - 30), interactions + 30):
            if stream.step_ms:
                instants += [stream.time_ms(k) + d for d in (-1, 0, 1)]
        for j in range(stream.posts_at(ANCHOR) - 30, stream.posts_at(ANCHOR) + 30):
            instants += [stream.post_time_ms(j) + d for d in (-1, 0, 1)]
        for order in (sorted(instants), sorted(instants, reverse=True), instants):
            for t in order:
                assert stream.counts_at(t) == (stream.count_at(t), stream.posts_at(t)), (interactions, t)


def test_a_frozen_clock_gives_identical_bytes_warm_or_cold() -> None:
    warm, q = viewer(), query()
    first = answer(warm, q, ANCHOR)
    assert answer(warm, q, ANCHOR) == first
    assert answer(viewer(), query(), ANCHOR) == first


def test_the_page_moves_when_the_next_interaction_happens() -> None:
    warm, q = viewer(), query()
    stream = warm.stream
    n = stream.count_at(ANCHOR)
    next_ms = stream.time_ms(n)
    before, _ = answer(warm, q, next_ms - 1)
    after, payload = answer(warm, q, next_ms)
    assert before["meta"]["max_id"] == str(n) and after["meta"]["max_id"] == str(n + 1)
    assert (after, payload) == answer(viewer(), query(), next_ms)


def test_a_new_post_alone_changes_my_post_count() -> None:
    """Between two interactions only "me".counts.posts can change; a memo keyed on interactions alone
    would keep the old count."""
    warm, q = viewer(), query()
    stream = warm.stream
    post_ms = stream.post_time_ms(stream.posts_at(ANCHOR))  # my next post
    assert stream.count_at(post_ms - 1) == stream.count_at(post_ms)  # no interaction in between
    before, _ = answer(warm, q, post_ms - 1)
    after = answer(warm, q, post_ms)
    assert after[0] != before
    assert after == answer(viewer(), query(), post_ms)
    users = [o["user"] for item in after[0]["data"] for o in item["objects"] if "user" in o]
    assert users and {u["counts"]["posts"] for u in users} == {stream.posts_at(post_ms)}


def _reply_to_an_earlier_items_post(v: Viewer) -> tuple[int, int]:
    """(k_new, k_old): a reply k_new, after the anchor, on the post that an earlier item k_old acted on."""
    stream = v.stream
    n = stream.count_at(ANCHOR)
    for k_new in range(n, n + 1000):
        if stream.action(k_new) != REPLY:
            continue
        j = stream.post_of(k_new)
        earlier = [k for k in stream.items_on_post(j, stream.time_ms(k_new)) if k < k_new]
        if earlier:
            return k_new, max(earlier)
    raise AssertionError("no reply on an earlier item's post in 1000 interactions")


def test_an_old_item_shows_replies_made_after_it_was_cached() -> None:
    """The window below stays the same item, but its post gains a reply: the item cache must see it."""
    warm = viewer()
    k_new, k_old = _reply_to_an_earlier_items_post(warm)
    just_one = query(count=1, before_id=k_old + 2)  # pagination ids are k + 1; before_id is exclusive
    at_ms = warm.stream.time_ms(k_new)
    assert warm.stream.posts_at(at_ms - 1) == warm.stream.posts_at(at_ms)  # only the reply differs
    before, _ = answer(warm, just_one, at_ms - 1)
    after = answer(warm, just_one, at_ms)
    old_post, new_post = before["data"][0]["objects"][0], after[0]["data"][0]["objects"][0]
    assert before["data"][0]["pagination_id"] == str(k_old + 1)
    assert new_post["num_replies"] > old_post["num_replies"]
    assert after == answer(viewer(), just_one, at_ms)


def test_options_and_filters_are_separate_answers() -> None:
    warm = viewer()
    plain = answer(warm, query(), ANCHOR)[0]
    no_html = answer(warm, query(options=RenderOptions(html=False)), ANCHOR)[0]  # the item caches are warm
    assert plain != no_html and answer(viewer(), query(options=RenderOptions(html=False)), ANCHOR)[0] == no_html
    stars = StreamQuery(False, Paging(None, None, 20), ActionFilter(frozenset({"star"}), ()), RenderOptions())
    assert {item["action"] for item in answer(warm, stars, ANCHOR)[0]["data"]} == {"star"}


# -- through HTTP ---------------------------------------------------------------------


async def test_after_the_clock_moves_a_warm_server_answers_like_a_rebuilt_one(adn: TestClient) -> None:
    first = await get(adn)
    adn.app[CLOCK].advance(5 * HOUR)  # several interactions and posts later
    warm = await get(adn)
    assert int(warm["meta"]["max_id"]) > int(first["meta"]["max_id"])
    adn.app[PROVIDERS]["appdotnet"].rebuild(adn.app[WORLD].context)  # same anchor, every cache empty
    assert await get(adn) == warm


async def test_revoking_the_token_refuses_a_memoised_query(adn: TestClient) -> None:
    assert (await get(adn))["data"]
    await adn.patch("/__admin/flags", json={"appdotnet": {REVOKE_MAIN: True}})
    assert (await get(adn, status=401))["meta"]["error_slug"] == "not-authorized"


async def test_closing_jsonp_refuses_a_memoised_callback_query(adn: TestClient) -> None:
    await adn.patch("/__admin/flags", json={"appdotnet": {"jsonp_authentication": True}})
    params = {"callback": "cb", "access_token": TOKEN, "count": "2"}
    opened = await adn.get(PATH, params=params)
    assert opened.status == 200 and (await opened.text()).startswith("cb(")
    await adn.patch("/__admin/flags", json={"appdotnet": {"jsonp_authentication": False}})
    closed = await adn.get(PATH, params=params)
    body = orjson.loads((await closed.text())[3:-1])  # inside cb(...)
    assert "data" not in body
    assert body["meta"]["code"] == 401 and "JSONP callback" in body["meta"]["error_message"]


async def test_the_same_query_for_another_user_is_that_users_stream(adn: TestClient) -> None:
    mine = await get(adn, {"count": "5"}, BEARER)
    theirs = await get(adn, {"count": "5"}, {"Authorization": "Bearer OTHER_USER_ACCESS_TOKEN"})
    assert mine["data"] != theirs["data"]
    users = {o["user"]["id"] for item in theirs["data"] for o in item["objects"] if "user" in o}
    assert users <= {"2"}
