"""Cross-site requests and DNS rebinding against the admin API: refused before anything changes."""

from __future__ import annotations

import socket

from aiohttp.test_utils import TestClient

from tests.conftest import DOCS_WATCHLIST, OUTX_KEY

EVIL = "http://evil.example"


async def _clock_ms(client: TestClient) -> int:
    return (await (await client.get("/__admin/clock")).json())["now_ms"]


async def test_a_page_from_another_site_cannot_move_the_clock(client: TestClient) -> None:
    before = await _clock_ms(client)
    # What a hostile page's fetch(..., {mode: "no-cors"}) or form post sends: no preflight needed.
    refused = await client.post("/__admin/clock/advance", data='{"by": "1h"}',
                                headers={"Origin": EVIL, "Content-Type": "text/plain"})
    assert refused.status == 403
    body = await refused.json()
    assert body["error"] == "admin_cross_origin" and EVIL in body["message"] and "--cors" in body["message"]
    assert await _clock_ms(client) == before
    for origin in ("null", "http://127.0.0.1:1"):  # sandboxed frames; another port is another origin
        assert (await client.post("/__admin/reset", headers={"Origin": origin})).status == 403, origin


async def test_the_mocks_own_pages_and_tools_without_origin_are_served(client: TestClient) -> None:
    own = f"http://{client.host}:{client.port}"
    answer = await client.post("/__admin/clock/advance", json={"by": "1s"}, headers={"Origin": own})
    assert answer.status == 200
    assert (await client.post("/__admin/clock/advance", json={"by": "1s"})).status == 200


async def test_an_origin_allowed_by_cors_may_use_the_admin_api(make_client) -> None:
    client = await make_client(cors_origins=("http://localhost:3000",))
    allowed = await client.post("/__admin/reset", headers={"Origin": "http://localhost:3000"})
    assert allowed.status == 200
    assert (await client.post("/__admin/reset", headers={"Origin": EVIL})).status == 403


async def test_with_a_token_a_foreign_origin_is_still_refused(make_client) -> None:
    client = await make_client(admin_token="s3cret-token")
    auth = {"Authorization": "Bearer s3cret-token"}
    assert (await client.post("/__admin/reset", headers={**auth, "Origin": EVIL})).status == 403
    assert (await client.post("/__admin/reset", headers=auth)).status == 200
    # With a token the token is the guard: any Host is fine (the mock may sit behind a proxy).
    assert (await client.get("/__admin/health", headers={**auth, "Host": "mock.internal:8080"})).status == 200


async def test_a_rebound_host_name_is_refused_without_a_token(client: TestClient) -> None:
    before = await _clock_ms(client)
    refused = await client.post("/__admin/clock/advance", json={"by": "1h"}, headers={"Host": "evil.example"})
    assert refused.status == 403 and (await refused.json())["error"] == "admin_host_not_local"
    assert await _clock_ms(client) == before
    assert (await client.get("/__admin/journal", headers={"Host": "attacker.test:8080"})).status == 403
    for host in (f"localhost:{client.port}", "app.localhost", "[::1]:8080", "127.0.0.1",
                 socket.gethostname(), f"{socket.gethostname().upper()}.:80"):
        assert (await client.get("/__admin/health", headers={"Host": host})).status == 200, host


async def test_provider_routes_answer_any_origin_and_host(client: TestClient) -> None:
    answer = await client.get("/api-interactions", params={"watchlist_id": DOCS_WATCHLIST},
                              headers={"x-api-key": OUTX_KEY, "Origin": EVIL, "Host": "api.outx.ai"})
    assert answer.status == 200
