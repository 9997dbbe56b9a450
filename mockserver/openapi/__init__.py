"""The OpenAPI 3.1 document of what the server serves, generated, never written by hand a second time.

Provider operations come from each provider's `Endpoint`s (paths, parameters, bodies, answers, links)
and the schemas under `schemas/`; the admin API's from its route table and `openapi/admin.py`.
`only` picks one half: a fuzzer pointed at the providers must not reset and freeze the mock under itself.
"""

from __future__ import annotations

from typing import Any, Literal

from aiohttp import web

from mockserver import __version__
from mockserver.core.validation import SchemaStore
from mockserver.openapi.admin import SECURITY_SCHEMES, UndescribedAdminRoute, admin_paths, admin_routes
from mockserver.openapi.components import components
from mockserver.openapi.providers import provider_paths
from mockserver.providers import ProviderRuntime

Part = Literal["providers", "admin"]
PARTS: tuple[Part, ...] = ("providers", "admin")

__all__ = ["PARTS", "Part", "UndescribedAdminRoute", "admin_routes", "build_openapi"]


def build_openapi(schemas: SchemaStore, providers: dict[str, ProviderRuntime], admin: web.Application | None,
                  only: Part | None = None) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    security_schemes: dict[str, Any] = {}
    tags: list[dict[str, str]] = []
    if only in (None, "providers"):
        paths, security_schemes = provider_paths(schemas, providers)
        tags += [{"name": name, "description": f"The {name} API, as documented"} for name in providers]
    if only in (None, "admin") and admin is not None:
        paths.update(admin_paths(admin_routes(admin)))
        security_schemes.update(SECURITY_SCHEMES)
        tags.append({"name": "admin", "description": "The mock's own /__admin API (test plumbing)"})
    served = ", ".join(providers) if only != "admin" else "none"
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Social interactions mock server",
            "version": __version__,
            "description": f"Providers: {served}. " + (
                "Plus the mock's /__admin API. " if only != "providers" and admin is not None else "") +
                "Generated from the route tables and JSON Schemas.",
        },
        "servers": [{"url": "http://127.0.0.1:8080"}],
        "tags": tags,
        "paths": paths,
        # Every schema file is published (the scenario's too, for tools that validate scenario files).
        "components": {"schemas": components(schemas, schemas.names()), "securitySchemes": security_schemes},
    }
