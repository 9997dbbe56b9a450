"""The validating proxy: clean traffic passes untouched, a broken upstream is reported within the request."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from mockserver.cli import main
from mockserver.providers import available_providers
from mockserver.proxy import ProxySettings, create_proxy_app
from mockserver.settings import Settings
from mockserver.testing import AppServer, ThreadedMockServer
from tests.conftest import FROZEN_AT_MS

OUTX = {"x-api-key": "YOUR_API_KEY"}
ADN = {"Authorization": "Bearer YOUR_ACCESS_TOKEN"}
NYNE = {"X-API-Key": "YOUR_API_KEY", "X-API-Secret": "YOUR_API_SECRET"}
OUTFAME = {"Authorization": "Bearer sk_live_your_api_key"}
WATCHLIST = "550e8400-e29b-41d4-a716-446655440000"
READS = [  # documented requests, errors among them, whose answers do not change while the clock is frozen
    (f"/api-interactions?watchlist_id={WATCHLIST}&page=2&page_size=5", OUTX),
    (f"/api-interactions?watchlist_id={WATCHLIST}", {"x-api-key": "wrong"}),
    ("/api-interactions", OUTX),
    ("/linkedin-agent/get-task-status?api_agent_task_id=nope", OUTX),
    ("/stream/0/users/me/interactions?count=3&interaction_actions=star,repost", ADN),
    ("/stream/0/users/me/interactions?count=2&access_token=YOUR_ACCESS_TOKEN", {"X-ADN-Pretty-JSON": "1"}),
    ("/stream/0/users/me/interactions?callback=cb", {}),
    ("/person/interactions?request_id=interaction_0000000000000000_1705401600_0000", NYNE),
    ("/v1/engagement/activity?account_id=acc_7Gx2kLm9Qr&limit=5", OUTFAME),
    ("/v1/engagement/stats?account_id=acc_7Gx2kLm9Qr", OUTFAME),
    ("/v1/engagement/stats?account_id=acc_nobody", OUTFAME),
]

WRITES = [  # and a like with its task, a lookup, a pause and its refusal: the same on twin mocks
    ("/linkedin-agent/like-post", OUTX, {"social_urn": "urn:li:activity:7123456789012345678"}),
    ("/linkedin-agent/get-task-status?api_agent_task_id={task}", OUTX, None),
    ("/person/interactions", NYNE, {"social_media_url": "https://x.com/janedoe", "type": "followers"}),
    ("/v1/engagement/pause", OUTFAME, {"account_id": "acc_7Gx2kLm9Qr", "reason": "proxy test"}),
    ("/v1/engagement/pause", OUTFAME, {"account_id": "acc_7Gx2kLm9Qr"}),
]


def fetch(url: str, headers: dict[str, str] | None = None, body: Any = None) -> tuple[int, dict[str, str], bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={**(headers or {}),
                                                              **({"Content-Type": "application/json"} if data else {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def twin_mock() -> ThreadedMockServer:
    """Same seed, same frozen clock: two of these answer the same requests with the same bytes."""
    return ThreadedMockServer(Settings(host="127.0.0.1", port=0, strict=True, freeze_at_ms=FROZEN_AT_MS,
                                       providers=available_providers()))


def test_clean_traffic_passes_byte_for_byte_and_is_reported_clean(tmp_path: Path) -> None:
    with twin_mock() as direct_mock, twin_mock() as upstream, \
            AppServer(create_proxy_app(ProxySettings(upstream.url, record_dir=tmp_path))) as proxy:
        task = None
        for path, headers, body in [(path, headers, None) for path, headers in READS] + WRITES:
            if "{task}" in path:
                path = path.format(task=task)
            direct = fetch(direct_mock.url + path, headers, body)
            proxied = fetch(proxy.url + path, headers, body)
            assert proxied[0] == direct[0] and proxied[2] == direct[2], path
            assert proxied[1]["Content-Type"] == direct[1]["Content-Type"], path
            if path.endswith("like-post"):
                task = json.loads(proxied[2])["api_agent_task_id"]
        report = json.loads(fetch(proxy.url + "/__admin/proxy/report")[2])
    assert report["violations"] == 0 and report["findings"] == [], report["findings"]
    assert report["exchanges"] == len(READS) + len(WRITES)
    assert report["operations"]["GET /api-interactions"] == {"exchanges": 3, "violations": 0}
    recorded = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.json"))
    assert "outx/outx_watchlist_interactions-200-1.json" in recorded
    assert "nyne/nyne_submit_interactions-202-1.json" in recorded
    example = json.loads((tmp_path / "outx/outx_watchlist_interactions-401-1.json").read_text())
    assert example["response"]["body"] == {"error": "Invalid API Key"}
    assert "YOUR_API_KEY" not in json.dumps(example) and "wrong" not in json.dumps(example)


def _broken_upstream() -> web.Application:
    """A re-implementation with three faults: a wrong Content-Type, bad arithmetic, and a page over its limit."""
    examples = Path(__file__).parents[2] / "fixtures/examples"
    interactions_page = (examples / "outx/interactions-response.json").read_text()
    stats_body = json.loads((examples / "outfame/stats-response.json").read_text())
    stats_body["actions"]["likes"]["remaining"] += 1  # schema-valid, but remaining != limit - performed
    activity_body = json.loads((examples / "outfame/activity-response.json").read_text())  # 3 actions

    async def interactions(request: web.Request) -> web.Response:
        return web.Response(text=interactions_page, content_type="text/plain")

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(stats_body)

    async def activity(request: web.Request) -> web.Response:
        return web.json_response(activity_body)

    app = web.Application()
    app.router.add_get("/api-interactions", interactions)
    app.router.add_get("/v1/engagement/stats", stats)
    app.router.add_get("/v1/engagement/activity", activity)
    return app


def test_a_broken_upstream_is_reported_within_the_same_request(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="mockserver.proxy")
    with AppServer(_broken_upstream()) as broken, AppServer(create_proxy_app(ProxySettings(broken.url))) as proxy:
        direct = fetch(broken.url + f"/api-interactions?watchlist_id={WATCHLIST}", OUTX)
        proxied = fetch(proxy.url + f"/api-interactions?watchlist_id={WATCHLIST}", OUTX)
        assert proxied[2] == direct[2] and proxied[1]["Content-Type"] == "text/plain; charset=utf-8"
        report = json.loads(fetch(proxy.url + "/__admin/proxy/report")[2])  # right after: nothing waits
        [finding] = report["findings"]
        assert finding["operation"] == "GET /api-interactions" and finding["status"] == 200
        assert "Content-Type 'text/plain; charset=utf-8', documented: application/json" in finding["problems"][0]
        fetch(proxy.url + "/v1/engagement/stats?account_id=acc_7Gx2kLm9Qr", OUTFAME)
        fetch(proxy.url + "/v1/engagement/activity?account_id=acc_7Gx2kLm9Qr&limit=2", OUTFAME)
        report = json.loads(fetch(proxy.url + "/__admin/proxy/report")[2])
        markdown = fetch(proxy.url + "/__admin/proxy/report?format=markdown")[2].decode()
        journal = json.loads(fetch(proxy.url + "/__admin/journal")[2])["entries"]
    problems = {f["operation"]: " ".join(f["problems"]) for f in report["findings"]}
    assert "likes: remaining" in problems["GET /v1/engagement/stats"]
    assert problems["GET /v1/engagement/activity"] == "3 actions for limit 2"
    assert "| `GET /v1/engagement/stats` | 1 | 1 |" in markdown and "3 actions for limit 2" in markdown
    assert [bool(entry["violations"]) for entry in journal] == [True, True, True]
    assert any("breaks the contract" in record.getMessage() for record in caplog.records)
    shown = json.dumps(report) + markdown + json.dumps(journal) + caplog.text
    assert "sk_live_your_api_key" not in shown and "YOUR_API_KEY" not in shown


def test_the_command_refuses_an_upstream_that_is_not_a_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["proxy", "--upstream", "api.outx.ai"]) == 2
    assert "--upstream must be an http:// or https:// URL" in capsys.readouterr().err
