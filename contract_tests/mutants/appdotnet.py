"""App.net mutants: each breaks one documented fact of the interactions stream."""

from __future__ import annotations

from typing import Any

from multidict import MultiDict

from contract_tests.mutants.base import Mutant, on, with_param

STREAM = "/stream/0/users/"


def _integer_ids(status: int, body: Any) -> tuple[int, Any]:
    # The spec's own example writes max_id/min_id as numbers; the field table says strings.
    meta = body.get("meta", {})
    for name in ("max_id", "min_id"):
        if name in meta:
            meta[name] = int(meta[name])
    return status, body


def _data_on_error(status: int, body: Any) -> tuple[int, Any]:
    if status >= 400:
        body["data"] = None
    return status, body


def _revoked_as_invalid(status: int, body: Any) -> tuple[int, Any]:
    if body.get("meta", {}).get("error_slug") == "not-authorized":
        body["meta"]["error_slug"] = "invalid-token"
    return status, body


def _expired_as_403(status: int, body: Any) -> tuple[int, Any]:
    if body.get("meta", {}).get("error_slug") == "token-expired":
        body["meta"]["code"] = 403
        return 403, body
    return status, body


def _code_always_200(status: int, body: Any) -> tuple[int, Any]:
    body.get("meta", {})["code"] = 200
    return status, body


def _oldest_first(status: int, body: Any) -> tuple[int, Any]:
    if isinstance(body.get("data"), list):
        body["data"].reverse()
    return status, body


def _more_always_true(status: int, body: Any) -> tuple[int, Any]:
    if "more" in body.get("meta", {}):
        body["meta"]["more"] = True
    return status, body


def _star_objects_as_users(status: int, body: Any) -> tuple[int, Any]:
    for item in body.get("data") or []:
        if item.get("action") == "star":
            item["objects"] = list(item["users"])
    return status, body


def _before_id_inclusive(path: str, query: MultiDict[str]) -> MultiDict[str]:
    raw = query.get("before_id", "")
    return with_param(query, "before_id", str(int(raw) + 1)) if raw.isdigit() else query


def _negative_count_ignored(path: str, query: MultiDict[str]) -> MultiDict[str]:
    raw = query.get("count", "")
    return with_param(query, "count", raw[1:]) if raw.startswith("-") else query


def _default_count_25(path: str, query: MultiDict[str]) -> MultiDict[str]:
    return query if "count" in query else with_param(query, "count", "25")


def _filter_ignored(path: str, query: MultiDict[str]) -> MultiDict[str]:
    return with_param(query, "interaction_actions", None)


def _first_action_only(path: str, query: MultiDict[str]) -> MultiDict[str]:
    raw = query.get("interaction_actions")
    return query if raw is None else with_param(query, "interaction_actions", raw.split(",")[0])


def _without_rate_headers(path: str, headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if not k.lower().startswith("x-ratelimit-")}


def _plain_429(status: int, body: Any) -> tuple[int, Any]:
    return (status, {"error": "Too Many Requests"}) if status == 429 else (status, body)


def _plain_405(status: int, body: Any) -> tuple[int, Any]:
    return (status, {"error": "Method POST not allowed"}) if status == 405 else (status, body)


MUTANTS = [
    Mutant("ids_as_numbers", "meta.max_id and min_id are strings", "appdotnet.envelope.success", "max_id",
           edit_response=on(STREAM, _integer_ids)),
    Mutant("data_on_error", "an error answer has no data key", "appdotnet.auth.invalid_token",
           "carries a data key", edit_response=on(STREAM, _data_on_error)),
    Mutant("error_code_200", "meta.code copies the HTTP status", "appdotnet.auth.missing_token",
           "not the HTTP status 401", edit_response=on(STREAM, _code_always_200)),
    Mutant("revoked_as_invalid", "a revoked token's slug is not-authorized", "appdotnet.auth.revoked_token",
           "expected error_slug 'not-authorized'", edit_response=on(STREAM, _revoked_as_invalid)),
    Mutant("expired_as_403", "an expired token is 401", "appdotnet.auth.expired_token", "expected HTTP 401",
           edit_response=on(STREAM, _expired_as_403)),
    Mutant("oldest_first", "items come newest first", "appdotnet.pagination.newest_first", "not newest first",
           edit_response=on(STREAM, _oldest_first)),
    Mutant("before_id_inclusive", "before_id is exclusive", "appdotnet.pagination.before_id",
           "the bound is exclusive", edit_request=_before_id_inclusive),
    Mutant("negative_count_ignored", "a negative count takes the items just after since_id",
           "appdotnet.pagination.negative_count", "expected 4, 3", edit_request=_negative_count_ignored),
    Mutant("more_always_true", "more is false when nothing is left", "appdotnet.pagination.more",
           "meta.more is True, expected False", edit_response=on(STREAM, _more_always_true)),
    Mutant("default_count_25", "count defaults to 20", "appdotnet.pagination.default_count",
           "the default count is 20", edit_request=_default_count_25),
    Mutant("filter_ignored", "interaction_actions filters", "appdotnet.filter.only_requested", "other actions",
           edit_request=_filter_ignored),
    Mutant("first_action_only", "every action of the comma list counts", "appdotnet.filter.comma_list",
           "interaction_actions=repost,follow: missing", edit_request=_first_action_only),
    Mutant("star_objects_as_users", "a star's objects are Posts", "appdotnet.objects.by_action",
           "should be a Post", edit_response=on(STREAM, _star_objects_as_users)),
    Mutant("no_rate_limit_headers", "every answer carries X-RateLimit-*", "appdotnet.ratelimit.headers",
           "carries no X-RateLimit-Remaining", edit_headers=_without_rate_headers),
    Mutant("plain_429", "a 429 comes in the envelope", "appdotnet.ratelimit.exceeded", "not the HTTP status 429",
           edit_response=on(STREAM, _plain_429)),
    Mutant("plain_405", "a 405 comes in the envelope", "appdotnet.errors.wrong_method", "not the HTTP status 405",
           edit_response=on(STREAM, _plain_405)),
]
