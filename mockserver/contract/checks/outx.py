"""OutX contract checks: watchlist interactions and LinkedIn agent tasks."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any

from mockserver.contract.checks import REGISTRY
from mockserver.contract.context import CheckContext
from mockserver.contract.model import CheckSkipped

check = REGISTRY.check

# Environment variables that describe a real target (values never come from files in the repo).
VARIABLES = {
    "OUTX_API_KEY": "API key of a team (header x-api-key)",
    "OUTX_WATCHLIST_ID": "a watchlist of that team with some likes and comments",
    "OUTX_FOREIGN_WATCHLIST_ID": "optional: a watchlist of another team (for the 403 check)",
    "OUTX_LIKE_URN": "optional, mutations only: the activity URN of a post the like-post check may like",
}
SECRETS = ("OUTX_API_KEY",)
POLL_INTERVAL_S, MAX_POLLS = 5, 30  # what the docs tell clients


def from_mock(credentials: dict[str, Any]) -> dict[str, str]:
    """Target variables for this project's own mock, from its admin API."""
    values = {"OUTX_API_KEY": credentials.get("api_key"), "OUTX_WATCHLIST_ID": credentials.get("watchlist_id"),
              "OUTX_FOREIGN_WATCHLIST_ID": credentials.get("foreign_watchlist_id")}
    return {name: value for name, value in values.items() if value}


def _key(ctx: CheckContext) -> dict[str, str]:
    return {"x-api-key": ctx.require("OUTX_API_KEY")[0]}


def _interactions(ctx: CheckContext, what: str, **params: Any) -> dict[str, Any]:
    (watchlist,) = ctx.require("OUTX_WATCHLIST_ID")
    response = ctx.client.request("GET", "/api-interactions", params={"watchlist_id": watchlist, **params},
                                  headers=_key(ctx))
    body = ctx.expect_json(response, 200, "outx/interactions-response", what)
    return body


def _error(ctx: CheckContext, response: Any, status: int, message: str, what: str) -> None:
    body = ctx.expect_json(response, status, "outx/error", what)
    ctx.expect(body.get("error") == message, f"{what}: expected message {message!r}, got {body.get('error')!r}")


@check("outx.interactions.schema", "GET /api-interactions answers 200 with data, pagination and graph_data "
       "whose fields and types are those documented")
def interactions_schema(ctx: CheckContext) -> None:
    body = _interactions(ctx, "the documented request", page=1, page_size=10)
    ctx.expect(len(body["data"]) <= 10, f"page_size=10 returned {len(body['data'])} items")


@check("outx.interactions.defaults", "page defaults to 1 and page_size to 10")
def interactions_defaults(ctx: CheckContext) -> None:
    body = _interactions(ctx, "a request without page or page_size")
    pagination = body["pagination"]
    ctx.expect(pagination["page"] == 1 and pagination["page_size"] == 10,
               f"defaults were page {pagination['page']}, page_size {pagination['page_size']}")


@check("outx.interactions.totals", "pagination.total equals total_likes + total_comments, and total_pages "
       "is total divided by page_size, rounded up")
