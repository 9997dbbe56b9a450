"""/__admin/clock through HTTP."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from mockserver.store.appkeys import SCHEDULER
from tests.conftest import DOCS_WATCHLIST, FAILING_WATCHLIST, FROZEN_AT_MS, OUTX_KEY

FAILING_FLAG = f"watchlist:{FAILING_WATCHLIST}:simulate_failure"


async def test_read_freeze_advance_unfreeze(client: TestClient) -> None:
    body = await (await client.get("/__admin/clock")).json()
    assert body == {"mode": "frozen", "now": "2024-01-16T10:40:00.000Z", "now_ms": FROZEN_AT_MS, "offset_ms": 0,
                    "anchor": "2024-01-16T10:40:00.000Z", "anchor_ms": FROZEN_AT_MS}

    body = await (await client.post("/__admin/clock/advance", json={"by": "90s"})).json()
    assert body["now_ms"] == FROZEN_AT_MS + 90_000 and body["ran"] == 0
    body = await (await client.post("/__admin/clock/advance", json={"by": "PT1H"})).json()
    assert body["now_ms"] == FROZEN_AT_MS + 90_000 + 3_600_000
    body = await (await client.post("/__admin/clock/advance", json={"by": 500})).json()
    assert body["now_ms"] == FROZEN_AT_MS + 90_000 + 3_600_000 + 500

    body = await (await client.post("/__admin/clock/freeze", json={"at": "2025-03-01T00:00:00Z"})).json()
    assert body["now"] == "2025-03-01T00:00:00.000Z" and body["mode"] == "frozen"
    body = await (await client.post("/__admin/clock/freeze", json={"at_ms": 1_700_000_000_000})).json()
    assert body["now_ms"] == 1_700_000_000_000

    body = await (await client.post("/__admin/clock/unfreeze")).json()
    assert body["mode"] == "system" and abs(body["now_ms"] - FROZEN_AT_MS) > 86_400_000
    body = await (await client.post("/__admin/clock/advance", json={"by": "1d"})).json()
    assert body["mode"] == "offset" and body["offset_ms"] == 86_400_000

    body = await (await client.post("/__admin/clock/freeze")).json()
    assert body["mode"] == "frozen"


async def docs_page(client: TestClient) -> dict:
    response = await client.get("/api-interactions", params={"watchlist_id": DOCS_WATCHLIST},
                                headers={"x-api-key": OUTX_KEY})
    assert response.status == 200
    return await response.json()


async def test_a_clock_moved_before_the_anchor_takes_the_anchor_along(client: TestClient) -> None:
    assert (await docs_page(client))["pagination"]["total"] == 5000
    await client.patch("/__admin/flags", json={"outx": {f"watchlist:{DOCS_WATCHLIST}:simulate_failure": False,
                                                        FAILING_FLAG: False}})
    body = await (await client.post("/__admin/clock/freeze", json={"at": "2023-06-01T08:00:00Z"})).json()
    assert body["now"] == body["anchor"] == "2023-06-01T08:00:00.000Z"
    assert body["anchor_moved"]["from"] == "2024-01-16T10:40:00.000Z"
    assert body["anchor_moved"]["to"] == "2023-06-01T08:00:00.000Z" and "dropped" in body["anchor_moved"]["why"]
    page = await docs_page(client)  # the whole documented history, ending at the new instant, not an empty world
    assert page["pagination"]["total"] == 5000 and page["graph_data"][-1]["posted_at"] == "2023-06-01"
    assert (await (await client.get("/__admin/flags")).json())["outx"][FAILING_FLAG] is True  # the overlay went

    later = await (await client.post("/__admin/clock/freeze", json={"at": "2023-06-02T08:00:00Z"})).json()
    assert "anchor_moved" not in later and later["anchor"] == "2023-06-01T08:00:00.000Z"
    assert (await docs_page(client))["pagination"]["total"] > 5000  # after the anchor, the world goes on
    back = await (await client.post("/__admin/clock/freeze", json={"at": "2023-06-01T09:00:00Z"})).json()
    assert "anchor_moved" not in back  # between the anchor and before: the world's own history
    assert (await (await client.post("/__admin/reset")).json())["clock"]["now_ms"] == FROZEN_AT_MS
    assert (await (await client.get("/__admin/clock")).json())["anchor_ms"] == FROZEN_AT_MS


async def test_returning_to_real_time_before_the_anchor_moves_it_too(make_client) -> None:
    future_ms = FROZEN_AT_MS + 100 * 365 * 86_400_000  # a world built around an instant a century ahead
    client = await make_client(freeze_at_ms=future_ms)
    body = await (await client.post("/__admin/clock/unfreeze")).json()
    assert body["mode"] == "system" and body["anchor_moved"]["from"].startswith("21")
    assert body["anchor_ms"] <= body["now_ms"] and (await docs_page(client))["pagination"]["total"] >= 5000


async def test_everything_time_based_reads_the_admin_clock(client: TestClient) -> None:
    await client.post("/__admin/clock/freeze", json={"at": "2024-01-20T12:00:00Z"})
    response = await client.get("/api-interactions", params={"watchlist_id": DOCS_WATCHLIST},
                                headers={"x-api-key": OUTX_KEY})
    graph = (await response.json())["graph_data"]
    assert graph[-1]["posted_at"] == "2024-01-20"


async def test_moving_the_clock_runs_due_work(client: TestClient) -> None:
    ran: list[int] = []

    async def job() -> None:
        ran.append(1)

    client.app[SCHEDULER].call_at(FROZEN_AT_MS + 5_000, job)
    body = await (await client.post("/__admin/clock/advance", json={"by": "4s"})).json()
    assert body["ran"] == 0 and ran == []
    body = await (await client.post("/__admin/clock/advance", json={"by": "1s"})).json()
    assert body["ran"] == 1 and ran == [1]


async def test_bad_clock_requests(client: TestClient) -> None:
    cases = [
        ("/__admin/clock/advance", {"by": "soon"}, "not a duration"),
        ("/__admin/clock/advance", {"by": -5}, "only moves forward"),
        ("/__admin/clock/advance", {}, "by must be a duration"),
        ("/__admin/clock/advance", {"by": True}, "by must be a duration"),
        ("/__admin/clock/freeze", {"at": "tomorrow"}, "not an ISO 8601 instant"),
        ("/__admin/clock/freeze", {"at": 5}, "at must be an ISO 8601 instant"),
        ("/__admin/clock/freeze", {"at_ms": "5"}, "at_ms must be an integer"),
    ]
    for path, payload, message in cases:
        response = await client.post(path, json=payload)
        assert response.status == 400, path
        body = await response.json()
        assert body["error"] == "invalid_request" and message in body["message"]
    response = await client.post("/__admin/clock/advance", data=b"{nope", headers={"Content-Type": "application/json"})
    assert response.status == 400 and "not valid JSON" in (await response.json())["message"]
    response = await client.post("/__admin/clock/advance", json=[1, 2])
    assert (await response.json())["message"] == "the body must be a JSON object"
    assert (await (await client.get("/__admin/clock")).json())["now_ms"] == FROZEN_AT_MS  # nothing moved


async def test_moves_say_what_fell_due_and_upcoming_says_what_will(make_client) -> None:
    client = await make_client(providers=("outx", "outfame"))
    coming = await (await client.get("/__admin/clock/upcoming", params={"within": "1d", "limit": "3"})).json()
    assert coming["from"] == "2024-01-16T10:40:00.000Z" and coming["until"] == "2024-01-17T10:40:00.000Z"
    assert len(coming["events"]) == 3 and coming["omitted"] > 0
    assert [e["at_ms"] for e in coming["events"]] == sorted(e["at_ms"] for e in coming["events"])
    assert {"at", "at_ms", "provider", "kind", "id", "what"} == set(coming["events"][0])
    moved = await (await client.post("/__admin/clock/advance", json={"by": "1d"})).json()
    everything = await (await client.get("/__admin/clock/upcoming", params={"within": "1s"})).json()
    assert moved["fell_due"] and len(moved["fell_due"]) <= 100
    assert everything["from"] == moved["now"]
    back = await (await client.post("/__admin/clock/freeze", json={"at": "2024-01-01T00:00:00Z"})).json()
    assert back["fell_due"] == [] and back["fell_due_omitted"] == 0  # going back makes nothing happen


async def test_bad_upcoming_requests(client: TestClient) -> None:
    for params in ({"within": "soon"}, {"within": "0s"}, {"within": "31d"}, {"limit": "0"}, {"limit": "x"},
                   {"limit": "1001"}):
        response = await client.get("/__admin/clock/upcoming", params=params)
        assert response.status == 400 and (await response.json())["error"] == "invalid_request", params
