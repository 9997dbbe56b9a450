"""CORS for browser apps: preflight answers and Access-Control headers for the origins a user allows.

Off unless origins are given (`--cors`, `MOCKSERVER_CORS`, or the scenario's
`cors.origins`): the real APIs document no CORS policy, so the mock does not
invent one. When on, every answer to an allowed origin carries the headers:
provider answers and their errors, injected faults, and the admin API.
Preflights are answered before the journal and the fault rules see them: they
are the browser's plumbing, not a call the app made.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Callable

from aiohttp import web

from mockserver.core.http import Handler
from mockserver.paths import data_dir
from mockserver.scenario import Scenario

ANY_ORIGIN = "*"
PREFLIGHT_MAX_AGE_S = 600  # browsers cache a preflight this long (Chromium caps it at 7200)
# Response headers not worth exposing: the CORS-safelisted ones (a browser shows them to scripts
# anyway) and transport plumbing.
_NOT_EXPOSED = frozenset({"cache-control", "content-language", "content-length", "content-type", "expires",
                          "last-modified", "pragma", "vary", "date", "server"})
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


@cache
def _origin_pattern() -> re.Pattern[str]:
    """The scenario schema's definition of an origin: one rule for the file, the flag and the variable."""
    document = json.loads((data_dir("schemas") / "scenario.json").read_text("utf-8"))
    return re.compile(document["$defs"]["origin"]["pattern"])


def parse_origins(text: str) -> tuple[str, ...]:
    """`--cors` value: `*`, or origins separated by commas (`http://localhost:3000,https://app.example`)."""
    origins = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    if not origins:
        raise argparse.ArgumentTypeError("give '*' or one or more origins, e.g. http://localhost:3000")
    bad = [origin for origin in origins if not _origin_pattern().match(origin)]
    if bad:
        raise argparse.ArgumentTypeError(
            f"not an origin: {', '.join(map(repr, bad))}; write scheme://host[:port] as the browser sends it "
            "(no path, no trailing slash), 'null', or '*'")
    return origins


@dataclass(frozen=True)
class CorsPolicy:
    origins: frozenset[str]  # lower-cased, as browsers serialise them
    any_origin: bool

    @classmethod
    def of(cls, origins: tuple[str, ...] | list[str]) -> CorsPolicy:
        return cls(frozenset(origin.lower() for origin in origins), ANY_ORIGIN in origins)

    def allows(self, origin: str) -> bool:
        return self.any_origin or origin.lower() in self.origins


class CorsSwitch:
    """The policy in force: the origins given at start-up, else the current scenario's (None: off)."""

    def __init__(self, fixed: tuple[str, ...] | None, current_scenario: Callable[[], Scenario]) -> None:
        self._fixed = CorsPolicy.of(fixed) if fixed else None
        self._current_scenario = current_scenario
        self._seen: Scenario | None = None
        self._from_scenario: CorsPolicy | None = None

    def policy(self) -> CorsPolicy | None:
        if self._fixed is not None:
            return self._fixed
        scenario = self._current_scenario()
        if scenario is not self._seen:  # a reset or a snapshot import may bring another scenario
            origins = scenario.cors_origins
            self._seen, self._from_scenario = scenario, CorsPolicy.of(origins) if origins else None
        return self._from_scenario


def _served_methods(request: web.Request) -> set[str]:
    """The methods the matched path answers; empty when no route has the path.

    A provider path's catch-all route (the one that answers 405) lives in a
    resource of its own, so the methods are gathered from every resource of
    the owning router with the same path (a scan, but preflights are rare:
    browsers cache them).
    """
    match_info = request.match_info
    error = match_info.http_exception
    if error is not None:
        return set(error.allowed_methods) if isinstance(error, web.HTTPMethodNotAllowed) else set()
    resource = match_info.route.resource
    if resource is None:
        return set()
    router = match_info.apps[-1].router
    return {route.method for same in router.resources() if same.canonical == resource.canonical
            for route in same if route.method != "*"}


def _add_vary(headers: Any, *names: str) -> None:
    present = {part.strip().lower() for part in headers.get("Vary", "").split(",") if part.strip()}
    missing = [name for name in names if name.lower() not in present]
    if missing:
        headers["Vary"] = ", ".join(filter(None, [headers.get("Vary", ""), *missing]))


def cors_preflight(switch: CorsSwitch) -> Any:
    """Middleware: a preflight from an allowed origin to a served path gets 204 and what it may send.

    Any other OPTIONS request goes on to the routes (and is refused there
    like any unserved method), so a disallowed origin learns nothing.
    """

    @web.middleware
    async def preflight(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method != "OPTIONS" or "Access-Control-Request-Method" not in request.headers:
            return await handler(request)
        policy, origin = switch.policy(), request.headers.get("Origin")
        methods = _served_methods(request)
        if policy is None or origin is None or not policy.allows(origin) or not methods:
            return await handler(request)
        response = web.Response(status=204, headers={
            "Access-Control-Allow-Methods": ", ".join(sorted(methods)),
            "Access-Control-Max-Age": str(PREFLIGHT_MAX_AGE_S),
        })
        # Echo the headers the app wants to send (credentials, Content-Type, X-ADN-Pretty-JSON, ...);
        # Authorization must be named explicitly, a wildcard never covers it.
        asked = [name.strip() for name in request.headers.get("Access-Control-Request-Headers", "").split(",")]
        allowed = [name for name in asked if _TOKEN.match(name)]
        if allowed:
            response.headers["Access-Control-Allow-Headers"] = ", ".join(allowed)
        _add_vary(response.headers, "Access-Control-Request-Method", "Access-Control-Request-Headers")
        return response

    return preflight


def cors_headers(switch: CorsSwitch) -> Callable[[web.Request, web.StreamResponse], Any]:
    """`on_response_prepare` hook: headers for every answer, however it was made (errors, faults, admin)."""

    async def add_headers(request: web.Request, response: web.StreamResponse) -> None:
        policy = switch.policy()
        if policy is None:
            return
        headers = response.headers
        if not policy.any_origin:
            _add_vary(headers, "Origin")  # the answer depends on Origin: caches must not mix them up
        origin = request.headers.get("Origin")
        if origin is None or not policy.allows(origin):
            return
        if policy.any_origin:
            headers["Access-Control-Allow-Origin"] = ANY_ORIGIN
        else:
            headers["Access-Control-Allow-Origin"] = origin
            headers["Access-Control-Allow-Credentials"] = "true"
        exposed = dict.fromkeys(name for name in headers if name.lower() not in _NOT_EXPOSED
                                and not name.lower().startswith("access-control-"))
        if exposed:  # rate-limit headers, Retry-After, Allow, X-OAuth-Scopes, ...: readable by the app
            headers["Access-Control-Expose-Headers"] = ", ".join(exposed)

    return add_headers


CORS = web.AppKey("cors", CorsSwitch)  # the admin API's origin check reads the same policy


def install_cors(app: web.Application, switch: CorsSwitch) -> None:
    """Preflights first of all middlewares (before the journal and faults); headers on every response."""
    app[CORS] = switch
    app.middlewares.insert(0, cors_preflight(switch))
    app.on_response_prepare.append(cors_headers(switch))
