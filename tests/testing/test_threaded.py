"""A mock on a background thread, and the handle reaching it without HTTP for the per-test reset and check."""

from __future__ import annotations

import urllib.request
from typing import Iterator

import pytest

from mockserver.core.http import StrictViolation
from mockserver.store.appkeys import STRICT
from mockserver.testing import MockServer, ThreadedMockServer
from tests.conftest import DOCS_WATCHLIST, OUTX_KEY, test_settings

NOWHERE = "http://127.0.0.1:9"  # nothing listens: any HTTP call through this handle would fail


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedMockServer]:
    with ThreadedMockServer(test_settings(host="127.0.0.1", port=0)) as running:
        yield running


def test_reset_and_strict_check_run_in_process(server: ThreadedMockServer) -> None:
    handle = MockServer(NOWHERE, in_process=server)
    request = urllib.request.Request(f"{server.url}/api-interactions?watchlist_id={DOCS_WATCHLIST}",
                                     headers={"x-api-key": OUTX_KEY})
    urllib.request.urlopen(request, timeout=10).close()
    answer = handle.reset()
    assert answer["reset"] is True and answer["seed"] == 1 and answer["scenario"] == "default"
    assert MockServer(server.url).journal.entries() == []  # the reset was the real one

    assert handle.strict_violations() == []
    failure = StrictViolation("GET", "/x", 200, "outx/error", ())
    server.run_on_loop(lambda app: app[STRICT].failures.append(failure))
    assert handle.strict_violations() == [failure.describe()]
    handle.reset()
    assert handle.strict_violations() == []


def test_a_reset_with_arguments_still_goes_over_http(server: ThreadedMockServer) -> None:
    with pytest.raises(AssertionError, match="cannot reach the mock"):
        MockServer(NOWHERE, in_process=server).reset(seed=3)
