"""The admin API's operations: its route table, described by what each route takes and answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from mockserver.openapi.components import ref
from mockserver.openapi.providers import json_content, path_parameters

PREFIX = "/__admin"
ADMIN = "admin/api#/$defs/"
SECURITY_SCHEMES = {"adminToken": {
    "type": "http", "scheme": "bearer",
    "description": "Needed when the server runs with --admin-token; without one, loopback callers need nothing.",
}}
_QUERY = {"type": "string"}


@dataclass(frozen=True)
class AdminOperation:
    """What one admin route takes (query, body) and answers (status -> definition in admin/api.json)."""

    answers: dict[int, str]
    body: str | None = None
    body_required: bool = True
    query: tuple[str, ...] = ()
    refusals: tuple[int, ...] = (400,)  # besides 401/403 of the access guard
    media_type: str = "application/json"  # of the success answer


# Keyed by (method, path below /__admin). A route without an entry here fails the OpenAPI test.
OPERATIONS: dict[tuple[str, str], AdminOperation] = {
    ("GET", "/health"): AdminOperation({200: "health"}, refusals=()),
    ("GET", "/scenario"): AdminOperation({200: "scenario"}, refusals=()),
    ("GET", "/strict"): AdminOperation({200: "strict"}, refusals=()),
    ("GET", "/openapi.json"): AdminOperation({200: "openapi"}, query=("only",)),
    ("POST", "/reset"): AdminOperation({200: "reset-result"}, body="reset", body_required=False),
    ("GET", "/state"): AdminOperation({200: "snapshot.json"}, refusals=()),
    ("PUT", "/state"): AdminOperation({200: "snapshot-imported"}, body="snapshot.json"),
    ("GET", "/flags"): AdminOperation({200: "flags"}, refusals=()),
    ("PATCH", "/flags"): AdminOperation({200: "flags"}, body="flags", refusals=(400, 404)),
    ("GET", "/clock"): AdminOperation({200: "clock"}, refusals=()),
    ("GET", "/clock/upcoming"): AdminOperation({200: "upcoming"}, query=("within", "limit")),
    ("POST", "/clock/freeze"): AdminOperation({200: "clock"}, body="clock-freeze", body_required=False),
    ("POST", "/clock/advance"): AdminOperation({200: "clock"}, body="clock-advance"),
    ("POST", "/clock/unfreeze"): AdminOperation({200: "clock"}, refusals=()),
    ("GET", "/journal"): AdminOperation({200: "journal-entries"},
                                        query=("provider", "method", "path", "status", "since", "until", "limit")),
    ("DELETE", "/journal"): AdminOperation({200: "cleared"}, refusals=()),
    ("GET", "/journal/{seq}"): AdminOperation({200: "journal-entry"}, refusals=(400, 404)),
    ("GET", "/events"): AdminOperation({200: "events"}, refusals=(), media_type="text/event-stream"),
    ("POST", "/journal/verify"): AdminOperation({200: "journal-verdict"}, body="journal-verify"),
    ("GET", "/faults"): AdminOperation({200: "fault-rules"}, refusals=()),
    ("POST", "/faults"): AdminOperation({201: "fault-rule"}, body="fault-rule-request"),
    ("DELETE", "/faults"): AdminOperation({200: "deleted"}, refusals=()),
    ("DELETE", "/faults/{rule_id}"): AdminOperation({200: "deleted"}, refusals=(404,)),
    ("GET", "/providers"): AdminOperation({200: "providers"}, refusals=()),
    ("GET", "/providers/{provider}/{name}"): AdminOperation({200: "provider-view"}, refusals=(404,)),
    ("POST", "/providers/{provider}/{name}"): AdminOperation({200: "provider-action"}, body="provider-action",
                                                             body_required=False, refusals=(400, 404)),
}


def _schema(name: str) -> dict[str, str]:
    """A definition of admin/api.json, or a published schema file of its own ("snapshot.json")."""
    return ref(name.removesuffix(".json")) if name.endswith(".json") else ref(ADMIN + name)


class UndescribedAdminRoute(LookupError):
    """An admin route with no entry in OPERATIONS: the document would not be the server."""


def admin_routes(admin: web.Application) -> list[tuple[str, str, str]]:
    """(method, path below the prefix, summary) of every admin route, HEAD aside."""
    routes = []
    for route in admin.router.routes():
        if route.method == "HEAD":
            continue
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("path") or info.get("formatter")
        if f"{path}/".startswith(("/ui/", f"{PREFIX}/ui/")):
            continue  # the dashboard's page and files, not an API
        doc = (route.handler.__doc__ or route.handler.__name__).strip().splitlines()[0]
        routes.append((route.method, path.removeprefix(PREFIX), doc))  # mounted resources carry the prefix
    return routes


def _operation_id(method: str, path: str) -> str:
    return f"admin_{method.lower()}_{path.strip('/').replace('/', '_').replace('{', '').replace('}', '')}"


def admin_paths(routes: list[tuple[str, str, str]]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for method, path, summary in routes:
        described = OPERATIONS.get((method, path))
        if described is None:
            raise UndescribedAdminRoute(f"{method} {PREFIX}{path} has no entry in mockserver/openapi/admin.py")
        responses = {str(status): {"description": summary,
                                   "content": {described.media_type: {"schema": _schema(name)}}}
                     for status, name in described.answers.items()}
        for status, why in ((401, "Admin token missing or wrong"), (403, "Not a loopback caller")):
            responses[str(status)] = json_content(ref(ADMIN + "error"), why)
        for status in described.refusals:
            responses[str(status)] = json_content(ref(ADMIN + "error"), "Refused")
        operation: dict[str, Any] = {"operationId": _operation_id(method, path), "summary": summary,
                                     "tags": ["admin"], "responses": responses,
                                     "security": [{}, {"adminToken": []}]}
        parameters = path_parameters(path) + [{"name": name, "in": "query", "required": False, "schema": _QUERY}
                                              for name in described.query]
        if parameters:
            operation["parameters"] = parameters
        if described.body is not None:
            operation["requestBody"] = {"required": described.body_required,
                                        "content": {"application/json": {"schema": _schema(described.body)}}}
        paths.setdefault(PREFIX + path, {})[method.lower()] = operation
    return paths
