"""Outfame's wire format: compact JSON, with memoised bodies sent as the bytes made when they were memoised."""

from __future__ import annotations

import orjson
from aiohttp import web

from mockserver.core.http import Reply

# Where a handler leaves the compact bytes of a memoised body: (body, bytes).
_PAYLOAD = web.RequestKey("outfame_compact_payload", tuple)


def attach_payload(request: web.Request, body: object, payload: bytes) -> None:
    """Offer the serialisation of `body`, made once: dumping a 50-item page was a large share of a request."""
    request[_PAYLOAD] = (body, payload)


def respond(request: web.Request, reply: Reply) -> web.StreamResponse:
    """What the default responder does, minus the serialisation when the handler already has the bytes."""
    stashed = request.get(_PAYLOAD)
    # Identity, not equality: an error raised after attaching replaces the body, and then it is not used.
    payload = stashed[1] if stashed is not None and stashed[0] is reply.body else orjson.dumps(reply.body)
    return web.Response(body=payload, status=reply.status, headers=reply.headers, content_type="application/json")
