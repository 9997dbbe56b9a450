"""Tokens: missing, unknown, revoked, expired, an app token, the query parameter, X-OAuth-Scopes."""

from __future__ import annotations

import uuid

from mockserver.contract.checks import REGISTRY
from mockserver.contract.checks.appdotnet.common import (
    bearer, expect_error, expect_ids, get, newest_ids, scenario_token,
)
from mockserver.contract.context import CheckContext

check = REGISTRY.check


@check("appdotnet.auth.missing_token", "a request without a token gets 401 in the error envelope (this "
       "endpoint needs a user token)")
def missing_token(ctx: CheckContext) -> None:
    ctx.require("ADN_ACCESS_TOKEN")  # the target serves App.net only when it is configured for it
    expect_error(ctx, get(ctx, headers={}), 401, "no token")


@check("appdotnet.auth.invalid_token", "an unknown token gets 401 with error_slug invalid-token")
def invalid_token(ctx: CheckContext) -> None:
    ctx.require("ADN_ACCESS_TOKEN")
    expect_error(ctx, get(ctx, headers=bearer(f"invalid-{uuid.uuid4().hex}")), 401, "an unknown token", "invalid-token")


@check("appdotnet.auth.revoked_token", "a token the user revoked gets 401 with error_slug not-authorized")
def revoked_token(ctx: CheckContext) -> None:
    token = scenario_token(ctx, "ADN_REVOKED_TOKEN", "revoked")
    expect_error(ctx, get(ctx, headers=bearer(token)), 401, "a revoked token", "not-authorized")


@check("appdotnet.auth.expired_token", "an expired token gets 401 with error_slug token-expired")
def expired_token(ctx: CheckContext) -> None:
    token = scenario_token(ctx, "ADN_EXPIRED_TOKEN", "expired")
    expect_error(ctx, get(ctx, headers=bearer(token)), 401, "an expired token", "token-expired")


@check("appdotnet.auth.app_token", "the endpoint needs a user token: an app token gets 403 (wrong token type)")
def app_token(ctx: CheckContext) -> None:
    token = scenario_token(ctx, "ADN_APP_TOKEN", None)
    expect_error(ctx, get(ctx, headers=bearer(token)), 403, "an app token")


@check("appdotnet.auth.query_parameter", "the token may be sent as the access_token query parameter instead of "
       "the Authorization header, with the same answer")
def query_parameter(ctx: CheckContext) -> None:
    (token,) = ctx.require("ADN_ACCESS_TOKEN")
    stream = newest_ids(ctx, 6)
    response = get(ctx, headers={}, access_token=token, before_id=stream[0], count=5)
    body = ctx.expect_json(response, 200, "appdotnet/interactions-response", "access_token as a query parameter")
    expect_ids(ctx, body, stream[1:6], "access_token as a query parameter")


@check("appdotnet.auth.scopes_header", "an answer to a user token carries X-OAuth-Scopes, a comma-separated "
       "list of the token's scopes that always includes basic")
def scopes_header(ctx: CheckContext) -> None:
    response = get(ctx, count=1)
    ctx.expect_status(response, 200, "a request with a user token")
    header = next((value for name, value in response.headers.items() if name.lower() == "x-oauth-scopes"), None)
    ctx.expect(header is not None, "the answer has no X-OAuth-Scopes header")
    scopes = [scope.strip() for scope in header.split(",")]
    ctx.expect("basic" in scopes, f"X-OAuth-Scopes {header!r} lacks basic, which every user token has")
