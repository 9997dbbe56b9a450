"""Credentials: missing, key without secret, unknown key or wrong secret."""

from __future__ import annotations

import secrets

from mockserver.contract.checks import REGISTRY
from mockserver.contract.checks.nyne.common import auth_headers, expect_error, poll_job, unknown_request_id
from mockserver.contract.context import CheckContext

check = REGISTRY.check


@check("nyne.auth.missing", "a request without X-API-Key and X-API-Secret is refused with 401")
def auth_missing(ctx: CheckContext) -> None:
    auth_headers(ctx)  # only to skip a target not configured for Nyne
    expect_error(ctx, poll_job(ctx, unknown_request_id(ctx), headers={}), 401, "no credentials")


@check("nyne.auth.secret_required", "the API key alone, without X-API-Secret, is refused with 401")
def auth_secret_required(ctx: CheckContext) -> None:
    key = auth_headers(ctx)["X-API-Key"]
    expect_error(ctx, poll_job(ctx, unknown_request_id(ctx), headers={"X-API-Key": key}), 401, "no X-API-Secret")


@check("nyne.auth.invalid", "an unknown key, or the right key with a wrong secret, is refused with 401")
def auth_invalid(ctx: CheckContext) -> None:
    key = auth_headers(ctx)["X-API-Key"]
    wrong = f"invalid-{secrets.token_hex(8)}"
    for label, headers in (("an unknown key", {"X-API-Key": wrong, "X-API-Secret": wrong}),
                           ("a wrong secret", {"X-API-Key": key, "X-API-Secret": wrong})):
        expect_error(ctx, poll_job(ctx, unknown_request_id(ctx), headers=headers), 401, label)
