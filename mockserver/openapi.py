"""An OpenAPI 3.1 document generated from the route tables and `schemas/`.

Nothing here is written by hand a second time: paths, parameters, bodies and
responses come from each provider's `Endpoint`s, and the component schemas
are the JSON Schema files themselves with their `$ref`s pointed inside the
document.
"""

from __future__ import annotations

import copy
from typing import Any, Iterable
from urllib.parse import urljoin, urldefrag

from aiohttp import web

from mockserver import __version__
from mockserver.core.http import Endpoint
from mockserver.core.validation import SCHEMA_BASE, SchemaStore
from mockserver.providers import ProviderRuntime, provider_spec

COMPONENTS = "#/components/schemas/"
_REASONS = {400: "Invalid request", 401: "Missing or invalid credentials", 403: "Forbidden",
            404: "Not found", 409: "Conflict", 413: "Payload too large", 415: "Unsupported media type",
            422: "Unprocessable request", 429: "Rate limited", 500: "Server error", 503: "Unavailable"}


def component_name(schema_name: str) -> str:
    return schema_name.replace("/", ".")


def _ref(schema_name: str) -> dict[str, str]:
    return {"$ref": COMPONENTS + component_name(schema_name)}


def _point_refs_inside(node: Any, base: str) -> Any:
    """Rewrite file-relative `$ref`s to references into components.schemas."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                target, fragment = urldefrag(urljoin(base, value))
                if target.startswith(SCHEMA_BASE):
                    name = component_name(target[len(SCHEMA_BASE):].removesuffix(".json"))
                    value = COMPONENTS + name + fragment
                elif not target:  # a local "#/$defs/..." reference
                    value = COMPONENTS + component_name(base[len(SCHEMA_BASE):].removesuffix(".json")) + fragment
            out[key] = _point_refs_inside(value, base)
        return out
    if isinstance(node, list):
        return [_point_refs_inside(item, base) for item in node]
    return node


def _components(schemas: SchemaStore) -> dict[str, Any]:
    components = {}
    for name in schemas.names():
        document = copy.deepcopy(schemas.document(name))
        base = document.pop("$id")
        document.pop("$schema", None)
        components[component_name(name)] = _point_refs_inside(document, base)
    return components


def _path_parameters(path: str) -> list[dict[str, Any]]:
    """Every `{name}` of a route template is a required string path parameter."""
    return [{"name": part[1:-1], "in": "path", "required": True, "schema": {"type": "string"}}
            for part in path.split("/") if part.startswith("{") and part.endswith("}")]


def _parameters(schemas: SchemaStore, endpoint: Endpoint) -> list[dict[str, Any]]:
    parameters = _path_parameters(endpoint.path)
    if endpoint.query_schema is None:
        return parameters
    document = schemas.document(endpoint.query_schema)
    required = set(document.get("required", []))
    for name, schema in document.get("properties", {}).items():
        parameter: dict[str, Any] = {
            "name": name, "in": "query", "required": name in required,
            "schema": _point_refs_inside(schema, document["$id"]),
        }
        if "description" in schema:
            parameter["description"] = schema["description"]
        if schema.get("type") == "array":
            parameter.update(style="form", explode=True)
        parameters.append(parameter)
    return parameters


def _json_content(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _operation(schemas: SchemaStore, provider: str, endpoint: Endpoint, security: list[dict[str, list]]) -> dict:
    responses = {str(endpoint.success_status): _json_content(_ref(endpoint.response_schema), endpoint.summary)}
    for status in endpoint.error_statuses or (400, 500):
        responses[str(status)] = _json_content(_ref(endpoint.error_schema), _REASONS.get(status, "Error"))
    operation: dict[str, Any] = {
        "operationId": f"{provider}_{endpoint.handler.__name__}",
        "summary": endpoint.summary,
        "tags": [provider],
        "responses": responses,
    }
    parameters = _parameters(schemas, endpoint)
    if parameters:
        operation["parameters"] = parameters
    if endpoint.body_schema is not None:
        operation["requestBody"] = {"required": True,
                                    "content": {"application/json": {"schema": _ref(endpoint.body_schema)}}}
    if security:
        operation["security"] = security
    return operation


# Admin calls whose bodies have a published schema: (method, path) -> schema name.
_ADMIN_ANSWERS = {("GET", "/__admin/state"): "snapshot"}
_ADMIN_BODIES = {("PUT", "/__admin/state"): "snapshot"}


def _admin_paths(admin_routes: Iterable[tuple[str, str, str]]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    generic = {"type": "object"}
    for method, path, summary in admin_routes:
        answer = _ref(_ADMIN_ANSWERS[method, path]) if (method, path) in _ADMIN_ANSWERS else generic
        operation = {"operationId": f"admin_{method.lower()}_{path.strip('/').replace('/', '_').replace('{', '').replace('}', '')}",
                     "summary": summary, "tags": ["admin"],
                     "responses": {"200": _json_content(answer, summary), "400": _json_content(generic, "Refused")}}
        if (method, path) in _ADMIN_BODIES:
            operation["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": _ref(_ADMIN_BODIES[method, path])}}}
        if "{" in path:
            operation["parameters"] = _path_parameters(path)
        paths.setdefault(path, {})[method.lower()] = operation
    return paths


def admin_routes(admin: web.Application, prefix: str = "/__admin") -> list[tuple[str, str, str]]:
    routes = []
    for route in admin.router.routes():
        if route.method == "HEAD":
            continue
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("path") or info.get("formatter")
        if f"{path}/".startswith(("/ui/", f"{prefix}/ui/")):
            continue  # the dashboard's page and files, not an API
        doc = (route.handler.__doc__ or route.handler.__name__).strip().splitlines()[0]
        # Once mounted as a sub-app, its resources already carry the prefix.
        routes.append((route.method, path if path.startswith(prefix) else prefix + path, doc))
    return routes


def build_openapi(schemas: SchemaStore, providers: dict[str, ProviderRuntime],
                  admin: list[tuple[str, str, str]]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    security_schemes: dict[str, Any] = {}
    for name, runtime in providers.items():
        spec = provider_spec(name)
        schemes = spec.security_schemes if spec is not None else {}
        security_schemes.update(schemes)
        security = spec.security if spec is not None and spec.security is not None else \
            [{scheme: []} for scheme in schemes]
        for endpoint in runtime.endpoints:
            paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = _operation(schemas, name, endpoint, security)
    paths.update(_admin_paths(admin))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Social interactions mock server",
            "version": __version__,
            "description": "The documented endpoints of " + ", ".join(providers) + " as served by the mock, "
                           "plus its /__admin API. Generated from the route tables and JSON Schemas.",
        },
        "servers": [{"url": "http://127.0.0.1:8080"}],
        "tags": [{"name": name} for name in providers] + [{"name": "admin"}],
        "paths": paths,
        "components": {"schemas": _components(schemas), "securitySchemes": security_schemes},
    }
