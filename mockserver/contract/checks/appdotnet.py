"""App.net contract checks: the current user's interactions stream, its envelope, paging and tokens."""

from __future__ import annotations

import json
import uuid
from typing import Any, Iterable

from mockserver.contract.checks import REGISTRY
from mockserver.contract.client import Response
from mockserver.contract.context import CheckContext
from mockserver.contract.model import CheckFailed, CheckSkipped

check = REGISTRY.check

# Environment variables that describe a real target (values never come from files in the repo).
VARIABLES = {
    "ADN_ACCESS_TOKEN": "a user token whose interactions stream has at least 20 interactions",
    "ADN_REVOKED_TOKEN": "optional: a user token the user revoked (for the not-authorized check)",
    "ADN_EXPIRED_TOKEN": "optional: a user token past its lifetime (for the token-expired check)",
    "ADN_APP_TOKEN": "optional: an app token (this endpoint needs a user token)",
}
SECRETS = ("ADN_ACCESS_TOKEN", "ADN_REVOKED_TOKEN", "ADN_EXPIRED_TOKEN", "ADN_APP_TOKEN")

PATH = "/stream/0/users/me/interactions"
ACTIONS = ("follow", "reply", "repost", "star", "welcome", "broadcast_create", "broadcast_subscribe",
           "broadcast_unsubscribe")
OBJECT_SCHEMA = {"follow": "appdotnet/user", "star": "appdotnet/post", "repost": "appdotnet/post",
                 "reply": "appdotnet/post", "broadcast_create": "appdotnet/channel",
                 "broadcast_subscribe": "appdotnet/channel", "broadcast_unsubscribe": "appdotnet/channel"}
MAX_COUNT = 200


def from_mock(credentials: dict[str, Any]) -> dict[str, str]:
    """Target variables for this project's own mock, from its admin API."""
    token = credentials.get("access_token")
    return {"ADN_ACCESS_TOKEN": token} if token else {}


# -- requests ------------------------------------------------------------------


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _user_headers(ctx: CheckContext) -> dict[str, str]:
    return _bearer(ctx.require("ADN_ACCESS_TOKEN")[0])


def _get(ctx: CheckContext, *, headers: dict[str, str] | None = None, path: str = PATH, **params: Any) -> Response:
    query = {name: str(value) for name, value in params.items() if value is not None}
    return ctx.client.request("GET", path, params=query or None,
                              headers=_user_headers(ctx) if headers is None else headers)


def _stream(ctx: CheckContext, what: str, **params: Any) -> dict[str, Any]:
    """A successful page of the stream, checked against the documented envelope."""
    response = _get(ctx, **params)
    body = ctx.expect_json(response, 200, "appdotnet/interactions-response", what)
    ctx.expect(body["meta"]["code"] == 200, f"{what}: meta.code is {body['meta']['code']}, not the HTTP status 200")
    return body


def _error(ctx: CheckContext, response: Response, status: int, what: str, slug: str | None = None) -> dict[str, Any]:
    """An error in App.net's envelope: meta only (code = HTTP status, error_message), no data key."""
    ctx.expect_status(response, status, what)
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


def _ids(body: dict[str, Any]) -> list[str]:
    return [item["pagination_id"] for item in body["data"]]


def _listing(ctx: CheckContext, size: int) -> list[str]:
    """The pagination ids of the newest `size` interactions: the fixed ground that range checks walk on."""
    ids = _ids(_stream(ctx, f"the newest {size}", count=size))
    if len(ids) < size:
        raise CheckSkipped(f"the stream has {len(ids)} interactions; this check needs {size}")
    return ids


def _expect_ids(ctx: CheckContext, body: dict[str, Any], expected: list[str], what: str) -> None:
    got = _ids(body)
    ctx.expect(got == expected, f"{what}: expected pagination ids {expected}, got {got}")


def _scenario_token(ctx: CheckContext, variable: str, status: str | None) -> str:
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


# -- the envelope ----------------------------------------------------------------


