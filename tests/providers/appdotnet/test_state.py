"""The App.net runtime's state: flags, rate-limit windows and the error-id sequence; export, import, rebuild."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from mockserver.store.appkeys import PROVIDERS, WORLD
from tests.conftest import ClientFactory
from tests.providers.appdotnet.helpers import BEARER, PATH, get

REVOKE_MAIN = "token:user:1558:1:revoked"  # YOUR_ACCESS_TOKEN is token 1 of user 1558
FRESH = {"version": 1, "flags": {}, "errors_issued": 0, "rate_limits": {"by_token": {}, "by_address": {}}}


def runtime(client: TestClient) -> Any:
    return client.app[PROVIDERS]["appdotnet"]


async def test_fresh_state_is_empty_and_json_safe(adn: TestClient) -> None:
    state = runtime(adn).export_state()
    assert state == FRESH
    assert json.loads(json.dumps(state)) == state
    flags = runtime(adn).flags().effective()
    assert flags["token:user:1558:2:revoked"] is True and flags["token:user:1558:3:expired"] is True
    assert flags[REVOKE_MAIN] is False and flags["jsonp_authentication"] is False


async def test_round_trip_continues_exactly_where_it_left_off(make_client: ClientFactory) -> None:
    first = await make_client(providers=("appdotnet",))
    await get(first, headers={}, status=401)
    runtime(first).import_state({**runtime(first).export_state(), "flags": {REVOKE_MAIN: True}})
    await get(first, status=401)
    state = runtime(first).export_state()
    assert {**state, "rate_limits": None} == {"version": 1, "flags": {REVOKE_MAIN: True}, "errors_issued": 2,
                                              "rate_limits": None}
    assert set(state["rate_limits"]["by_address"]) == {"127.0.0.1"}  # the two 401s counted per address

    second = await make_client(providers=("appdotnet",))
    runtime(second).import_state(json.loads(json.dumps(state)))
    assert runtime(second).export_state() == state
    a, b = await get(first, status=401), await get(second, status=401)
    assert a == b and a["meta"]["error_slug"] == "not-authorized"  # same error id: the sequence continued
    other = await get(second, headers={"Authorization": "Bearer <YOUR ACCESS TOKEN>"})
    assert other["data"]  # the user's other token still works


@pytest.mark.parametrize("state", [
    {}, {"version": 2}, {"version": 1, "flags": {"token:user:1:0:revoked": True}}, {"version": 1, "flags": []},
    {"version": 1, "flags": {REVOKE_MAIN: "yes"}}, {"version": 1, "errors_issued": -1},
    {"version": 1, "errors_issued": True}, {"version": 1, "rate_limits": []},
    {"version": 1, "rate_limits": {"by_token": {"user:1558:1": [0, 1]}, "by_address": {"x": [1]}}},
    {"version": 1, "rate_limits": {"by_token": {"user:1558:1": [0, -1]}}}, {"version": 1, "rate_limits": {"x": {}}},
])
async def test_bad_state_is_refused_and_changes_nothing(adn: TestClient, state: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        runtime(adn).import_state(state)
    assert runtime(adn).export_state() == FRESH


async def test_rebuild_resets_the_state_and_keeps_the_world(adn: TestClient) -> None:
    before = await get(adn)
    runtime(adn).import_state({"version": 1, "flags": {REVOKE_MAIN: True}, "errors_issued": 9})
    runtime(adn).rebuild(adn.app[WORLD].context)
    assert runtime(adn).export_state() == FRESH
    assert await get(adn, headers=BEARER) == before


async def test_admin_flags_revoke_restore_and_open_jsonp(adn: TestClient) -> None:
    response = await adn.patch("/__admin/flags", json={"appdotnet": {REVOKE_MAIN: True}})
    assert response.status == 200, await response.text()
    assert (await get(adn, status=401))["meta"]["error_slug"] == "not-authorized"
    await adn.patch("/__admin/flags", json={"appdotnet": {REVOKE_MAIN: False, "token:user:1558:3:expired": False,
                                                          "jsonp_authentication": True}})
    assert (await get(adn, headers={"Authorization": "Bearer EXPIRED_ACCESS_TOKEN"}))["data"]
    wrapped = await adn.get(PATH, params={"callback": "cb", "access_token": "YOUR_ACCESS_TOKEN", "count": "1"})
    assert json.loads((await wrapped.text())[3:-1])["meta"]["code"] == 200


async def test_default_credentials_are_the_docs_token(adn: TestClient) -> None:
    assert runtime(adn).credentials() == {"headers": {"Authorization": "Bearer <YOUR ACCESS TOKEN>"},
                                          "access_token": "<YOUR ACCESS TOKEN>", "user_id": "1558"}
