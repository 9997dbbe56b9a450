"""serving: the connection cap stays under the descriptor limit."""

from __future__ import annotations

import logging
import resource

import pytest

from mockserver import serving


def test_the_cap_is_kept_under_the_descriptor_limit(monkeypatch: pytest.MonkeyPatch,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    limits = {"now": (1024, 1024)}
    monkeypatch.setattr(resource, "getrlimit", lambda which: limits["now"])

    def setrlimit(which: int, value: tuple[int, int]) -> None:
        if value[0] > limits["now"][1]:
            raise ValueError("not allowed")
        limits["now"] = value

    monkeypatch.setattr(resource, "setrlimit", setrlimit)
    with caplog.at_level(logging.WARNING):
        assert serving.connection_cap(100) == 100
        assert serving.connection_cap(5000) == 1024 - serving.SPARE_DESCRIPTORS
    assert "serving at most 832 connections, not 5000" in caplog.text
    limits["now"] = (1024, 65536)
    assert serving.connection_cap(5000) == 5000 and limits["now"] == (5000 + serving.SPARE_DESCRIPTORS, 65536)


def test_the_in_process_server_guards_its_connections_too() -> None:
    from mockserver.core.connections import GuardedServer
    from mockserver.settings import Settings
    from mockserver.testing import ThreadedMockServer

    with ThreadedMockServer(Settings(port=0, providers=("outx",), max_connections=7)) as server:
        runner = server._runner
        assert isinstance(runner, serving.MockRunner) and isinstance(runner.server, GuardedServer)
        assert runner.limits.max_connections == 7
