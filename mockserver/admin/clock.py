"""/__admin/clock: read, freeze, advance, and return to real time."""

from __future__ import annotations

from aiohttp import web

from mockserver.admin.common import bad_request, json_object, take_int
from mockserver.core.clock import Clock, iso_from_ms, parse_duration_ms, parse_instant_ms
from mockserver.core.http import json_response
from mockserver.state import CLOCK, SCHEDULER


def clock_json(clock: Clock) -> dict[str, object]:
    state = clock.state()
    return {"mode": state.mode, "now": iso_from_ms(state.now_ms), "now_ms": state.now_ms,
            "offset_ms": state.offset_ms}


async def read(request: web.Request) -> web.Response:
    return json_response(clock_json(request.config_dict[CLOCK]))


async def _settled(request: web.Request) -> web.Response:
    """Run the work that became due, then report the clock and how much ran."""
    ran = await request.config_dict[SCHEDULER].run_due()
    return json_response({**clock_json(request.config_dict[CLOCK]), "ran": ran})


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
    request.config_dict[CLOCK].freeze(at_ms)
    return await _settled(request)


async def advance(request: web.Request) -> web.Response:
    body = await json_object(request)
    by = body.get("by")
    if isinstance(by, bool) or not isinstance(by, (str, int)):
        raise bad_request('by must be a duration such as "90s", "5m", "PT1H" or a number of milliseconds')
    try:
        delta_ms = by if isinstance(by, int) else parse_duration_ms(by)
        request.config_dict[CLOCK].advance(delta_ms)
    except ValueError as error:
        raise bad_request(str(error)) from None
    return await _settled(request)


async def unfreeze(request: web.Request) -> web.Response:
    request.config_dict[CLOCK].unfreeze()
    return await _settled(request)


def add_routes(admin: web.Application) -> None:
    admin.router.add_get("/clock", read)
    admin.router.add_post("/clock/freeze", freeze)
    admin.router.add_post("/clock/advance", advance)
    admin.router.add_post("/clock/unfreeze", unfreeze)
