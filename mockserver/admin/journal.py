"""/__admin/journal: what the mock received, filtered, cleared, verified."""

from __future__ import annotations

from typing import Any, Mapping

from aiohttp import web

from mockserver.admin.common import AdminError, bad_request, json_object, take_int
from mockserver.admin.replay import replay_curl
from mockserver.core.clock import parse_instant_ms
from mockserver.core.http import json_response
from mockserver.core.journal import EntryFilter
from mockserver.store.appkeys import JOURNAL, WORLD

_FILTER_FIELDS = {"provider", "method", "path", "status", "since", "until", "query", "body", "body_includes"}
_COUNT_FIELDS = {"count", "at_least", "at_most"}
_PAGE_FIELDS = {"limit", "before", "after"}
DEFAULT_PAGE, MAX_PAGE = 100, 1000  # entries per listing
PAGE_BODY_BYTES = 1024 * 1024  # a listing also ends once its entries' bodies pass this (a bigger answer stalls the loop)
MAX_FILTER_CHARS = 2048  # of a provider, method, path glob or query value
MAX_FILTER_DEPTH = 64  # nesting of a body or body_includes filter
_LATEST_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z


def _number(value: str, name: str, low: int, high: int, what: str) -> int:
    """A decimal in [low, high], read without ever converting a 5,000-digit string."""
    if not value.isascii() or not value.isdecimal() or len(value) > len(str(high)) or not low <= int(value) <= high:
        raise bad_request(f"{name} must be {what}")
    return int(value)


def _instant(value: Any, name: str) -> int | None:
    what = "an ISO 8601 instant or epoch milliseconds (years 1970 to 9999)"
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        if not 0 <= value <= _LATEST_MS:
            raise bad_request(f"{name} must be {what}")
        return value
    if isinstance(value, str) and len(value) <= 64:
        if value.isdecimal():
            return _number(value, name, 0, _LATEST_MS, what)
        try:
            return parse_instant_ms(value)
        except (ValueError, OverflowError):
            pass
    raise bad_request(f"{name} must be {what}")


def _depth(value: Any) -> int:
    """How deeply a JSON value nests, walked with a stack."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def entry_filter(spec: Mapping[str, Any]) -> EntryFilter:
    for name in ("provider", "method", "path"):
        value = spec.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > MAX_FILTER_CHARS):
            raise bad_request(f"{name} must be a string of at most {MAX_FILTER_CHARS} characters")
    status = spec.get("status")
    if isinstance(status, str):
        status = _number(status, "status", 100, 599, "an HTTP status code")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599):
        raise bad_request("status must be an HTTP status code")
    query = spec.get("query")
    if query is not None and (not isinstance(query, dict) or not all(
            isinstance(v, str) and len(v) <= MAX_FILTER_CHARS and len(k) <= MAX_FILTER_CHARS for k, v in query.items())):
        raise bad_request(f"query must be an object of parameter names to string values "
                          f"(at most {MAX_FILTER_CHARS} characters each)")
    for name in ("body", "body_includes"):
        if _depth(spec.get(name)) > MAX_FILTER_DEPTH:
            raise bad_request(f"{name} nests more than {MAX_FILTER_DEPTH} levels deep")
    return EntryFilter(
        provider=spec.get("provider"), method=spec.get("method"), path=spec.get("path"), status=status,
        since_ms=_instant(spec.get("since"), "since"), until_ms=_instant(spec.get("until"), "until"),
        query=query, body=spec.get("body"), body_includes=spec.get("body_includes"), has_body="body" in spec,
    )


async def list_entries(request: web.Request) -> web.Response:
    """A page of matching entries, oldest first: the newest ones (or those before `before`), or with
    `after` the oldest ones after it; `next_before`/`next_after` say where the next page starts."""
    journal = request.config_dict[JOURNAL]
    params = dict(request.query)
    unknown = sorted(set(params) - (_FILTER_FIELDS - {"query", "body", "body_includes"}) - _PAGE_FIELDS)
    if unknown:
        raise bad_request(f"unknown filter(s): {', '.join(unknown)}")
    limit = _number(params.pop("limit", str(DEFAULT_PAGE)), "limit", 1, MAX_PAGE, f"an integer from 1 to {MAX_PAGE}")
    cursors = {name: _number(params.pop(name), name, 0, 2**53, "a journal seq (a non-negative integer)")
               for name in ("before", "after") if name in params}
    page = await journal.page(entry_filter(params), limit=limit, max_body_bytes=PAGE_BODY_BYTES, **cursors)
    return json_response({
        "entries": await journal.to_json(page.entries), "returned": len(page.entries),
        "next_before": page.next_before, "next_after": page.next_after, **await journal.stats(),
    })


async def detail(request: web.Request) -> web.Response:
    """One entry in full: the request, the answer, the fault rule that fired, and a replay command."""
    raw = request.match_info["seq"]
    if not raw.isdecimal() or len(raw) > 18:
        raise bad_request("the journal entry is named by its seq, a positive integer")
    entry = await request.config_dict[JOURNAL].entry(int(raw))
    if entry is None:
        raise AdminError(404, "journal_entry_not_found", f"no journal entry {raw} (cleared, or fell out of the ring)")
    origin = f"{request.scheme}://{request.host}"
    return json_response({**entry.to_json(), "answer": entry.answer_json(request.config_dict[WORLD].redactor()),
                          "fault_rule": entry.fault_rule, "replay": replay_curl(entry, origin)})


async def clear(request: web.Request) -> web.Response:
    await request.config_dict[JOURNAL].wipe()
    return json_response({"cleared": True})


async def verify(request: web.Request) -> web.Response:
    """Was a matching request received `count` times (or at least / at most)?"""
    body = await json_object(request)
    unknown = sorted(set(body) - _FILTER_FIELDS - _COUNT_FIELDS)
    if unknown:
        raise bad_request(f"unknown field(s): {', '.join(unknown)}")
    expected = {name: take_int(body, name, low=0, high=10**9) for name in _COUNT_FIELDS}
    if expected["count"] is not None and (expected["at_least"] is not None or expected["at_most"] is not None):
        raise bad_request("give count, or at_least/at_most, not both")
    if all(value is None for value in expected.values()):
        expected["at_least"] = 1
    where = entry_filter({k: v for k, v in body.items() if k in _FILTER_FIELDS})
    journal = request.config_dict[JOURNAL]
    n, last = await journal.count(where, keep_last=10)
    ok = (
        (expected["count"] is None or n == expected["count"])
        and (expected["at_least"] is None or n >= expected["at_least"])
        and (expected["at_most"] is None or n <= expected["at_most"])
    )
    return json_response({
        "ok": ok, "matched": n, "expected": {k: v for k, v in expected.items() if v is not None},
        "dropped": (await journal.stats())["dropped"], "matches": await journal.to_json(last),
    })


def add_routes(admin: web.Application) -> None:
    admin.router.add_get("/journal", list_entries)
    admin.router.add_delete("/journal", clear)
    admin.router.add_get("/journal/{seq}", detail)
    admin.router.add_post("/journal/verify", verify)
