"""core.connections: throttled warnings, quiet accept failures, canned answers."""

from __future__ import annotations

import asyncio
import errno
import logging

import pytest

from mockserver.core.connections import canned_answer, quiet_accept_errors
from mockserver.core.throttled_log import ThrottledLog


def test_a_flood_of_one_kind_of_warning_is_one_line_per_period(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    notes = ThrottledLog(logging.getLogger("test.throttle"), period_s=10, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING):
        for step in range(1000):
            now[0] = step * 0.025  # 1,000 events over 25 s
            notes.warning("cap", "refused a connection")
        notes.warning("other", "a different kind is said at once")
    assert [record.getMessage() for record in caplog.records] == [
        "refused a connection",
        "refused a connection (and 399 more like it since the last such line)",
        "refused a connection (and 399 more like it since the last such line)",
        "a different kind is said at once",
    ]


async def test_accept_failing_for_want_of_descriptors_is_quiet(caplog: pytest.LogCaptureFixture) -> None:
    loop = asyncio.get_running_loop()
    restore = quiet_accept_errors(loop, ThrottledLog(logging.getLogger("test.accept")))
    try:
        with caplog.at_level(logging.DEBUG):
            for _ in range(500):
                loop.call_exception_handler({"message": "socket.accept() out of system resource",
                                             "exception": OSError(errno.EMFILE, "Too many open files")})
            loop.call_exception_handler({"message": "something else", "exception": ValueError("other")})
    finally:
        restore()
    accept_lines = [r for r in caplog.records if "not accepting connections" in r.getMessage()]
    assert len(accept_lines) == 1 and accept_lines[0].exc_info is None
    assert any("something else" in r.getMessage() for r in caplog.records)  # other errors as before
    assert loop.get_exception_handler() is None


def test_canned_answers_are_complete_and_close_the_connection() -> None:
    answer = canned_answer(503, "Service Unavailable", "busy", "try again", "Retry-After: 1\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 503 Service Unavailable"
    assert b"Connection: close" in head and b"Retry-After: 1" in head
    assert f"Content-Length: {len(body)}".encode() in head and body == b'{"error":"busy","message":"try again"}'
