"""Admin sub-application mounted at /__admin."""

from __future__ import annotations

from aiohttp import web

from mockserver.admin import clock, dashboard, events, faults, journal, providers, world
from mockserver.admin.access import access_guard
from mockserver.admin.common import admin_errors
from mockserver.core.http import Handler
from mockserver.store.appkeys import STORE


@web.middleware
async def up_to_date(request: web.Request, handler: Handler) -> web.StreamResponse:
    """With a shared store, an admin call first sees every change other processes made."""
    store = request.config_dict[STORE]
    if store.shared:
        await store.sync()
    return await handler(request)


def create_admin_app(admin_token: str | None) -> web.Application:
    admin = web.Application(middlewares=[access_guard(admin_token), admin_errors, up_to_date,
                                         events.announce_changes])
    admin[dashboard.ADMIN_TOKEN_SET] = admin_token is not None
    for module in (world, clock, journal, faults, providers, events, dashboard):
        module.add_routes(admin)
    return admin
