"""The mock on a socket: `mockserver serve` and the in-process server start it the same way.

Connections are guarded (`core.connections`: read deadlines, a cap, quiet
logs); the cap is kept under the process's descriptor limit, raised when the
system allows; `accept()` failing for want of descriptors is one line per
period, not a traceback per attempt.
"""

from __future__ import annotations

import asyncio
import logging
import resource
from typing import Any, Callable

from aiohttp import web

from mockserver.core.connections import ConnectionLimits, GuardedServer, quiet_accept_errors
from mockserver.core.throttled_log import ThrottledLog
from mockserver.core.redaction import Redactor, redactor_for
from mockserver.settings import Settings
from mockserver.store.appkeys import WORLD

log = logging.getLogger("mockserver.server")

BACKLOG = 128  # connections the kernel queues; asyncio accepts up to this many at once, before any is refused
# Kept free beyond the connections: an accept burst, and what else the process opens (state file, callbacks).
SPARE_DESCRIPTORS = BACKLOG + 64


class MockRunner(web.AppRunner):
    """An AppRunner whose server guards every connection."""

    def __init__(self, app: web.Application, limits: ConnectionLimits, redactor: Callable[[], Redactor],
                 **options: Any) -> None:
        super().__init__(app, handle_signals=False, **options)
        self.limits, self._redactor = limits, redactor
        self._restore_exception_handler: Callable[[], None] | None = None

    async def _make_server(self) -> web.Server:
        return GuardedServer.around(await super()._make_server(), self.limits, self._redactor)

    async def setup(self) -> None:
        await super().setup()
        self._restore_exception_handler = quiet_accept_errors(asyncio.get_running_loop(), ThrottledLog(log))

    async def cleanup(self) -> None:
        try:
            await super().cleanup()
        finally:
            if self._restore_exception_handler is not None:
                self._restore_exception_handler()


def connection_cap(wanted: int) -> int:
    """`wanted`, or as many connections as the descriptor limit leaves room for (raised first if it may be)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = wanted + SPARE_DESCRIPTORS
    if soft != resource.RLIM_INFINITY and soft < needed:
        raised = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return wanted
    usable = max(1, soft - SPARE_DESCRIPTORS)
    log.warning("serving at most %d connections, not %d: the open-file limit is %d (ulimit -n)", usable, wanted, soft)
    return usable


async def start_server(app: web.Application, settings: Settings, **runner_options: Any) -> MockRunner:
    """Set the app up and listen on settings.host:port; `OSError` when it cannot listen, or what the app's
    start-up raised (nothing left open either way)."""
    limits = ConnectionLimits(connection_cap(settings.max_connections), settings.header_timeout_s,
                              settings.body_timeout_s)
    by_name = redactor_for(frozenset())  # an app of someone else's (a test's proxy) has no scenario
    runner = MockRunner(app, limits, lambda: app[WORLD].redactor() if WORLD in app else by_name, **runner_options)
    try:
        await runner.setup()  # runs the app's start-up: joining a shared store may fail here
        await web.TCPSite(runner, settings.host, settings.port, backlog=BACKLOG,
                          reuse_port=settings.reuse_port or None).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner
