"""Run the mock inside a test process and steer it: the pieces behind the pytest plugin."""

from mockserver.testing.handle import MockServer, MockServerError
from mockserver.testing.threaded import ThreadedMockServer

__all__ = ["MockServer", "MockServerError", "ThreadedMockServer"]
