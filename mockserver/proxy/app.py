"""`mockserver proxy`: forward every request unchanged, hold each real answer to the documented contract.

The answer goes back byte for byte (status, headers, body); it is checked before it is sent, so a
violation is in the log, the journal and /__admin/proxy/report by the time the client has the answer.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator

import aiohttp
import orjson
from aiohttp import web
from multidict import CIMultiDict

from mockserver.admin import journal as journal_routes
from mockserver.admin.access import access_guard
from mockserver.admin.common import admin_errors
from mockserver.app import create_app
from mockserver.core.clock import iso_from_ms
from mockserver.core.http import json_response
from mockserver.core.journal import MAX_ANSWER_BYTES, MAX_BODY_BYTES, Journal
from mockserver.core.redaction import Redactor
from mockserver.openapi.providers import operation_id
from mockserver.providers import available_providers
from mockserver.proxy.report import Finding, ProxyReport
from mockserver.proxy.validate import Answer, Operation, OperationIndex, problems
from mockserver.settings import Settings
from mockserver.store.appkeys import JOURNAL, PROVIDERS, SCHEMAS

log = logging.getLogger("mockserver.proxy")
# Hop-by-hop headers (RFC 9110 7.6.1) belong to one connection; Host and Content-Length are set anew.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
                        "transfer-encoding", "upgrade", "host", "content-length"})
RECORD_PER_ANSWER = 10  # examples kept per operation and status with --record
REPORT = web.AppKey("proxy_report", ProxyReport)
SESSION = web.AppKey("proxy_session", aiohttp.ClientSession)
INDEX = web.AppKey("proxy_index", OperationIndex)
# The proxy knows no scenario, so it masks credentials by name (and Bearer tokens, URL userinfo) only.
MASK = Redactor()


@dataclass(frozen=True)
class ProxySettings:
    upstream: str
    host: str = "127.0.0.1"
    port: int = 8081
    record_dir: Path | None = None
    admin_token: str | None = None
    journal_size: int = 1000
    timeout_s: float = 60.0


def _masked_url(request: web.Request) -> str:
    return MASK.url(request.path_qs)


def _example_body(masked: bytes | None, content_type: str) -> object:
    """A recorded example's request body: parsed when it is JSON, else text (already masked)."""
    if not masked:
        return None
    if "json" in content_type:
        try:
            return orjson.loads(masked)
        except orjson.JSONDecodeError:
            pass
    return masked.decode("utf-8", "replace")


class Recorder:
    """Saves validated exchanges as examples: DIR/<provider>/<operationId>-<status>-<n>.json."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.saved: dict[tuple[str, int], int] = {}

    def save(self, operation: Operation, request: web.Request, body: object, answer: Answer) -> None:
        key = (operation_id(operation.provider, operation.endpoint.handler.__name__), answer.status)
        count = self.saved.get(key, 0)
        if count >= RECORD_PER_ANSWER:
            return
        try:
            parsed: object = orjson.loads(answer.body)
        except orjson.JSONDecodeError:
            parsed = answer.body.decode("utf-8", "replace")
        folder = self.root / operation.provider
        folder.mkdir(parents=True, exist_ok=True)
        example = {"request": {"method": request.method, "url": _masked_url(request), "body": body},
                   "response": {"status": answer.status, "headers": MASK.pairs(answer.headers.items()),
                                "body": parsed}}
        (folder / f"{key[0]}-{answer.status}-{count + 1}.json").write_text(json.dumps(example, indent=2))
        self.saved[key] = count + 1


RECORDER = web.AppKey("proxy_recorder", Recorder)


def _forward_headers(request: web.Request) -> CIMultiDict[str]:
    return CIMultiDict((name, value) for name, value in request.headers.items() if name.lower() not in HOP_BY_HOP)


async def forward(request: web.Request) -> web.StreamResponse:
    app = request.app
    raw = await request.read()
    url = app[REPORT].upstream + request.raw_path  # path and query exactly as the client sent them
    async with app[SESSION].request(request.method, url, headers=_forward_headers(request), data=raw or None,
                                    allow_redirects=False) as upstream:
        answer = Answer(upstream.status, upstream.headers, await upstream.read())
    operation = app[INDEX].match(request.method, request.path)
    found = problems(operation, request.query, answer, app[SCHEMAS]) if operation is not None else None
    masked = MASK.body(raw, MAX_BODY_BYTES) if raw else None
    entry = app[JOURNAL].record(
        at_ms=int(time.time() * 1000), provider=operation.provider if operation else None, method=request.method,
        path=MASK.text(request.path), query=MASK.pairs(request.query.items()), headers=MASK.pairs(request.headers.items()),
        body=masked, body_size=len(raw), body_is_json="json" in request.content_type,
        status=answer.status, answer_headers=answer.headers,
        answer_body=answer.body[:MAX_ANSWER_BYTES], answer_size=len(answer.body),
        violations=tuple(found) if found is not None else None)
    finding = None
    if found:
        finding = Finding(entry.seq, iso_from_ms(entry.at_ms), request.method, _masked_url(request),
                          operation.name if operation else "undocumented", answer.status, tuple(found))
        log.warning("proxy: %s %s -> %s breaks the contract: %s", request.method, finding.url, answer.status,
                    "; ".join(found))
    elif operation is not None and RECORDER in app:
        app[RECORDER].save(operation, request, _example_body(masked, request.content_type), answer)
    app[REPORT].add(operation.name if operation else "undocumented", finding)
    headers = CIMultiDict((name, value) for name, value in answer.headers.items() if name.lower() not in HOP_BY_HOP)
    return web.Response(body=answer.body, status=answer.status, headers=headers)


async def report(request: web.Request) -> web.Response:
    """What the proxy saw: exchanges and violations per operation (?format=markdown for Markdown)."""
    shown = request.config_dict[REPORT]
    if request.query.get("format") == "markdown":
        return web.Response(text=shown.to_markdown(), content_type="text/markdown")
    return json_response(shown.to_json())


def create_proxy_app(settings: ProxySettings) -> web.Application:
    # The mock's own app, never served, is where the route tables and schemas come from.
    mock = create_app(Settings(providers=available_providers()))
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app[REPORT] = ProxyReport(settings.upstream.rstrip("/"))
    app[INDEX] = OperationIndex(mock[PROVIDERS])
    app[SCHEMAS] = mock[SCHEMAS]
    app[JOURNAL] = Journal(settings.journal_size)
    if settings.record_dir is not None:
        app[RECORDER] = Recorder(settings.record_dir)

    async def session(app: web.Application) -> AsyncIterator[None]:
        timeout = aiohttp.ClientTimeout(total=settings.timeout_s)
        # auto_decompress off: the client gets the upstream's bytes exactly, compressed or not.
        # auto headers skipped: the upstream sees the client's own User-Agent, Accept and Accept-Encoding.
        skipped = ("User-Agent", "Accept-Encoding", "Accept")
        async with aiohttp.ClientSession(timeout=timeout, auto_decompress=False, skip_auto_headers=skipped) as client:
            app[SESSION] = client
            yield

    app.cleanup_ctx.append(session)
    admin = web.Application(middlewares=[access_guard(settings.admin_token), admin_errors])
    admin.router.add_get("/proxy/report", report)
    journal_routes.add_routes(admin)
    app.add_subapp("/__admin", admin)
    app.router.add_route("*", "/{tail:.*}", forward)
    return app
