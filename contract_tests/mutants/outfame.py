"""Outfame mutants: each breaks one documented fact of the Outfame engagement API."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from multidict import MultiDict

from contract_tests.mutants.base import Mutant, on, with_param

ACTIVITY, STATS, RESUME = "/v1/engagement/activity", "/v1/engagement/stats", "/v1/engagement/resume"


# -- requests the mutant changes before the mock sees them ------------------------------------------


def _drop_type_filter(path: str, query: MultiDict[str]) -> MultiDict[str]:
    return with_param(query, "type", None) if path == ACTIVITY else query


def _default_limit_20(path: str, query: MultiDict[str]) -> MultiDict[str]:
    return with_param(query, "limit", "20") if path == ACTIVITY and "limit" not in query else query


def _date_off_by_one(path: str, query: MultiDict[str]) -> MultiDict[str]:
    if path != ACTIVITY or "date" not in query:
        return query
    return with_param(query, "date", (date.fromisoformat(query["date"]) - timedelta(days=1)).isoformat())


# -- answers the mutant changes before the check sees them ------------------------------------------


def _drop_quality_score(status: int, body: Any) -> tuple[int, Any]:
    for item in body.get("data", []):
        item.pop("quality_score", None)
    return status, body


def _oldest_first(status: int, body: Any) -> tuple[int, Any]:
    if isinstance(body.get("data"), list):
        body["data"].reverse()
    return status, body


def _skip_first_after_cursor(path: str, query: MultiDict[str], status: int, body: Any) -> tuple[int, Any]:
    """Pages reached through a cursor lose their first action, as an off-by-one cursor would."""
    if path == ACTIVITY and query.get("cursor") and isinstance(body, dict) and body.get("data"):
        body["data"] = body["data"][1:]
    return status, body


def _lose_cursor(status: int, body: Any) -> tuple[int, Any]:
    if "next_cursor" in body:
        body["next_cursor"] = None
    return status, body


def _remaining_off_by_one(status: int, body: Any) -> tuple[int, Any]:
    if "actions" in body:
        body["actions"]["likes"]["remaining"] += 1
    return status, body


def _overcount_likes(status: int, body: Any) -> tuple[int, Any]:
    """Two likes too many, with the limit raised alike so the stats stay self-consistent."""
    if "actions" in body:
        likes = body["actions"]["likes"]
        likes["performed"] += 2
        likes["limit"] += 2
        body["total_actions_today"] += 2
    return status, body


def _queue_survives(status: int, body: Any) -> tuple[int, Any]:
    """A queued action that no pause cancels, planned a minute from now."""
    if status == 200 and isinstance(body.get("data"), list):
        soon = (datetime.now(timezone.utc) + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        body["data"].insert(0, {
            "id": "act_Qu3u3dXx", "type": "like", "target_username": "still_queued", "target_post_id": "CxQueue0001",
            "source": "hashtag:fitness", "quality_score": 0.9, "status": "pending", "performed_at": soon,
        })
    return status, body


def _resume_when_active(status: int, body: Any) -> tuple[int, Any]:
    if status == 400 and body.get("error", {}).get("code") == "already_active":
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return 200, {"account_id": "acc_unknown", "status": "active", "resumed_at": now}
    return status, body


def _generic_not_found(status: int, body: Any) -> tuple[int, Any]:
    if status == 404 and isinstance(body.get("error"), dict):
        body["error"]["code"] = "not_found"
    return status, body


def _next_action_hours_later(status: int, body: Any) -> tuple[int, Any]:
    """The old behaviour: a resume at night waited for the assumed 06:00 start."""
    if body.get("next_action_at"):
        later = datetime.fromisoformat(body["next_action_at"].replace("Z", "+00:00")) + timedelta(hours=5)
        body["next_action_at"] = later.strftime("%Y-%m-%dT%H:%M:%SZ")
    return status, body


def _generic_unknown_path(status: int, body: Any) -> tuple[int, Any]:
    return (status, {"error": "No route for GET"}) if status in (404, 405) else (status, body)


MUTANTS = [
    Mutant("activity_without_quality_score", "each action carries quality_score", "outfame.activity.schema",
           "quality_score", edit_response=on(ACTIVITY, _drop_quality_score)),
    Mutant("activity_oldest_first", "the log is newest first", "outfame.activity.newest_first",
           "is not newest first", edit_response=on(ACTIVITY, _oldest_first)),
    Mutant("type_filter_ignored", "type filters the log", "outfame.activity.type_filter", "returned other types",
           edit_request=_drop_type_filter),
    Mutant("default_limit_20", "limit defaults to 50", "outfame.activity.limit_bounds", "expected 50",
           edit_request=_default_limit_20),
    Mutant("cursor_skips_an_action", "a cursor continues exactly after the last action shown",
           "outfame.activity.cursor_pages", "skipped or reordered", edit_response=_skip_first_after_cursor),
    Mutant("has_more_without_cursor", "has_more comes with a next_cursor", "outfame.activity.cursor_consistency",
           "has_more is true but next_cursor is None", edit_response=on(ACTIVITY, _lose_cursor)),
    Mutant("date_off_by_one", "date selects that day", "outfame.activity.date_filter", "actions outside",
           edit_request=_date_off_by_one),
    Mutant("remaining_off_by_one", "remaining = limit - performed", "outfame.stats.remaining",
           "likes: remaining", edit_response=on(STATS, _remaining_off_by_one)),
    Mutant("stats_overcount", "stats count today's completed actions", "outfame.stats.agrees_with_activity",
           "completed like actions", edit_response=on(STATS, _overcount_likes)),
    Mutant("queue_survives_pause", "a pause cancels queued actions", "outfame.control.queue_cancelled",
           "still pending after the pause", edit_response=on(ACTIVITY, _queue_survives)),
    Mutant("resume_when_active_accepted", "resuming an active account is 400 already_active",
           "outfame.control.already_active", "expected HTTP 400", edit_response=on(RESUME, _resume_when_active)),
    Mutant("generic_not_found_code", "an unknown account is 404 account_not_found",
           "outfame.errors.account_not_found", "expected error code 'account_not_found'",
           edit_response=on("/v1/engagement/", _generic_not_found)),
    Mutant("resume_waits_for_morning", "growth begins again within 1-2 minutes of a resume",
           "outfame.control.resume_promise", "growth should begin again within 1-2 minutes",
           edit_response=on(STATS, _next_action_hours_later)),
    Mutant("generic_unknown_path", "every answer under /v1/engagement has Outfame's error shape",
           "outfame.errors.unknown_path", "does not match outfame/error",
           edit_response=on("/v1/engagement/", _generic_unknown_path)),
]
