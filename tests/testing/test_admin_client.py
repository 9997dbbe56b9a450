"""The handle's admin calls: one kept-alive connection per thread, stale ones replaced, clear errors."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import urllib.error
from typing import Iterator

import pytest
from aiohttp import web

from mockserver.settings import Settings
from mockserver.testing import ThreadedMockServer
from mockserver.testing.admin_client import AdminClient, MockServerError, MockServerUnreachable


class PeerServer(ThreadedMockServer):
    """Answers /__admin/peer with the caller's port; /__admin/drop does too, then drops the idle connection."""

    def make_app(self) -> web.Application:
        async def peer(request: web.Request) -> web.Response:
            transport = request.transport
            assert transport is not None
            if request.path.endswith("/drop"):  # as a keep-alive timeout would: no notice to the client
                asyncio.get_running_loop().call_later(0.05, transport.close)
            return web.json_response({"port": transport.get_extra_info("peername")[1]})

        async def refuse(request: web.Request) -> web.Response:
            return web.json_response({"error": "nope"}, status=409)

        app = web.Application()
        app.router.add_get("/__admin/peer", peer)
        app.router.add_get("/__admin/drop", peer)
        app.router.add_post("/__admin/refuse", refuse)
        return app


@pytest.fixture(scope="module")
def server() -> Iterator[PeerServer]:
    with PeerServer(Settings(host="127.0.0.1", port=0)) as running:
        yield running


def test_calls_share_one_connection_per_thread(server: PeerServer) -> None:
    client = AdminClient(server.url, None, 10)
    ports = {client.call("GET", "/peer")["port"] for _ in range(5)}
    assert len(ports) == 1
    elsewhere: list[int] = []
    thread = threading.Thread(target=lambda: elsewhere.append(client.call("GET", "/peer")["port"]))
    thread.start()
    thread.join()
    assert elsewhere and elsewhere[0] not in ports
    client.close()  # closes the other thread's connection too; the next call opens a new one
    assert client.call("GET", "/peer")["port"] not in ports | set(elsewhere)
    client.close()


def test_a_connection_the_server_closed_is_replaced(server: PeerServer) -> None:
    client = AdminClient(server.url, None, 10)
    first = client.call("GET", "/drop")["port"]
    time.sleep(0.3)
    second = client.call("GET", "/peer")["port"]  # went out on the dropped connection, then again on a new one
    assert second != first and client.call("GET", "/peer")["port"] == second
    client.close()


def test_refusals_and_unreachable_servers_are_clear_errors(server: PeerServer) -> None:
    client = AdminClient(server.url, None, 10)
    with pytest.raises(MockServerError, match=r'POST /__admin/refuse -> 409: \{"error": "nope"\}'):
        client.call("POST", "/refuse", {"x": 1})
    client.close()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here
    with pytest.raises(MockServerUnreachable, match=f"cannot reach the mock at http://127.0.0.1:{port}") as caught:
        AdminClient(f"http://127.0.0.1:{port}", None, 5).call("GET", "/health")
    assert isinstance(caught.value, urllib.error.URLError) and isinstance(caught.value.reason, ConnectionRefusedError)
    with pytest.raises(ValueError, match="not an http"):
        AdminClient("ftp://example.org", None, 5)
