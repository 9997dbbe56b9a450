"""When a shared store cannot be reached: every request gets a 503 saying so, and the log one line per 10 s.

Without this, a Redis that went away made provider requests a bare 500 each
logged on its own, and admin calls a 500 with a traceback. The mock cannot
answer from stale state (another process may have changed it), so it says it
cannot answer now; it serves again as soon as Redis is back (the store's
connections reconnect on their own).
"""

from __future__ import annotations

import logging

from aiohttp import web

from mockserver.core.http import Handler, json_response
from mockserver.store.engine import Store

RETRY_AFTER_S = 1


def outage_answer(store: Store, error: BaseException) -> web.Response | None:
    """The 503 for `error` when it means the store is out of reach (logged, throttled); None otherwise."""
    outage = store.outage(error)
    if outage is None:
        return None
    store.notes.say(logging.ERROR, "outage", f"answering 503: {outage}")
    return json_response({"error": "store_unavailable", "message": f"{outage}; retry shortly"}, 503,
                         headers={"Retry-After": str(RETRY_AFTER_S)})


def store_outages(store: Store) -> Handler:
    """Middleware (outermost, shared stores only): a store out of reach is a 503, not a 500."""

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except Exception as error:
            answer = outage_answer(store, error)
            if answer is None:
                raise
            return answer

    return guard
