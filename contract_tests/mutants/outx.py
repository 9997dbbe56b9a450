"""OutX mutants: each breaks one documented fact of the OutX API."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from multidict import MultiDict

from contract_tests.mutants.base import Mutant, on, with_param


def _iso_times(status: int, body: Any) -> tuple[int, Any]:
    for item in body.get("data", []):
        item["created_at"] = datetime.fromtimestamp(item["created_at"] / 1000, timezone.utc).isoformat()
    return status, body


def _drop_total_likes(status: int, body: Any) -> tuple[int, Any]:
    body.get("pagination", {}).pop("total_likes", None)
    return status, body


def _off_by_one(status: int, body: Any) -> tuple[int, Any]:
    if "pagination" in body:
        body["pagination"]["total"] += 1
    return status, body


def _six_days(status: int, body: Any) -> tuple[int, Any]:
    if "graph_data" in body:
        body["graph_data"] = body["graph_data"][1:]
    return status, body


def _reword_401(status: int, body: Any) -> tuple[int, Any]:
    return (status, {"error": "Unauthorized"}) if status == 401 else (status, body)


def _forbidden_as_404(status: int, body: Any) -> tuple[int, Any]:
    return (404, body) if status == 403 else (status, body)


def _never_complete(status: int, body: Any) -> tuple[int, Any]:
    data = body.get("data")
    if isinstance(data, dict) and "status" in data:
        data.update(status="pending", task_output=None)
    return status, body


def _one_comment_per_post(status: int, body: Any) -> tuple[int, Any]:
    for item in body.get("data", []):
        item["post"]["comments_count"] = 1
    return status, body


def _actor_ids_match_authors_only(path: str, query: MultiDict[str], status: int, body: Any) -> tuple[int, Any]:
    """The old reading: actor_ids selected only the interaction's author, never the post's."""
    wanted = {part for value in query.getall("actor_ids", []) for part in value.split(",")}
    if path == "/api-interactions" and wanted and isinstance(body, dict) and "data" in body:
        body["data"] = [item for item in body["data"] if item["author"]["id"] in wanted]
    return status, body


def _failure_without_error(status: int, body: Any) -> tuple[int, Any]:
    data = body.get("data")
    if isinstance(data, dict) and data.get("status") == "failed":
        data.pop("error", None)
    return status, body


def _failure_as_503(status: int, body: Any) -> tuple[int, Any]:
    return (503, body) if status == 500 else (status, body)


def _plugin_as_401(status: int, body: Any) -> tuple[int, Any]:
    return (401, body) if status == 403 and str(body.get("error", "")).startswith("Plugin") else (status, body)


def _no_admin_reworded(status: int, body: Any) -> tuple[int, Any]:
    return (status, {"error": "Admin not found"}) if body.get("error") == "No admin user found in the team" \
        else (status, body)


def _always_page_1(path: str, query: MultiDict[str]) -> MultiDict[str]:
    return with_param(query, "page", "1") if path == "/api-interactions" and "page" in query else query


def _drop_type_filter(path: str, query: MultiDict[str]) -> MultiDict[str]:
    return with_param(query, "interaction_type", None)


def _page_size_20(path: str, query: MultiDict[str]) -> MultiDict[str]:
    return with_param(query, "page_size", "20") if path == "/api-interactions" and "page_size" not in query else query


MUTANTS = [
    Mutant("created_at_as_iso", "created_at is epoch milliseconds", "outx.interactions.schema", "created_at",
           edit_response=on("/api-interactions", _iso_times)),
    Mutant("missing_total_likes", "pagination carries total_likes", "outx.interactions.schema", "total_likes",
           edit_response=on("/api-interactions", _drop_total_likes)),
    Mutant("total_off_by_one", "total = total_likes + total_comments", "outx.interactions.totals", "!= total",
           edit_response=on("/api-interactions", _off_by_one)),
    Mutant("overlapping_pages", "pages are disjoint", "outx.interactions.pages", "appears on two pages",
           edit_request=_always_page_1),
    Mutant("six_day_graph", "graph_data covers the last 7 days", "outx.interactions.graph", "expected 7",
           edit_response=on("/api-interactions", _six_days)),
    Mutant("type_filter_ignored", "interaction_type filters", "outx.interactions.filter_type", "other types",
           edit_request=_drop_type_filter),
    Mutant("default_page_size_20", "page_size defaults to 10", "outx.interactions.defaults", "page_size 20",
           edit_request=_page_size_20),
    Mutant("reworded_401", "401 says 'Missing API Key'", "outx.errors.missing_key", "expected message",
           edit_response=on("/api-interactions", _reword_401)),
    Mutant("forbidden_as_404", "another team's watchlist is 403", "outx.errors.foreign_watchlist",
           "expected HTTP 403", edit_response=on("/api-interactions", _forbidden_as_404)),
    Mutant("tasks_never_complete", "agent tasks complete", "outx.tasks.like_flow", "not done after 30 polls",
           edit_response=on("/linkedin-agent/get-task-status", _never_complete)),
    Mutant("comments_count_below_records", "post counters are never below the recorded interactions",
           "outx.interactions.post_counters", "recorded comments but comments_count 1",
           edit_response=on("/api-interactions", _one_comment_per_post)),
    Mutant("actor_ids_authors_only", "actor_ids also selects interactions on an author's posts",
           "outx.interactions.filter_post_author", "misses", edit_response=_actor_ids_match_authors_only),
    Mutant("failed_task_without_error", "a failed task carries its error", "outx.tasks.failure",
           "does not match outx/task-status-response",
           edit_response=on("/linkedin-agent/get-task-status", _failure_without_error)),


    Mutant("fetch_failure_as_503", "a failed fetch is 500", "outx.errors.fetch_failed", "expected HTTP 500",
           edit_response=on("/api-interactions", _failure_as_503)),
    Mutant("plugin_required_as_401", "no active extension is 403", "outx.tasks.plugin_required", "expected HTTP 403",
           edit_response=on("/linkedin-agent/like-post", _plugin_as_401)),
    Mutant("no_admin_reworded", "no admin is 404 'No admin user found in the team'", "outx.tasks.no_admin",
           "expected message", edit_response=on("/linkedin-agent/like-post", _no_admin_reworded)),
]