@check("appdotnet.envelope.success", "a successful answer is {data, meta}: data a list of Interactions with "
       "their documented fields and types, meta with code (= the HTTP status), min_id/max_id as strings and "
       "the boolean more")
def envelope_success(ctx: CheckContext) -> None:
    body = _stream(ctx, "the first page")
    ctx.expect(bool(body["data"]), "the first page is empty: the check needs a stream with interactions")


@check("appdotnet.errors.malformed_count", "a malformed request (count that is not an integer) gets 400 in the "
       "error envelope: meta {code: 400, error_message}, no data")
def malformed_count(ctx: CheckContext) -> None:
    _error(ctx, _get(ctx, count="twenty"), 400, "count=twenty")


# -- paging --------------------------------------------------------------------


@check("appdotnet.pagination.newest_first", "items come newest first: down the page pagination_id falls and "
       "event_date never rises, and meta.max_id / meta.min_id are the first and last item's pagination_id")
def newest_first(ctx: CheckContext) -> None:
    body = _stream(ctx, "a page of 50", count=50)
    data = body["data"]
    if not data:
        raise CheckSkipped("the stream is empty")
    for newer, older in zip(data, data[1:]):
        ctx.expect(int(newer["pagination_id"]) > int(older["pagination_id"]),
                   f"not newest first: pagination_id {newer['pagination_id']} comes before {older['pagination_id']}")
        ctx.expect(newer["event_date"] >= older["event_date"],
                   f"not newest first: event_date {newer['event_date']} (pagination_id {newer['pagination_id']}) "
                   f"comes before {older['event_date']}")
    meta = body["meta"]
    ctx.expect(meta.get("max_id") == data[0]["pagination_id"] and meta.get("min_id") == data[-1]["pagination_id"],
               f"meta max_id {meta.get('max_id')!r} / min_id {meta.get('min_id')!r} are not the first and last "
               f"pagination ids {data[0]['pagination_id']!r} / {data[-1]['pagination_id']!r}")


@check("appdotnet.pagination.default_count", "count defaults to 20: without it a page holds 20 items when more "
       "matched, and no more than 20 otherwise")
def default_count(ctx: CheckContext) -> None:
    body = _stream(ctx, "a request without count")
    size, more = len(body["data"]), body["meta"]["more"]
    ctx.expect(size == 20 if more else size <= 20,
               f"without count the page holds {size} items (more={more}); the default count is 20")


@check("appdotnet.pagination.count_max", "count cannot be more than 200: count=200 returns at most 200 items "
       "(exactly 200 when more matched), and a larger count never returns more than 200")
def count_max(ctx: CheckContext) -> None:
    body = _stream(ctx, "count=200", count=MAX_COUNT)
    size = len(body["data"])
    ctx.expect(size == MAX_COUNT if body["meta"]["more"] else size <= MAX_COUNT,
               f"count=200 returned {size} items (more={body['meta']['more']})")
    response = _get(ctx, count=MAX_COUNT + 50)
    if response.status == 400:  # refusing the count is as good as capping it
        _error(ctx, response, 400, "count=250")
        return
    ctx.expect_status(response, 200, "count=250")
    over = len(ctx.json_of(response, "count=250")["data"])
    ctx.expect(over <= MAX_COUNT, f"count=250 returned {over} items, more than the maximum of 200")


@check("appdotnet.pagination.before_id", "before_id is an exclusive bound: it returns the newest items older "
       "than it, and passing each page's min_id as before_id walks the stream without gaps or overlaps")
def before_id(ctx: CheckContext) -> None:
    newest = _listing(ctx, 15)
    first = _stream(ctx, "before_id = the newest id", before_id=newest[0], count=7)
    ctx.expect(newest[0] not in _ids(first), f"before_id={newest[0]} returned that very item: the bound is "
                                             "exclusive")
    _expect_ids(ctx, first, newest[1:8], f"before_id={newest[0]}&count=7")
    second = _stream(ctx, "before_id = the previous page's min_id", before_id=first["meta"]["min_id"], count=7)
    _expect_ids(ctx, second, newest[8:15], f"before_id={first['meta']['min_id']} (the previous min_id)")


