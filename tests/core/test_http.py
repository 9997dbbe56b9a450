"""Generic behaviour of every provider route: wrong methods, unknown paths, strict mode."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from mockserver.providers import available_providers
from mockserver.state import PROVIDERS, SCHEMAS


async def test_a_wrong_method_is_405_in_the_providers_own_error_shape(make_client) -> None:
    client: TestClient = await make_client(providers=available_providers())
    schemas = client.app[SCHEMAS]
    checked = 0
    for runtime in client.app[PROVIDERS].values():
        for endpoint in runtime.endpoints:
            wrong = "DELETE" if endpoint.method != "DELETE" else "PATCH"
            response = await client.request(wrong, endpoint.path.replace("{user_id}", "me"))
            assert response.status == 405, endpoint.path
            assert endpoint.method in response.headers["Allow"]
            assert schemas.is_valid(endpoint.error_schema, await response.json()), endpoint.path
            checked += 1
    assert checked >= len(client.app[PROVIDERS])  # strict mode (make_client) also validated every body


async def test_wrong_methods_are_journaled_under_their_provider(make_client) -> None:
    client: TestClient = await make_client()
    await client.put("/api-interactions")
    entry = (await (await client.get("/__admin/journal")).json())["entries"][0]
    assert entry["provider"] == "outx" and entry["status"] == 405
