"""Connections a hostile or broken client cannot hold hostage: deadlines, a cap, quiet logs.

- **Read deadlines.** A request head must arrive within `head_timeout_s` of
  its first byte (or of the connection, for one that sends nothing): a slow
  head gets a 408 and the connection is closed. A body must arrive within
  `body_timeout_s` of its head: the handler reading it gets a 408 to answer
  (in its own error shape) and the connection closes after that answer.
  Idle keep-alive connections are aiohttp's (`keepalive_timeout`, 75 s).
- **A cap.** Beyond `max_connections` open connections a new one is answered
  503 with `Retry-After: 1` and closed at once, so descriptors never run out
  because of clients.
- **Quiet logs.** A request aiohttp cannot parse (a bad byte in the query, a
  URL over 8,190 bytes) is one redacted warning line, never the raw request
  line or a traceback; the answer is JSON and echoes nothing. Floods (bad
  requests, refused connections, timeouts, `accept()` failing for want of
  descriptors) are one line per `period` with a count.
"""

from __future__ import annotations

import asyncio
import errno
import logging
from dataclasses import dataclass
from typing import Any, Callable

import orjson
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from mockserver.core.redaction import Redactor
from mockserver.core.throttled_log import ThrottledLog

log = logging.getLogger("mockserver.server")

_OUT_OF_RESOURCES = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})


@dataclass(frozen=True)
class ConnectionLimits:
    max_connections: int = 1000
    head_timeout_s: float = 10.0
    body_timeout_s: float = 30.0


def canned_answer(status: int, reason: str, error: str, message: str, extra: str = "") -> bytes:
    """A complete HTTP/1.1 answer that closes the connection, for when no handler can answer."""
    body = orjson.dumps({"error": error, "message": message})
    return (f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"Connection: close\r\n{extra}\r\n").encode("ascii") + body


def _reason(error: BaseException) -> str:
    """What was wrong, without the request bytes aiohttp quotes after it."""
    text = error.message if isinstance(error, HttpProcessingError) else str(error)
    first = str(text).strip().splitlines()[0] if str(text).strip() else type(error).__name__
    for echo in (": bytearray(", ": b'", ': b"'):
        first = first.split(echo, 1)[0]
    return first.rstrip(": ")[:200]


def _detail(error: BaseException) -> str:
    """The request bytes aiohttp quotes, on one line (to be masked before anyone sees it)."""
    text = str(error.message if isinstance(error, HttpProcessingError) else error)
    return " ".join(part.strip() for part in text.splitlines()[1:] if part.strip() and set(part.strip()) != {"^"})


