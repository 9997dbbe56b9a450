"""Admin request helpers: JSON bodies, admin errors, and the error middleware."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from aiohttp import web

from mockserver.core.http import Handler, client_went_away, json_response
from mockserver.store.appkeys import STORE
from mockserver.store.outage import outage_answer

log = logging.getLogger("mockserver.admin")


class AdminError(Exception):
    """A refused admin call; rendered as {"error": code, "message": ...}."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def bad_request(message: str, code: str = "invalid_request") -> AdminError:
    return AdminError(400, code, message)


async def json_object(request: web.Request, *, optional: bool = False) -> dict[str, Any]:
    """The request's JSON object body; `{}` for an empty body when optional."""
    raw = await request.read()
    if not raw.strip():
        if optional:
            return {}
        raise bad_request("send a JSON object body")
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise bad_request(f"the body is not valid JSON: {error}") from None
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object")
    return body


def take_int(body: dict[str, Any], name: str, *, low: int, high: int) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad_request(f"{name} must be an integer between {low} and {high}")
    return value


@web.middleware
async def admin_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except AdminError as error:
        return json_response({"error": error.code, "message": error.message}, error.status)
    except web.HTTPException:
        raise
    except Exception as unexpected:
        if client_went_away(unexpected, request):
            return json_response({"error": "connection_lost", "message": "the client hung up"}, 400)
        store = request.config_dict.get(STORE)  # the validating proxy has none
        outage = outage_answer(store, unexpected) if store is not None else None
        if outage is not None:
            return outage
        log.exception("admin call %s %s failed", request.method, request.path)
        return json_response({"error": "admin_internal_error", "message": "see the server log"}, 500)
