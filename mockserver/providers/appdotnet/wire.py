"""App.net's wire format: minified JSON, pretty on request (X-ADN-Pretty-JSON), JSONP on `callback`."""

from __future__ import annotations

import orjson
from aiohttp import web

from mockserver.core.http import Reply
from mockserver.providers.appdotnet.params import valid_callback

PRETTY_HEADER = "X-ADN-Pretty-JSON"
# Where a handler leaves the compact bytes of a memoised body: (body, bytes).
_PAYLOAD = web.RequestKey("appdotnet_compact_payload", tuple)


def attach_payload(request: web.Request, body: object, payload: bytes) -> None:
    """Offer the compact serialisation of `body`, made once when the body was memoised.

    Serialising a 20-item page was the largest cost of a memoised request.
    """
    request[_PAYLOAD] = (body, payload)


def _compact(request: web.Request, body: object) -> bytes:
    stashed = request.get(_PAYLOAD)
    # Identity, not equality: an error raised after attaching replaces the body, and then it is not used.
    if stashed is not None and stashed[0] is body:
        return stashed[1]
    return orjson.dumps(body)


def serialise(body: object, pretty: bool) -> bytes:
    if pretty:
        # The docs promise a trailing line break on pretty output.
        return orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n"
    return orjson.dumps(body)


def respond(request: web.Request, reply: Reply) -> web.StreamResponse:
    """Turn a handler's envelope into bytes.

    With a valid `callback`, the envelope is wrapped in a call to it and the
    HTTP status is always 200 (the real one stays in `meta.code`). An invalid
    callback was already refused by the handler, so it is not echoed here.
    """
    pretty = PRETTY_HEADER in request.headers
    payload = serialise(reply.body, pretty) if pretty else _compact(request, reply.body)
    callbacks = request.query.getall("callback", [])
    if len(callbacks) == 1 and valid_callback(callbacks[0]):
        wrapped = callbacks[0].encode() + b"(" + payload.rstrip(b"\n") + b")" + (b"\n" if pretty else b"")
        return web.Response(body=wrapped, status=200, headers=reply.headers,
                            content_type="application/javascript", charset="utf-8")
    return web.Response(body=payload, status=reply.status, headers=reply.headers,
                        content_type="application/json", charset="utf-8")
