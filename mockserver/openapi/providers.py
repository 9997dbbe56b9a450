"""The providers' operations, generated from their `Endpoint`s: parameters, bodies, answers, links, security."""

from __future__ import annotations

from typing import Any

from mockserver.core.http import Endpoint, Link
from mockserver.core.validation import SchemaStore
from mockserver.openapi.components import point_refs_inside, ref
from mockserver.providers import ProviderRuntime, provider_spec

REASONS = {400: "Invalid request", 401: "Missing or invalid credentials", 403: "Forbidden",
           404: "Not found", 409: "Conflict", 413: "Payload too large", 415: "Unsupported media type",
           422: "Unprocessable request", 429: "Rate limited", 500: "Server error", 503: "Unavailable"}
# What a success body is, by media type: JSON per the endpoint's schema, JSONP as script text.
_TEXT_MEDIA = {"application/javascript": {"type": "string", "description": "callback(<the JSON envelope>);"}}


def operation_id(provider: str, handler_name: str) -> str:
    return f"{provider}_{handler_name}"


def path_parameters(path: str) -> list[dict[str, Any]]:
    """Every `{name}` of a route template is a required string path parameter."""
    return [{"name": part[1:-1], "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
            for part in path.split("/") if part.startswith("{") and part.endswith("}")]


def _parameters(schemas: SchemaStore, endpoint: Endpoint) -> list[dict[str, Any]]:
    parameters = path_parameters(endpoint.path)
    if endpoint.query_schema is None:
        return parameters
    document = schemas.document(endpoint.query_schema)
    required = set(document.get("required", []))
    for name, schema in document.get("properties", {}).items():
        if name in endpoint.mode_parameters:
            continue
        parameter: dict[str, Any] = {
            "name": name, "in": "query", "required": name in required,
            "schema": point_refs_inside(schema, document["$id"]),
        }
        if "description" in schema:
            parameter["description"] = schema["description"]
        if schema.get("type") == "array":
            parameter.update(style="form", explode=True)
        parameters.append(parameter)
    return parameters


def json_content(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _success(endpoint: Endpoint) -> dict[str, Any]:
    content = {media: {"schema": _TEXT_MEDIA.get(media, ref(endpoint.response_schema))}
               for media in endpoint.media_types}
    return {"description": endpoint.summary, "content": content}


def _link(provider: str, link: Link) -> dict[str, Any]:
    described: dict[str, Any] = {"operationId": operation_id(provider, link.operation)}
    if link.parameters:
        described["parameters"] = dict(link.parameters)
    if link.request_body is not None:
        described["requestBody"] = link.request_body
    if link.description:
        described["description"] = link.description
    return described


def operation(schemas: SchemaStore, provider: str, endpoint: Endpoint,
              security: list[dict[str, list[str]]]) -> dict[str, Any]:
    success = _success(endpoint)
    if endpoint.links:
        success["links"] = {name: _link(provider, link) for name, link in endpoint.links.items()}
    responses = {str(endpoint.success_status): success}
    for status in endpoint.error_statuses:
        responses[str(status)] = json_content(ref(endpoint.error_schema), REASONS.get(status, "Error"))
    described: dict[str, Any] = {
        "operationId": operation_id(provider, endpoint.handler.__name__),
        "summary": endpoint.summary,
        "tags": [provider],
        "responses": responses,
    }
    if endpoint.mode_parameters:
        described["description"] = " ".join(f"`{name}`: {text}" for name, text in endpoint.mode_parameters.items())
    parameters = _parameters(schemas, endpoint)
    if parameters:
        described["parameters"] = parameters
    if endpoint.body_schema is not None:
        described["requestBody"] = {"required": True,
                                    "content": {"application/json": {"schema": ref(endpoint.body_schema)}}}
    if security:
        described["security"] = security
    return described


def provider_paths(schemas: SchemaStore, providers: dict[str, ProviderRuntime]
                   ) -> tuple[dict[str, Any], dict[str, Any]]:
    """(paths, security schemes) of every provider served."""
    paths: dict[str, Any] = {}
    security_schemes: dict[str, Any] = {}
    for name, runtime in providers.items():
        spec = provider_spec(name)
        schemes = spec.security_schemes if spec is not None else {}
        security_schemes.update(schemes)
        security = spec.security if spec is not None and spec.security is not None else \
            [{scheme: []} for scheme in schemes]
        for endpoint in runtime.endpoints:
            paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = operation(schemas, name, endpoint, security)
    return paths, security_schemes
