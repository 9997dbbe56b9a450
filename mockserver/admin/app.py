"""Admin sub-application mounted at /__admin."""

from __future__ import annotations

from aiohttp import web

from mockserver.admin.access import access_guard
from mockserver.core.http import json_response
from mockserver.state import SCENARIO, SETTINGS


async def scenario(request: web.Request) -> web.Response:
    """The scenario document the mock was built from (credentials, ids, flags)."""
    loaded = request.config_dict[SCENARIO]
    settings = request.config_dict[SETTINGS]
    return json_response({"seed": settings.seed, "source": loaded.source, "scenario": loaded.document})


def create_admin_app(admin_token: str | None) -> web.Application:
    admin = web.Application(middlewares=[access_guard(admin_token)])
    admin.router.add_get("/scenario", scenario)
    return admin
