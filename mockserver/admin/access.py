"""Who may use the admin API: loopback callers, or anyone presenting the admin token.

Loopback alone does not prove the caller is the developer: a web page open in
their browser is on loopback too. So a request a browser marks as coming from
another site (an `Origin` that is neither the mock's own nor one the CORS
setting allows) is refused, since a plain form or `fetch` could otherwise
reset or re-seed the mock without any preflight. Without a token, the `Host`
must also name this machine (an IP literal, `localhost`, or its own host
name), which defeats DNS rebinding: a hostile name re-pointed at 127.0.0.1.

One exception: the dashboard's files (`served_without_token`) hold no data,
so when a token is configured they are served to anyone and the page asks
for the token, which it then sends with every call. Without a token they are
loopback-only like the rest.
"""

from __future__ import annotations

import ipaddress
import socket
from functools import cache
from typing import TypeVar

from aiohttp import web

from mockserver.core.auth import secrets_equal
from mockserver.core.http import Handler, json_response
from mockserver.cors import CORS


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


def _foreign_origin(request: web.Request) -> str | None:
    """The `Origin` of a browser request from another site that CORS does not allow, else None."""
    origin = request.headers.get("Origin")
    if origin is None or origin.lower() == f"{request.scheme}://{request.host}".lower():
        return None
    switch = request.config_dict.get(CORS)
    policy = switch.policy() if switch is not None else None
    return None if policy is not None and policy.allows(origin) else origin


def _names_this_machine(request: web.Request) -> bool:
    host = (request.url.host or "").rstrip(".").lower()
    try:
        ipaddress.ip_address(host)
        return True  # rebinding needs a name; an address literal is what the caller really dialled
    except ValueError:
        pass
    return host == "localhost" or host.endswith(".localhost") or host in _own_host_names()


@cache
def _own_host_names() -> frozenset[str]:
    full = socket.gethostname().lower()
    return frozenset({full, full.split(".", 1)[0]})


def access_guard(admin_token: str | None):
    """Middleware: with a token configured it is always required; without one, loopback only.

    Either way, a browser request from a site the CORS setting does not allow is refused.
    """

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = _foreign_origin(request)
        if origin is not None:
            return json_response({"error": "admin_cross_origin",
                                  "message": f"the admin API refuses browser requests from {origin}; "
                                             "allow the origin with --cors to use it from that page"}, 403)
        if admin_token is not None:
            presented = _bearer(request)
            if (presented is None or not secrets_equal(presented, admin_token)) and not _is_public_file(request):
                return json_response({"error": "admin_token_required",
                                      "message": "send Authorization: Bearer <admin token>"}, 401)
        elif not is_loopback(request.remote):
            return json_response({"error": "admin_loopback_only",
                                  "message": "the admin API answers loopback callers only; "
                                             "start the server with --admin-token to allow others"}, 403)
        elif not _names_this_machine(request):
            return json_response({"error": "admin_host_not_local",
                                  "message": f"the admin API without a token answers requests addressed to "
                                             f"this machine only, not to {request.host!r}; use 127.0.0.1 or "
                                             "localhost, or start the server with --admin-token"}, 403)
        return await handler(request)

    return guard