class GuardedRequestHandler(web.RequestHandler):
    """aiohttp's connection handler, with read deadlines and errors that leak nothing."""

    __slots__ = ("_guard", "_deadline", "_body", "_busy")

    def __init__(self, manager: "GuardedServer", **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self._guard = manager
        self._deadline: asyncio.TimerHandle | None = None
        self._body: Any = None  # the current request's body stream, while it is still arriving
        self._busy = False  # a request is being handled

    # -- deadlines ---------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._arm(self._guard.limits.head_timeout_s, self._head_late)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._busy:
            if self._body is not None and self._body.is_eof():
                self._body = None
                self._disarm()
        elif self._deadline is None and data:
            self._arm(self._guard.limits.head_timeout_s, self._head_late)  # the next request's head began

    def connection_lost(self, exc: BaseException | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def request_started(self, request: web.BaseRequest) -> None:
        self._busy = True
        self._disarm()
        if not request.content.is_eof():
            self._body = request.content
            self._arm(self._guard.limits.body_timeout_s, self._body_late)

    def request_finished(self) -> None:
        self._busy, self._body = False, None
        self._disarm()

    def _arm(self, seconds: float, late: Callable[[], None]) -> None:
        self._disarm()
        self._deadline = asyncio.get_running_loop().call_later(seconds, late)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _head_late(self) -> None:
        self._deadline = None
        if self._busy or self.transport is None:
            return
        self._guard.notes.warning("head", f"closed a connection: no complete request head within "
                                          f"{self._guard.limits.head_timeout_s:g} s (--header-timeout)")
        self.transport.write(canned_answer(408, "Request Timeout", "request_timeout",
                                           "The request head did not arrive in time"))
        self.force_close()

    def _body_late(self) -> None:
        self._deadline = None
        body, self._body = self._body, None
        if body is None or body.is_eof():
            return
        self._guard.notes.warning("body", f"closing a connection: the request body did not arrive within "
                                          f"{self._guard.limits.body_timeout_s:g} s (--body-timeout)")
        # Whoever reads the body gets a 408 to answer in its own shape; the connection closes after it.
        body.set_exception(web.HTTPRequestTimeout(text="The request body did not arrive in time"))
        self.close()

    # -- errors ------------------------------------------------------------------

    def handle_error(self, request: web.BaseRequest, status: int = 500, exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        """aiohttp's answer to what no handler answered: one masked log line, and JSON that echoes nothing."""
        if exc is not None and not isinstance(exc, (HttpProcessingError, ConnectionError)):
            self.log_exception("error handling a request", exc_info=exc)
        elif isinstance(exc, HttpProcessingError):
            detail = self._guard.redactor().text(_detail(exc))[:300]
            self._guard.notes.warning("bad", f"bad request from {request.remote}: {status} {_reason(exc)}"
                                             f"{f' in {detail}' if detail else ''}")
        if request.writer.output_size > 0:
            raise ConnectionError("Response is sent already, cannot send another response with the error message")
        bad_input = isinstance(exc, HttpProcessingError)
        body = {"error": "bad_request" if bad_input else "server_error",
                "message": _reason(exc) if bad_input and exc is not None else "The server could not answer"}
        response = web.Response(status=status, body=orjson.dumps(body), content_type="application/json")
        response.force_close()
        return response

    def log_exception(self, *args: Any, **kw: Any) -> None:
        """One masked line, without a traceback (a request's bytes may be in the exception's text)."""
        error = kw.get("exc_info")
        if isinstance(error, web.HTTPRequestTimeout):
            return  # our own body deadline, met while aiohttp drained what was left of the body
        what = (args[0] % args[1:]) if args else "error"
        if isinstance(error, BaseException):
            what = f"{what}: {type(error).__name__}: {_reason(error)}"
        log.error("%s", self._guard.redactor().text(what))


class _Refusal(asyncio.Protocol):
    """A connection beyond the cap: answered 503 at once, and closed."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.WriteTransport)
        transport.write(canned_answer(503, "Service Unavailable", "too_many_connections",
                                      "The mock has too many open connections; try again", "Retry-After: 1\r\n"))
        transport.close()


class GuardedServer(web.Server):
    """aiohttp's server (protocol factory), counting connections and handing out guarded handlers."""

    def __init__(self, *args: Any, limits: ConnectionLimits, redactor: Callable[[], Redactor], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits, self.redactor = limits, redactor
        self.open = 0
        self.refused = 0
        self.notes = ThrottledLog(log)

    @classmethod
    def around(cls, server: web.Server, limits: ConnectionLimits, redactor: Callable[[], Redactor]) -> "GuardedServer":
        """The same server (handler, request factory, handler options), guarded.

        The request factory and handler are wrapped so that a connection hears
        when a request's head has arrived and when its answer is ready, whatever
        middleware answers it.
        """
        make_request, handle = server.request_factory, server.request_handler

        def request_factory(*args: Any) -> web.BaseRequest:
            request = make_request(*args)
            if isinstance(request.protocol, GuardedRequestHandler):
                request.protocol.request_started(request)
            return request

        async def request_handler(request: web.BaseRequest) -> web.StreamResponse:
            try:
                return await handle(request)
            finally:
                if isinstance(request.protocol, GuardedRequestHandler):
                    request.protocol.request_finished()

        return cls(request_handler, request_factory=request_factory, handler_cancellation=server.handler_cancellation,
                   loop=asyncio.get_running_loop(), limits=limits, redactor=redactor,
                   **server._kwargs)  # the handler options aiohttp built it with

    def __call__(self) -> asyncio.Protocol:  # type: ignore[override]
        if self.open >= self.limits.max_connections:
            self.refused += 1
            self.notes.warning("cap", f"refused a connection: {self.open} are open (--max-connections "
                                      f"{self.limits.max_connections})")
            return _Refusal()
        # Counted now, not when connected: asyncio accepts a burst of connections before connecting any.
        self.open += 1
        return GuardedRequestHandler(self, loop=self._loop, **self._kwargs)

    def connection_lost(self, handler: web.RequestHandler, exc: BaseException | None = None) -> None:
        self.open -= 1
        super().connection_lost(handler, exc)


def quiet_accept_errors(loop: asyncio.AbstractEventLoop, notes: ThrottledLog) -> Callable[[], None]:
    """Route `accept()` failing for want of descriptors to one line per period; returns the way back.

    asyncio logs each failure with a traceback, up to a backlog's worth (128) a second.
    """
    previous = loop.get_exception_handler()

    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        if isinstance(error, OSError) and error.errno in _OUT_OF_RESOURCES:
            notes.warning("accept", f"not accepting connections for now: {error.strerror or error} "
                                    "(raise `ulimit -n`, or lower --max-connections)")
        elif previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    loop.set_exception_handler(handle)
    return lambda: loop.set_exception_handler(previous)
