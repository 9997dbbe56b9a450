"""/__admin/journal: what the mock received, filtered, cleared, verified."""

from __future__ import annotations

from typing import Any, Mapping

from aiohttp import web

from mockserver.admin.common import AdminError, bad_request, json_object, take_int
from mockserver.admin.replay import replay_curl
from mockserver.core.clock import parse_instant_ms
from mockserver.core.http import json_response
from mockserver.core.journal import EntryFilter
from mockserver.state import JOURNAL, WORLD

_FILTER_FIELDS = {"provider", "method", "path", "status", "since", "until", "query", "body", "body_includes"}
_COUNT_FIELDS = {"count", "at_least", "at_most"}


def _instant(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value.isdecimal():
            return int(value)
        try:
            return parse_instant_ms(value)
        except ValueError:
            pass
    raise bad_request(f"{name} must be an ISO 8601 instant or epoch milliseconds")


def entry_filter(spec: Mapping[str, Any]) -> EntryFilter:
    for name in ("provider", "method", "path"):
        if spec.get(name) is not None and not isinstance(spec[name], str):
            raise bad_request(f"{name} must be a string")
    status = spec.get("status")
    if isinstance(status, str):
        if not status.isdecimal():
            raise bad_request("status must be an HTTP status code")
        status = int(status)
    if status is not None and (isinstance(status, bool) or not isinstance(status, int)):
        raise bad_request("status must be an HTTP status code")
    query = spec.get("query")
    if query is not None and (not isinstance(query, dict) or not all(isinstance(v, str) for v in query.values())):
        raise bad_request("query must be an object of parameter names to string values")
    return EntryFilter(
        provider=spec.get("provider"), method=spec.get("method"), path=spec.get("path"), status=status,
        since_ms=_instant(spec.get("since"), "since"), until_ms=_instant(spec.get("until"), "until"),
        query=query, body=spec.get("body"), body_includes=spec.get("body_includes"), has_body="body" in spec,
    )


async def list_entries(request: web.Request) -> web.Response:
    journal = request.config_dict[JOURNAL]
    params = dict(request.query)
    unknown = sorted(set(params) - (_FILTER_FIELDS - {"query", "body", "body_includes"}) - {"limit"})
    if unknown:
        raise bad_request(f"unknown filter(s): {', '.join(unknown)}")
    limit = params.pop("limit", None)
    if limit is not None and (not limit.isdecimal() or int(limit) < 1):
        raise bad_request("limit must be a positive integer")
    found = journal.entries(entry_filter(params), int(limit) if limit else None)
    return json_response({
        "entries": [entry.to_json() for entry in found],
        "returned": len(found), "stored": len(journal), "capacity": journal.capacity, "dropped": journal.dropped,
    })


async def detail(request: web.Request) -> web.Response:
    """One entry in full: the request, the answer, the fault rule that fired, and a replay command."""
    raw = request.match_info["seq"]
    if not raw.isdecimal() or len(raw) > 18:
        raise bad_request("the journal entry is named by its seq, a positive integer")
    entry = request.config_dict[JOURNAL].get(int(raw))
    if entry is None:
        raise AdminError(404, "journal_entry_not_found", f"no journal entry {raw} (cleared, or fell out of the ring)")
    origin = f"{request.scheme}://{request.host}"
    return json_response({**entry.to_json(), "answer": entry.answer_json(request.config_dict[WORLD].redactor()), "fault_rule": entry.fault_rule,
                          "replay": replay_curl(entry, origin)})


async def clear(request: web.Request) -> web.Response:
    request.config_dict[JOURNAL].clear()
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
    matches = journal.entries(where)
    n = len(matches)
    ok = (
        (expected["count"] is None or n == expected["count"])
        and (expected["at_least"] is None or n >= expected["at_least"])
        and (expected["at_most"] is None or n <= expected["at_most"])
    )
    return json_response({
        "ok": ok, "matched": n, "expected": {k: v for k, v in expected.items() if v is not None},
        "dropped": journal.dropped, "matches": [entry.to_json() for entry in matches[-10:]],
    })


def add_routes(admin: web.Application) -> None:
    admin.router.add_get("/journal", list_entries)
    admin.router.add_delete("/journal", clear)
    admin.router.add_get("/journal/{seq}", detail)
    admin.router.add_post("/journal/verify", verify)