@check("appdotnet.pagination.since_id", "since_id is an exclusive bound: it returns only items newer than it, "
       "newest first, up to the newest")
def since_id(ctx: CheckContext) -> None:
    newest = _listing(ctx, 8)
    body = _stream(ctx, f"since_id={newest[5]}", since_id=newest[5], count=MAX_COUNT)
    got = _ids(body)
    ctx.expect(newest[5] not in got, f"since_id={newest[5]} returned that very item: the bound is exclusive")
    older = [pid for pid in got if int(pid) <= int(newest[5])]
    ctx.expect(not older, f"since_id={newest[5]} returned items that are not newer: {older[:3]}")
    # New interactions may have arrived since the listing, so they may come first; the tail is fixed.
    ctx.expect(got[-5:] == newest[:5], f"since_id={newest[5]}: expected the five newer items {newest[:5]} at "
                                       f"the end, got {got[-5:]}")


@check("appdotnet.pagination.worked_example", "the documented example: in a stream 10..1, before_id=9&since_id=2"
       "&count=2 returns 8, 7")
def worked_example(ctx: CheckContext) -> None:
    stream = _listing(ctx, 10)  # stream[0] plays 10, stream[9] plays 1
    body = _stream(ctx, "before_id=9&since_id=2&count=2", before_id=stream[1], since_id=stream[8], count=2)
    _expect_ids(ctx, body, [stream[2], stream[3]], "before_id=9&since_id=2&count=2 (expected 8, 7)")


@check("appdotnet.pagination.negative_count", "a negative count returns the items just after since_id, still "
       "newest first: in a stream 10..1, before_id=9&since_id=2&count=-2 returns 4, 3")
def negative_count(ctx: CheckContext) -> None:
    stream = _listing(ctx, 10)
    body = _stream(ctx, "before_id=9&since_id=2&count=-2", before_id=stream[1], since_id=stream[8], count=-2)
    got = _ids(body)
    ctx.expect(got != [stream[7], stream[6]], f"count=-2 returned {got}: oldest first, but items are always "
                                              "newest first")
    _expect_ids(ctx, body, [stream[6], stream[7]], "before_id=9&since_id=2&count=-2 (expected 4, 3)")
    alone = _stream(ctx, "since_id=1&count=-3", since_id=stream[9], count=-3)
    _expect_ids(ctx, alone, [stream[6], stream[7], stream[8]], "since_id=1&count=-3 (expected 4, 3, 2)")


@check("appdotnet.pagination.more", "meta.more is true when more items matched than fit in count, and false "
       "when none are left")
def more(ctx: CheckContext) -> None:
    stream = _listing(ctx, 10)  # six items lie strictly between stream[1] and stream[8]
    bounds = {"before_id": stream[1], "since_id": stream[8]}
    for count, expected in ((6, False), (5, True), (-5, True), (20, False)):
        body = _stream(ctx, f"six matches, count={count}", count=count, **bounds)
        ctx.expect(len(body["data"]) == min(6, abs(count)),
                   f"six matches and count={count} returned {len(body['data'])} items")
        ctx.expect(body["meta"]["more"] is expected,
                   f"six matches and count={count}: meta.more is {body['meta']['more']}, expected {expected}")


# -- the action filter ---------------------------------------------------------


@check("appdotnet.filter.only_requested", "interaction_actions=<action> returns only interactions of that action")
def filter_only_requested(ctx: CheckContext) -> None:
    for action in ACTIONS:
        body = _stream(ctx, f"interaction_actions={action}", interaction_actions=action)
        wrong = sorted({item["action"] for item in body["data"]} - {action})
        ctx.expect(not wrong, f"interaction_actions={action} returned other actions: {wrong}")


@check("appdotnet.filter.comma_list", "interaction_actions=repost,follow returns exactly the repost and follow "
       "interactions of the unfiltered stream, in the same order")