def interactions_totals(ctx: CheckContext) -> None:
    pagination = _interactions(ctx, "page 1 of 7", page_size=7)["pagination"]
    total = pagination["total"]
    ctx.expect(pagination["total_likes"] + pagination["total_comments"] == total,
               f"total_likes {pagination['total_likes']} + total_comments {pagination['total_comments']} "
               f"!= total {total}")
    ctx.expect(pagination["total_pages"] == -(-total // 7),
               f"total_pages {pagination['total_pages']} for total {total} at page_size 7")


@check("outx.interactions.pages", "pages are disjoint, newest first, and as long as page_size until the last")
def interactions_pages(ctx: CheckContext) -> None:
    size = 5
    first = _interactions(ctx, "page 1", page=1, page_size=size)
    total = first["pagination"]["total"]
    seen: list[str] = []
    last_time = None
    for page in range(1, min(4, first["pagination"]["total_pages"]) + 1):
        body = first if page == 1 else _interactions(ctx, f"page {page}", page=page, page_size=size)
        expected = min(size, max(0, total - (page - 1) * size))
        ctx.expect(len(body["data"]) == expected,
                   f"page {page} has {len(body['data'])} items, expected {expected} (total {total})")
        for item in body["data"]:
            ctx.expect(item["id"] not in seen, f"interaction {item['id']} appears on two pages")
            ctx.expect(last_time is None or item["created_at"] <= last_time,
                       f"page {page} is not newest first at {item['id']}")
            seen.append(item["id"])
            last_time = item["created_at"]


@check("outx.interactions.page_size_max", "page_size may be up to 100")
def interactions_page_size_max(ctx: CheckContext) -> None:
    body = _interactions(ctx, "page_size=100", page_size=100)
    expected = min(100, body["pagination"]["total"])
    ctx.expect(len(body["data"]) == expected, f"page_size=100 returned {len(body['data'])} items, expected {expected}")


@check("outx.interactions.graph", "graph_data has one entry per day for the last 7 days")
def interactions_graph(ctx: CheckContext) -> None:
    graph = _interactions(ctx, "graph_data")["graph_data"]
    ctx.expect(len(graph) == 7, f"graph_data has {len(graph)} days, expected 7")
    days = [date.fromisoformat(entry["posted_at"]) for entry in graph]
    ctx.expect(days == sorted(days) and all(b - a == timedelta(days=1) for a, b in zip(days, days[1:])),
               f"graph_data days are not 7 consecutive days: {[d.isoformat() for d in days]}")
    today = datetime.now(timezone.utc).date() if ctx.admin is None else ctx.admin.clock.now().date()
    ctx.expect(abs((days[-1] - today).days) <= 1, f"graph_data ends {days[-1]}, today is {today}")


@check("outx.interactions.filter_type", "interaction_type=like and =comment return only that type, and "
       "totals count only that type")
def interactions_filter_type(ctx: CheckContext) -> None:
    for kind, other in (("like", "comment"), ("comment", "like")):
        body = _interactions(ctx, f"interaction_type={kind}", interaction_type=kind, page_size=50)
        wrong = [item["id"] for item in body["data"] if item["interaction_type"] != kind]
        ctx.expect(not wrong, f"interaction_type={kind} returned other types: {wrong[:3]}")
        pagination = body["pagination"]
        ctx.expect(pagination[f"total_{other}s"] == 0 and pagination["total"] == pagination[f"total_{kind}s"],
                   f"interaction_type={kind}: totals {pagination}")


@check("outx.interactions.filter_actor", "actor_ids filters by the interaction's author, as one id, a "
       "comma-separated list, or a repeated parameter")
def interactions_filter_actor(ctx: CheckContext) -> None:
    sample = _interactions(ctx, "a page to pick actors from", page_size=50)["data"]
    actors = list(dict.fromkeys(item["author"]["id"] for item in sample))[:2]
    if not actors:
        raise CheckSkipped("the watchlist has no interactions to pick actors from")
    comma = _interactions(ctx, "actor_ids as a list", actor_ids=",".join(actors), page_size=100)
    repeated = _interactions(ctx, "actor_ids repeated", actor_ids=actors, page_size=100)
    for label, body in (("comma-separated", comma), ("repeated", repeated)):
        strangers = [item["author"]["id"] for item in body["data"] if item["author"]["id"] not in actors]
        ctx.expect(not strangers, f"actor_ids ({label}) returned other authors: {strangers[:3]}")
        ctx.expect(body["pagination"]["total"] >= 1, f"actor_ids ({label}) found nothing for actors on page 1")
    ctx.expect(comma["pagination"] == repeated["pagination"],
               "actor_ids as a comma-separated list and as a repeated parameter disagree")


@check("outx.errors.missing_key", "a request without x-api-key gets 401 'Missing API Key'")
def missing_key(ctx: CheckContext) -> None:
    (watchlist,) = ctx.require("OUTX_WATCHLIST_ID")
    response = ctx.client.request("GET", "/api-interactions", params={"watchlist_id": watchlist})
    _error(ctx, response, 401, "Missing API Key", "no x-api-key")


@check("outx.errors.invalid_key", "a wrong x-api-key gets 401 'Invalid API Key'")
def invalid_key(ctx: CheckContext) -> None:
    (watchlist,) = ctx.require("OUTX_WATCHLIST_ID")
    response = ctx.client.request("GET", "/api-interactions", params={"watchlist_id": watchlist},
                                  headers={"x-api-key": f"invalid-{uuid.uuid4()}"})
    _error(ctx, response, 401, "Invalid API Key", "a wrong x-api-key")


@check("outx.errors.watchlist_required", "a request without watchlist_id gets 400 'watchlist_id is required "
       "and must be a string'")
def watchlist_required(ctx: CheckContext) -> None:
    response = ctx.client.request("GET", "/api-interactions", headers=_key(ctx))
    _error(ctx, response, 400, "watchlist_id is required and must be a string", "no watchlist_id")


@check("outx.errors.unknown_watchlist", "an unknown watchlist_id gets 400 'Invalid watchlist ID: <id>'")
def unknown_watchlist(ctx: CheckContext) -> None:
    unknown = str(uuid.uuid4())
    response = ctx.client.request("GET", "/api-interactions", params={"watchlist_id": unknown}, headers=_key(ctx))
    _error(ctx, response, 400, f"Invalid watchlist ID: {unknown}", "an unknown watchlist")


@check("outx.errors.foreign_watchlist", "another team's watchlist gets 403 'Access denied: You don't have "
       "permission to access this watchlist'")
def foreign_watchlist(ctx: CheckContext) -> None:
    (foreign,) = ctx.require("OUTX_FOREIGN_WATCHLIST_ID")
    response = ctx.client.request("GET", "/api-interactions", params={"watchlist_id": foreign}, headers=_key(ctx))
    _error(ctx, response, 403, "Access denied: You don't have permission to access this watchlist",
           "another team's watchlist")


@check("outx.tasks.unknown", "an unknown api_agent_task_id gets 404 'Agent task not found'")
def unknown_task(ctx: CheckContext) -> None:
    response = ctx.client.request("GET", "/linkedin-agent/get-task-status",
                                  params={"api_agent_task_id": str(uuid.uuid4())}, headers=_key(ctx))
    _error(ctx, response, 404, "Agent task not found", "an unknown task id")


@check("outx.tasks.missing_id", "get-task-status without api_agent_task_id gets 400 "
       "\"Missing or invalid 'api_agent_task_id'\"")
def missing_task_id(ctx: CheckContext) -> None:
    response = ctx.client.request("GET", "/linkedin-agent/get-task-status", headers=_key(ctx))
    _error(ctx, response, 400, "Missing or invalid 'api_agent_task_id'", "no task id")


@check("outx.tasks.invalid_urn", "like-post without a string social_urn gets 400 \"Missing or invalid "
       "'social_urn'\"", mutating=True)
def like_invalid_urn(ctx: CheckContext) -> None:
    response = ctx.client.request("POST", "/linkedin-agent/like-post", json_body={"social_urn": 42},
                                  headers=_key(ctx))
    _error(ctx, response, 400, "Missing or invalid 'social_urn'", "a numeric social_urn")


@check("outx.tasks.like_flow", "like-post answers a task id; polling every 5 s (at most 30 times) sees the "
       "task go from pending to completed with an output", mutating=True)
def like_flow(ctx: CheckContext) -> None:
    # A like cannot be undone (the API has no unlike), so this check needs a post chosen for it;
    # against the mock any tracked post will do.
    urn = ctx.optional("OUTX_LIKE_URN")
    if urn is None:
        if ctx.admin is None:
            ctx.require("OUTX_LIKE_URN")
        urn = _interactions(ctx, "a post to like")["data"][0]["post"]["social_urn"]
    response = ctx.client.request("POST", "/linkedin-agent/like-post", json_body={"social_urn": urn},
                                  headers=_key(ctx))
    created = ctx.expect_json(response, 200, "outx/like-post-response", "like-post")
    task_id = created["api_agent_task_id"]

    def finished() -> dict[str, Any] | None:
        answer = ctx.client.request("GET", "/linkedin-agent/get-task-status",
                                    params={"api_agent_task_id": task_id}, headers=_key(ctx))
        body = ctx.expect_json(answer, 200, "outx/task-status-response", "get-task-status")
        ctx.expect(body["data"]["id"] == task_id, f"get-task-status answered task {body['data']['id']}")
        return body if body["data"]["status"] == "completed" else None

    done = ctx.poll(finished, interval_s=POLL_INTERVAL_S, max_tries=MAX_POLLS, what=f"like task {task_id}")
    ctx.expect(isinstance(done["data"]["task_output"], dict), "a completed task has no task_output object")
