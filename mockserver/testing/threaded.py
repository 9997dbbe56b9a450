"""The mock's aiohttp app on its own event loop in a background thread.

A thread (rather than the test's event loop) lets sync tests use any plain
HTTP client, and async tests on any loop, against the same server.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from typing import Any, Callable, TypeVar

from aiohttp import web

from mockserver.admin.world import reset_answer, strict_record
from mockserver.app import create_app
from mockserver.serving import start_server
from mockserver.settings import Settings

T = TypeVar("T")


class ThreadedMockServer:
    """Serves `create_app(settings)`; subclasses may serve another app through `make_app`."""

    def __init__(self, settings: Settings, startup_timeout_s: float = 30.0) -> None:
        self.settings = settings
        self.startup_timeout_s = startup_timeout_s
        self.app: web.Application | None = None
        self.port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("the server is not running")
        return f"http://{self.settings.host}:{self.port}"

    def start(self) -> "ThreadedMockServer":
        self._thread = threading.Thread(target=self._run, name="mockserver", daemon=True)
        self._thread.start()
        if not self._ready.wait(self.startup_timeout_s):
            raise RuntimeError("the mock server did not start in time")
        if self._failure is not None:
            self._thread.join()
            raise self._failure
        return self

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._start())
        except BaseException as error:  # handed to start() in the calling thread
            self._failure = error
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self._runner.cleanup() if self._runner else asyncio.sleep(0))
            loop.close()

    def make_app(self) -> web.Application:
        return create_app(self.settings)

    async def _start(self) -> None:
        self.app = self.make_app()
        self._runner = await start_server(self.app, self.settings, access_log=None)
        self.port = self._runner.addresses[0][1]

    def run_on_loop(self, work: Callable[[web.Application], T]) -> T:
        """Run `work(app)` on the server's own event loop, between two requests, and return what it returns."""
        if self._loop is None or self.app is None:
            raise RuntimeError("the server is not running")
        app = self.app

        async def run() -> T:
            result = work(app)
            return await result if inspect.isawaitable(result) else result  # type: ignore[no-any-return]

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(self.startup_timeout_s)

    # What the handle does before and after each test, without a round trip over HTTP (it is the
    # per-test cost of the mock_server fixture). Admin calls made this way are not announced on
    # /__admin/events, which only a dashboard reads.

    def reset(self) -> dict[str, Any]:
        """POST /__admin/reset, run on the server's loop."""
        return self.run_on_loop(reset_answer)

    def strict_violations(self) -> list[str]:
        """GET /__admin/strict; a copy of a list the loop only appends to, so read from this thread."""
        if self.app is None:
            raise RuntimeError("the server is not running")
        return list(strict_record(self.app)["violations"])

    def stop(self) -> None:
        if self._loop is None or self._thread is None or not self._thread.is_alive():
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)

    def __enter__(self) -> "ThreadedMockServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class AppServer(ThreadedMockServer):
    """Any aiohttp application on a background thread: a stub upstream, a proxy, a target a test shapes."""

    def __init__(self, app: web.Application, host: str = "127.0.0.1") -> None:
        super().__init__(Settings(host=host, port=0))
        self._app = app

    def make_app(self) -> web.Application:
        return self._app
