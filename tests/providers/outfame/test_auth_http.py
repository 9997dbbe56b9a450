"""Bearer keys and the engagement:manage scope, on every endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.providers.outfame.conftest import (
    DOCS_ACCOUNT, KEY, NO_SCOPE_KEY, OTHER_KEY, OTHER_WORKSPACE_ACCOUNT, call, error_code,
)

ENDPOINTS = [("GET", "activity"), ("GET", "stats"), ("POST", "pause"), ("POST", "resume")]


async def hit(client: TestClient, method: str, path: str, status: int, headers: dict[str, str],
              account_id: str = DOCS_ACCOUNT) -> Any:
    if method == "GET":
        return await call(client, method, path, status, params={"account_id": account_id}, headers=headers)
    return await call(client, method, path, status, json={"account_id": account_id}, headers=headers)


@pytest.mark.parametrize("method, path", ENDPOINTS)
@pytest.mark.parametrize("headers, code", [
    ({}, "missing_api_key"),
    ({"Authorization": ""}, "missing_api_key"),
    ({"Authorization": KEY}, "missing_api_key"),  # no scheme
    ({"Authorization": f"Basic {KEY}"}, "missing_api_key"),
    ({"Authorization": "Bearer "}, "missing_api_key"),
    ({"Authorization": "Bearer sk_live_wrong"}, "invalid_api_key"),
    ({"Authorization": "Bearer SK_LIVE_YOUR_API_KEY"}, "invalid_api_key"),
    ({"X-Api-Key": KEY}, "missing_api_key"),
])
async def test_401_without_a_valid_bearer_key(outfame: TestClient, method: str, path: str,
                                              headers: dict[str, str], code: str) -> None:
    response = await outfame.request(method, f"/v1/engagement/{path}", params={"account_id": DOCS_ACCOUNT},
                                     headers=headers)
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert error_code(await response.json()) == code


@pytest.mark.parametrize("method, path", ENDPOINTS)
async def test_403_without_the_engagement_scope(outfame: TestClient, method: str, path: str) -> None:
    body = await hit(outfame, method, path, 403, {"Authorization": f"Bearer {NO_SCOPE_KEY}"})
    assert error_code(body) == "insufficient_scope" and "engagement:manage" in body["error"]["message"]


@pytest.mark.parametrize("method, path", ENDPOINTS)
async def test_another_workspaces_account_looks_absent(outfame: TestClient, method: str, path: str) -> None:
    body = await hit(outfame, method, path, 404, {"Authorization": f"Bearer {OTHER_KEY}"})
    assert error_code(body) == "account_not_found"
    # Its own key reaches it (resuming an active account is refused for that reason, not for access).
    status = 400 if path == "resume" else 200
    await hit(outfame, method, path, status, {"Authorization": f"Bearer {OTHER_KEY}"}, OTHER_WORKSPACE_ACCOUNT)


async def test_scheme_is_case_insensitive_and_auth_comes_before_parameters(outfame: TestClient) -> None:
    await call(outfame, "GET", "stats", params={"account_id": DOCS_ACCOUNT}, headers={"Authorization": f"bearer {KEY}"})
    body = await call(outfame, "GET", "activity", 401, params={}, headers={})
    assert error_code(body) == "missing_api_key"


async def test_errors_never_echo_the_key(outfame: TestClient) -> None:
    response = await outfame.get("/v1/engagement/stats", params={"account_id": DOCS_ACCOUNT},
                                 headers={"Authorization": "Bearer sk_live_secret_guess"})
    assert "sk_live_secret_guess" not in await response.text()
