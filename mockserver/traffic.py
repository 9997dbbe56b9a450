"""Middleware that journals provider traffic and applies fault rules.

Admin calls are neither journaled nor faulted. With no fault rules the fault
step costs one truthiness check. With a shared store a request first catches
up with what other processes changed, and a rule fires through the store, so
its count and its random draws are shared too.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable

from aiohttp import web

from mockserver.core.clock import Clock
from mockserver.core.faults import FaultBook, FaultKind, FaultRule
from mockserver.core.http import Handler, json_response
from mockserver.core.journal import MAX_ANSWER_BYTES, MAX_BODY_BYTES
from mockserver.core.redaction import Redactor
from mockserver.store.engine import Store

ADMIN_PREFIX = "/__admin"
MALFORMED_BODY = b'{"data": [{"id": "'


async def _journal_body(request: web.Request, redactor: Redactor) -> dict[str, Any]:
    """The body as the handler saw it (read after the handler, so its own limits apply first):
    its first bytes, masked, and its size."""
    if not request.body_exists:
        return {"body": None}
    try:
        raw = await request.read()
    except (web.HTTPException, ConnectionError):
        return {"body": None}  # too large (the handler already answered 413), or the connection is gone
    if not raw:
        return {"body": None}
    return {"body": redactor.body(raw, MAX_BODY_BYTES), "body_size": len(raw),
            "body_is_json": "json" in request.content_type}


def _answer_body(response: web.StreamResponse | None) -> tuple[bytes | None, int | None]:
    """The start of the answer's body and its full size; the body object itself when it is small."""
    body = response.body if isinstance(response, web.Response) else None
    if not isinstance(body, bytes):
        return None, None
    return (body if len(body) <= MAX_ANSWER_BYTES else body[:MAX_ANSWER_BYTES]), len(body)


def _fault_response(rule: FaultRule) -> web.Response:
    body = rule.body if rule.body is not None else {"error": f"fault injected by {rule.id}"}
    if isinstance(body, str):
        headers = {"Content-Type": "text/plain; charset=utf-8", **rule.headers}
        return web.Response(text=body, status=rule.status, headers=headers)
    return json_response(body, rule.status, rule.headers)


async def _truncated(request: web.Request, response: web.StreamResponse) -> web.StreamResponse:
    """Send half of the real body while promising all of it, then cut the connection."""
    body = response.body if isinstance(response, web.Response) and isinstance(response.body, bytes) else b""
    cut = web.StreamResponse(status=response.status, headers=response.headers)
    cut.content_length = len(body)
    await cut.prepare(request)
    await cut.write(body[: len(body) // 2])
    if request.transport is not None:
        request.transport.abort()
    return cut


def traffic_middleware(store: Store, faults: FaultBook, clock: Clock,
                       provider_of: Callable[[web.Request], str | None], redactor: Callable[[], Redactor]) -> Any:
    journal, shared = store.journal, store.shared

    @web.middleware
    async def traffic(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(ADMIN_PREFIX):
            return await handler(request)
        if shared:
            await store.sync()
        provider = provider_of(request)
        rule = None
        if faults and faults.could_fire(provider, request.method, request.path):
            rule = await store.commit("faults.pick", {"provider": provider, "method": request.method,
                                                      "path": request.path})
        status: int | None = None
        response: web.StreamResponse | None = None
        try:
            if rule is not None and rule.latency_ms:
                await asyncio.sleep(rule.latency_ms / 1000)
            if rule is None or rule.kind is FaultKind.LATENCY:
                response = await handler(request)
            elif rule.kind is FaultKind.STATUS:
                response = _fault_response(rule)
            elif rule.kind is FaultKind.MALFORMED:
                response = web.Response(body=MALFORMED_BODY, content_type="application/json")
            elif rule.kind is FaultKind.TRUNCATE:
                response = await _truncated(request, await handler(request))
            else:  # DROP
                if request.transport is not None:
                    request.transport.abort()
                return web.Response(status=204)  # never reaches the client
            status = response.status
            return response
        except web.HTTPException as error:
            status = error.status
            raise
        finally:
            answer_body, answer_size = _answer_body(response)
            masking = redactor()
            await journal.add(
                at_ms=clock.now_ms(), provider=provider, method=request.method, path=masking.text(request.path),
                query=masking.pairs(request.query.items()), headers=masking.pairs(request.headers.items()),
                **await _journal_body(request, masking), status=status, fault=rule.id if rule else None,
                fault_rule=rule.to_json() if rule else None,
                answer_headers=response.headers if response is not None else None,
                answer_body=answer_body, answer_size=answer_size,
            )

    return traffic
