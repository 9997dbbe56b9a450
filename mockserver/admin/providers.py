"""/__admin/providers: each provider's own admin views (read) and actions (write)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from mockserver.admin.common import AdminError, bad_request, json_object
from mockserver.core.http import json_response
from mockserver.providers import ProviderRuntime
from mockserver.store.appkeys import PROVIDERS, STORE


def _runtime(request: web.Request) -> ProviderRuntime:
    name = request.match_info["provider"]
    runtime = request.config_dict[PROVIDERS].get(name)
    if runtime is None:
        raise AdminError(404, "provider_not_found", f"{name!r} is not served here")
    return runtime


async def index(request: web.Request) -> web.Response:
    """What each provider offers: its admin views and actions."""
    return json_response({
        name: {"views": sorted(runtime.admin_views), "actions": sorted(runtime.admin_actions)}
        for name, runtime in request.config_dict[PROVIDERS].items()
    })


async def view(request: web.Request) -> web.Response:
    """A provider's read-only view, e.g. nyne/callbacks (deliveries and attempts) or nyne/credits."""
    runtime, name = _runtime(request), request.match_info["name"]
    if name not in runtime.admin_views:
        raise AdminError(404, "view_not_found", f"{runtime.name} has no view {name!r}; "
                                                f"views: {', '.join(sorted(runtime.admin_views)) or 'none'}")
    return json_response(runtime.admin_views[name]())


async def action(request: web.Request) -> web.Response:
    """A provider's action, e.g. nyne/force-job {"request_id", "status", "error"}."""
    runtime, name = _runtime(request), request.match_info["name"]
    if name not in runtime.admin_actions:
        raise AdminError(404, "action_not_found", f"{runtime.name} has no action {name!r}; "
                                                  f"actions: {', '.join(sorted(runtime.admin_actions)) or 'none'}")
    body = await json_object(request, optional=True)
    try:
        result: Any = await request.config_dict[STORE].commit(f"{runtime.name}.admin.{name}", body)
    except KeyError as error:
        raise AdminError(404, "not_found", f"nothing known as {error.args[0]!r}") from None
    except ValueError as error:
        raise bad_request(str(error)) from None
    return json_response(result)


def add_routes(admin: web.Application) -> None:
    admin.router.add_get("/providers", index)
    admin.router.add_get("/providers/{provider}/{name}", view)
    admin.router.add_post("/providers/{provider}/{name}", action)
