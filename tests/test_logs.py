"""The access log and the server's own lines: one line per request, text or JSON, secrets masked."""

from __future__ import annotations

import json
import logging
import re
from typing import Iterator

import pytest
from aiohttp.test_utils import TestServer

from mockserver.app import create_app
from mockserver.logs import access_line, access_log_options, configure_logging, server_line
from mockserver.providers import available_providers
from tests.conftest import DOCS_WATCHLIST, test_settings

SECRETS = ("YOUR_API_KEY", "YOUR_API_SECRET", "YOUR_ACCESS_TOKEN", "sk_live_your_api_key")


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """configure_logging changes process-wide loggers; put them back for the rest of the suite."""
    saved = {name: (logger.handlers[:], logger.level, logger.propagate)
             for name in ("mockserver", "mockserver.access") for logger in [logging.getLogger(name)]}
    yield
    for name, (handlers, level, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:], logger.level, logger.propagate = handlers, level, propagate


async def _traffic(aiohttp_client, log_format: str) -> None:
    app = create_app(test_settings(providers=available_providers()))
    server = TestServer(app)  # started here: pytest-aiohttp passes no runner options through
    await server.start_server(**access_log_options(app, log_format))
    client = await aiohttp_client(server)
    await client.get(f"/api-interactions?watchlist_id={DOCS_WATCHLIST}&page=2", headers={"x-api-key": "YOUR_API_KEY"})
    await client.get("/stream/0/users/me/interactions?access_token=YOUR_ACCESS_TOKEN&count=1")
    await client.get("/person/interactions?request_id=r1&api_key=YOUR_API_KEY&api_secret=YOUR_API_SECRET")
    await client.post("/v1/engagement/pause", json={"account_id": "acc_7Gx2kLm9Qr"},
                      headers={"Authorization": "Bearer sk_live_your_api_key"})
    await client.get("/__admin/health")
    await client.get("/nowhere")
    await client.get("/v1/engagement/stats?account_id=sk_live_your_api_key")  # a key pasted in the wrong place
    await client.close()  # waits for the handlers, so the last line is written before anyone reads


async def test_json_lines_name_time_method_masked_path_status_provider_and_duration(
        aiohttp_client, capsys: pytest.CaptureFixture, restored_logging: None) -> None:
    configure_logging("json", access_log=True, quiet=False)
    await _traffic(aiohttp_client, "json")
    out = capsys.readouterr().out
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(line["method"], line["status"], line["provider"]) for line in lines] == [
        ("GET", 200, "outx"), ("GET", 200, "appdotnet"), ("GET", 404, "nyne"), ("POST", 200, "outfame"),
        ("GET", 200, "admin"), ("GET", 404, None), ("GET", 401, "outfame")]
    assert lines[0]["path"] == f"/api-interactions?watchlist_id={DOCS_WATCHLIST}&page=2"
    assert "access_token=" in lines[1]["path"] and "api_secret=" in lines[2]["path"]
    assert lines[-1]["path"] == "/v1/engagement/stats?account_id=[redacted]"  # the scenario's keys, wherever they are
    for line in lines:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    for secret in SECRETS:
        assert secret not in out


async def test_text_lines_and_quiet(aiohttp_client, capsys: pytest.CaptureFixture, restored_logging: None) -> None:
    configure_logging("text", access_log=True, quiet=False)
    await _traffic(aiohttp_client, "text")
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 7
    assert re.fullmatch(r"\S+Z GET /api-interactions\?watchlist_id=\S+&page=2 200 outx \d+\.\dms", lines[0])
    assert lines[-2].split(" ")[1:5] == ["GET", "/nowhere", "404", "-"]
    assert not any(secret in out for secret in SECRETS)
    configure_logging("text", access_log=True, quiet=True)
    await _traffic(aiohttp_client, "text")
    assert capsys.readouterr().out == ""


async def test_off_unless_asked_for(aiohttp_client, capsys: pytest.CaptureFixture, restored_logging: None) -> None:
    configure_logging("text", access_log=False, quiet=False)
    await _traffic(aiohttp_client, "text")
    assert capsys.readouterr().out == ""


def test_line_shapes() -> None:
    assert access_line("text", at_s=0.25, method="GET", path="/x", status=200, provider=None, duration_ms=1.26) == \
        "1970-01-01T00:00:00.250Z GET /x 200 - 1.3ms"
    assert server_line("text", "hello", event="listening") == "hello"
    line = json.loads(server_line("json", "hello", event="listening", url="http://127.0.0.1:1"))
    assert line["message"] == "hello" and line["event"] == "listening" and line["level"] == "info"
