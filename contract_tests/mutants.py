"""Deliberately broken variants of the API, to prove the contract kit catches them.

Each mutant is a proxy in front of the real mock that breaks one documented
fact, the way a faulty re-implementation would: a wrong type, a missing
field, a wrong status or message, broken pagination, tasks that never end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

import aiohttp
import orjson
from aiohttp import web
from multidict import MultiDict

from mockserver.settings import Settings
from mockserver.testing import ThreadedMockServer

RequestEdit = Callable[[str, MultiDict[str]], MultiDict[str]]
ResponseEdit = Callable[[str, MultiDict[str], int, Any], tuple[int, Any]]


@dataclass(frozen=True)
class Mutant:
    name: str
    breaks: str  # the documented fact it violates
    caught_by: str  # the check that must not pass
    says: str  # words the failure message must contain
    edit_request: RequestEdit = lambda path, query: query
    edit_response: ResponseEdit = lambda path, query, status, body: (status, body)


def _on(path_prefix: str, edit: Callable[[int, Any], tuple[int, Any]]) -> ResponseEdit:
    def response(path: str, query: MultiDict[str], status: int, body: Any) -> tuple[int, Any]:
        return edit(status, body) if path.startswith(path_prefix) and isinstance(body, dict) else (status, body)
    return response


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


def _always_page_1(path: str, query: MultiDict[str]) -> MultiDict[str]:
    if path == "/api-interactions" and "page" in query:
        query = MultiDict(query)
        query["page"] = "1"
    return query


def _drop_type_filter(path: str, query: MultiDict[str]) -> MultiDict[str]:
    return MultiDict((k, v) for k, v in query.items() if k != "interaction_type")


def _page_size_20(path: str, query: MultiDict[str]) -> MultiDict[str]:
    if path == "/api-interactions" and "page_size" not in query:
        query = MultiDict(query)
        query["page_size"] = "20"
    return query


OUTX_MUTANTS = (
    Mutant("created_at_as_iso", "created_at is epoch milliseconds", "outx.interactions.schema", "created_at",
           edit_response=_on("/api-interactions", _iso_times)),
    Mutant("missing_total_likes", "pagination carries total_likes", "outx.interactions.schema", "total_likes",
           edit_response=_on("/api-interactions", _drop_total_likes)),
    Mutant("total_off_by_one", "total = total_likes + total_comments", "outx.interactions.totals", "!= total",
           edit_response=_on("/api-interactions", _off_by_one)),
    Mutant("overlapping_pages", "pages are disjoint", "outx.interactions.pages", "appears on two pages",
           edit_request=_always_page_1),
    Mutant("six_day_graph", "graph_data covers the last 7 days", "outx.interactions.graph", "expected 7",
           edit_response=_on("/api-interactions", _six_days)),
    Mutant("type_filter_ignored", "interaction_type filters", "outx.interactions.filter_type", "other types",
           edit_request=_drop_type_filter),
    Mutant("default_page_size_20", "page_size defaults to 10", "outx.interactions.defaults", "page_size 20",
           edit_request=_page_size_20),
    Mutant("reworded_401", "401 says 'Missing API Key'", "outx.errors.missing_key", "expected message",
           edit_response=_on("/api-interactions", _reword_401)),
    Mutant("forbidden_as_404", "another team's watchlist is 403", "outx.errors.foreign_watchlist",
           "expected HTTP 403", edit_response=_on("/api-interactions", _forbidden_as_404)),
    Mutant("tasks_never_complete", "agent tasks complete", "outx.tasks.like_flow", "not done after 30 polls",
           edit_response=_on("/linkedin-agent/get-task-status", _never_complete)),
)


class MutantProxy(ThreadedMockServer):
    """The mock on a background thread, seen through a proxy that applies one mutant."""

    def __init__(self, settings: Settings, upstream: str, mutant: Mutant) -> None:
        super().__init__(settings)
        self.upstream, self.mutant = upstream.rstrip("/"), mutant

    def make_app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.forward)
        return app

    async def forward(self, request: web.Request) -> web.Response:
        query = request.query if request.path.startswith("/__admin") else \
            self.mutant.edit_request(request.path, MultiDict(request.query))
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        async with aiohttp.ClientSession() as session:
            async with session.request(request.method, self.upstream + request.path, params=query,
                                       headers=headers, data=await request.read()) as answer:
                raw, status = await answer.read(), answer.status
        try:
            body: Any = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return web.Response(body=raw, status=status)
        if not request.path.startswith("/__admin"):
            status, body = self.mutant.edit_response(request.path, query, status, body)
        return web.json_response(body, status=status, dumps=lambda value: orjson.dumps(value).decode())
