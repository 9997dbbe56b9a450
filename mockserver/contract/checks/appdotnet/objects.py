"""Interactions and their objects and users, and the current-user-only scope."""

from __future__ import annotations

from typing import Any, Iterable

from mockserver.contract.checks import REGISTRY
from mockserver.contract.checks.appdotnet.common import (
    ACTIONS, MAX_COUNT, OBJECT_SCHEMA, expect_error, get, stream_page,
)
from mockserver.contract.context import CheckContext
from mockserver.contract.model import CheckSkipped

check = REGISTRY.check


def _loose_page(ctx: CheckContext, what: str, **params: Any) -> list[dict[str, Any]]:
    """A page checked only as far as the envelope: the caller judges each interaction itself."""
    response = get(ctx, **params)
    body = ctx.expect_json(response, 200, "appdotnet/envelope", what)
    ctx.expect(isinstance(body["data"], list), f"{what}: data is not a list")
    return body["data"]


def _objects_of(ctx: CheckContext, items: Iterable[dict[str, Any]]) -> set[str]:
    """Checks each interaction's objects by action; returns the ids of the users followed."""
    followed: set[str] = set()
    for item in items:
        ctx.expect(isinstance(item, dict), f"an interaction is not an object: {str(item)[:80]}")
        action, objects = item.get("action"), item.get("objects")
        where = f"{action} {item.get('pagination_id')}"
        ctx.expect(action in ACTIONS, f"{where}: action {action!r} is not a documented action")
        ctx.expect(isinstance(objects, list), f"{where}: objects is not a list")
        if action == "welcome":
            ctx.expect(objects == [], f"{where}: a welcome has {len(objects)} objects, expected none")
            continue
        ctx.expect(bool(objects), f"{where}: no objects")
        kind = OBJECT_SCHEMA[action].split("/")[1].capitalize()
        for obj in objects:
            ctx.expect_schema(OBJECT_SCHEMA[action], obj, f"{where}: an object that should be a {kind}")
        if action == "follow":
            followed |= {obj["id"] for obj in objects}
    return followed


@check("appdotnet.objects.by_action", "objects are Users for follow (the current user), Posts for star, repost "
       "and reply, Channels for broadcast_*, and empty for welcome")
def objects_by_action(ctx: CheckContext) -> None:
    items = _loose_page(ctx, "a page of 200", count=MAX_COUNT)
    items += _loose_page(ctx, "interaction_actions=welcome", interaction_actions="welcome")
    followed = _objects_of(ctx, items)
    ctx.expect(len(followed) <= 1, f"follow objects name {len(followed)} users {sorted(followed)[:3]}; the "
                                   "stream is of interactions with the current user")


@check("appdotnet.objects.users", "users lists the distinct Users who took the action (several users of one "
       "coalesced interaction appear once each); only a welcome may list none")
def objects_users(ctx: CheckContext) -> None:
    for item in stream_page(ctx, "a page of 200", count=MAX_COUNT)["data"]:
        where = f"{item['action']} {item['pagination_id']}"
        ids = [user["id"] for user in item["users"]]
        ctx.expect(bool(ids) or item["action"] == "welcome", f"{where}: users is empty")
        ctx.expect(len(ids) == len(set(ids)), f"{where}: users lists a user twice: {ids}")
        for user in item["users"]:
            ctx.expect_schema("appdotnet/user", user, f"{where}: a user")


@check("appdotnet.scope.current_user_only", "interactions can only be listed for the current user: another "
       "user's interactions answer a 4xx error envelope, never data")
def current_user_only(ctx: CheckContext) -> None:
    items = stream_page(ctx, "a page to find another user in", count=MAX_COUNT)["data"]
    followed = {obj["id"] for item in items if item["action"] == "follow" for obj in item["objects"]}
    others = [user["id"] for item in items if item["action"] != "welcome" for user in item["users"]
              if user["id"] not in followed]
    if not others:
        raise CheckSkipped("no other user acts in the newest 200 interactions")
    response = get(ctx, path=f"/stream/0/users/{others[0]}/interactions")
    ctx.expect(400 <= response.status < 500, f"users/{others[0]}/interactions answered HTTP {response.status}; "
                                             "only the current user's list may be read")
    expect_error(ctx, response, response.status, f"users/{others[0]}/interactions")
