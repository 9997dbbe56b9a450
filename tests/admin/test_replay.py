"""The replay curl of a journal entry sends the same request again (run for real through bash and curl)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp.test_utils import TestClient

from mockserver.admin.replay import variable_name
from tests.conftest import DOCS_WATCHLIST, OUTX_KEY
from tests.system import require_programs


async def replay(client: TestClient, seq: int, **variables: str) -> dict[str, Any]:
    """Run entry `seq`'s replay command with these variables set; return the entry it produced."""
    detail = await (await client.get(f"/__admin/journal/{seq}")).json()
    assert sorted(detail["replay"]["variables"]) == sorted(variables)
    process = await asyncio.create_subprocess_exec(
        "bash", "-c", detail["replay"]["command"] + " -s -o /dev/null", env={"PATH": "/usr/bin:/bin", **variables})
    assert await asyncio.wait_for(process.wait(), 30) == 0
    entries = (await (await client.get("/__admin/journal")).json())["entries"]
    return entries[-1]


def same_request(original: dict[str, Any], replayed: dict[str, Any]) -> None:
    for field in ("method", "path", "query", "body", "status", "provider"):
        assert replayed[field] == original[field], field
    for name, values in original["headers"].items():
        if name.lower() not in ("user-agent", "host", "content-length", "accept-encoding"):
            assert replayed["headers"].get(name) == values, name


async def test_a_get_with_a_masked_header_replays_with_the_variable(client: TestClient) -> None:
    require_programs("curl", "bash", why="replayed requests")
    await client.get("/api-interactions", params={"watchlist_id": DOCS_WATCHLIST, "page_size": "3",
                                                  "interaction_type": "like"}, headers={"x-api-key": OUTX_KEY})
    original = (await (await client.get("/__admin/journal")).json())["entries"][0]
    same_request(original, await replay(client, 1, X_API_KEY=OUTX_KEY))


async def test_a_post_with_query_credentials_and_an_awkward_body(make_client) -> None:
    require_programs("curl", "bash", why="replayed requests")
    client = await make_client(providers=("nyne",))
    body = {"social_media_url": "https://x.com/janedoe", "type": "followers", "max_results": 10,
            "note": "it's $HOME \"quoted\" `date` \\ & ; |"}
    await client.post("/person/interactions", params={"api_key": "YOUR_API_KEY", "api_secret": "YOUR_API_SECRET"},
                      json=body)
    original = (await (await client.get("/__admin/journal")).json())["entries"][0]
    assert original["status"] == 202
    replayed = await replay(client, 1, API_KEY="YOUR_API_KEY", API_SECRET="YOUR_API_SECRET")
    same_request(original, replayed)
    assert replayed["body"] == body


async def test_odd_paths_and_query_values_survive_the_shell(client: TestClient) -> None:
    require_programs("curl", "bash", why="replayed requests")
    await client.get("/nowhere/a b$x'q", params={"q": "a&b=c d\"$(id)"})
    original = (await (await client.get("/__admin/journal")).json())["entries"][0]
    same_request(original, await replay(client, 1))


async def test_a_credential_masked_inside_the_path_becomes_a_variable_too(client: TestClient) -> None:
    require_programs("curl", "bash", why="replayed requests")
    await client.get(f"/nowhere/{OUTX_KEY}/x", headers={"X-Note": f"key {OUTX_KEY} inside"})
    original = (await (await client.get("/__admin/journal")).json())["entries"][0]
    assert OUTX_KEY not in str(original)
    same_request(original, await replay(client, 1, PATH_SECRET=OUTX_KEY, X_NOTE=OUTX_KEY))


def test_variable_names() -> None:
    assert variable_name("X-API-Key") == "X_API_KEY"
    assert variable_name("access_token") == "ACCESS_TOKEN"
    assert variable_name("--") == "SECRET"
