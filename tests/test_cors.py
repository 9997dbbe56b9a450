"""Browser apps: real preflights and cross-origin requests over HTTP, allowed and refused origins."""

from __future__ import annotations

import argparse
import json

import pytest
from aiohttp.test_utils import TestClient

from mockserver.cors import parse_origins
from mockserver.paths import default_scenario_path
from mockserver.providers import available_providers
from mockserver.store.appkeys import PROVIDERS
from tests.conftest import DOCS_WATCHLIST

APP_ORIGIN = "http://localhost:3000"
OTHER_ORIGIN = "https://evil.example"
AUTH_HEADERS = "authorization, content-type, x-api-key, x-api-secret, x-adn-pretty-json"


def preflight(client: TestClient, path: str, method: str, origin: str = APP_ORIGIN):
    return client.options(path, headers={"Origin": origin, "Access-Control-Request-Method": method,
                                         "Access-Control-Request-Headers": AUTH_HEADERS})


def cors_headers(response) -> dict[str, str]:
    return {name: value for name, value in response.headers.items() if name.lower().startswith("access-control-")}


async def test_every_provider_route_and_the_admin_api_answer_a_preflight_from_an_allowed_origin(make_client) -> None:
    client: TestClient = await make_client(providers=available_providers(), cors_origins=(APP_ORIGIN,))
    routes = [(endpoint.method, endpoint.path.replace("{user_id}", "me"))
              for runtime in client.app[PROVIDERS].values() for endpoint in runtime.endpoints]
    routes += [("POST", "/__admin/reset"), ("GET", "/__admin/journal"), ("DELETE", "/__admin/faults")]
    assert len(routes) >= 13
    for method, path in routes:
        response = await preflight(client, path, method)
        assert response.status == 204, (method, path, await response.text())
        assert response.headers["Access-Control-Allow-Origin"] == APP_ORIGIN
        assert response.headers["Access-Control-Allow-Credentials"] == "true"
        assert method in response.headers["Access-Control-Allow-Methods"].split(", "), (method, path)
        assert response.headers["Access-Control-Allow-Headers"] == AUTH_HEADERS
        assert int(response.headers["Access-Control-Max-Age"]) > 0
        assert "Origin" in response.headers["Vary"]
    journal = await (await client.get("/__admin/journal")).json()
    assert journal["entries"] == []  # preflights are the browser's plumbing, not calls the app made


async def test_answers_to_an_allowed_origin_carry_the_headers_errors_faults_and_admin_included(make_client) -> None:
    client: TestClient = await make_client(providers=available_providers(), cors_origins=(APP_ORIGIN,))
    origin = {"Origin": APP_ORIGIN}
    ok = await client.get(f"/api-interactions?watchlist_id={DOCS_WATCHLIST}", headers={**origin, "x-api-key": "YOUR_API_KEY"})
    unauthorised = await client.get(f"/api-interactions?watchlist_id={DOCS_WATCHLIST}", headers=origin)
    admin = await client.get("/__admin/health", headers=origin)
    nyne = await client.get("/person/interactions?request_id=nope", headers={
        **origin, "X-API-Key": "YOUR_API_KEY", "X-API-Secret": "YOUR_API_SECRET"})
    unknown = await client.get("/no/such/path", headers=origin)
    fault = await client.post("/__admin/faults", json={"kind": "status", "status": 503, "path": "/v1/engagement/stats",
                                                        "headers": {"Retry-After": "5"}})
    assert fault.status in (200, 201)
    faulted = await client.get("/v1/engagement/stats?account_id=acc_7Gx2kLm9Qr", headers=origin)
    head = await client.head(f"/api-interactions?watchlist_id={DOCS_WATCHLIST}", headers={**origin, "x-api-key": "YOUR_API_KEY"})
    statuses = [response.status for response in (ok, unauthorised, admin, nyne, unknown, faulted, head)]
    assert statuses == [200, 401, 200, 404, 404, 503, 200]
    for response in (ok, unauthorised, admin, nyne, unknown, faulted, head):
        assert response.headers["Access-Control-Allow-Origin"] == APP_ORIGIN, response.url
        assert response.headers["Access-Control-Allow-Credentials"] == "true"
        assert "Origin" in response.headers["Vary"]
    # Headers the app needs to read are exposed: rate limits, Retry-After.
    assert "Retry-After" in faulted.headers["Access-Control-Expose-Headers"]
    assert "X-RateLimit-Remaining" in nyne.headers.get("Access-Control-Expose-Headers", "")


