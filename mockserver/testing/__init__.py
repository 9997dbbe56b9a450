"""Run the mock inside a test process and steer it: the pieces behind the pytest plugin.

`MockServer` (the handle) needs only the standard library; `ThreadedMockServer`
brings the whole server, so it is imported when first asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockserver.testing.credentials import Credentials, ProviderCredentials
from mockserver.testing.handle import MockServer, MockServerError

if TYPE_CHECKING:
    from mockserver.testing.threaded import AppServer, ThreadedMockServer

__all__ = ["AppServer", "Credentials", "MockServer", "MockServerError", "ProviderCredentials", "ThreadedMockServer"]


def __getattr__(name: str) -> Any:
    if name in ("ThreadedMockServer", "AppServer"):
        from mockserver.testing import threaded

        return getattr(threaded, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
