"""Unknown accounts, keys without the scope or unknown, and resumes of suspended or in-setup accounts."""

from __future__ import annotations

import uuid

from mockserver.contract.checks import REGISTRY
from mockserver.contract.checks.outfame.common import (
    BASE, account_id, auth_headers, expect_error, get, post, target_variable,
)
from mockserver.contract.context import CheckContext

check = REGISTRY.check


@check("outfame.errors.account_not_found", "an unknown account_id gets 404 account_not_found from /stats and "
       "/activity")
def account_not_found(ctx: CheckContext) -> None:
    unknown = f"acc_{uuid.uuid4().hex[:10]}"
    for endpoint in ("stats", "activity"):
        response = get(ctx, endpoint, {"account_id": unknown})
        expect_error(ctx, response, 404, "account_not_found", f"/{endpoint} for an unknown account")


@check("outfame.auth.missing_key", "a request without an Authorization bearer key gets 401")
def missing_key(ctx: CheckContext) -> None:
    response = get(ctx, "stats", {"account_id": account_id(ctx)}, headers={})
    ctx.expect_status(response, 401, "no Authorization header")
    ctx.expect_media_type(response, "application/json", "no Authorization header")


@check("outfame.auth.invalid_key", "a request with an unknown bearer key gets 401")
def invalid_key(ctx: CheckContext) -> None:
    headers = auth_headers(ctx, f"sk_live_invalid{uuid.uuid4().hex}")
    response = get(ctx, "stats", {"account_id": account_id(ctx)}, headers=headers)
    ctx.expect_status(response, 401, "an unknown key")
    ctx.expect_media_type(response, "application/json", "an unknown key")


@check("outfame.auth.scope", "a key without the required scope engagement:manage gets 403")
def missing_scope(ctx: CheckContext) -> None:
    headers = auth_headers(ctx, target_variable(ctx, "OUTFAME_UNSCOPED_API_KEY"))
    response = get(ctx, "stats", {"account_id": account_id(ctx)}, headers=headers)
    ctx.expect_status(response, 403, "a key without engagement:manage")
    ctx.expect_media_type(response, "application/json", "a key without engagement:manage")


@check("outfame.errors.account_suspended", "resuming a suspended account gets 400 account_suspended (if the "
       "target wrongly resumes it, the suspension cannot be restored by the API)", mutating=True)
def account_suspended(ctx: CheckContext) -> None:
    suspended = target_variable(ctx, "OUTFAME_SUSPENDED_ACCOUNT_ID")
    response = post(ctx, "resume", {"account_id": suspended})
    expect_error(ctx, response, 400, "account_suspended", "resuming a suspended account")


@check("outfame.errors.account_in_setup", "resuming an account still in setup gets 400 account_in_setup",
       mutating=True)
def account_in_setup(ctx: CheckContext) -> None:
    in_setup = target_variable(ctx, "OUTFAME_SETUP_ACCOUNT_ID")
    response = post(ctx, "resume", {"account_id": in_setup})
    expect_error(ctx, response, 400, "account_in_setup", "resuming an account in setup")


@check("outfame.errors.unknown_path", "under /v1/engagement every answer has Outfame's error shape: an unknown "
       "path gets 404, a wrong method on a documented path 405")
def unknown_path(ctx: CheckContext) -> None:
    response = ctx.client.request("GET", f"{BASE}/no-such-endpoint", headers=auth_headers(ctx))
    ctx.expect_json(response, 404, "outfame/error", "an unknown path under /v1/engagement")
    response = ctx.client.request("GET", f"{BASE}/pause", headers=auth_headers(ctx))
    ctx.expect_json(response, 405, "outfame/error", "GET on the POST-only /v1/engagement/pause")
