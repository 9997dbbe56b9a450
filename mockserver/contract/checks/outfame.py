"""Outfame contract checks: the activity log, today's stats, pause and resume, and the documented refusals."""

from __future__ import annotations

import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

from mockserver.contract.checks import REGISTRY
from mockserver.contract.client import Response
from mockserver.contract.context import CheckContext
from mockserver.contract.model import CheckFailed, CheckInconclusive, CheckSkipped

check = REGISTRY.check

# Environment variables that describe a real target (values never come from files in the repo).
VARIABLES = {
    "OUTFAME_API_KEY": "API key with the engagement:manage scope (Authorization: Bearer sk_live_...)",
    "OUTFAME_ACCOUNT_ID": "an active account of that key's workspace, with engagement yesterday",
    "OUTFAME_UNSCOPED_API_KEY": "optional: a key without the engagement:manage scope (for the 403 check)",
    "OUTFAME_SUSPENDED_ACCOUNT_ID": "optional, mutations only: a suspended account of the workspace",
    "OUTFAME_SETUP_ACCOUNT_ID": "optional, mutations only: an account of the workspace still in setup",
}
SECRETS = ("OUTFAME_API_KEY", "OUTFAME_UNSCOPED_API_KEY")

BASE = "/v1/engagement"
TYPES = ("like", "follow", "comment", "story_view")
STATS_KEYS = {"like": "likes", "follow": "follows", "comment": "comments", "story_view": "story_views"}
DEFAULT_LIMIT, MAX_LIMIT = 50, 200
MAX_PAGES = 10  # bounds every cursor walk: a day of default limits is about 500 attempts, 3 pages of 200
DAY = timedelta(days=1)
CLOCK_SLACK = timedelta(minutes=5)  # our clock against a real target's
PAUSE_REASON = "contract check: paused and resumed at once"

# Keys of the provider's `credentials` hook, if it offers them, and the variables they fill.
_MOCK_CREDENTIALS = {"api_key": "OUTFAME_API_KEY", "account_id": "OUTFAME_ACCOUNT_ID",
                     "unscoped_api_key": "OUTFAME_UNSCOPED_API_KEY",
                     "suspended_account_id": "OUTFAME_SUSPENDED_ACCOUNT_ID",
                     "setup_account_id": "OUTFAME_SETUP_ACCOUNT_ID"}


def from_mock(credentials: dict[str, Any]) -> dict[str, str]:
    """Target variables for this project's own mock, from its admin API."""
    values = {variable: credentials.get(key) for key, variable in _MOCK_CREDENTIALS.items()}
    return {name: value for name, value in values.items() if isinstance(value, str) and value}


def _variable(ctx: CheckContext, name: str) -> str:
    """A target variable; against the mock, ids its credentials hook lacks are read from its scenario."""
    value = ctx.optional(name)
    if value is None and ctx.admin is not None:
        value = _from_scenario(ctx, name)
    if value is None:
        ctx.require(name)  # skips the check, naming the variable
    return value  # type: ignore[return-value]


def _from_scenario(ctx: CheckContext, name: str) -> str | None:
    assert ctx.admin is not None
    workspaces = (ctx.admin.scenario.get("outfame") or {}).get("workspaces", [])
    key = ctx.optional("OUTFAME_API_KEY")
    mine = [w for w in workspaces if any(entry["key"] == key for entry in w.get("api_keys", []))]
    if name == "OUTFAME_UNSCOPED_API_KEY":
        return next((entry["key"] for w in workspaces for entry in w.get("api_keys", [])
                     if "engagement:manage" not in entry.get("scopes", [])), None)
    wanted = {"OUTFAME_SUSPENDED_ACCOUNT_ID": "suspended", "OUTFAME_SETUP_ACCOUNT_ID": "setup"}.get(name)
    return next((account["id"] for w in mine for account in w.get("accounts", [])
                 if wanted and account.get("status") == wanted), None)


# -- requests ---------------------------------------------------------------------------------------


