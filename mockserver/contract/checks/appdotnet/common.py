"""What the App.net checks share: requests with a user token, the envelope, pagination ids."""

from __future__ import annotations

from typing import Any

from mockserver.contract.client import Response
from mockserver.contract.context import CheckContext
from mockserver.contract.model import CheckSkipped


PATH = "/stream/0/users/me/interactions"
ACTIONS = ("follow", "reply", "repost", "star", "welcome", "broadcast_create", "broadcast_subscribe",
           "broadcast_unsubscribe")
OBJECT_SCHEMA = {"follow": "appdotnet/user", "star": "appdotnet/post", "repost": "appdotnet/post",
                 "reply": "appdotnet/post", "broadcast_create": "appdotnet/channel",
                 "broadcast_subscribe": "appdotnet/channel", "broadcast_unsubscribe": "appdotnet/channel"}
MAX_COUNT = 200


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def user_headers(ctx: CheckContext) -> dict[str, str]:
    return bearer(ctx.require("ADN_ACCESS_TOKEN")[0])


def get(ctx: CheckContext, *, headers: dict[str, str] | None = None, path: str = PATH, **params: Any) -> Response:
    query = {name: str(value) for name, value in params.items() if value is not None}
    return ctx.client.request("GET", path, params=query or None,
                              headers=user_headers(ctx) if headers is None else headers)


def stream_page(ctx: CheckContext, what: str, **params: Any) -> dict[str, Any]:
    """A successful page of the stream, checked against the documented envelope."""
    response = get(ctx, **params)
    body = ctx.expect_json(response, 200, "appdotnet/interactions-response", what)
    ctx.expect(body["meta"]["code"] == 200, f"{what}: meta.code is {body['meta']['code']}, not the HTTP status 200")
    return body


def expect_error(ctx: CheckContext, response: Response, status: int, what: str, slug: str | None = None) -> dict[str, Any]:
    """An error in App.net's envelope: meta only (code = HTTP status, error_message), no data key."""
    ctx.expect_status(response, status, what)
    ctx.expect_media_type(response, "application/json", what)
    body = ctx.json_of(response, what)
    ctx.expect(isinstance(body, dict) and "data" not in body, f"{what}: an error answer carries a data key")
    meta = body.get("meta")
    code = meta.get("code") if isinstance(meta, dict) else None
    ctx.expect(code == status, f"{what}: meta.code is {code!r}, not the HTTP status {status}")
    ctx.expect_schema("appdotnet/error", body, what)
    if slug is not None:
        found = body["meta"].get("error_slug")
        ctx.expect(found == slug, f"{what}: expected error_slug {slug!r}, got {found!r}")
    return body


def pagination_ids(body: dict[str, Any]) -> list[str]:
    return [item["pagination_id"] for item in body["data"]]


def newest_ids(ctx: CheckContext, size: int) -> list[str]:
    """The pagination ids of the newest `size` interactions: the fixed ground that range checks walk on."""
    ids = pagination_ids(stream_page(ctx, f"the newest {size}", count=size))
    if len(ids) < size:
        raise CheckSkipped(f"the stream has {len(ids)} interactions; this check needs {size}")
    return ids


def expect_ids(ctx: CheckContext, body: dict[str, Any], expected: list[str], what: str) -> None:
    got = pagination_ids(body)
    ctx.expect(got == expected, f"{what}: expected pagination ids {expected}, got {got}")


def scenario_token(ctx: CheckContext, variable: str, status: str | None) -> str:
    """A token from the environment; against this mock, one its scenario marks `status` (None: an app token)."""
    ctx.require("ADN_ACCESS_TOKEN")  # without it the target is not an App.net one
    token = ctx.optional(variable)
    if token is not None:
        return token
    if ctx.admin is None:
        return ctx.require(variable)[0]
    section = ctx.admin.scenario.get("appdotnet", {})
    if status is None:
        tokens = list(section.get("app_tokens", []))
    else:
        tokens = [entry["token"] for user in section.get("users", []) for entry in user.get("tokens", [])
                  if entry.get("status") == status]
    if not tokens:
        raise CheckSkipped(f"the mock's scenario has no {status or 'app'} token")
    return tokens[0]
