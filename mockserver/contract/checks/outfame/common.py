"""What the Outfame checks share: target variables, requests, error bodies, days and instants."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from mockserver.contract.client import Response
from mockserver.contract.context import CheckContext
from mockserver.contract.model import CheckInconclusive


BASE = "/v1/engagement"
TYPES = ("like", "follow", "comment", "story_view")
STATS_KEYS = {"like": "likes", "follow": "follows", "comment": "comments", "story_view": "story_views"}
DEFAULT_LIMIT, MAX_LIMIT = 50, 200
MAX_PAGES = 10  # bounds every cursor walk: a day of default limits is about 500 attempts, 3 pages of 200
DAY = timedelta(days=1)
CLOCK_SLACK = timedelta(minutes=5)  # our clock against a real target's
PAUSE_REASON = "contract check: paused and resumed at once"


def target_variable(ctx: CheckContext, name: str) -> str:
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


def auth_headers(ctx: CheckContext, key: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {key or ctx.require('OUTFAME_API_KEY')[0]}"}


def account_id(ctx: CheckContext) -> str:
    return ctx.require("OUTFAME_ACCOUNT_ID")[0]


def get(ctx: CheckContext, endpoint: str, params: dict[str, Any], headers: dict[str, str] | None = None
         ) -> Response:
    return ctx.client.request("GET", f"{BASE}/{endpoint}", params=params,
                              headers=auth_headers(ctx) if headers is None else headers)


def post(ctx: CheckContext, endpoint: str, body: dict[str, Any]) -> Response:
    return ctx.client.request("POST", f"{BASE}/{endpoint}", json_body=body, headers=auth_headers(ctx))


def activity_raw(ctx: CheckContext, what: str, **params: Any) -> dict[str, Any]:
    """One activity page, answered 200 with JSON; its schema is left to the caller."""
    query = {"account_id": account_id(ctx), **{k: v for k, v in params.items() if v is not None}}
    response = get(ctx, "activity", query)
    ctx.expect_status(response, 200, what)
    ctx.expect_media_type(response, "application/json", what)
    return ctx.json_of(response, what)


def activity_page(ctx: CheckContext, what: str, **params: Any) -> dict[str, Any]:
    body = activity_raw(ctx, what, **params)
    ctx.expect_schema("outfame/activity-response", body, what)
    return body


def walk_log(ctx: CheckContext, what: str, **params: Any) -> list[dict[str, Any]]:
    """Every action of a log, following next_cursor; inconclusive when it needs more than MAX_PAGES."""
    items: list[dict[str, Any]] = []
    cursor = None
    for page in range(1, MAX_PAGES + 1):
        body = activity_page(ctx, f"{what}, page {page}", cursor=cursor, **params)
        items += body["data"]
        if not body["has_more"]:
            return items
        cursor = body["next_cursor"]
    raise CheckInconclusive(f"{what}: more than {MAX_PAGES} pages; too much activity to count here")


def stats_of(ctx: CheckContext, what: str) -> dict[str, Any]:
    response = get(ctx, "stats", {"account_id": account_id(ctx)})
    body = ctx.expect_json(response, 200, "outfame/stats-response", what)
    return body


def expect_error(ctx: CheckContext, response: Response, status: int, code: str, what: str) -> None:
    body = ctx.expect_json(response, status, "outfame/error", what)
    found = body["error"]["code"]
    ctx.expect(found == code, f"{what}: expected error code {code!r}, got {found!r}")


# -- time -------------------------------------------------------------------------------------------


def parse_instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def target_now(ctx: CheckContext) -> datetime:
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
        return self.start <= parse_instant(item["performed_at"]) < self.end


def today_and_yesterday(ctx: CheckContext) -> tuple[Day, Day]:
    """Today and yesterday, as the target sees them: today is stats.date and ends at stats.resets_at."""
    stats = stats_of(ctx, "stats (for today's date)")
    end = parse_instant(stats["resets_at"])
    today = datetime.fromisoformat(stats["date"]).date()
    return (Day(today.isoformat(), end - DAY, end),
            Day((today - DAY).isoformat(), end - 2 * DAY, end - DAY))


def yesterday_date(ctx: CheckContext) -> str:
    """A complete past day: its log no longer changes while a check pages through it."""
    return today_and_yesterday(ctx)[1].date


def completed_by_type(items: list[dict[str, Any]]) -> dict[str, int]:
    counts = dict.fromkeys(TYPES, 0)
    for item in items:
        if item["status"] == "completed":
            counts[item["type"]] += 1
    return counts