def _auth(ctx: CheckContext, key: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {key or ctx.require('OUTFAME_API_KEY')[0]}"}


def _account(ctx: CheckContext) -> str:
    return ctx.require("OUTFAME_ACCOUNT_ID")[0]


def _get(ctx: CheckContext, endpoint: str, params: dict[str, Any], headers: dict[str, str] | None = None
         ) -> Response:
    return ctx.client.request("GET", f"{BASE}/{endpoint}", params=params,
                              headers=_auth(ctx) if headers is None else headers)


def _post(ctx: CheckContext, endpoint: str, body: dict[str, Any]) -> Response:
    return ctx.client.request("POST", f"{BASE}/{endpoint}", json_body=body, headers=_auth(ctx))


def _activity_raw(ctx: CheckContext, what: str, **params: Any) -> dict[str, Any]:
    """One activity page, answered 200 with JSON; its schema is left to the caller."""
    query = {"account_id": _account(ctx), **{k: v for k, v in params.items() if v is not None}}
    response = _get(ctx, "activity", query)
    ctx.expect_status(response, 200, what)
    return ctx.json_of(response, what)


def _activity(ctx: CheckContext, what: str, **params: Any) -> dict[str, Any]:
    body = _activity_raw(ctx, what, **params)
    ctx.expect_schema("outfame/activity-response", body, what)
    return body


def _walk(ctx: CheckContext, what: str, **params: Any) -> list[dict[str, Any]]:
    """Every action of a log, following next_cursor; inconclusive when it needs more than MAX_PAGES."""
    items: list[dict[str, Any]] = []
    cursor = None
    for page in range(1, MAX_PAGES + 1):
        body = _activity(ctx, f"{what}, page {page}", cursor=cursor, **params)
        items += body["data"]
        if not body["has_more"]:
            return items
        cursor = body["next_cursor"]
    raise CheckInconclusive(f"{what}: more than {MAX_PAGES} pages; too much activity to count here")


def _stats(ctx: CheckContext, what: str) -> dict[str, Any]:
    response = _get(ctx, "stats", {"account_id": _account(ctx)})
    body = ctx.expect_json(response, 200, "outfame/stats-response", what)
    return body


def _error(ctx: CheckContext, response: Response, status: int, code: str, what: str) -> None:
    body = ctx.expect_json(response, status, "outfame/error", what)
    found = body["error"]["code"]
    ctx.expect(found == code, f"{what}: expected error code {code!r}, got {found!r}")


# -- time -------------------------------------------------------------------------------------------


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _now(ctx: CheckContext) -> datetime:
    """The target's now: the mock's clock when we have it, else ours."""
    if ctx.admin is not None:
        return ctx.admin.clock.now()
    return datetime.fromtimestamp(time.time(), timezone.utc)


@dataclass(frozen=True)
class Day:
    """One engagement day: its `date` parameter and the instants it covers."""

    date: str
    start: datetime
    end: datetime  # exclusive

    def holds(self, item: dict[str, Any]) -> bool:
        return self.start <= _instant(item["performed_at"]) < self.end


def _days(ctx: CheckContext) -> tuple[Day, Day]:
    """Today and yesterday, as the target sees them: today is stats.date and ends at stats.resets_at."""
    stats = _stats(ctx, "stats (for today's date)")
    end = _instant(stats["resets_at"])
    today = datetime.fromisoformat(stats["date"]).date()
    return (Day(today.isoformat(), end - DAY, end),
            Day((today - DAY).isoformat(), end - 2 * DAY, end - DAY))


def _yesterday(ctx: CheckContext) -> str:
    """A complete past day: its log no longer changes while a check pages through it."""
    return _days(ctx)[1].date


def _completed_by_type(items: list[dict[str, Any]]) -> dict[str, int]:
    counts = dict.fromkeys(TYPES, 0)
    for item in items:
        if item["status"] == "completed":
            counts[item["type"]] += 1
    return counts


# -- activity ---------------------------------------------------------------------------------------


@check("outfame.activity.schema", "GET /activity answers 200 with data, has_more and next_cursor, each action "
       "carrying the documented fields (id act_..., type, target, source, quality_score 0..1, status, performed_at)")
def activity_schema(ctx: CheckContext) -> None:
    documented = _activity(ctx, "the documented request (type=like, limit=5)", type="like", limit=5)
    ctx.expect(len(documented["data"]) <= 5, f"limit=5 returned {len(documented['data'])} actions")
    _activity(ctx, "yesterday's log", date=_yesterday(ctx))


@check("outfame.activity.newest_first", "the activity log lists actions newest first")
def activity_newest_first(ctx: CheckContext) -> None:
    for label, date in (("today", None), ("yesterday", _yesterday(ctx))):
        items = _activity(ctx, f"{label}'s log", date=date, limit=MAX_LIMIT)["data"]
        for newer, older in zip(items, items[1:]):
            ctx.expect(_instant(newer["performed_at"]) >= _instant(older["performed_at"]),
                       f"{label}'s log is not newest first: {newer['id']} at {newer['performed_at']} comes "
                       f"before {older['id']} at {older['performed_at']}")


@check("outfame.activity.type_filter", "type=like|follow|comment|story_view returns only actions of that type")
def activity_type_filter(ctx: CheckContext) -> None:
    date = _yesterday(ctx)
    for kind in TYPES:
        items = _activity(ctx, f"type={kind}", type=kind, date=date, limit=DEFAULT_LIMIT)["data"]
        wrong = [f"{item['id']} ({item['type']})" for item in items if item["type"] != kind]
        ctx.expect(not wrong, f"type={kind} returned other types: {', '.join(wrong[:3])}")


@check("outfame.activity.limit_bounds", "limit defaults to 50 and may be up to 200: a page holds that many "
       "actions when more exist, and never more than 200")
def activity_limit_bounds(ctx: CheckContext) -> None:
    date = _yesterday(ctx)
    for limit, expected in ((None, DEFAULT_LIMIT), (MAX_LIMIT, MAX_LIMIT)):
        body = _activity(ctx, f"limit={limit}", date=date, limit=limit)
        shown = "without limit" if limit is None else f"with limit={limit}"
        if body["has_more"]:
            ctx.expect(len(body["data"]) == expected,
                       f"{shown}, the page holds {len(body['data'])} actions while has_more is true, "
                       f"expected {expected}")
        ctx.expect(len(body["data"]) <= expected, f"{shown}, the page holds {len(body['data'])} actions, "
                   f"more than {expected}")
    # Past the maximum the docs allow either a refusal or a clamp, but never a longer page.
    response = _get(ctx, "activity", {"account_id": _account(ctx), "date": date, "limit": MAX_LIMIT + 1})
    if response.status == 200:
        count = len(ctx.json_of(response, "limit=201")["data"])
        ctx.expect(count <= MAX_LIMIT, f"limit=201 returned {count} actions, more than the maximum 200")
    else:
        ctx.expect(400 <= response.status < 500, f"limit=201: expected 200 (clamped) or a 4xx refusal, "
                   f"got {response.status}")


@check("outfame.activity.cursor_pages", "following next_cursor walks the log without repeating or skipping: "
       "pages of 40 hold, in order, the same actions as one page of 200")
def activity_cursor_pages(ctx: CheckContext) -> None:
    date = _yesterday(ctx)
    reference = [item["id"] for item in _activity(ctx, "one page of 200", date=date, limit=MAX_LIMIT)["data"]]
    walked: list[str] = []
    cursor = None
    for page in range(1, 6):  # 5 pages of 40 cover the reference page
        body = _activity(ctx, f"page {page} of 40", date=date, limit=40, cursor=cursor)
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
    date = _yesterday(ctx)
    cursor = None
    for page in range(1, MAX_PAGES + 1):
        what = f"yesterday's log, page {page}"
        body = _activity_raw(ctx, what, date=date, limit=MAX_LIMIT, cursor=cursor)
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
    today, yesterday = _days(ctx)
    for label, day, date in (("without date", today, None), (f"date={yesterday.date}", yesterday, yesterday.date)):
        items = _activity(ctx, label, date=date, limit=MAX_LIMIT)["data"]
        outside = [f"{item['id']} at {item['performed_at']}" for item in items if not day.holds(item)]
        ctx.expect(not outside, f"{label}: actions outside {day.date} ({day.start:%Y-%m-%dT%H:%M}Z to "
                   f"{day.end:%Y-%m-%dT%H:%M}Z): {', '.join(outside[:3])}")


# -- stats ------------------------------------------------------------------------------------------


@check("outfame.stats.schema", "GET /stats answers today's stats for the account with the documented fields; "
       "resets_at is the end of that day, within the next 24 hours")
def stats_schema(ctx: CheckContext) -> None:
    stats = _stats(ctx, "the documented request")
    ctx.expect(stats["account_id"] == _account(ctx),
               f"stats answered account {stats['account_id']!r} for {_account(ctx)!r}")
    resets_at, now = _instant(stats["resets_at"]), _now(ctx)
    ctx.expect(now - CLOCK_SLACK <= resets_at <= now + DAY + CLOCK_SLACK,
               f"resets_at {stats['resets_at']} is not within the next 24 hours (now {now:%Y-%m-%dT%H:%M:%S}Z)")
    start = datetime.fromisoformat(stats["date"]).replace(tzinfo=timezone.utc)
    ctx.expect(timedelta(0) < resets_at - start <= 2 * DAY,
               f"resets_at {stats['resets_at']} does not end the day {stats['date']}")


@check("outfame.stats.remaining", "for each action type remaining = limit - performed, and total_actions_today "
       "is the sum of performed")
def stats_remaining(ctx: CheckContext) -> None:
    stats = _stats(ctx, "stats")
    for name, usage in stats["actions"].items():
        ctx.expect(usage["remaining"] == usage["limit"] - usage["performed"],
                   f"{name}: remaining {usage['remaining']} != limit {usage['limit']} - performed "
                   f"{usage['performed']}")
    total = sum(usage["performed"] for usage in stats["actions"].values())
    ctx.expect(stats["total_actions_today"] == total,
               f"total_actions_today {stats['total_actions_today']} != the sum of performed {total}")


@check("outfame.stats.within_limits", "daily limits are never exceeded: performed is at most the limit, and "
       "today's log holds no more completed actions of a type than its limit")
def stats_within_limits(ctx: CheckContext) -> None:
    stats = _stats(ctx, "stats")
    for name, usage in stats["actions"].items():
        ctx.expect(usage["performed"] <= usage["limit"],
                   f"{name}: performed {usage['performed']} exceeds the daily limit {usage['limit']}")
    completed = _completed_by_type(_walk(ctx, "today's log"))
    for kind, count in completed.items():
        limit = stats["actions"][STATS_KEYS[kind]]["limit"]
        ctx.expect(count <= limit, f"today's log holds {count} completed {kind} actions, over the limit {limit}")


@check("outfame.stats.agrees_with_activity", "stats count today's completed actions: performed equals the "
       "completed actions of that type in today's activity log")
def stats_agree_with_activity(ctx: CheckContext) -> None:
    # Actions may complete while we page, so the log is read between two stats readings.
    before = _stats(ctx, "stats before reading the log")["actions"]
    completed = _completed_by_type(_walk(ctx, "today's log"))
    after = _stats(ctx, "stats after reading the log")["actions"]
    for kind, count in completed.items():
        key = STATS_KEYS[kind]
        low, high = before[key]["performed"], after[key]["performed"]
        ctx.expect(low <= count <= high,
                   f"{key}: stats say performed {low}..{high}, today's log has {count} completed {kind} actions")


# -- pause and resume (mutating) ----------------------------------------------------------------------


def _require_active(ctx: CheckContext) -> None:
    """Only an active account is paused: what the check changes, it can put back."""
    status = _stats(ctx, "stats before changing anything")["status"]
    if status != "active":
        raise CheckSkipped(f"the account is {status}, not active; set OUTFAME_ACCOUNT_ID to an active account")


@dataclass
class Paused:
    body: dict[str, Any]
    resumed: bool = False  # set by a check that resumes the account itself


@contextmanager
def _paused(ctx: CheckContext) -> Iterator[Paused]:
    """Pause the account for the block, then resume it whatever happened.

    The queued actions the pause cancels cannot be brought back; the engine plans new ones after the resume.
    """
    account = _account(ctx)
    response = _post(ctx, "pause", {"account_id": account, "reason": PAUSE_REASON})
    pause = Paused({})
    try:
        pause.body = ctx.expect_json(response, 200, "outfame/pause-response", "pause")
        yield pause
    except Exception as failure:
        if not pause.resumed:
            _restore(ctx, account, failure)
        raise
    if not pause.resumed:
        _restore(ctx, account, None)


def _restore(ctx: CheckContext, account: str, failure: Exception | None) -> None:
    """Resume the account; a resume that does not work is reported along with the check's own failure."""
    response = _post(ctx, "resume", {"account_id": account})
    if response.status == 200 or _code_of(response) == "already_active":
        return
    problem = f"the account {account} could not be resumed after the check (HTTP {response.status}): resume it"
    if failure is not None:
        raise CheckFailed(f"{failure}; moreover {problem}") from failure
    raise CheckFailed(problem)


def _code_of(response: Response) -> str | None:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


@check("outfame.control.pause_resume", "POST /pause answers status paused with paused_at and "
       "queued_actions_cancelled, stats then say paused; POST /resume answers status active with resumed_at, "
       "stats then say active (the check resumes what it paused)", mutating=True)
def pause_resume(ctx: CheckContext) -> None:
    _require_active(ctx)
    account = _account(ctx)
    with _paused(ctx) as pause:
        ctx.expect(pause.body["account_id"] == account, f"pause answered account {pause.body['account_id']!r}")
        status = _stats(ctx, "stats after the pause")["status"]
        ctx.expect(status == "paused", f"after the pause, stats status is {status!r}, expected 'paused'")
        response = _post(ctx, "resume", {"account_id": account})
        pause.resumed = response.status == 200
        resumed = ctx.expect_json(response, 200, "outfame/resume-response", "resume")
        ctx.expect(resumed["account_id"] == account, f"resume answered account {resumed['account_id']!r}")
        ctx.expect(_instant(resumed["resumed_at"]) >= _instant(pause.body["paused_at"]),
                   f"resumed_at {resumed['resumed_at']} is before paused_at {pause.body['paused_at']}")
    status = _stats(ctx, "stats after the resume")["status"]
    ctx.expect(status == "active", f"after the resume, stats status is {status!r}, expected 'active'")


@check("outfame.control.already_paused", "pausing a paused account gets 400 already_paused (the check resumes "
       "what it paused)", mutating=True)
def already_paused(ctx: CheckContext) -> None:
    _require_active(ctx)
    with _paused(ctx):
        response = _post(ctx, "pause", {"account_id": _account(ctx), "reason": PAUSE_REASON})
        _error(ctx, response, 400, "already_paused", "a second pause")


@check("outfame.control.already_active", "resuming an active account gets 400 already_active", mutating=True)
def already_active(ctx: CheckContext) -> None:
    _require_active(ctx)
    response = _post(ctx, "resume", {"account_id": _account(ctx)})
    _error(ctx, response, 400, "already_active", "resuming an active account")


@check("outfame.control.queue_cancelled", "a pause cancels the queued actions: afterwards today's log holds no "
       "pending action and nothing after paused_at (the check resumes what it paused; cancelled actions stay "
       "cancelled)", mutating=True)
def queue_cancelled(ctx: CheckContext) -> None:
    _require_active(ctx)
    with _paused(ctx) as pause:
        paused_at = _instant(pause.body["paused_at"])
        for item in _walk(ctx, "today's log after the pause"):
            ctx.expect(item["status"] != "pending",
                       f"{item['id']} is still pending after the pause "
                       f"(queued_actions_cancelled was {pause.body['queued_actions_cancelled']})")
            ctx.expect(_instant(item["performed_at"]) <= paused_at,
                       f"{item['id']} ({item['status']}) is performed at {item['performed_at']}, after the pause "
                       f"at {pause.body['paused_at']}")


# -- refusals -----------------------------------------------------------------------------------------


@check("outfame.errors.account_not_found", "an unknown account_id gets 404 account_not_found from /stats and "
       "/activity")
def account_not_found(ctx: CheckContext) -> None:
    unknown = f"acc_{uuid.uuid4().hex[:10]}"
    for endpoint in ("stats", "activity"):
        response = _get(ctx, endpoint, {"account_id": unknown})
        _error(ctx, response, 404, "account_not_found", f"/{endpoint} for an unknown account")


@check("outfame.auth.missing_key", "a request without an Authorization bearer key gets 401")
def missing_key(ctx: CheckContext) -> None:
    response = _get(ctx, "stats", {"account_id": _account(ctx)}, headers={})
    ctx.expect_status(response, 401, "no Authorization header")


@check("outfame.auth.invalid_key", "a request with an unknown bearer key gets 401")
def invalid_key(ctx: CheckContext) -> None:
    headers = _auth(ctx, f"sk_live_invalid{uuid.uuid4().hex}")
    response = _get(ctx, "stats", {"account_id": _account(ctx)}, headers=headers)
    ctx.expect_status(response, 401, "an unknown key")


@check("outfame.auth.scope", "a key without the required scope engagement:manage gets 403")
def missing_scope(ctx: CheckContext) -> None:
    headers = _auth(ctx, _variable(ctx, "OUTFAME_UNSCOPED_API_KEY"))
    response = _get(ctx, "stats", {"account_id": _account(ctx)}, headers=headers)
    ctx.expect_status(response, 403, "a key without engagement:manage")


@check("outfame.errors.account_suspended", "resuming a suspended account gets 400 account_suspended (if the "
       "target wrongly resumes it, the suspension cannot be restored by the API)", mutating=True)
def account_suspended(ctx: CheckContext) -> None:
    suspended = _variable(ctx, "OUTFAME_SUSPENDED_ACCOUNT_ID")
    response = _post(ctx, "resume", {"account_id": suspended})
    _error(ctx, response, 400, "account_suspended", "resuming a suspended account")


@check("outfame.errors.account_in_setup", "resuming an account still in setup gets 400 account_in_setup",
       mutating=True)
def account_in_setup(ctx: CheckContext) -> None:
    in_setup = _variable(ctx, "OUTFAME_SETUP_ACCOUNT_ID")
    response = _post(ctx, "resume", {"account_id": in_setup})
    _error(ctx, response, 400, "account_in_setup", "resuming an account in setup")