async def test_another_origin_gets_no_cors_headers_and_its_preflight_is_refused(make_client) -> None:
    client: TestClient = await make_client(cors_origins=(APP_ORIGIN,))
    response = await preflight(client, "/api-interactions", "GET", origin=OTHER_ORIGIN)
    assert response.status == 405 and cors_headers(response) == {}
    response = await client.get(f"/api-interactions?watchlist_id={DOCS_WATCHLIST}",
                                headers={"Origin": OTHER_ORIGIN, "x-api-key": "YOUR_API_KEY"})
    assert response.status == 200 and cors_headers(response) == {}
    assert "Origin" in response.headers["Vary"]  # a cache must not hand this answer to the allowed origin
    response = await preflight(client, "/no/such/path", "GET")  # allowed origin, but nothing is served there
    assert response.status == 404


async def test_off_by_default(make_client) -> None:
    client: TestClient = await make_client()
    response = await preflight(client, "/api-interactions", "GET")
    assert response.status == 405 and cors_headers(response) == {}
    response = await client.get(f"/api-interactions?watchlist_id={DOCS_WATCHLIST}",
                                headers={"Origin": APP_ORIGIN, "x-api-key": "YOUR_API_KEY"})
    assert cors_headers(response) == {} and "Vary" not in response.headers


async def test_any_origin_is_the_plain_wildcard_without_credentials(make_client) -> None:
    client: TestClient = await make_client(cors_origins=("*",))
    response = await preflight(client, "/linkedin-agent/like-post", "POST", origin=OTHER_ORIGIN)
    assert response.status == 204 and response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


async def test_the_scenario_can_allow_origins_and_a_reset_to_another_scenario_follows_it(make_client) -> None:
    document = json.loads(default_scenario_path().read_text())
    document["cors"] = {"origins": ["http://LocalHost:3000"]}  # compared as browsers send it: lower case
    client: TestClient = await make_client()
    reset = await client.post("/__admin/reset", json={"scenario": document})
    assert reset.status == 200
    response = await preflight(client, "/api-interactions", "GET")
    assert response.status == 204 and response.headers["Access-Control-Allow-Origin"] == APP_ORIGIN
    document.pop("cors")
    assert (await client.post("/__admin/reset", json={"scenario": document})).status == 200
    assert (await preflight(client, "/api-interactions", "GET")).status == 405


async def test_the_flag_beats_the_scenario(make_client) -> None:
    document = json.loads(default_scenario_path().read_text())
    document["cors"] = {"origins": [OTHER_ORIGIN]}
    client: TestClient = await make_client(cors_origins=(APP_ORIGIN,))
    assert (await client.post("/__admin/reset", json={"scenario": document})).status == 200
    assert (await preflight(client, "/api-interactions", "GET", origin=OTHER_ORIGIN)).status == 405
    assert (await preflight(client, "/api-interactions", "GET")).status == 204


def test_origins_are_checked_when_given() -> None:
    assert parse_origins("http://localhost:3000, https://app.example.com ,null") == (
        "http://localhost:3000", "https://app.example.com", "null")
    assert parse_origins("*") == ("*",)
    for bad in ("", " , ", "localhost:3000", "http://localhost:3000/", "http://localhost:3000/app", "ftp://x"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_origins(bad)
