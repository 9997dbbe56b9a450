"""Outfame request handlers: authenticate, check the parameters, ask the world, shape the answer."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import orjson
from aiohttp import web
from multidict import MultiMapping

from mockserver.core.auth import CredentialIndex
from mockserver.core.clock import DAY_MS, Clock
from mockserver.core.http import Reply
from mockserver.core.pagination import parse_positive_int
from mockserver.providers.outfame import errors
from mockserver.providers.outfame.accounts import ACTION_TYPES, REQUIRED_SCOPE, Account, ApiKey
from mockserver.providers.outfame.cursor import CursorCodec, CursorError, Position
from mockserver.providers.outfame.timeline import MAX_REASON
from mockserver.providers.outfame.world import OutfameWorld
from mockserver.store.engine import Store

DEFAULT_LIMIT, MAX_LIMIT = 50, 200
MAX_BODY_BYTES = 64 * 1024  # a pause or resume body is a few dozen bytes
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BEARER = re.compile(r"bearer[ \t]+(\S+)[ \t]*", re.IGNORECASE)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


class OutfameApi:
    """Handlers bound to one world; `world` is replaced wholesale on reset."""

    def __init__(self, world: OutfameWorld, clock: Clock, store: Store) -> None:
        self.clock = clock
        self.store = store
        self.replace_world(world)

    def replace_world(self, world: OutfameWorld) -> None:
        self.world = world
        self.keys: CredentialIndex[ApiKey] = CredentialIndex(world.directory.api_keys)
        self.cursors = CursorCodec(world.seed)

    def authenticate(self, request: web.Request) -> str:
        """The workspace the bearer key belongs to, if the key may manage engagement."""
        header = request.headers.get("Authorization", "")
        if not header.strip():
            raise errors.missing_api_key()
        match = _BEARER.fullmatch(header.strip())
        if match is None:
            raise errors.missing_api_key()
        key = self.keys.lookup(match.group(1))
        if key is None:
            raise errors.invalid_api_key()
        if REQUIRED_SCOPE not in key.scopes:
            raise errors.insufficient_scope()
        return key.workspace_id

    # -- GET -------------------------------------------------------------------------

    async def activity(self, request: web.Request) -> Reply:
        workspace = self.authenticate(request)
        query = request.query
        account_id = _account_id(query)
        kind = _kind(query)
        day = _day(query)
        limit = _limit(query)
        position = self._cursor(query, account_id, kind, day)
        account = self.world.account(account_id, workspace)
        now = self.clock.now_ms()
        if position is not None:
            day = position.day
        elif day is None:
            day = now // DAY_MS
        page = self.world.activity(account, day, kind, limit, None if position is None else position.seq, now)
        # A memoised page belongs to one account, day and type filter, so its body (cursor included) and
        # that body's bytes can be kept with it.
        rendered = page.derived.get("reply")
        if rendered is None:
            next_cursor = None
            if page.has_more and page.last_seq is not None:
                next_cursor = self.cursors.encode(Position(day, page.last_seq, kind, account.id))
            body = {"data": page.data, "has_more": page.has_more, "next_cursor": next_cursor}
            rendered = page.derived["reply"] = (body, orjson.dumps(body))
        return Reply(rendered[0], encoded=rendered[1])

    def _cursor(self, query: MultiMapping[str], account_id: str, kind: int | None,
                day: int | None) -> Position | None:
        raw = _single(query, "cursor")
        if raw is None or raw == "":
            return None  # an empty cursor is how many clients ask for the first page
        try:
            position = self.cursors.decode(raw, account_id)
        except CursorError as error:
            raise errors.invalid_cursor(str(error)) from None
        if position.kind != kind:
            raise errors.invalid_cursor("it was issued for another type filter")
        if day is not None and position.day != day:
            raise errors.invalid_cursor("it was issued for another date")
        return position

    async def stats(self, request: web.Request) -> Reply:
        workspace = self.authenticate(request)
        account = self.world.account(_account_id(request.query), workspace)
        return Reply(self.world.stats(account, self.clock.now_ms()))

    # -- POST ------------------------------------------------------------------------

    async def pause(self, request: web.Request) -> Reply:
        workspace = self.authenticate(request)
        body = await _json_object(request)
        account = self._body_account(body, workspace)
        reason = body.get("reason")
        if reason is not None and (not isinstance(reason, str) or len(reason) > MAX_REASON):
            raise errors.invalid_parameter("reason", f"reason must be a string of at most {MAX_REASON} characters.")
        return Reply(await self.store.commit("outfame.pause", {"workspace_id": workspace, "account_id": account.id,
                                                               "reason": reason}))

    async def resume(self, request: web.Request) -> Reply:
        workspace = self.authenticate(request)
        body = await _json_object(request)
        account = self._body_account(body, workspace)
        return Reply(await self.store.commit("outfame.resume", {"workspace_id": workspace,
                                                                "account_id": account.id}))

    # -- the commands: what pause and resume change, in every process sharing the store ------------

    def pause_command(self, args: dict[str, Any]) -> dict[str, Any]:
        account = self.world.account(args["account_id"], args["workspace_id"])
        return self.world.pause(account, self.clock.now_ms(), args["reason"])

    def resume_command(self, args: dict[str, Any]) -> dict[str, Any]:
        return self.world.resume(self.world.account(args["account_id"], args["workspace_id"]), self.clock.now_ms())

    def _body_account(self, body: dict[str, Any], workspace: str) -> Account:
        account_id = body.get("account_id")
        if account_id is None or (isinstance(account_id, str) and not account_id.strip()):
            raise errors.missing_parameter("account_id")
        if not isinstance(account_id, str):
            raise errors.invalid_parameter("account_id", "account_id must be a string.")
        return self.world.account(account_id, workspace)


def _single(query: MultiMapping[str], name: str) -> str | None:
    values = query.getall(name, [])
    if len(values) > 1:
        raise errors.invalid_parameter(name, f"{name} may be given only once.")
    return values[0] if values else None


def _account_id(query: MultiMapping[str]) -> str:
    value = _single(query, "account_id")
    if value is None or not value.strip():
        raise errors.missing_parameter("account_id")
    return value


def _kind(query: MultiMapping[str]) -> int | None:
    value = _single(query, "type")
    if value is None:
        return None
    if value not in ACTION_TYPES:
        raise errors.invalid_parameter("type", f"type must be one of: {', '.join(ACTION_TYPES)}.")
    return ACTION_TYPES.index(value)


def _day(query: MultiMapping[str]) -> int | None:
    """The date parameter as days since 1970-01-01 (UTC)."""
    value = _single(query, "date")
    if value is None:
        return None
    try:
        if not _DATE.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value).toordinal() - _EPOCH_ORDINAL
    except ValueError:
        raise errors.invalid_parameter("date", "date must be a calendar date written YYYY-MM-DD.") from None


def _limit(query: MultiMapping[str]) -> int:
    limit = parse_positive_int(_single(query, "limit"), DEFAULT_LIMIT, MAX_LIMIT)
    if limit is None:
        raise errors.invalid_parameter("limit", f"limit must be an integer from 1 to {MAX_LIMIT}.")
    return limit


async def _json_object(request: web.Request) -> dict[str, Any]:
    # Checked before reading: a middleware may already have consumed (part of) an oversized body.
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise errors.payload_too_large()
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise errors.payload_too_large() from None
    if len(raw) > MAX_BODY_BYTES:
        raise errors.payload_too_large()
    if not raw.strip():
        return {}  # no body at all: the missing account_id is the clearer complaint
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise errors.invalid_json("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise errors.invalid_json("The request body must be a JSON object.")
    return body
