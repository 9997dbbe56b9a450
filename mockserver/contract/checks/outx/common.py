"""What the OutX checks share: the API key header, a checked interactions page, error bodies."""

from __future__ import annotations

from typing import Any

from mockserver.contract.context import CheckContext


def api_key_header(ctx: CheckContext) -> dict[str, str]:
    return {"x-api-key": ctx.require("OUTX_API_KEY")[0]}


def interactions_page(ctx: CheckContext, what: str, **params: Any) -> dict[str, Any]:
    (watchlist,) = ctx.require("OUTX_WATCHLIST_ID")
    response = ctx.client.request("GET", "/api-interactions", params={"watchlist_id": watchlist, **params},
                                  headers=api_key_header(ctx))
    body = ctx.expect_json(response, 200, "outx/interactions-response", what)
    return body


def expect_error(ctx: CheckContext, response: Any, status: int, message: str, what: str) -> None:
    body = ctx.expect_json(response, status, "outx/error", what)
    ctx.expect(body.get("error") == message, f"{what}: expected message {message!r}, got {body.get('error')!r}")
