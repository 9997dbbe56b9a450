"""Documented facts one answer must satisfy on its own, by the schema it answers with.

The contract checks drive requests to test facts across calls; these hold for any single answer, so the
validating proxy applies them to live traffic too. Each returns the problems found (empty: none).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Callable, Mapping

Query = Mapping[str, str]
Invariant = Callable[[Any, int, Query], list[str]]
NYNE_REQUEST_ID = re.compile(r"interaction_[0-9a-f]{16}_[0-9]{9,11}_[0-9]{4}")


def _requested_int(query: Query, name: str, default: int) -> int:
    try:
        return int(query.get(name, default))
    except ValueError:
        return default


def outx_totals(body: Any, status: int, query: Query) -> list[str]:
    problems = []
    pagination = body["pagination"]
    total, size = pagination["total"], pagination["page_size"]
    if pagination["total_likes"] + pagination["total_comments"] != total:
        problems.append(f"total_likes {pagination['total_likes']} + total_comments {pagination['total_comments']} "
                        f"!= total {total}")
    if pagination["total_pages"] != -(-total // size):
        problems.append(f"total_pages {pagination['total_pages']} for total {total} at page_size {size}")
    return problems


def outx_page(body: Any, status: int, query: Query) -> list[str]:
    problems = []
    size, data = body["pagination"]["page_size"], body["data"]
    if size != _requested_int(query, "page_size", 10):
        problems.append(f"page_size {size}, asked for {query.get('page_size', 'the default 10')}")
    if len(data) > size:
        problems.append(f"{len(data)} items on a page of {size}")
    times = [item["created_at"] for item in data]
    if times != sorted(times, reverse=True):
        problems.append("data is not newest first")
    return problems


def outx_graph(body: Any, status: int, query: Query) -> list[str]:
    days = [date.fromisoformat(entry["posted_at"]) for entry in body["graph_data"]]
    if len(days) != 7 or any(b - a != timedelta(days=1) for a, b in zip(days, days[1:])):
        return [f"graph_data is not 7 consecutive days: {[d.isoformat() for d in days]}"]
    return []


def outx_task_status(body: Any, status: int, query: Query) -> list[str]:
    task = body["data"]
    done = task["status"] == "completed"
    if done != isinstance(task.get("task_output"), dict):
        return [f"a {task['status']} task with task_output {task.get('task_output')!r}"]
    return []


def appdotnet_envelope(body: Any, status: int, query: Query) -> list[str]:
    meta = body.get("meta", {})
    problems = [] if meta.get("code") == status else [f"meta.code {meta.get('code')!r} is not the HTTP status {status}"]
    if status >= 400 and "data" in body:
        problems.append("an error answer carries a data key")
    data = body.get("data")
    if status == 200 and isinstance(data, list) and data:
        ids = [int(item["pagination_id"]) for item in data]
        if ids != sorted(ids, reverse=True):
            problems.append("data is not newest first (pagination_id must fall)")
        if (meta.get("max_id"), meta.get("min_id")) != (data[0]["pagination_id"], data[-1]["pagination_id"]):
            problems.append(f"meta max_id/min_id {meta.get('max_id')!r}/{meta.get('min_id')!r} are not the first "
                            "and last pagination ids")
        if len(data) > min(200, abs(_requested_int(query, "count", 20))):
            problems.append(f"{len(data)} items for count {query.get('count', 20)}")
    return problems


def nyne_answer(body: Any, status: int, query: Query) -> list[str]:
    problems = []
    if body.get("success") is not (status < 400):
        problems.append(f"HTTP {status} with success {body.get('success')!r}")
    data = body.get("data")
    if isinstance(data, dict) and "request_id" in data:
        if not NYNE_REQUEST_ID.fullmatch(str(data["request_id"])):
            problems.append(f"request_id {data['request_id']!r} is not interaction_<16 hex>_<unix>_<4 digits>")
        if "completed" in data and (data["completed"] is True) != (data.get("status") == "completed"):
            problems.append(f"status {data.get('status')!r} with completed {data['completed']!r}")
        if data.get("status") == "failed" and not str(data.get("error", "")).strip():
            problems.append("a failed job without an error text")
    return problems


def outfame_activity(body: Any, status: int, query: Query) -> list[str]:
    problems = []
    if body["has_more"] != (body["next_cursor"] is not None):
        problems.append(f"has_more {body['has_more']} with next_cursor {body['next_cursor']!r}")
    if len(body["data"]) > _requested_int(query, "limit", 50):
        problems.append(f"{len(body['data'])} actions for limit {query.get('limit', 50)}")
    times = [item["performed_at"] for item in body["data"]]  # ISO instants of one form sort as text
    if times != sorted(times, reverse=True):
        problems.append("the log is not newest first")
    return problems


def outfame_stats_arithmetic(body: Any, status: int, query: Query) -> list[str]:
    problems = []
    for name, usage in body["actions"].items():
        if usage["remaining"] != usage["limit"] - usage["performed"]:
            problems.append(f"{name}: remaining {usage['remaining']} != limit {usage['limit']} - performed "
                            f"{usage['performed']}")
    total = sum(usage["performed"] for usage in body["actions"].values())
    if body["total_actions_today"] != total:
        problems.append(f"total_actions_today {body['total_actions_today']} != the sum of performed {total}")
    return problems


def outfame_within_limits(body: Any, status: int, query: Query) -> list[str]:
    return [f"{name}: performed {usage['performed']} exceeds the daily limit {usage['limit']}"
            for name, usage in body["actions"].items() if usage["performed"] > usage["limit"]]


# By the schema an answer was validated against; run only on answers that match it.
BY_SCHEMA: dict[str, tuple[Invariant, ...]] = {
    "outx/interactions-response": (outx_totals, outx_page, outx_graph),
    "outx/task-status-response": (outx_task_status,),
    "appdotnet/interactions-response": (appdotnet_envelope,),
    "appdotnet/error": (appdotnet_envelope,),
    "nyne/submit-response": (nyne_answer,),
    "nyne/poll-response": (nyne_answer,),
    "nyne/error": (nyne_answer,),
    "outfame/activity-response": (outfame_activity,),
    "outfame/stats-response": (outfame_stats_arithmetic, outfame_within_limits),
}


def problems_of(schema: str, body: Any, status: int, query: Query) -> list[str]:
    return [problem for invariant in BY_SCHEMA.get(schema, ()) for problem in invariant(body, status, query)]