def filter_comma_list(ctx: CheckContext) -> None:
    stream = _listing(ctx, 100)
    bounds = {"before_id": stream[0], "since_id": stream[-1], "count": MAX_COUNT}
    everything = _stream(ctx, "the unfiltered range", **bounds)["data"]
    expected = [item["pagination_id"] for item in everything if item["action"] in ("repost", "follow")]
    if not expected:
        raise CheckSkipped("the newest 100 interactions hold no repost or follow")
    filtered = _stream(ctx, "interaction_actions=repost,follow", interaction_actions="repost,follow", **bounds)
    got = _ids(filtered)
    missing = [pid for pid in expected if pid not in got]
    extra = [pid for pid in got if pid not in expected]
    ctx.expect(not missing and not extra, f"interaction_actions=repost,follow: missing {missing[:5]}, "
                                          f"unexpected {extra[:5]} (of {len(expected)} expected)")
    ctx.expect(got == expected, f"interaction_actions=repost,follow: the order {got[:5]}... differs from the "
                                f"unfiltered stream's {expected[:5]}...")


# -- interactions and their objects ----------------------------------------------


def _loose_page(ctx: CheckContext, what: str, **params: Any) -> list[dict[str, Any]]:
    """A page checked only as far as the envelope: the caller judges each interaction itself."""
    response = _get(ctx, **params)
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
    for item in _stream(ctx, "a page of 200", count=MAX_COUNT)["data"]:
        where = f"{item['action']} {item['pagination_id']}"
        ids = [user["id"] for user in item["users"]]
        ctx.expect(bool(ids) or item["action"] == "welcome", f"{where}: users is empty")
        ctx.expect(len(ids) == len(set(ids)), f"{where}: users lists a user twice: {ids}")
        for user in item["users"]:
            ctx.expect_schema("appdotnet/user", user, f"{where}: a user")


@check("appdotnet.scope.current_user_only", "interactions can only be listed for the current user: another "
       "user's interactions answer a 4xx error envelope, never data")
def current_user_only(ctx: CheckContext) -> None:
    items = _stream(ctx, "a page to find another user in", count=MAX_COUNT)["data"]
    followed = {obj["id"] for item in items if item["action"] == "follow" for obj in item["objects"]}
    others = [user["id"] for item in items if item["action"] != "welcome" for user in item["users"]
              if user["id"] not in followed]
    if not others:
        raise CheckSkipped("no other user acts in the newest 200 interactions")
    response = _get(ctx, path=f"/stream/0/users/{others[0]}/interactions")
    ctx.expect(400 <= response.status < 500, f"users/{others[0]}/interactions answered HTTP {response.status}; "
                                             "only the current user's list may be read")
    _error(ctx, response, response.status, f"users/{others[0]}/interactions")


# -- tokens ----------------------------------------------------------------------


@check("appdotnet.auth.missing_token", "a request without a token gets 401 in the error envelope (this "
       "endpoint needs a user token)")
def missing_token(ctx: CheckContext) -> None:
    ctx.require("ADN_ACCESS_TOKEN")  # the target serves App.net only when it is configured for it
    _error(ctx, _get(ctx, headers={}), 401, "no token")


@check("appdotnet.auth.invalid_token", "an unknown token gets 401 with error_slug invalid-token")
def invalid_token(ctx: CheckContext) -> None:
    ctx.require("ADN_ACCESS_TOKEN")
    _error(ctx, _get(ctx, headers=_bearer(f"invalid-{uuid.uuid4().hex}")), 401, "an unknown token", "invalid-token")


@check("appdotnet.auth.revoked_token", "a token the user revoked gets 401 with error_slug not-authorized")
def revoked_token(ctx: CheckContext) -> None:
    token = _scenario_token(ctx, "ADN_REVOKED_TOKEN", "revoked")
    _error(ctx, _get(ctx, headers=_bearer(token)), 401, "a revoked token", "not-authorized")


