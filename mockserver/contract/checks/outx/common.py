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


def from_scenario(ctx: CheckContext, variable: str) -> str:
    """A target variable; against this mock, found in its scenario when the environment does not set it."""
    value = ctx.optional(variable)
    if value is None and ctx.admin is not None:
        teams = (ctx.admin.scenario.get("outx") or {}).get("teams", [])
        value = next((found for team in teams for found in _team_values(team, variable, ctx)), None)
    return value if value is not None else ctx.require(variable)[0]


def _team_values(team: dict[str, Any], variable: str, ctx: CheckContext) -> list[str]:
    members = team.get("members", [])
    if variable == "OUTX_FAILING_WATCHLIST_ID" and ctx.optional("OUTX_API_KEY") in team.get("api_keys", []):
        return [w["id"] for w in team.get("watchlists", []) if w.get("simulate_failure")]
    if variable == "OUTX_NO_EXTENSION_API_KEY" and not any(m.get("extension_active", True) for m in members):
        return list(team.get("api_keys", []))
    if variable == "OUTX_NO_ADMIN_API_KEY" and members and not any(m.get("role") == "admin" for m in members) \
            and any(m.get("extension_active", True) for m in members):
        return list(team.get("api_keys", []))
    return []
