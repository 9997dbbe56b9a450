"""GET /v1/engagement/stats: fields, arithmetic, limits, agreement with the activity log."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from mockserver.contract.checks import REGISTRY
from mockserver.contract.checks.outfame.common import (
    CLOCK_SLACK, DAY, STATS_KEYS, account_id, completed_by_type, parse_instant, stats_of, target_now, walk_log,
)
from mockserver.contract.context import CheckContext
from mockserver.contract.invariants import outfame_stats_arithmetic

check = REGISTRY.check


@check("outfame.stats.schema", "GET /stats answers today's stats for the account with the documented fields; "
       "resets_at is the end of that day, within the next 24 hours")
def stats_schema(ctx: CheckContext) -> None:
    stats = stats_of(ctx, "the documented request")
    ctx.expect(stats["account_id"] == account_id(ctx),
               f"stats answered account {stats['account_id']!r} for {account_id(ctx)!r}")
    resets_at, now = parse_instant(stats["resets_at"]), target_now(ctx)
    ctx.expect(now - CLOCK_SLACK <= resets_at <= now + DAY + CLOCK_SLACK,
               f"resets_at {stats['resets_at']} is not within the next 24 hours (now {now:%Y-%m-%dT%H:%M:%S}Z)")
    start = datetime.fromisoformat(stats["date"]).replace(tzinfo=timezone.utc)
    ctx.expect(timedelta(0) < resets_at - start <= 2 * DAY,
               f"resets_at {stats['resets_at']} does not end the day {stats['date']}")


@check("outfame.stats.remaining", "for each action type remaining = limit - performed, and total_actions_today "
       "is the sum of performed")
def stats_remaining(ctx: CheckContext) -> None:
    problems = outfame_stats_arithmetic(stats_of(ctx, "stats"), 200, {})
    ctx.expect(not problems, "; ".join(problems))


@check("outfame.stats.within_limits", "daily limits are never exceeded: performed is at most the limit, and "
       "today's log holds no more completed actions of a type than its limit")
def stats_within_limits(ctx: CheckContext) -> None:
    stats = stats_of(ctx, "stats")
    for name, usage in stats["actions"].items():
        ctx.expect(usage["performed"] <= usage["limit"],
                   f"{name}: performed {usage['performed']} exceeds the daily limit {usage['limit']}")
    completed = completed_by_type(walk_log(ctx, "today's log"))
    for kind, count in completed.items():
        limit = stats["actions"][STATS_KEYS[kind]]["limit"]
        ctx.expect(count <= limit, f"today's log holds {count} completed {kind} actions, over the limit {limit}")


@check("outfame.stats.agrees_with_activity", "stats count today's completed actions: performed equals the "
       "completed actions of that type in today's activity log")
def stats_agree_with_activity(ctx: CheckContext) -> None:
    # Actions may complete while we page, so the log is read between two stats readings.
    before = stats_of(ctx, "stats before reading the log")["actions"]
    completed = completed_by_type(walk_log(ctx, "today's log"))
    after = stats_of(ctx, "stats after reading the log")["actions"]
    for kind, count in completed.items():
        key = STATS_KEYS[kind]
        low, high = before[key]["performed"], after[key]["performed"]
        ctx.expect(low <= count <= high,
                   f"{key}: stats say performed {low}..{high}, today's log has {count} completed {kind} actions")