@check("appdotnet.auth.expired_token", "an expired token gets 401 with error_slug token-expired")
def expired_token(ctx: CheckContext) -> None:
    token = _scenario_token(ctx, "ADN_EXPIRED_TOKEN", "expired")
    _error(ctx, _get(ctx, headers=_bearer(token)), 401, "an expired token", "token-expired")


@check("appdotnet.auth.app_token", "the endpoint needs a user token: an app token gets 403 (wrong token type)")
def app_token(ctx: CheckContext) -> None:
    token = _scenario_token(ctx, "ADN_APP_TOKEN", None)
    _error(ctx, _get(ctx, headers=_bearer(token)), 403, "an app token")


@check("appdotnet.auth.query_parameter", "the token may be sent as the access_token query parameter instead of "
       "the Authorization header, with the same answer")
def query_parameter(ctx: CheckContext) -> None:
    (token,) = ctx.require("ADN_ACCESS_TOKEN")
    stream = _listing(ctx, 6)
    response = _get(ctx, headers={}, access_token=token, before_id=stream[0], count=5)
    body = ctx.expect_json(response, 200, "appdotnet/interactions-response", "access_token as a query parameter")
    _expect_ids(ctx, body, stream[1:6], "access_token as a query parameter")


@check("appdotnet.auth.scopes_header", "an answer to a user token carries X-OAuth-Scopes, a comma-separated "
       "list of the token's scopes that always includes basic")
def scopes_header(ctx: CheckContext) -> None:
    response = _get(ctx, count=1)
    ctx.expect_status(response, 200, "a request with a user token")
    header = next((value for name, value in response.headers.items() if name.lower() == "x-oauth-scopes"), None)
    ctx.expect(header is not None, "the answer has no X-OAuth-Scopes header")
    scopes = [scope.strip() for scope in header.split(",")]
    ctx.expect("basic" in scopes, f"X-OAuth-Scopes {header!r} lacks basic, which every user token has")


# -- wire format -----------------------------------------------------------------


@check("appdotnet.wire.jsonp", "with a callback parameter the answer is callback({...}) with HTTP 200 whatever "
       "the effective status, and JSONP requests are never authenticated (meta carries the error)")
def jsonp(ctx: CheckContext) -> None:
    response = _get(ctx, callback="adnContract")
    ctx.expect_status(response, 200, "a JSONP request")
    text = response.text.strip()
    ctx.expect(text.startswith("adnContract(") and text.endswith(")"),
               f"a JSONP answer is not wrapped in adnContract(...): {text[:80]!r}")
    try:
        inner = json.loads(text[len("adnContract("):-1])
    except ValueError:
        raise CheckFailed(f"the JSONP wrapper does not hold JSON: {text[:80]!r}") from None
    ctx.expect("data" not in inner, "a JSONP request to an authenticated endpoint returned data")
    ctx.expect_schema("appdotnet/error", inner, "the envelope inside the JSONP wrapper")


@check("appdotnet.wire.pretty", "JSON is minified by default; X-ADN-Pretty-JSON (any value) asks for pretty "
       "JSON with a trailing line break and the same content")
def pretty(ctx: CheckContext) -> None:
    stream = _listing(ctx, 4)
    params = {"before_id": stream[0], "count": 3}
    plain = _get(ctx, **params)
    ctx.expect_status(plain, 200, "the minified request")
    ctx.expect("\n" not in plain.text, "the default answer is not minified: it contains line breaks")
    fancy = _get(ctx, headers={**_user_headers(ctx), "X-ADN-Pretty-JSON": "1"}, **params)
    ctx.expect_status(fancy, 200, "X-ADN-Pretty-JSON: 1")
    ctx.expect(fancy.text.endswith("\n") and fancy.text.count("\n") > 1,
               "X-ADN-Pretty-JSON: 1 did not give pretty JSON with a trailing line break")
    ctx.expect(ctx.json_of(fancy, "pretty") == ctx.json_of(plain, "minified"),
               "pretty and minified answers to the same request differ in content")
