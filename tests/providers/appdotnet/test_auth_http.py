"""Tokens, error envelopes and who may read which stream, through HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.providers.appdotnet.helpers import (
    APP_TOKEN, BEARER, DOCS_TOKEN, ME_ID, OTHER_ID, OTHER_TOKEN, PATH, TOKEN, get,
)


def assert_error(body: dict[str, Any], code: int, slug: str | None) -> None:
    assert "data" not in body
    meta = body["meta"]
    assert meta["code"] == code and meta["error_message"] and meta["error_id"]
    assert meta.get("error_slug") == slug


async def test_the_docs_request_works_verbatim(adn: TestClient) -> None:
    body = await get(adn, headers={"Authorization": f"Bearer {DOCS_TOKEN}"})
    assert len(body["data"]) == 20
    assert body["meta"]["more"] is True


@pytest.mark.parametrize("headers, params", [
    ({"Authorization": f"Bearer {TOKEN}"}, {}),
    ({"Authorization": f"bearer {TOKEN}"}, {}),
    ({"Authorization": f"BEARER   {TOKEN}  "}, {}),
    ({}, {"access_token": TOKEN}),
    ({}, {"access_token": DOCS_TOKEN}),
    ({"Authorization": f"Bearer {TOKEN}"}, {"access_token": "ignored-when-the-header-is-there"}),
])
async def test_header_and_query_tokens_are_equivalent(adn: TestClient, headers: dict[str, str],
                                                      params: dict[str, str]) -> None:
    reference = await get(adn)
    assert await get(adn, params, headers) == reference


async def test_401_without_a_token_has_no_slug(adn: TestClient) -> None:
    for headers, params in [({}, {}), ({}, {"access_token": ""}), ({"Authorization": ""}, {"access_token": " "})]:
        assert_error(await get(adn, params, headers, 401), 401, None)


@pytest.mark.parametrize("headers, params", [
    ({"Authorization": "Bearer WRONG"}, {}),
    ({"Authorization": "Bearer your_access_token"}, {}),
    ({}, {"access_token": "WRONG"}),
    ({"Authorization": f"Basic {TOKEN}"}, {}),
    ({"Authorization": "Bearer"}, {}),
    ({"Authorization": "Bearer "}, {"access_token": TOKEN}),
])
async def test_401_invalid_token(adn: TestClient, headers: dict[str, str], params: dict[str, str]) -> None:
    assert_error(await get(adn, params, headers, 401), 401, "invalid-token")


async def test_401_revoked_and_expired_tokens(adn: TestClient) -> None:
    revoked = await get(adn, headers={"Authorization": "Bearer REVOKED_ACCESS_TOKEN"}, status=401)
    assert_error(revoked, 401, "not-authorized")
    expired = await get(adn, {"access_token": "EXPIRED_ACCESS_TOKEN"}, {}, 401)
    assert_error(expired, 401, "token-expired")


async def test_403_for_an_app_token(adn: TestClient) -> None:
    assert_error(await get(adn, headers={"Authorization": f"Bearer {APP_TOKEN}"}, status=403), 403, None)


async def test_error_ids_differ_per_error(adn: TestClient) -> None:
    first = await get(adn, headers={}, status=401)
    second = await get(adn, headers={}, status=401)
    assert first["meta"]["error_id"] != second["meta"]["error_id"]
    assert {**first["meta"], "error_id": ""} == {**second["meta"], "error_id": ""}


@pytest.mark.parametrize("target", ["2", "@berg", "99999", "@nobody", "somebody", "0"])
async def test_another_users_interactions_are_403(adn: TestClient, target: str) -> None:
    body = await get(adn, path=f"/stream/0/users/{target}/interactions", status=403)
    assert_error(body, 403, None)
    assert "users/me" in body["meta"]["error_message"]


async def test_own_id_and_username_are_the_current_user(adn: TestClient) -> None:
    me = await get(adn)
    assert await get(adn, path=f"/stream/0/users/{ME_ID}/interactions") == me
    assert await get(adn, path="/stream/0/users/@adnapi/interactions") == me


async def test_auth_comes_before_the_user_check_and_the_parameters(adn: TestClient) -> None:
    body = await get(adn, {"count": "nope"}, {}, 401, path="/stream/0/users/2/interactions")
    assert_error(body, 401, None)


async def test_each_token_sees_only_its_own_users_stream(adn: TestClient) -> None:
    mine = await get(adn, {"count": "200"})
    theirs = await get(adn, {"count": "200"}, {"Authorization": f"Bearer {OTHER_TOKEN}"})
    assert len(theirs["data"]) == 150 and theirs["meta"]["more"] is False
    assert mine["meta"]["more"] is True

    def owners(body: dict[str, Any]) -> set[str]:
        found = set()
        for item in body["data"]:
            for obj in item["objects"]:
                if item["action"] == "follow":
                    found.add(obj["id"])
                elif "user" in obj:
                    found.add(obj["user"]["id"])
        return found
    assert owners(mine) == {ME_ID}
    assert owners(theirs) == {OTHER_ID}
    post_ids = lambda body: {o["id"] for i in body["data"] for o in i["objects"] if i["action"] in ("star", "repost", "reply")}
    assert post_ids(mine).isdisjoint(post_ids(theirs))


async def test_scopes_header(adn: TestClient) -> None:
    response = await adn.get(PATH, headers=BEARER)
    assert response.headers["X-OAuth-Scopes"] == "basic,stream,write_post,follow,messages"
    response = await adn.get(PATH, headers={"Authorization": f"Bearer {OTHER_TOKEN}"})
    assert response.headers["X-OAuth-Scopes"] == "basic,stream"
    response = await adn.get(PATH)
    assert "X-OAuth-Scopes" not in response.headers
