"""Generic behaviour of every provider route: wrong methods, unknown paths, strict mode."""

from __future__ import annotations

from types import SimpleNamespace

from aiohttp.test_utils import TestClient

from mockserver.core.http import StrictMode
from mockserver.providers import available_providers
from mockserver.store.appkeys import PROVIDERS, SCHEMAS, STRICT


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


async def test_unknown_paths_in_a_providers_namespace_answer_its_own_404(make_client) -> None:
    client: TestClient = await make_client(providers=available_providers())
    schemas = client.app[SCHEMAS]
    owners = [runtime for runtime in client.app[PROVIDERS].values() if runtime.namespace is not None]
    assert owners, "no provider declares a namespace"
    for runtime in owners:
        first = runtime.endpoints[0]
        for method, path in (("GET", runtime.namespace), ("GET", runtime.namespace + "/"),
                             ("POST", runtime.namespace + "/nothing/here"), ("DELETE", first.path + "/extra")):
            response = await client.request(method, path)
            assert response.status == 404, path
            body = await response.json()
            assert schemas.is_valid(first.error_schema, body), (path, body)
    journal = (await (await client.get("/__admin/journal", params={"status": "404"})).json())["entries"]
    assert {entry["provider"] for entry in journal} == {runtime.name for runtime in owners}
    # Outside any namespace the general answer stays.
    response = await client.get("/v1/engagementx")
    assert response.status == 404 and await response.json() == {"error": "No route for GET /v1/engagementx"}


async def test_an_answer_the_mock_cannot_send_is_a_500_in_the_providers_shape(aiohttp_client) -> None:
    from aiohttp import web

    from mockserver.core.http import Endpoint, Reply, json_response, mount

    async def bad_header(request: web.Request) -> Reply:
        return Reply({"ok": True}, headers={"X-Echo": "a\r\nSet-Cookie: x=1"})

    async def bad_body(request: web.Request) -> Reply:
        return Reply({"ok": {1, 2}})  # a set: not JSON

    app = web.Application()
    endpoints = tuple(Endpoint("GET", path, handler, "x", "outx/error", "outx/error")
                      for path, handler in (("/header", bad_header), ("/body", bad_body)))
    mount(app, endpoints, lambda error: {"error": error.message},
          lambda request, reply: json_response(reply.body, reply.status, reply.headers), None)
    client = await aiohttp_client(app)
    for path in ("/header", "/body"):
        response = await client.get(path)
        assert response.status == 500 and (await response.json())["error"].startswith("The mock server failed")


async def test_head_answers_wherever_get_does_with_the_headers_and_no_body(make_client) -> None:
    client: TestClient = await make_client(providers=available_providers())
    credentials = {name: runtime.credentials() for name, runtime in client.app[PROVIDERS].items()}
    requests = {  # one GET per provider, each with that provider's own credentials
        "outx": ("/api-interactions?watchlist_id=550e8400-e29b-41d4-a716-446655440000",
                 {"x-api-key": credentials["outx"]["api_key"]}),
        "appdotnet": ("/stream/0/users/me/interactions", {"Authorization": "Bearer YOUR_ACCESS_TOKEN"}),
        "outfame": ("/v1/engagement/stats?account_id=acc_7Gx2kLm9Qr", {"Authorization": "Bearer sk_live_your_api_key"}),
        "admin": ("/__admin/health", {}),
    }
    for name, (path, headers) in requests.items():
        get = await client.get(path, headers=headers)
        body = await get.read()
        head = await client.head(path, headers=headers)
        assert head.status == get.status == 200, name
        assert await head.read() == b"", name
        assert head.headers["Content-Type"] == get.headers["Content-Type"], name
        assert int(head.headers["Content-Length"]) == len(body), name


async def test_head_on_a_post_only_path_is_405_and_allow_lists_head_beside_get(make_client) -> None:
    client: TestClient = await make_client()
    response = await client.head("/linkedin-agent/like-post")
    assert response.status == 405 and response.headers["Allow"] == "POST"
    response = await client.delete("/api-interactions")
    assert response.headers["Allow"] == "GET, HEAD"


async def test_strict_mode_validates_an_answer_once_and_still_catches_every_broken_one(make_client) -> None:
    client: TestClient = await make_client()
    strict: StrictMode = client.app[STRICT]
    calls: list[str] = []
    validate = strict.schemas.violations

    def counting(schema, body):  # type: ignore[no-untyped-def]
        calls.append(schema)
        return validate(schema, body)

    strict.schemas.violations = counting  # type: ignore[method-assign]
    path = "/api-interactions?watchlist_id=550e8400-e29b-41d4-a716-446655440000"
    for _ in range(3):
        assert (await client.get(path, headers={"x-api-key": "YOUR_API_KEY"})).status == 200
        await client.post("/__admin/reset")  # a reset drops the answer memo: equal bytes, still no new check
    assert calls == ["outx/interactions-response"]

    broken = {"data": [], "pagination": {}}
    request = SimpleNamespace(method="GET", path_qs="/x")  # all the record reads of a request
    for _ in range(2):  # nothing broken is remembered: caught every time
        failure = strict.check(request, 200, "outx/interactions-response", broken)  # type: ignore[arg-type]
        assert failure is not None and "required property" in failure.describe()
    assert len(strict.failures) == 2
    strict.failures.clear()
