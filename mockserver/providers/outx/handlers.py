"""OutX request handlers: parse the request, ask the world, shape the answer."""

from __future__ import annotations

import json
from typing import Any

import orjson
from aiohttp import web
from multidict import MultiMapping

from mockserver.core.auth import CredentialIndex
from mockserver.core.clock import Clock
from mockserver.core.http import Reply
from mockserver.core.jobs import Job
from mockserver.core.memo import AnswerMemo
from mockserver.core.pagination import MAX_PAGE, PageRequest, parse_positive_int, total_pages
from mockserver.providers.outx import errors
from mockserver.providers.outx.agent import ACTIVITY_URN
from mockserver.providers.outx.watchlist import INTERACTION_TYPES, Selection
from mockserver.providers.outx.world import OutxWorld, Team, failure_flag
from mockserver.store.engine import Store

_ANSWER_CACHE_SIZE = 1024
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 10


class OutxApi:
    """Handlers bound to one world; `world` is replaced wholesale on reset."""

    def __init__(self, world: OutxWorld, clock: Clock, store: Store) -> None:
        self.clock = clock
        self.store = store
        self.replace_world(world)

    def replace_world(self, world: OutxWorld) -> None:
        self.world = world
        self.keys = CredentialIndex(world.api_keys)
        # Whole answers with their bytes, keyed on the request and the watchlist's state_key.
        self._answers: AnswerMemo[tuple[dict[str, Any], bytes]] = AnswerMemo(_ANSWER_CACHE_SIZE)

    def authenticate(self, request: web.Request) -> Team:
        presented = request.headers.get("x-api-key", "")
        if not presented.strip():
            raise errors.missing_api_key()
        team_id = self.keys.lookup(presented)
        if team_id is None:
            raise errors.invalid_api_key()
        return self.world.teams[team_id]

    async def watchlist_interactions(self, request: web.Request) -> Reply:
        team = self.authenticate(request)
        query = request.query
        ids = query.getall("watchlist_id", [])
        if len(ids) != 1 or not ids[0].strip():
            raise errors.watchlist_id_required()
        watchlist = self.world.watchlists.get(ids[0])
        if watchlist is None:
            raise errors.unknown_watchlist(ids[0])
        if watchlist.team_id != team.id:
            raise errors.foreign_watchlist()
        selection = Selection(types=_interaction_types(query), actor_ids=_actor_ids(query))
        page = _page_request(query)
        if self.world.flags[failure_flag(watchlist.id)]:
            raise errors.fetch_failed()

        now = self.clock.now_ms()
        key = (watchlist.id, selection, page, watchlist.state_key(now))
        answer = self._answers.get(key)
        if answer is None:
            found = watchlist.page(selection, page.offset, page.size, now)
            body = {
                "data": found.data,
                "pagination": {
                    "page": page.page,
                    "page_size": page.size,
                    "total": found.total,
                    "total_pages": total_pages(found.total, page.size),
                    "total_likes": found.total_likes,
                    "total_comments": found.total_comments,
                },
                "graph_data": watchlist.graph(selection, now),
            }
            answer = (body, orjson.dumps(body))
            self._answers.put(key, answer, len(answer[1]))
        return Reply(answer[0], encoded=answer[1])


    async def like_post(self, request: web.Request) -> Reply:
        team = self.authenticate(request)
        body = await _json_body(request)
        urn = body.get("social_urn") if isinstance(body, dict) else None
        if not isinstance(urn, str) or not ACTIVITY_URN.fullmatch(urn):
            raise errors.invalid_social_urn()
        job = await self.store.commit("outx.like", {"team_id": team.id, "social_urn": urn})
        return Reply({"success": True, "api_agent_task_id": job.id,
                      "message": "Like task created. Poll get-task-status with this id to confirm it ran."})

    def like(self, args: dict[str, Any]) -> Job:
        """The `outx.like` command: the team's oldest admin likes the post through the browser extension."""
        team = self.world.teams[args["team_id"]]
        if not self.world.has_active_extension(team):
            raise errors.plugin_required()
        admin = team.oldest_admin
        if admin is None:
            raise errors.no_admin()
        return self.world.like_post(team, admin, args["social_urn"], self.clock.now_ms())

    async def task_status(self, request: web.Request) -> Reply:
        team = self.authenticate(request)
        ids = request.query.getall("api_agent_task_id", [])
        if len(ids) != 1 or not ids[0].strip():
            raise errors.invalid_task_id()
        now = self.clock.now_ms()
        job = self.world.agent.jobs.get(ids[0], now, owner=team.id)
        if job is None:
            raise errors.task_not_found()  # unknown, or another team's: indistinguishable on purpose
        return Reply({"success": True, "data": self.world.agent.task_json(job, now)})


async def _json_body(request: web.Request) -> object:
    """The parsed body; a non-JSON content type counts as no body, as Express's json parser does."""
    if request.content_type != "application/json":
        return None
    raw = await request.read()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    # ValueError covers bodies that are not UTF-8 and integers over 4300 digits; RecursionError is
    # the stdlib parser giving up on nesting deeper than its stack (e.g. 10,000 opening brackets).
    except (ValueError, RecursionError):
        raise errors.invalid_json() from None


def _interaction_types(query: MultiMapping[str]) -> frozenset[str] | None:
    values = query.getall("interaction_type", [])
    if not values:
        return None
    if len(values) > 1 or values[0] not in INTERACTION_TYPES:
        raise errors.invalid_parameter("interaction_type must be one of: like, comment")
    return frozenset(values)


def _actor_ids(query: MultiMapping[str]) -> frozenset[str] | None:
    """One id, a comma-separated list, the parameter repeated, or `actor_ids[]=` (as qs/axios send).

    An id selects interactions by that actor and on that author's posts (see Watchlist.matches).
    """
    raw = query.getall("actor_ids", []) + query.getall("actor_ids[]", [])
    ids = frozenset(part.strip() for value in raw for part in value.split(",") if part.strip())
    return ids or None


def _page_request(query: MultiMapping[str]) -> PageRequest:
    pages, sizes = query.getall("page", []), query.getall("page_size", [])
    if len(pages) > 1 or len(sizes) > 1:
        raise errors.invalid_parameter("page and page_size may be given at most once")
    page = parse_positive_int(pages[0] if pages else None, 1, MAX_PAGE)
    if page is None:
        raise errors.invalid_parameter(f"page must be an integer between 1 and {MAX_PAGE}")
    size = parse_positive_int(sizes[0] if sizes else None, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    if size is None:
        raise errors.invalid_parameter(f"page_size must be an integer between 1 and {MAX_PAGE_SIZE}")
    return PageRequest(page, size)
