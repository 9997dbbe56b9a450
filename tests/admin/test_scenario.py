"""GET /__admin/scenario and who may call the admin API."""

from __future__ import annotations

import json

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from mockserver.admin.access import access_guard, is_loopback
from mockserver.paths import default_scenario_path


async def test_scenario_is_served_to_loopback_callers(client) -> None:
    response = await client.get("/__admin/scenario")
    assert response.status == 200
    body = await response.json()
    assert body["seed"] == 1
    assert body["scenario"] == json.loads(default_scenario_path().read_text())


# Each provider's main read endpoint, and the named values the README lists for it.
READS = {
    "outx": ("/api-interactions?watchlist_id={watchlist_id}", {"api_key", "team_id", "watchlist_id",
                                                                 "foreign_watchlist_id"}),
    "appdotnet": ("/stream/0/users/me/interactions", {"access_token", "user_id"}),
    "nyne": ("/person/interactions?request_id=unknown", {"api_key", "api_secret", "credential_id", "limited"}),
    "outfame": ("/v1/engagement/stats?account_id={account_id}", {"api_key", "workspace_id", "account_id"}),
}


async def test_every_providers_credentials_have_headers_ready_to_send(make_client) -> None:
    client = await make_client(providers=tuple(READS))
    credentials = (await (await client.get("/__admin/scenario")).json())["credentials"]
    assert set(credentials) == set(READS)
    for provider, (path, names) in READS.items():
        entry = credentials[provider]
        assert set(entry) == {"headers"} | names, provider
        url = path.format(**entry)
        assert (await client.get(url)).status in (401, 403), provider  # without them: refused
        status = (await client.get(url, headers=entry["headers"])).status
        assert status in (200, 404), (provider, status)  # Nyne: an unknown job, once authenticated


async def test_with_a_token_the_token_is_required_even_on_loopback(make_client) -> None:
    client = await make_client(admin_token="s3cret-token")
    assert (await client.get("/__admin/scenario")).status == 401
    wrong = await client.get("/__admin/scenario", headers={"Authorization": "Bearer nope"})
    assert wrong.status == 401 and (await wrong.json())["error"] == "admin_token_required"
    right = await client.get("/__admin/scenario", headers={"Authorization": "Bearer s3cret-token"})
    assert right.status == 200


@pytest.mark.parametrize("remote, expected", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("10.0.0.1", False),
    ("192.168.1.4", False), ("8.8.8.8", False), ("", False), (None, False), ("garbage", False),
])
def test_is_loopback(remote: str | None, expected: bool) -> None:
    assert is_loopback(remote) is expected


class _Transport:
    def __init__(self, peer: tuple[str, int]) -> None:
        self.peer = peer

    def get_extra_info(self, name: str, default: object = None) -> object:
        return self.peer if name == "peername" else default

    def is_closing(self) -> bool:
        return False


async def _ok(request: web.Request) -> web.Response:
    return web.Response(text="ok")


async def test_non_loopback_callers_are_refused_without_a_token() -> None:
    request = make_mocked_request("GET", "/scenario", transport=_Transport(("203.0.113.9", 5555)))
    response = await access_guard(None)(request, _ok)
    assert response.status == 403
    assert json.loads(response.body)["error"] == "admin_loopback_only"


async def test_non_loopback_callers_with_the_token_are_served() -> None:
    request = make_mocked_request("GET", "/scenario", headers={"Authorization": "Bearer tok"},
                                  transport=_Transport(("203.0.113.9", 5555)))
    response = await access_guard("tok")(request, _ok)
    assert response.status == 200
