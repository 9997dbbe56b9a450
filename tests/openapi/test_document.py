"""The generated OpenAPI document (providers, admin, links, security), and `mockserver openapi` / `validate`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from aiohttp.test_utils import TestClient
from openapi_spec_validator import validate

from mockserver.admin import create_admin_app
from mockserver.core.validation import SchemaStore
from mockserver.openapi import build_openapi
from mockserver.paths import data_dir
from mockserver.providers import available_providers
from mockserver.store.appkeys import PROVIDERS
from tests.conftest import ClientFactory

EXAMPLE = data_dir("fixtures") / "examples" / "outx" / "interactions-response.json"


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


async def test_the_document_is_valid_openapi_and_lists_every_route(client: TestClient) -> None:
    response = await client.get("/__admin/openapi.json")
    assert response.status == 200
    document = await response.json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    for runtime in client.app[PROVIDERS].values():
        for endpoint in runtime.endpoints:
            assert endpoint.method.lower() in document["paths"][endpoint.path], endpoint.path
    admin_paths = [path for path in document["paths"] if path.startswith("/__admin")]
    for expected in ("/__admin/health", "/__admin/clock/advance", "/__admin/journal/verify",
                     "/__admin/faults/{rule_id}", "/__admin/state", "/__admin/openapi.json"):
        assert expected in admin_paths
    for ref in set(refs(document)):
        resolve(document, ref)  # raises if any reference points nowhere


async def test_outx_operation_details(client: TestClient) -> None:
    document = await (await client.get("/__admin/openapi.json")).json()
    operation = document["paths"]["/api-interactions"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters) == {"watchlist_id", "interaction_type", "actor_ids", "page", "page_size"}
    assert parameters["watchlist_id"]["required"] and not parameters["page"]["required"]
    assert parameters["page_size"]["schema"]["maximum"] == 100
    assert parameters["actor_ids"]["explode"] is True
    assert set(operation["responses"]) == {"200", "400", "401", "403", "500"}
    assert operation["security"] == [{"outxApiKey": []}]
    assert document["components"]["securitySchemes"]["outxApiKey"]["name"] == "x-api-key"
    success = resolve(document, operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"])
    assert success["title"] == "GET /api-interactions response"


async def test_every_provider_has_a_security_scheme_and_every_route_its_real_statuses(make_client: ClientFactory) -> None:
    client = await make_client(providers=available_providers())
    document = await (await client.get("/__admin/openapi.json")).json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["outfameBearer"] == {"type": "http", "scheme": "bearer",
                                        "description": "sk_live_... key with engagement:manage"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation["security"], f"{method} {path} declares no security"
            assert {"401"} <= set(operation["responses"]), f"{method} {path} lacks its 401"
    assert document["paths"]["/__admin/faults"]["post"]["responses"]["201"]
    assert "413" in document["paths"]["/linkedin-agent/like-post"]["post"]["responses"]
    admin_writes = [(path, method) for path, operations in document["paths"].items() if path.startswith("/__admin")
                    for method in operations if method in ("put", "patch") or path.endswith(("advance", "verify"))]
    for path, method in admin_writes:
        assert "requestBody" in document["paths"][path][method], f"{method} {path} has no request body"


async def test_jsonp_links_and_either_or_rules_are_in_the_document(make_client: ClientFactory) -> None:
    client = await make_client(providers=available_providers())
    document = await (await client.get("/__admin/openapi.json")).json()
    adn = document["paths"]["/stream/0/users/{user_id}/interactions"]["get"]
    assert set(adn["responses"]["200"]["content"]) == {"application/json", "application/javascript"}
    assert "callback" in adn["description"] and {} in adn["security"]
    like = document["paths"]["/linkedin-agent/like-post"]["post"]["responses"]["200"]["links"]["GetTaskStatus"]
    assert like == {"operationId": "outx_task_status", "description": like["description"],
                    "parameters": {"api_agent_task_id": "$response.body#/api_agent_task_id"}}
    submit = document["paths"]["/person/interactions"]["post"]["responses"]["202"]["links"]["PollLookup"]
    assert submit["parameters"] == {"request_id": "$response.body#/data/request_id"}
    body = resolve(document, document["paths"]["/person/interactions"]["post"]["requestBody"]["content"]
                   ["application/json"]["schema"]["$ref"])
    assert len(body["anyOf"]) == 6 and "interaction_type" in json.dumps(body["anyOf"][0])


async def test_only_providers_or_only_admin(client: TestClient) -> None:
    providers = await (await client.get("/__admin/openapi.json?only=providers")).json()
    admin = await (await client.get("/__admin/openapi.json?only=admin")).json()
    validate(providers)
    validate(admin)
    assert providers["paths"] and not any(path.startswith("/__admin") for path in providers["paths"])
    assert admin["paths"] and all(path.startswith("/__admin") for path in admin["paths"])
    assert [tag["name"] for tag in admin["tags"]] == ["admin"]
    assert "admin" not in [tag["name"] for tag in providers["tags"]]
    assert (await client.get("/__admin/openapi.json?only=nope")).status == 400


def test_an_admin_route_without_a_description_is_refused() -> None:
    from aiohttp import web

    from mockserver.openapi import UndescribedAdminRoute
    from mockserver.openapi.admin import admin_paths, admin_routes

    admin = web.Application()

    async def secret(request: web.Request) -> web.Response:
        return web.Response()

    admin.router.add_get("/undocumented", secret)
    with pytest.raises(UndescribedAdminRoute, match="GET /__admin/undocumented"):
        admin_paths(admin_routes(admin))


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mockserver", *args], capture_output=True, text=True,
                          input=stdin, timeout=60)


def test_cli_openapi_prints_the_same_document(tmp_path: Path) -> None:
    done = run("openapi", "--providers", "outx")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    validate(document)
    assert "/api-interactions" in document["paths"] and "/__admin/health" in document["paths"]
    done = run("openapi", "--providers", "outx", "--only", "providers")
    assert list(json.loads(done.stdout)["paths"]) == ["/api-interactions", "/linkedin-agent/like-post",
                                                      "/linkedin-agent/get-task-status"]


def test_validate_accepts_a_valid_payload() -> None:
    done = run("validate", "outx/interactions-response", str(EXAMPLE))
    assert done.returncode == 0 and done.stdout.strip() == f"{EXAMPLE}: valid against outx/interactions-response"


def test_validate_explains_problems_with_json_paths(tmp_path: Path) -> None:
    payload = json.loads(EXAMPLE.read_text())
    payload["data"][0]["created_at"] = "yesterday"
    payload["pagination"].pop("total")
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(payload))
    done = run("validate", "outx/interactions-response", str(broken))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0] == f"{broken}: 2 problem(s) against outx/interactions-response"
    assert "  at $.data[0].created_at: 'yesterday' is not of type 'integer'" in lines
    assert "  at $.pagination: 'total' is a required property" in lines


def test_validate_reads_stdin_and_reports_unusable_input(tmp_path: Path) -> None:
    done = run("validate", "outx/error", "-", stdin='{"error": "Invalid API Key"}')
    assert done.returncode == 0
    done = run("validate", "outx/nope", "-", stdin="{}")
    assert done.returncode == 2 and "no schema named 'outx/nope'" in done.stderr and "outx/error" in done.stderr
    done = run("validate", "outx/error", "-", stdin="{oops")
    assert done.returncode == 2 and "is not JSON" in done.stderr
    done = run("validate", "outx/error", str(tmp_path / "missing.json"))
    assert done.returncode == 2 and "cannot read" in done.stderr and "Traceback" not in done.stderr


async def test_the_scenario_schema_is_published_in_the_components(client: TestClient) -> None:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    from mockserver.paths import default_scenario_path
    from mockserver.scenario_init import starter_text

    document = await (await client.get("/__admin/openapi.json")).json()
    registry = Registry().with_resource("urn:openapi", Resource.from_contents(document, DRAFT202012))
    scenario = Draft202012Validator({"$ref": "urn:openapi#/components/schemas/scenario"}, registry=registry)
    for text in (default_scenario_path().read_text(), starter_text()):
        assert list(scenario.iter_errors(json.loads(text))) == []
    broken = json.loads(starter_text())
    broken["outx"]["teams"][0]["watchlists"][0]["interactions"] = -1
    assert [list(error.absolute_path) for error in scenario.iter_errors(broken)] == [
        ["outx", "teams", 0, "watchlists", 0, "interactions"]]


def test_the_state_calls_carry_the_published_snapshot_schema() -> None:
    document = build_openapi(SchemaStore(data_dir("schemas")), {}, create_admin_app(None))
    state = document["paths"]["/__admin/state"]
    snapshot = {"$ref": "#/components/schemas/snapshot"}
    assert state["put"]["requestBody"]["content"]["application/json"]["schema"] == snapshot
    assert state["get"]["responses"]["200"]["content"]["application/json"]["schema"] == snapshot
    assert "snapshot.nyne" in document["components"]["schemas"]
