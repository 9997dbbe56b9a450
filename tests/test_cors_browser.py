"""CORS in a real browser: headless Chromium fetches the mock from a page of an allowed origin, and of another.

The browser does what no hand-written client can prove: it sends its own
preflights (a custom `x-api-key`, `Authorization`, a JSON `Content-Type`) and
decides by itself whether a script may read the answer.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest

from mockserver.settings import ALL_PROVIDERS
from mockserver.testing.threaded import ThreadedMockServer
from tests.conftest import DOCS_WATCHLIST, test_settings
from tests.system import headless_chromium, require_programs

FETCH = """
const [url, options, done] = arguments;
fetch(url, options)
  .then(response => response.json().then(body => done({
    status: response.status, body, retryAfter: response.headers.get("Retry-After"),
    scopes: response.headers.get("X-OAuth-Scopes")})))
  .catch(error => done({error: String(error)}));
"""


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!doctype html><title>an app</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def origins() -> Iterator[tuple[str, str]]:
    """Two web apps on their own ports: two origins, one of them allowed."""
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), _Page) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield tuple(f"http://127.0.0.1:{server.server_address[1]}" for server in servers)  # type: ignore[misc]
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def test_a_page_of_an_allowed_origin_reads_answers_and_another_origin_is_refused(origins: tuple[str, str]) -> None:
    programs = require_programs("chromium", "chromedriver", why="the browser CORS test")
    allowed, other = origins
    settings = test_settings(port=0, providers=ALL_PROVIDERS, cors_origins=(allowed,))
    with ThreadedMockServer(settings) as mock, headless_chromium(programs) as browser:
        browser.set_script_timeout(20)
        mock_url = mock.url  # another port than the pages': another origin
        interactions = (f"{mock_url}/api-interactions?watchlist_id={DOCS_WATCHLIST}&page_size=2",
                        {"headers": {"x-api-key": "YOUR_API_KEY"}})
        like = (f"{mock_url}/linkedin-agent/like-post",
                {"method": "POST", "credentials": "include",
                 "headers": {"x-api-key": "YOUR_API_KEY", "Content-Type": "application/json"},
                 "body": '{"social_urn": "urn:li:activity:7123456789012345678"}'})
        stream = (f"{mock_url}/stream/0/users/me/interactions?count=1",
                  {"headers": {"Authorization": "Bearer YOUR_ACCESS_TOKEN"}})

        browser.get(allowed + "/")
        answers = [browser.execute_async_script(FETCH, url, options) for url, options in (interactions, like, stream)]
        assert [answer.get("status") for answer in answers] == [200, 200, 200], answers
        assert answers[0]["body"]["pagination"]["total"] > 0 and answers[1]["body"]["success"] is True
        assert "stream" in answers[2]["scopes"]  # a header the page may read because it is exposed

        browser.get(other + "/")
        refused = browser.execute_async_script(FETCH, *interactions)
        assert "status" not in refused and "Failed to fetch" in refused["error"], refused
