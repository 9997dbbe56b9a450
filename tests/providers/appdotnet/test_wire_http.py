"""App.net's wire format: envelope, pretty printing, JSONP, 405, byte-identical answers."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
from aiohttp.test_utils import TestClient

from tests.conftest import ClientFactory
from tests.providers.appdotnet.helpers import BEARER, PATH, TOKEN, scenario_file, small_user

PRETTY = {"X-ADN-Pretty-JSON": "1"}


async def test_minified_by_default_and_pretty_on_request(adn: TestClient) -> None:
    plain = await adn.get(PATH, params={"count": "2"}, headers=BEARER)
    raw = await plain.read()
    assert plain.content_type == "application/json" and plain.charset == "utf-8"
    assert b"\n" not in raw and raw == orjson.dumps(orjson.loads(raw))
    for value in ("1", "0", "yes", ""):  # any value, even empty, asks for it
        pretty = await adn.get(PATH, params={"count": "2"}, headers={**BEARER, "X-ADN-Pretty-JSON": value})
        text = await pretty.text()
        assert text.endswith("}\n") and text.count("\n") > 20
        assert json.loads(text) == json.loads(raw)


async def test_errors_are_pretty_too(adn: TestClient) -> None:
    response = await adn.get(PATH, headers=PRETTY)
    text = await response.text()
    assert response.status == 401 and text.endswith("}\n") and '\n  "meta": {' in text


async def test_jsonp_always_answers_200_with_the_real_code_inside(adn: TestClient) -> None:
    response = await adn.get(PATH, params={"callback": "awesome", "access_token": TOKEN})
    text = await response.text()
    assert response.status == 200 and response.content_type == "application/javascript"
    assert text.startswith("awesome(") and text.endswith(")")
    body = json.loads(text[len("awesome("):-1])
    # App.net never authenticates JSONP requests, so the token is not used.
    assert body["meta"]["code"] == 401 and "data" not in body and "JSONP" in body["meta"]["error_message"]


async def test_jsonp_with_pretty_output_and_dotted_names(adn: TestClient) -> None:
    response = await adn.get(PATH, params={"callback": "App.handlers.adn_1"}, headers=PRETTY)
    text = await response.text()
    assert text.startswith("App.handlers.adn_1({\n") and text.endswith("})\n")


async def test_an_unsafe_callback_is_refused_without_echoing_it(adn: TestClient) -> None:
    response = await adn.get(PATH, params={"callback": "x);alert(1"}, headers=BEARER)
    assert response.status == 400 and response.content_type == "application/json"
    body = await response.json()
    assert body["meta"]["code"] == 400 and "alert" not in body["meta"]["error_message"]


async def test_jsonp_can_be_allowed_to_authenticate(make_client: ClientFactory, tmp_path: Path) -> None:
    section = {"jsonp_authentication": True, "users": [small_user(10)]}
    client = await make_client(providers=("appdotnet",), scenario_path=scenario_file(tmp_path, section))
    response = await client.get(PATH, params={"callback": "cb", "access_token": "TINY_TOKEN", "count": "2"})
    text = await response.text()
    body = json.loads(text[3:-1])
    assert response.status == 200 and body["meta"] == {"code": 200, "max_id": "10", "min_id": "9", "more": True}
    wrong = await client.get(PATH, params={"callback": "cb", "access_token": "nope"})
    assert wrong.status == 200 and json.loads((await wrong.text())[3:-1])["meta"]["error_slug"] == "invalid-token"


async def test_other_methods_get_405_with_allow(adn: TestClient) -> None:
    # Answered by the server's shared 405 handler (see docs/fidelity-appdotnet.md).
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        response = await adn.request(method, PATH, headers=BEARER)
        assert response.status == 405 and "GET" in response.headers["Allow"]


async def test_same_seed_and_frozen_clock_give_identical_bytes(make_client: ClientFactory) -> None:
    params = {"count": "50", "before_id": "300", "include_annotations": "1", "include_starred_by": "1"}
    bodies = []
    for seed in (3, 3, 4):
        client = await make_client(seed=seed, providers=("appdotnet",))
        response = await client.get(PATH, params=params, headers=BEARER)
        bodies.append(await response.read())
    assert bodies[0] == bodies[1] and bodies[0] != bodies[2]
