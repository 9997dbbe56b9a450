"""/__admin/clock: read, freeze, advance, and return to real time; what a move brings, and what is coming."""

from __future__ import annotations

from aiohttp import web

from mockserver.admin.common import bad_request, json_object, take_int
from mockserver.core.clock import Clock, iso_from_ms, parse_duration_ms, parse_instant_ms
from mockserver.core.http import json_response
from mockserver.store.appkeys import CLOCK, PROVIDERS, SCHEDULER, STORE, WORLD
from mockserver.store.worlds import AnchorMove

SHOWN_EVENTS = 100
MAX_UPCOMING_WINDOW_MS = 30 * 86_400_000


def clock_json(clock: Clock) -> dict[str, object]:
    state = clock.state()
    return {"mode": state.mode, "now": iso_from_ms(state.now_ms), "now_ms": state.now_ms,
            "offset_ms": state.offset_ms}


def anchor_json(app: web.Application) -> dict[str, object]:
    anchor_ms = app[WORLD].context.anchor_ms
    return {"anchor": iso_from_ms(anchor_ms), "anchor_ms": anchor_ms}


def anchor_move_json(move: AnchorMove) -> dict[str, object]:
    return {"from": iso_from_ms(move.from_ms), "to": iso_from_ms(move.to_ms),
            "why": "the clock went back before the worlds' anchor, so the worlds were rebuilt around the new "
                   "instant, their history ending there; state made through the API was dropped, as by a reset"}


async def read(request: web.Request) -> web.Response:
    """The clock, and the anchor: the instant the worlds' history ends at (the clock never goes before it)."""
    return json_response({**clock_json(request.config_dict[CLOCK]), **anchor_json(request.config_dict)})


def events_between(app: web.Application, after_ms: int, until_ms: int,
                   limit: int = SHOWN_EVENTS) -> tuple[list[dict[str, object]], int]:
    """What every provider reports for the window (after_ms, until_ms], in time order, and how many were left out."""
    found = [{"at": iso_from_ms(event["at_ms"]), "provider": name, **event}
             for name, runtime in app[PROVIDERS].items() for event in runtime.events_between(after_ms, until_ms)]
    found.sort(key=lambda event: event["at_ms"])  # stable: ties keep the providers' own order
    return found[:limit], max(0, len(found) - limit)


def _wait(body: dict[str, object]) -> bool:
    """Whether the answer waits until due work finished (the default) or only until it started."""
    wait = body.get("wait", True)
    if not isinstance(wait, bool):
        raise bad_request("wait must be true (answer once due work finished) or false (once it started)")
    return wait


async def _moved(request: web.Request, change: dict[str, object], wait: bool) -> web.Response:
    """Move the clock (in every process sharing the store); start the work that became due (with
    `wait`, see it finish), then report the clock, how much started, how much still runs, and what
    fell due on the way.

    A clock moved before the anchor takes the anchor with it, and the answer says so.
    """
    app = request.config_dict
    before_ms = app[CLOCK].now_ms()
    try:
        moved: AnchorMove | None = await app[STORE].commit("clock", change)
    except ValueError as error:
        raise bad_request(f"at: {error}" if change["op"] == "freeze" else str(error)) from None
    scheduler = app[SCHEDULER]
    ran = await scheduler.run_due(wait)
    now_ms = app[CLOCK].now_ms()
    fell_due, omitted = events_between(app, before_ms, now_ms) if now_ms > before_ms else ([], 0)
    answer = {**clock_json(app[CLOCK]), **anchor_json(app), "ran": ran, "running": scheduler.in_flight(),
              "fell_due": fell_due, "fell_due_omitted": omitted}
    if moved is not None:
        answer["anchor_moved"] = anchor_move_json(moved)
    return json_response(answer)


async def upcoming(request: web.Request) -> web.Response:
    """What falls due in the next `within` (default 1h) of the mock's clock: ?within=10m&limit=50."""
    try:
        within_ms = parse_duration_ms(request.query.get("within", "1h"))
    except ValueError as error:
        raise bad_request(str(error)) from None
    if not 0 < within_ms <= MAX_UPCOMING_WINDOW_MS:
        raise bad_request("within must be more than 0 and at most 30d")
    raw_limit = request.query.get("limit", str(SHOWN_EVENTS))
    if not raw_limit.isdecimal() or not 1 <= int(raw_limit) <= 1000:
        raise bad_request("limit must be an integer from 1 to 1000")
    now_ms = request.config_dict[CLOCK].now_ms()
    events, omitted = events_between(request.config_dict, now_ms, now_ms + within_ms, int(raw_limit))
    return json_response({"from": iso_from_ms(now_ms), "until": iso_from_ms(now_ms + within_ms),
                          "events": events, "omitted": omitted})


async def freeze(request: web.Request) -> web.Response:
    body = await json_object(request, optional=True)
    at_ms = take_int(body, "at_ms", low=0, high=253_402_300_799_999)
    if "at" in body:
        if not isinstance(body["at"], str):
            raise bad_request("at must be an ISO 8601 instant such as 2024-01-16T10:40:00Z")
        try:
            at_ms = parse_instant_ms(body["at"])
        except ValueError:
            raise bad_request(f"at is not an ISO 8601 instant: {body['at']!r}") from None
    wait = _wait(body)
    at_ms = request.config_dict[CLOCK].now_ms() if at_ms is None else at_ms
    return await _moved(request, {"op": "freeze", "at_ms": at_ms}, wait)


async def advance(request: web.Request) -> web.Response:
    body = await json_object(request)
    by, wait = body.get("by"), _wait(body)
    if isinstance(by, bool) or not isinstance(by, (str, int)):
        raise bad_request('by must be a duration such as "90s", "5m", "PT1H" or a number of milliseconds')
    try:
        delta_ms = by if isinstance(by, int) else parse_duration_ms(by)
    except ValueError as error:
        raise bad_request(str(error)) from None
    return await _moved(request, {"op": "advance", "by_ms": delta_ms}, wait)


async def unfreeze(request: web.Request) -> web.Response:
    wait = _wait(await json_object(request, optional=True))
    return await _moved(request, {"op": "unfreeze"}, wait)


def add_routes(admin: web.Application) -> None:
    admin.router.add_get("/clock", read)
    admin.router.add_get("/clock/upcoming", upcoming)
    admin.router.add_post("/clock/freeze", freeze)
    admin.router.add_post("/clock/advance", advance)
    admin.router.add_post("/clock/unfreeze", unfreeze)
