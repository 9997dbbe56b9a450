"""Who may use the admin API: loopback callers, or anyone presenting the admin token.

One exception: the dashboard's files (`served_without_token`) hold no data,
so when a token is configured they are served to anyone and the page asks
for the token, which it then sends with every call. Without a token they are
loopback-only like the rest.
"""

from __future__ import annotations

import ipaddress

from typing import TypeVar

from aiohttp import web

from mockserver.core.auth import secrets_equal
from mockserver.core.http import Handler, json_response


def is_loopback(remote: str | None) -> bool:
    if not remote:
        return False
    try:
        return ipaddress.ip_address(remote.split("%", 1)[0]).is_loopback
    except ValueError:
        return False  # a unix socket or something unexpected: not trusted


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


H = TypeVar("H")


def served_without_token(handler: H) -> H:
    """Mark a route handler whose answer holds no data (the dashboard's static files)."""
    setattr(handler, "admin_public_with_token", True)
    return handler


def _is_public_file(request: web.Request) -> bool:
    return getattr(request.match_info.route.handler, "admin_public_with_token", False)


def access_guard(admin_token: str | None):
    """Middleware: with a token configured it is always required; without one, loopback only."""

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if admin_token is not None:
            presented = _bearer(request)
            if (presented is None or not secrets_equal(presented, admin_token)) and not _is_public_file(request):
                return json_response({"error": "admin_token_required",
                                      "message": "send Authorization: Bearer <admin token>"}, 401)
        elif not is_loopback(request.remote):
            return json_response({"error": "admin_loopback_only",
                                  "message": "the admin API answers loopback callers only; "
                                             "start the server with --admin-token to allow others"}, 403)
        return await handler(request)

    return guard
