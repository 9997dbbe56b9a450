"""Callbacks end to end: a receiver in the test fails the first attempts and sees the documented retries."""

from __future__ import annotations

from typing import Any, Awaitable, Callable

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from mockserver.store.appkeys import SCHEDULER, SCHEMAS
from tests.conftest import FROZEN_AT_MS
from tests.providers.nyne.conftest import JOB_MS, NyneClientFactory, admin_view, advance, force_job, poll, submit

T_DONE = FROZEN_AT_MS + JOB_MS
Hook = tuple[str, list[dict[str, Any]]]


@pytest.fixture
def hook(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> Callable[[list[int]], Awaitable[Hook]]:
    """A loopback receiver answering the given statuses in turn (the last one repeats)."""
    async def make(statuses: list[int]) -> Hook:
        received: list[dict[str, Any]] = []

        async def receive(request: web.Request) -> web.Response:
            received.append(await request.json())
            return web.json_response({}, status=statuses[min(len(received), len(statuses)) - 1])

        app = web.Application()
        app.router.add_post("/nyne-hook", receive)
        server = await aiohttp_server(app)
        return str(server.make_url("/nyne-hook")), received
    return make


async def move_to(client: TestClient, at_ms: int) -> None:
    await advance(client, at_ms - client.app[SCHEDULER].clock.now_ms())


async def test_retries_arrive_at_the_documented_offsets_until_acknowledged(nyne: TestClient, hook: Any) -> None:
    url, received = await hook([500, 502, 503, 429, 204])
    request_id = (await submit(nyne, {"username": "janedoe", "type": "followers", "max_results": 10,
                                      "callback_url": url}))["data"]["request_id"]
    await move_to(nyne, T_DONE - 1)
    assert received == []  # nothing before the job completes

    expected = [T_DONE, T_DONE + 1_000, T_DONE + 6_000, T_DONE + 21_000, T_DONE + 81_000]
    for at in expected:
        await move_to(nyne, at - 1)
        count = len(received)
        await move_to(nyne, at)
        assert len(received) == count + 1, f"no attempt at +{at - T_DONE} ms"

    [delivery] = (await admin_view(nyne, "callbacks"))
    assert delivery["url"] == url and delivery["ref"] == request_id and delivery["state"] == "delivered"
    assert [(a["attempt"], a["scheduled_ms"], a["attempted_ms"], a["status"], a["error"]) for a in
            delivery["attempts"]] == [(n + 1, at, at, status, None)
                                      for n, (at, status) in enumerate(zip(expected, [500, 502, 503, 429, 204]))]
    await move_to(nyne, T_DONE + 3_600_000)
    assert len(received) == 5  # acknowledged: no more attempts

    # The body is the completed poll payload, stamped at the attempt.
    polled = await poll(nyne, request_id)
    assert received[0]["data"] == polled["data"] and received[0]["timestamp"] == "2024-01-16T10:40:05"
    assert all(nyne.app[SCHEMAS].violations("nyne/poll-response", body) == [] for body in received)


async def test_a_receiver_that_never_acknowledges_gets_one_try_and_five_retries(nyne: TestClient, hook: Any) -> None:
    url, received = await hook([500])
    await submit(nyne, {"username": "janedoe", "type": "following", "callback_url": url})
    for at in (T_DONE, T_DONE + 1_000, T_DONE + 6_000, T_DONE + 21_000, T_DONE + 81_000, T_DONE + 381_000,
               T_DONE + 10_000_000):
        await move_to(nyne, at)
    [delivery] = (await admin_view(nyne, "callbacks"))
    assert len(received) == 6 and delivery["state"] == "failed"
    assert [a["attempted_ms"] - T_DONE for a in delivery["attempts"]] == [0, 1_000, 6_000, 21_000, 81_000, 381_000]


async def test_failed_jobs_are_delivered_too(nyne: TestClient, hook: Any) -> None:
    url, received = await hook([200])
    request_id = (await submit(nyne, {"username": "private_person", "type": "followers",
                                      "callback_url": url}))["data"]["request_id"]
    await move_to(nyne, T_DONE)
    assert len(received) == 1 and received[0]["data"]["status"] == "failed"
    assert received[0]["data"]["request_id"] == request_id


async def test_an_unreachable_receiver_is_recorded_as_an_error(nyne: TestClient, unused_tcp_port: int) -> None:
    await submit(nyne, {"username": "janedoe", "type": "followers",
                        "callback_url": f"http://127.0.0.1:{unused_tcp_port}/gone"})
    await move_to(nyne, T_DONE)
    [delivery] = (await admin_view(nyne, "callbacks"))
    attempt = delivery["attempts"][0]
    assert attempt["status"] is None and attempt["error"] and delivery["state"] == "scheduled"
    assert delivery["next_due_ms"] == T_DONE + 1_000


async def test_configured_hosts_are_accepted_and_others_refused(nyne_client: NyneClientFactory) -> None:
    client = await nyne_client(callback_hosts=["hooks.example.com", "*.ngrok.example"])
    for url in ("https://hooks.example.com/nyne", "https://abc.ngrok.example/x", "http://localhost:9/x"):
        await submit(client, {"username": "janedoe", "type": "followers", "callback_url": url})
    for url in ("https://example.com/nyne", "https://ngrok.example/", "gopher://hooks.example.com/"):
        body = await submit(client, {"username": "janedoe", "type": "followers", "callback_url": url}, status=400)
        assert body["error"]["code"] == "invalid_callback_url"
    assert len((await admin_view(client, "callbacks"))) == 3


async def test_credentials_in_a_callback_url_are_masked_in_the_record(nyne: TestClient, hook: Any) -> None:
    url, received = await hook([200])
    with_user = url.replace("http://", "http://user:s3cret@")
    await submit(nyne, {"username": "janedoe", "type": "followers", "callback_url": with_user})
    [delivery] = (await admin_view(nyne, "callbacks"))
    assert "s3cret" not in delivery["url"] and delivery["url"].startswith("http://[redacted]@127.0.0.1")


async def test_forcing_a_job_to_finish_sends_its_callback_now(nyne: TestClient, hook: Any) -> None:
    url, received = await hook([200])
    request_id = (await submit(nyne, {"username": "janedoe", "type": "followers", "max_results": 10,
                                      "callback_url": url}))["data"]["request_id"]
    forced = await force_job(nyne, request_id=request_id, status="failed", error="upstream said no")
    assert forced["status"] == "failed" and forced["error"] == "upstream said no"
    await advance(nyne, 0)
    assert len(received) == 1 and received[0]["data"]["error"] == "upstream said no"
    assert (await admin_view(nyne, "credits"))["nyne-docs-key"]["credits_used"] == 0
    await force_job(nyne, 400, request_id=request_id, status="processing")
    await force_job(nyne, 400, request_id=request_id)
    await force_job(nyne, 404, request_id="interaction_nope", status="completed")
