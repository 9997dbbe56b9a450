"""GET /api-interactions: the page, its paging, totals, graph, filters and documented errors."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from typing import Any, Collection

from mockserver.contract.checks import REGISTRY
from mockserver.contract.checks.outx.common import (
    api_key_header, expect_error, from_scenario, interactions_page,
)
from mockserver.contract.context import CheckContext
from mockserver.contract.invariants import outx_totals
from mockserver.contract.model import CheckSkipped

check = REGISTRY.check


@check("outx.interactions.schema", "GET /api-interactions answers 200 with data, pagination and graph_data "
       "whose fields and types are those documented")
def interactions_schema(ctx: CheckContext) -> None:
    body = interactions_page(ctx, "the documented request", page=1, page_size=10)
    ctx.expect(len(body["data"]) <= 10, f"page_size=10 returned {len(body['data'])} items")


@check("outx.interactions.defaults", "page defaults to 1 and page_size to 10")
def interactions_defaults(ctx: CheckContext) -> None:
    body = interactions_page(ctx, "a request without page or page_size")
    pagination = body["pagination"]
    ctx.expect(pagination["page"] == 1 and pagination["page_size"] == 10,
               f"defaults were page {pagination['page']}, page_size {pagination['page_size']}")


@check("outx.interactions.totals", "pagination.total equals total_likes + total_comments, and total_pages "
       "is total divided by page_size, rounded up")
def interactions_totals(ctx: CheckContext) -> None:
    problems = outx_totals(interactions_page(ctx, "page 1 of 7", page_size=7), 200, {"page_size": "7"})
    ctx.expect(not problems, "; ".join(problems))


@check("outx.interactions.pages", "pages are disjoint, newest first, and as long as page_size until the last")
def interactions_pages(ctx: CheckContext) -> None:
    size = 5
    first = interactions_page(ctx, "page 1", page=1, page_size=size)
    total = first["pagination"]["total"]
    seen: list[str] = []
    last_time = None
    for page in range(1, min(4, first["pagination"]["total_pages"]) + 1):
        body = first if page == 1 else interactions_page(ctx, f"page {page}", page=page, page_size=size)
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
    body = interactions_page(ctx, "page_size=100", page_size=100)
    expected = min(100, body["pagination"]["total"])
    ctx.expect(len(body["data"]) == expected, f"page_size=100 returned {len(body['data'])} items, expected {expected}")


@check("outx.interactions.graph", "graph_data has one entry per day for the last 7 days")
def interactions_graph(ctx: CheckContext) -> None:
    graph = interactions_page(ctx, "graph_data")["graph_data"]
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
        body = interactions_page(ctx, f"interaction_type={kind}", interaction_type=kind, page_size=50)
        wrong = [item["id"] for item in body["data"] if item["interaction_type"] != kind]
        ctx.expect(not wrong, f"interaction_type={kind} returned other types: {wrong[:3]}")
        pagination = body["pagination"]
        ctx.expect(pagination[f"total_{other}s"] == 0 and pagination["total"] == pagination[f"total_{kind}s"],
                   f"interaction_type={kind}: totals {pagination}")


def _involves(item: dict[str, Any], actors: Collection[str]) -> bool:
    """The actors an interaction involves: who liked or commented, and who wrote the post."""
    return item["author"]["id"] in actors or item["post"]["post_author"]["id"] in actors


@check("outx.interactions.filter_actor", "actor_ids filters by the actors involved (the interaction's author or "
       "its post's author), as one id, a comma-separated list, or a repeated parameter")
def interactions_filter_actor(ctx: CheckContext) -> None:
    sample = interactions_page(ctx, "a page to pick actors from", page_size=50)["data"]
    actors = list(dict.fromkeys(item["author"]["id"] for item in sample))[:2]
    if not actors:
        raise CheckSkipped("the watchlist has no interactions to pick actors from")
    comma = interactions_page(ctx, "actor_ids as a list", actor_ids=",".join(actors), page_size=100)
    repeated = interactions_page(ctx, "actor_ids repeated", actor_ids=actors, page_size=100)
    for label, body in (("comma-separated", comma), ("repeated", repeated)):
        strangers = [item["author"]["id"] for item in body["data"] if not _involves(item, actors)]
        ctx.expect(not strangers, f"actor_ids ({label}) returned other authors: {strangers[:3]}")
        ctx.expect(body["pagination"]["total"] >= 1, f"actor_ids ({label}) found nothing for actors on page 1")
    ctx.expect(comma["pagination"] == repeated["pagination"],
               "actor_ids as a comma-separated list and as a repeated parameter disagree")


@check("outx.interactions.filter_post_author", "actor_ids also takes author IDs and company IDs: an id selects "
       "the interactions it made and those on the posts it published, and the totals and graph_data count them")
def interactions_filter_post_author(ctx: CheckContext) -> None:
    sample = interactions_page(ctx, "the newest 100 interactions", page_size=100)["data"]
    if not sample:
        raise CheckSkipped("the watchlist has no interactions to pick authors from")
    chosen = [("a post author", sample[0]["post"]["post_author"]["id"])]
    chosen += [("a company page", item["author"]["id"]) for item in sample
               if item["author"].get("author_type") == "company"][:1]
    for label, actor in chosen:
        body = interactions_page(ctx, f"actor_ids={actor} ({label})", actor_ids=actor, page_size=100)
        strangers = [item["id"] for item in body["data"] if not _involves(item, (actor,))]
        ctx.expect(not strangers, f"actor_ids={actor} ({label}) returned interactions that do not involve it: "
                                  f"{strangers[:3]}")
        found = {item["id"] for item in body["data"]}
        missing = [item["id"] for item in sample if _involves(item, (actor,)) and item["id"] not in found]
        ctx.expect(not missing, f"actor_ids={actor} ({label}) misses {len(missing)} of the newest interactions "
                                f"that involve it, e.g. {missing[:3]}")
        pagination = body["pagination"]
        ctx.expect(pagination["total"] >= len(body["data"]) >= 1 and
                   pagination["total_likes"] + pagination["total_comments"] == pagination["total"],
                   f"actor_ids={actor} ({label}): totals {pagination} for {len(body['data'])} items")
        graphed = sum(day["like_count"] + day["comment_count"] for day in body["graph_data"])
        ctx.expect(graphed <= pagination["total"],
                   f"actor_ids={actor} ({label}): graph_data counts {graphed}, more than the total {pagination['total']}")


# The newest 2,000 interactions: enough to see whole records of dozens of posts (the review that found
# comments_count below the record in 9 of 131 posts would have seen 2 of them there), at a bounded cost.
POST_COUNTER_PAGES = 20


@check("outx.interactions.post_counters", "a post's likes_count and comments_count are never below the likes "
       "and comments the watchlist records on it")
def interactions_post_counters(ctx: CheckContext) -> None:
    recorded: dict[str, Counter[str]] = {}
    counters: dict[str, tuple[int, int]] = {}
    (watchlist,) = ctx.require("OUTX_WATCHLIST_ID")
    for page in range(1, POST_COUNTER_PAGES + 1):
        if page == 1:
            body = interactions_page(ctx, "page 1 of 100", page=1, page_size=100)
        else:  # the schema of a page is checked once; the rest are only counted
            response = ctx.client.request("GET", "/api-interactions", headers=api_key_header(ctx),
                                          params={"watchlist_id": watchlist, "page": page, "page_size": 100})
            ctx.expect_status(response, 200, f"page {page} of 100")
            body = ctx.json_of(response, f"page {page} of 100")
        for item in body["data"]:
            post = item["post"]
            recorded.setdefault(post["id"], Counter())[item["interaction_type"]] += 1
            likes, comments = counters.get(post["id"], (0, 0))
            # Counters may grow while the pages are read: the largest seen is the latest.
            counters[post["id"]] = (max(likes, post["likes_count"]), max(comments, post["comments_count"]))
        if page >= body["pagination"]["total_pages"]:
            break
    for post_id, kinds in recorded.items():
        likes, comments = counters[post_id]
        ctx.expect(kinds["like"] <= likes, f"post {post_id} has {kinds['like']} recorded likes but likes_count "
                                           f"{likes}")
        ctx.expect(kinds["comment"] <= comments, f"post {post_id} has {kinds['comment']} recorded comments but "
                                                 f"comments_count {comments}")


@check("outx.errors.missing_key", "a request without x-api-key gets 401 'Missing API Key'")
def missing_key(ctx: CheckContext) -> None:
    (watchlist,) = ctx.require("OUTX_WATCHLIST_ID")
    response = ctx.client.request("GET", "/api-interactions", params={"watchlist_id": watchlist})
    expect_error(ctx, response, 401, "Missing API Key", "no x-api-key")


@check("outx.errors.invalid_key", "a wrong x-api-key gets 401 'Invalid API Key'")
def invalid_key(ctx: CheckContext) -> None:
    (watchlist,) = ctx.require("OUTX_WATCHLIST_ID")
    response = ctx.client.request("GET", "/api-interactions", params={"watchlist_id": watchlist},
                                  headers={"x-api-key": f"invalid-{uuid.uuid4()}"})
    expect_error(ctx, response, 401, "Invalid API Key", "a wrong x-api-key")


@check("outx.errors.watchlist_required", "a request without watchlist_id gets 400 'watchlist_id is required "
       "and must be a string'")
def watchlist_required(ctx: CheckContext) -> None:
    response = ctx.client.request("GET", "/api-interactions", headers=api_key_header(ctx))
    expect_error(ctx, response, 400, "watchlist_id is required and must be a string", "no watchlist_id")


@check("outx.errors.unknown_watchlist", "an unknown watchlist_id gets 400 'Invalid watchlist ID: <id>'")
def unknown_watchlist(ctx: CheckContext) -> None:
    unknown = str(uuid.uuid4())
    response = ctx.client.request("GET", "/api-interactions", params={"watchlist_id": unknown}, headers=api_key_header(ctx))
    expect_error(ctx, response, 400, f"Invalid watchlist ID: {unknown}", "an unknown watchlist")


@check("outx.errors.foreign_watchlist", "another team's watchlist gets 403 'Access denied: You don't have "
       "permission to access this watchlist'")
def foreign_watchlist(ctx: CheckContext) -> None:
    (foreign,) = ctx.require("OUTX_FOREIGN_WATCHLIST_ID")
    response = ctx.client.request("GET", "/api-interactions", params={"watchlist_id": foreign}, headers=api_key_header(ctx))
    expect_error(ctx, response, 403, "Access denied: You don't have permission to access this watchlist",
           "another team's watchlist")


@check("outx.errors.fetch_failed", "a watchlist whose interactions cannot be fetched gets 500 'Failed to fetch "
       "interactions'")
def fetch_failed(ctx: CheckContext) -> None:
    failing = from_scenario(ctx, "OUTX_FAILING_WATCHLIST_ID")
    response = ctx.client.request("GET", "/api-interactions", params={"watchlist_id": failing},
                                  headers=api_key_header(ctx))
    expect_error(ctx, response, 500, "Failed to fetch interactions", "a watchlist whose fetch fails")
