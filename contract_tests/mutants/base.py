"""Deliberately broken variants of the API, to prove the contract kit catches them.

Each mutant is a proxy in front of the real mock that breaks one documented
fact, the way a faulty re-implementation would: a wrong type, a missing
field, a wrong status or message, broken pagination, tasks that never end.
Each provider's mutants live in a module of this package; `ALL` gathers them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import aiohttp
import orjson
from aiohttp import web
from multidict import MultiDict

from mockserver.settings import Settings
from mockserver.testing import ThreadedMockServer

RequestEdit = Callable[[str, MultiDict[str]], MultiDict[str]]
ResponseEdit = Callable[[str, MultiDict[str], int, Any], tuple[int, Any]]
HeadersEdit = Callable[[str, dict[str, str]], dict[str, str]]  # the answer's headers, as sent


@dataclass(frozen=True)
class Mutant:
    name: str
    breaks: str  # the documented fact it violates
    caught_by: str  # the check that must not pass
    says: str  # words the failure message must contain
    edit_request: RequestEdit = lambda path, query: query
    edit_response: ResponseEdit = lambda path, query, status, body: (status, body)
    edit_headers: HeadersEdit = lambda path, headers: headers

    @property
    def provider(self) -> str:
        return self.caught_by.split(".", 1)[0]


def with_param(query: MultiDict[str], name: str, value: str | None) -> MultiDict[str]:
    """A copy of the query with `name` set to `value`, or removed when `value` is None."""
    edited = MultiDict((k, v) for k, v in query.items() if k != name)
    if value is not None:
        edited[name] = value
    return edited


def on(path_prefix: str, edit: Callable[[int, Any], tuple[int, Any]]) -> ResponseEdit:
    def response(path: str, query: MultiDict[str], status: int, body: Any) -> tuple[int, Any]:
        return edit(status, body) if path.startswith(path_prefix) and isinstance(body, dict) else (status, body)
    return response


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
                content_type = answer.headers.get("Content-Type", "application/octet-stream")
                # The upstream's headers pass through (rate-limit headers, Retry-After, ...);
                # framing headers are recomputed for the possibly edited body.
                passed = {k: v for k, v in answer.headers.items()
                          if k.lower() not in ("content-length", "content-type", "content-encoding",
                                               "transfer-encoding", "date", "server")}
        try:
            body: Any = orjson.loads(raw)
        except orjson.JSONDecodeError:
            reply = web.Response(body=raw, status=status, headers={**passed, "Content-Type": content_type})
        else:
            if not request.path.startswith("/__admin"):
                status, body = self.mutant.edit_response(request.path, query, status, body)
            reply = web.json_response(body, status=status, headers=passed,
                                      dumps=lambda value: orjson.dumps(value).decode())
        if not request.path.startswith("/__admin"):
            # Headers are edited last, so a mutant may change the Content-Type the answer went out with.
            edited = self.mutant.edit_headers(request.path, dict(reply.headers))
            reply.headers.clear()
            reply.headers.update(edited)
        return reply
