"""Shared helpers for the App.net tests: clients, custom scenarios, requests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from mockserver.paths import default_scenario_path

PATH = "/stream/0/users/me/interactions"
TOKEN = "YOUR_ACCESS_TOKEN"
DOCS_TOKEN = "<YOUR ACCESS TOKEN>"
OTHER_TOKEN = "OTHER_USER_ACCESS_TOKEN"
APP_TOKEN = "YOUR_APP_TOKEN"
ME_ID, OTHER_ID = "1558", "2"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


def scenario_file(tmp_path: Path, section: dict[str, Any]) -> Path:
    """The default scenario with its App.net section replaced."""
    document = json.loads(default_scenario_path().read_text())
    document["appdotnet"] = section
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(document))
    return path


def small_user(interactions: int, **extra: Any) -> dict[str, Any]:
    return {"id": "7", "username": "tiny", "tokens": [{"token": "TINY_TOKEN"}], "interactions": interactions,
            "live": False, **extra}


async def get(client: TestClient, params: Any = None, headers: dict[str, str] | None = None,
              status: int = 200, path: str = PATH) -> dict[str, Any]:
    response = await client.get(path, params=params, headers=BEARER if headers is None else headers)
    assert response.status == status, await response.text()
    assert response.content_type == "application/json"
    body = await response.json()
    assert body["meta"]["code"] == status
    return body


async def walk(client: TestClient, params: dict[str, str] | None = None,
               headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Every item of a stream, paging back with before_id (bounded)."""
    items: list[dict[str, Any]] = []
    query = {"count": "200", **(params or {})}
    for _ in range(100):
        body = await get(client, query, headers)
        items.extend(body["data"])
        if not body["meta"]["more"]:
            return items
        query["before_id"] = body["meta"]["min_id"]
    raise AssertionError("the stream did not end")
