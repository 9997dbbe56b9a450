"""Calls to a mock's admin API over kept-alive connections, one per calling thread.

A test suite makes hundreds of admin calls (a reset and a strict-mode check per
test); a fresh TCP connection for each would cost more than the call itself.
"""

from __future__ import annotations

import http.client
import json
import threading
import urllib.error
import urllib.parse
import weakref
from typing import Any


class MockServerError(AssertionError):
    """The mock refused an admin call, or a verification did not hold."""


class MockServerUnreachable(MockServerError, urllib.error.URLError):
    """No answer at all (nothing listens, a timeout). Also a URLError, as urllib would have raised."""

    def __init__(self, message: str, reason: OSError) -> None:
        urllib.error.URLError.__init__(self, reason)
        self.message = message

    def __str__(self) -> str:
        return self.message


# What an idle kept-alive connection looks like once the server has closed it: the request never
# reached a handler, so sending it again on a new connection is safe.
_STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


class AdminClient:
    def __init__(self, base_url: str, token: str | None, timeout_s: float) -> None:
        self.base_url, self.token, self.timeout_s = base_url.rstrip("/"), token, timeout_s
        parts = urllib.parse.urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self._https, self._host, self._port = parts.scheme == "https", parts.hostname, parts.port
        self._prefix = parts.path.rstrip("/") + "/__admin"
        self._mine = threading.local()
        self._lock = threading.Lock()
        self._all: list[http.client.HTTPConnection] = []
        # A handle made for one call and dropped still closes its sockets (no ResourceWarning).
        weakref.finalize(self, _close_all, self._all, self._lock)

    def _connection(self, fresh: bool = False) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection | None = getattr(self._mine, "connection", None)
        with self._lock:
            open_still = connection is not None and any(known is connection for known in self._all)
        if open_still and not fresh:
            return connection  # type: ignore[return-value]
        if connection is not None:
            connection.close()
        kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
        connection = self._mine.connection = kind(self._host, self._port, timeout=self.timeout_s)
        with self._lock:
            self._all.append(connection)
        return connection

    def call(self, method: str, path: str, body: Any = None, query: dict[str, str] | None = None) -> Any:
        target = self._prefix + path + ("?" + urllib.parse.urlencode(query) if query else "")
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            try:
                status, payload = self._exchange(self._connection(), method, target, data, headers)
            except _STALE:
                status, payload = self._exchange(self._connection(fresh=True), method, target, data, headers)
        except OSError as error:
            self._connection(fresh=True)
            raise MockServerUnreachable(f"{method} /__admin{path}: cannot reach the mock at {self.base_url}: "
                                        f"{getattr(error, 'strerror', None) or error}", error) from None
        if status >= 400:
            raise MockServerError(f"{method} /__admin{path} -> {status}: {payload.decode('utf-8', 'replace')}")
        return json.loads(payload)

    @staticmethod
    def _exchange(connection: http.client.HTTPConnection, method: str, target: str, data: bytes | None,
                  headers: dict[str, str]) -> tuple[int, bytes]:
        connection.request(method, target, body=data, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        """Close every connection this client opened, from any thread; a later call opens a new one."""
        _close_all(self._all, self._lock)


def _close_all(connections: list[http.client.HTTPConnection], lock: threading.Lock) -> None:
    with lock:
        closing = connections[:]
        connections.clear()
    for connection in closing:
        connection.close()
