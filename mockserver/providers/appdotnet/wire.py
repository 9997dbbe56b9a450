"""App.net's wire format: minified JSON, pretty on request (X-ADN-Pretty-JSON), JSONP on `callback`."""

from __future__ import annotations

import orjson
from aiohttp import web

from mockserver.core.http import Reply
from mockserver.providers.appdotnet.params import valid_callback

PRETTY_HEADER = "X-ADN-Pretty-JSON"


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
    payload = serialise(reply.body, pretty) if pretty else reply.compact_json()
    callbacks = request.query.getall("callback", [])
    if len(callbacks) == 1 and valid_callback(callbacks[0]):
        wrapped = callbacks[0].encode() + b"(" + payload.rstrip(b"\n") + b")" + (b"\n" if pretty else b"")
        return web.Response(body=wrapped, status=200, headers=reply.headers,
                            content_type="application/javascript", charset="utf-8")
    return web.Response(body=payload, status=reply.status, headers=reply.headers,
                        content_type="application/json", charset="utf-8")
