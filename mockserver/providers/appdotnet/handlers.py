"""App.net request handlers: authenticate, parse, ask the user's stream, wrap in the envelope."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from aiohttp import web

from mockserver.core.clock import Clock
from mockserver.core.errors import ApiError, StateProblem, headers_on_errors, state_part
from mockserver.core.http import Reply
from mockserver.core.world import derive, stable_key
from mockserver.providers.appdotnet import errors, params
from mockserver.providers.appdotnet.limits import RATE_LIMITS_FLAG, RateLimits, WindowsFactory
from mockserver.providers.appdotnet.tokens import Grant
from mockserver.providers.appdotnet.world import JSONP_FLAG, AdnWorld, expired_flag, revoked_flag

STATE_VERSION = 1
_QUERY_CACHE_SIZE = 1024


class AdnApi:
    """Handlers bound to one world. Mutable state: the world's flags (token revocation, expiry, JSONP
    authentication, rate limits on or off), the rate-limit windows and the error-id sequence."""

    def __init__(self, world: AdnWorld, clock: Clock, seed: int, windows: WindowsFactory | None = None) -> None:
        self.clock = clock
        self._windows = windows
        # Parsed query strings: pure functions of the raw string, so they outlive a world change.
        self._queries: dict[str, params.StreamQuery] = {}
        self.replace_world(world, seed)

    def replace_world(self, world: AdnWorld, seed: int) -> None:
        self.world = world
        self.seed = seed
        self.errors_issued = 0
        self.limits = RateLimits(world.limits, self._windows) if self._windows else RateLimits(world.limits)

    # -- state -------------------------------------------------------------------

    def export_state(self) -> dict[str, Any]:
        return {"version": STATE_VERSION, "flags": self.world.flags.overrides(), "errors_issued": self.errors_issued,
                "rate_limits": self.limits.export()}

    def import_state(self, state: dict[str, Any]) -> None:
        if state.get("version") != STATE_VERSION:
            raise StateProblem(".version", f"appdotnet state must have version {STATE_VERSION}")
        issued = state.get("errors_issued", 0)
        if not isinstance(issued, int) or isinstance(issued, bool) or issued < 0:
            raise StateProblem(".errors_issued", "must be a non-negative integer")
        flags = state.get("flags", {})
        if not isinstance(flags, dict):
            raise StateProblem(".flags", "must be an object of flag names and booleans")
        with state_part(".rate_limits"):
            self.limits.load(state.get("rate_limits", {}))
        with state_part(".flags"):
            self.world.flags.restore(flags)
        self.errors_issued = issued

    # -- errors ------------------------------------------------------------------

    def render_error(self, error: ApiError) -> dict[str, Any]:
        """Every error gets a fresh id, derived from the seed and a counter, so runs repeat exactly."""
        self.errors_issued += 1
        key = stable_key(self.seed, "appdotnet", "error-id")
        error_id = format(derive(key, self.errors_issued), "016x") + format(derive(key, self.errors_issued, 1), "016x")
        return errors.envelope(error, error_id)

    # -- auth --------------------------------------------------------------------

    def authenticate(self, request: web.Request, jsonp: bool) -> Grant:
        """The grant of a good token (user or app), or the 401 that refuses the request."""
        header = request.headers.get("Authorization")
        flags = self.world.flags
        if jsonp and not flags[JSONP_FLAG]:
            raise errors.jsonp_unauthenticated()
        if header is not None and header.strip():
            scheme, _, token = header.strip().partition(" ")
            if scheme.lower() != "bearer":
                raise errors.invalid_token("Only Bearer tokens are accepted in the Authorization header.")
            token = token.strip()
            if not token:
                raise errors.invalid_token("The Authorization header carries no token.")
        else:
            token = (params.single(request.query, "access_token") or "").strip()
            if not token:
                raise errors.missing_token()
        grant = self.world.tokens.lookup(token)
        if grant is None:
            raise errors.invalid_token()
        if flags[revoked_flag(grant.label)]:
            raise errors.not_authorized()
        if flags[expired_flag(grant.label)]:
            raise errors.token_expired()
        return grant

    async def admit(self, request: web.Request, jsonp: bool) -> tuple[Grant, dict[str, str]]:
        """Authenticate, and count the request against its rate limit: the token's when the token is
        good, the caller's address otherwise (the spec's "unauthorized calls are limited per IP")."""
        limited = self.world.flags[RATE_LIMITS_FLAG]
        try:
            grant = self.authenticate(request, jsonp)
        except ApiError as refused:
            if limited:
                now = self.clock.now_ms()
                refused.headers = {**await self.limits.admit_address(request.remote or "unknown", now),
                                   **refused.headers}
            raise
        return grant, await self.limits.admit_token(grant.label, self.clock.now_ms()) if limited else {}

    # -- endpoints ---------------------------------------------------------------

    async def user_interactions(self, request: web.Request) -> Reply:
        # Only valid queries are remembered, so a hit cannot skip an error; the checks keep their order
        # (callback, then credentials, then the other parameters) on a miss.
        raw_query = request.rel_url.raw_query_string
        parsed = self._queries.get(raw_query)
        jsonp = parsed.jsonp if parsed is not None else params.callback(request.query) is not None
        grant, headers = await self.admit(request, jsonp)
        with headers_on_errors(headers):
            if grant.user_id is None:
                raise errors.user_token_required()
            viewer = self.world.viewers[grant.user_id]
            target = request.match_info["user_id"]
            if target not in ("me", viewer.id, "@" + viewer.username):
                raise errors.only_current_user(target)
            if parsed is None:
                parsed = self._parse(request, jsonp)
                if len(self._queries) >= _QUERY_CACHE_SIZE:
                    self._queries.clear()
                self._queries[raw_query] = parsed
        chosen = parsed.chosen

        body, payload = viewer.interactions_page(parsed, self.clock.now_ms())
        headers["X-OAuth-Scopes"] = ",".join(grant.scopes)
        if chosen.ignored:
            # Not an App.net header: tells a developer why a filter matched nothing.
            # Percent-encoded: a name is client text, and control characters (CR, LF, ESC) in a
            # header value make aiohttp drop the connection rather than answer.
            headers["X-Mock-Ignored-Actions"] = ",".join(quote(name, safe="") for name in chosen.ignored)
        return Reply(body, headers=headers, encoded=payload)

    @staticmethod
    def _parse(request: web.Request, jsonp: bool) -> params.StreamQuery:
        query = request.query
        return params.StreamQuery(jsonp, params.paging(query), params.action_filter(query),
                                  params.render_options(query))
