"""GET /v1/engagement/activity: fields, order, filters, limits and cursors."""

from __future__ import annotations

from mockserver.contract.checks import REGISTRY
from mockserver.contract.checks.outfame.common import (
    DEFAULT_LIMIT, MAX_LIMIT, MAX_PAGES, TYPES, account_id, activity_page, activity_raw, get, parse_instant, today_and_yesterday, yesterday_date,
)
from mockserver.contract.context import CheckContext
from mockserver.contract.model import CheckInconclusive

check = REGISTRY.check


@check("outfame.activity.schema", "GET /activity answers 200 with data, has_more and next_cursor, each action "
       "carrying the documented fields (id act_..., type, target, source, quality_score 0..1, status, performed_at)")
def activity_schema(ctx: CheckContext) -> None:
    documented = activity_page(ctx, "the documented request (type=like, limit=5)", type="like", limit=5)
    ctx.expect(len(documented["data"]) <= 5, f"limit=5 returned {len(documented['data'])} actions")
    activity_page(ctx, "yesterday's log", date=yesterday_date(ctx))


@check("outfame.activity.newest_first", "the activity log lists actions newest first")
def activity_newest_first(ctx: CheckContext) -> None:
    for label, date in (("today", None), ("yesterday", yesterday_date(ctx))):
        items = activity_page(ctx, f"{label}'s log", date=date, limit=MAX_LIMIT)["data"]
        for newer, older in zip(items, items[1:]):
            ctx.expect(parse_instant(newer["performed_at"]) >= parse_instant(older["performed_at"]),
                       f"{label}'s log is not newest first: {newer['id']} at {newer['performed_at']} comes "
                       f"before {older['id']} at {older['performed_at']}")


@check("outfame.activity.type_filter", "type=like|follow|comment|story_view returns only actions of that type")
def activity_type_filter(ctx: CheckContext) -> None:
    date = yesterday_date(ctx)
    for kind in TYPES:
        items = activity_page(ctx, f"type={kind}", type=kind, date=date, limit=DEFAULT_LIMIT)["data"]
        wrong = [f"{item['id']} ({item['type']})" for item in items if item["type"] != kind]
        ctx.expect(not wrong, f"type={kind} returned other types: {', '.join(wrong[:3])}")


@check("outfame.activity.limit_bounds", "limit defaults to 50 and may be up to 200: a page holds that many "
       "actions when more exist, and never more than 200")
def activity_limit_bounds(ctx: CheckContext) -> None:
    date = yesterday_date(ctx)
    for limit, expected in ((None, DEFAULT_LIMIT), (MAX_LIMIT, MAX_LIMIT)):
        body = activity_page(ctx, f"limit={limit}", date=date, limit=limit)
        shown = "without limit" if limit is None else f"with limit={limit}"
        if body["has_more"]:
            ctx.expect(len(body["data"]) == expected,
                       f"{shown}, the page holds {len(body['data'])} actions while has_more is true, "
                       f"expected {expected}")
        ctx.expect(len(body["data"]) <= expected, f"{shown}, the page holds {len(body['data'])} actions, "
                   f"more than {expected}")
    # Past the maximum the docs allow either a refusal or a clamp, but never a longer page.
    response = get(ctx, "activity", {"account_id": account_id(ctx), "date": date, "limit": MAX_LIMIT + 1})
    if response.status == 200:
        count = len(ctx.json_of(response, "limit=201")["data"])
        ctx.expect(count <= MAX_LIMIT, f"limit=201 returned {count} actions, more than the maximum 200")
    else:
        ctx.expect(400 <= response.status < 500, f"limit=201: expected 200 (clamped) or a 4xx refusal, "
                   f"got {response.status}")


@check("outfame.activity.cursor_pages", "following next_cursor walks the log without repeating or skipping: "
       "pages of 40 hold, in order, the same actions as one page of 200")
def activity_cursor_pages(ctx: CheckContext) -> None:
    date = yesterday_date(ctx)
    reference = [item["id"] for item in activity_page(ctx, "one page of 200", date=date, limit=MAX_LIMIT)["data"]]
    walked: list[str] = []
    cursor = None
    for page in range(1, 6):  # 5 pages of 40 cover the reference page
        body = activity_page(ctx, f"page {page} of 40", date=date, limit=40, cursor=cursor)
        for item in body["data"]:
            ctx.expect(item["id"] not in walked, f"action {item['id']} appears on two pages (again on page {page})")
            walked.append(item["id"])
        if not body["has_more"]:
            break
        cursor = body["next_cursor"]
    for position, (found, expected) in enumerate(zip(walked, reference)):
        ctx.expect(found == expected, f"the walk skipped or reordered actions: at position {position} it shows "
                   f"{found}, one page of 200 shows {expected}")
    ctx.expect(len(walked) >= min(len(reference), 200),
               f"the walk ended after {len(walked)} actions, but one page of 200 shows {len(reference)}")


@check("outfame.activity.cursor_consistency", "has_more is true exactly when a next_cursor (cur_...) is given, "
       "and a walk through a day ends with has_more false")
def activity_cursor_consistency(ctx: CheckContext) -> None:
    date = yesterday_date(ctx)
    cursor = None
    for page in range(1, MAX_PAGES + 1):
        what = f"yesterday's log, page {page}"
        body = activity_raw(ctx, what, date=date, limit=MAX_LIMIT, cursor=cursor)
        has_more, cursor = body.get("has_more"), body.get("next_cursor")
        if has_more is True:
            ctx.expect(isinstance(cursor, str) and cursor.startswith("cur_"),
                       f"{what}: has_more is true but next_cursor is {cursor!r}")
        else:
            ctx.expect(has_more is False, f"{what}: has_more is {has_more!r}, not a boolean")
            ctx.expect(cursor is None, f"{what}: has_more is false but next_cursor is {cursor!r}")
        ctx.expect_schema("outfame/activity-response", body, what)
        if not has_more:
            return
    raise CheckInconclusive(f"yesterday's log has more than {MAX_PAGES} pages of {MAX_LIMIT}")


@check("outfame.activity.date_filter", "date selects one day's actions, and without it the log is today's")
def activity_date_filter(ctx: CheckContext) -> None:
    today, yesterday = today_and_yesterday(ctx)
    for label, day, date in (("without date", today, None), (f"date={yesterday.date}", yesterday, yesterday.date)):
        items = activity_page(ctx, label, date=date, limit=MAX_LIMIT)["data"]
        outside = [f"{item['id']} at {item['performed_at']}" for item in items if not day.holds(item)]
        ctx.expect(not outside, f"{label}: actions outside {day.date} ({day.start:%Y-%m-%dT%H:%M}Z to "
                   f"{day.end:%Y-%m-%dT%H:%M}Z): {', '.join(outside[:3])}")
