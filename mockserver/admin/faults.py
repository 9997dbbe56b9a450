"""/__admin/faults: add, list and delete fault rules."""

from __future__ import annotations

from aiohttp import web

from mockserver.admin.common import AdminError, bad_request, json_object
from mockserver.core.faults import FaultRuleError
from mockserver.core.http import json_response
from mockserver.store.appkeys import FAULTS, STORE


async def list_rules(request: web.Request) -> web.Response:
    return json_response({"faults": [rule.to_json() for rule in request.config_dict[FAULTS].rules()]})


async def add_rule(request: web.Request) -> web.Response:
    spec = await json_object(request)
    try:
        rule = await request.config_dict[STORE].commit("faults.add", {"spec": spec})
    except FaultRuleError as error:
        raise bad_request(str(error), "invalid_fault") from None
    return json_response(rule.to_json(), 201)


async def delete_rule(request: web.Request) -> web.Response:
    rule_id = request.match_info["rule_id"]
    if not await request.config_dict[STORE].commit("faults.remove", {"id": rule_id}):
        raise AdminError(404, "fault_not_found", f"no fault rule {rule_id!r} (it may have expired)")
    return json_response({"deleted": rule_id})


async def delete_all(request: web.Request) -> web.Response:
    await request.config_dict[STORE].commit("faults.clear")
    return json_response({"deleted": "all"})


def add_routes(admin: web.Application) -> None:
    admin.router.add_get("/faults", list_rules)
    admin.router.add_post("/faults", add_rule)
    admin.router.add_delete("/faults", delete_all)
    admin.router.add_delete("/faults/{rule_id}", delete_rule)
