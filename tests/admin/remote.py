"""Make an app see every caller as coming from another host (the test client connects over loopback)."""

from __future__ import annotations

from aiohttp import web

from mockserver.core.http import Handler

ELSEWHERE = "203.0.113.7"  # TEST-NET-3: never routed, only ever a label here


def seen_from(app: web.Application, address: str = ELSEWHERE) -> web.Application:
    @web.middleware
    async def pretend(request: web.Request, handler: Handler) -> web.StreamResponse:
        return await handler(request.clone(remote=address))

    app.middlewares.insert(0, pretend)
    return app
