"""Paging: newest first, count, before_id, since_id, a negative count and meta.more."""

from __future__ import annotations

from mockserver.contract.checks import REGISTRY
from mockserver.contract.checks.appdotnet.common import (
    MAX_COUNT, expect_error, expect_ids, get, newest_ids, pagination_ids, stream_page,
)
from mockserver.contract.context import CheckContext
from mockserver.contract.model import CheckSkipped

check = REGISTRY.check


@check("appdotnet.pagination.newest_first", "items come newest first: down the page pagination_id falls and "
       "event_date never rises, and meta.max_id / meta.min_id are the first and last item's pagination_id")
def newest_first(ctx: CheckContext) -> None:
    body = stream_page(ctx, "a page of 50", count=50)
    data = body["data"]
    if not data:
        raise CheckSkipped("the stream is empty")
    for newer, older in zip(data, data[1:]):
        ctx.expect(int(newer["pagination_id"]) > int(older["pagination_id"]),
                   f"not newest first: pagination_id {newer['pagination_id']} comes before {older['pagination_id']}")
        ctx.expect(newer["event_date"] >= older["event_date"],
                   f"not newest first: event_date {newer['event_date']} (pagination_id {newer['pagination_id']}) "
                   f"comes before {older['event_date']}")
    meta = body["meta"]
    ctx.expect(meta.get("max_id") == data[0]["pagination_id"] and meta.get("min_id") == data[-1]["pagination_id"],
               f"meta max_id {meta.get('max_id')!r} / min_id {meta.get('min_id')!r} are not the first and last "
               f"pagination ids {data[0]['pagination_id']!r} / {data[-1]['pagination_id']!r}")


@check("appdotnet.pagination.default_count", "count defaults to 20: without it a page holds 20 items when more "
       "matched, and no more than 20 otherwise")
def default_count(ctx: CheckContext) -> None:
    body = stream_page(ctx, "a request without count")
    size, more = len(body["data"]), body["meta"]["more"]
    ctx.expect(size == 20 if more else size <= 20,
               f"without count the page holds {size} items (more={more}); the default count is 20")


@check("appdotnet.pagination.count_max", "count cannot be more than 200: count=200 returns at most 200 items "
       "(exactly 200 when more matched), and a larger count never returns more than 200")
def count_max(ctx: CheckContext) -> None:
    body = stream_page(ctx, "count=200", count=MAX_COUNT)
    size = len(body["data"])
    ctx.expect(size == MAX_COUNT if body["meta"]["more"] else size <= MAX_COUNT,
               f"count=200 returned {size} items (more={body['meta']['more']})")
    response = get(ctx, count=MAX_COUNT + 50)
    if response.status == 400:  # refusing the count is as good as capping it
        expect_error(ctx, response, 400, "count=250")
        return
    ctx.expect_status(response, 200, "count=250")
    over = len(ctx.json_of(response, "count=250")["data"])
    ctx.expect(over <= MAX_COUNT, f"count=250 returned {over} items, more than the maximum of 200")


@check("appdotnet.pagination.before_id", "before_id is an exclusive bound: it returns the newest items older "
       "than it, and passing each page's min_id as before_id walks the stream without gaps or overlaps")
def before_id(ctx: CheckContext) -> None:
    newest = newest_ids(ctx, 15)
    first = stream_page(ctx, "before_id = the newest id", before_id=newest[0], count=7)
    ctx.expect(newest[0] not in pagination_ids(first), f"before_id={newest[0]} returned that very item: the bound is "
                                             "exclusive")
    expect_ids(ctx, first, newest[1:8], f"before_id={newest[0]}&count=7")
    second = stream_page(ctx, "before_id = the previous page's min_id", before_id=first["meta"]["min_id"], count=7)
    expect_ids(ctx, second, newest[8:15], f"before_id={first['meta']['min_id']} (the previous min_id)")


@check("appdotnet.pagination.since_id", "since_id is an exclusive bound: it returns only items newer than it, "
       "newest first, up to the newest")
def since_id(ctx: CheckContext) -> None:
    newest = newest_ids(ctx, 8)
    body = stream_page(ctx, f"since_id={newest[5]}", since_id=newest[5], count=MAX_COUNT)
    got = pagination_ids(body)
    ctx.expect(newest[5] not in got, f"since_id={newest[5]} returned that very item: the bound is exclusive")
    older = [pid for pid in got if int(pid) <= int(newest[5])]
    ctx.expect(not older, f"since_id={newest[5]} returned items that are not newer: {older[:3]}")
    # New interactions may have arrived since the listing, so they may come first; the tail is fixed.
    ctx.expect(got[-5:] == newest[:5], f"since_id={newest[5]}: expected the five newer items {newest[:5]} at "
                                       f"the end, got {got[-5:]}")


@check("appdotnet.pagination.worked_example", "the documented example: in a stream 10..1, before_id=9&since_id=2"
       "&count=2 returns 8, 7")
def worked_example(ctx: CheckContext) -> None:
    stream = newest_ids(ctx, 10)  # stream[0] plays 10, stream[9] plays 1
    body = stream_page(ctx, "before_id=9&since_id=2&count=2", before_id=stream[1], since_id=stream[8], count=2)
    expect_ids(ctx, body, [stream[2], stream[3]], "before_id=9&since_id=2&count=2 (expected 8, 7)")


@check("appdotnet.pagination.negative_count", "a negative count returns the items just after since_id, still "
       "newest first: in a stream 10..1, before_id=9&since_id=2&count=-2 returns 4, 3")
def negative_count(ctx: CheckContext) -> None:
    stream = newest_ids(ctx, 10)
    body = stream_page(ctx, "before_id=9&since_id=2&count=-2", before_id=stream[1], since_id=stream[8], count=-2)
    got = pagination_ids(body)
    ctx.expect(got != [stream[7], stream[6]], f"count=-2 returned {got}: oldest first, but items are always "
                                              "newest first")
    expect_ids(ctx, body, [stream[6], stream[7]], "before_id=9&since_id=2&count=-2 (expected 4, 3)")
    alone = stream_page(ctx, "since_id=1&count=-3", since_id=stream[9], count=-3)
    expect_ids(ctx, alone, [stream[6], stream[7], stream[8]], "since_id=1&count=-3 (expected 4, 3, 2)")


@check("appdotnet.pagination.more", "meta.more is true when more items matched than fit in count, and false "
       "when none are left")
def more(ctx: CheckContext) -> None:
    stream = newest_ids(ctx, 10)  # six items lie strictly between stream[1] and stream[8]
    bounds = {"before_id": stream[1], "since_id": stream[8]}
    for count, expected in ((6, False), (5, True), (-5, True), (20, False)):
        body = stream_page(ctx, f"six matches, count={count}", count=count, **bounds)
        ctx.expect(len(body["data"]) == min(6, abs(count)),
                   f"six matches and count={count} returned {len(body['data'])} items")
        ctx.expect(body["meta"]["more"] is expected,
                   f"six matches and count={count}: meta.more is {body['meta']['more']}, expected {expected}")
