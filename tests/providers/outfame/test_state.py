"""Export, import and rebuild of Outfame's overlay (the pauses and resumes)."""

from __future__ import annotations

import json

import pytest
from aiohttp.test_utils import TestClient

from mockserver.store.appkeys import PROVIDERS, WORLD
from tests.conftest import ClientFactory
from tests.providers.outfame.conftest import (
    DOCS_ACCOUNT, DOCS_NOW_MS, HOUR_MS, PAUSED_ACCOUNT, advance, call, whole_log,
)


async def changed(client: TestClient) -> None:
    await call(client, "POST", "pause", json={"account_id": DOCS_ACCOUNT, "reason": "lunch"})
    await advance(client, HOUR_MS)
    await call(client, "POST", "resume", json={"account_id": DOCS_ACCOUNT})
    await call(client, "POST", "resume", json={"account_id": PAUSED_ACCOUNT})
    await advance(client, HOUR_MS)


async def test_export_import_round_trip_gives_identical_answers(make_client: ClientFactory) -> None:
    source = await make_client(providers=("outfame",), freeze_at_ms=DOCS_NOW_MS)
    await changed(source)
    state = source.app[PROVIDERS]["outfame"].export_state()
    assert json.loads(json.dumps(state)) == state  # JSON-safe
    assert [e["kind"] for e in state["events"][DOCS_ACCOUNT]] == ["pause", "resume"]
    assert state["events"][DOCS_ACCOUNT][0]["reason"] == "lunch"

    target = await make_client(providers=("outfame",), freeze_at_ms=DOCS_NOW_MS + 2 * HOUR_MS)
    target.app[PROVIDERS]["outfame"].import_state(json.loads(json.dumps(state)))
    assert target.app[PROVIDERS]["outfame"].export_state() == state
    for account_id in (DOCS_ACCOUNT, PAUSED_ACCOUNT):
        assert await whole_log(target, account_id=account_id) == await whole_log(source, account_id=account_id)
        query = {"account_id": account_id}
        assert await call(target, "GET", "stats", params=query) == await call(source, "GET", "stats", params=query)


async def test_rebuild_forgets_the_overlay(make_client: ClientFactory) -> None:
    client = await make_client(providers=("outfame",), freeze_at_ms=DOCS_NOW_MS)
    fresh = await whole_log(client, account_id=DOCS_ACCOUNT)
    await call(client, "POST", "pause", json={"account_id": DOCS_ACCOUNT})
    runtime = client.app[PROVIDERS]["outfame"]
    runtime.rebuild(client.app[WORLD].context)
    assert runtime.export_state() == {"events": {}}
    assert await whole_log(client, account_id=DOCS_ACCOUNT) == fresh


@pytest.mark.parametrize("state", [
    {"events": {"acc_unknown": []}},
    {"events": {DOCS_ACCOUNT: [{"kind": "explode", "at_ms": 1}]}},
    {"events": {DOCS_ACCOUNT: [{"kind": "pause", "at_ms": "soon", "cancelled": 0}]}},
    {"events": {DOCS_ACCOUNT: [{"kind": "pause", "at_ms": 1, "cancelled": -1}]}},
    {"events": {DOCS_ACCOUNT: [{"kind": "resume", "at_ms": 1}]}},
    {"events": {DOCS_ACCOUNT: {}}},
    {"events": []},
    {"other": 1},
])
async def test_import_refuses_malformed_state(make_client: ClientFactory, state: dict) -> None:
    client = await make_client(providers=("outfame",), freeze_at_ms=DOCS_NOW_MS)
    with pytest.raises(ValueError):
        client.app[PROVIDERS]["outfame"].import_state(state)
    assert client.app[PROVIDERS]["outfame"].export_state() == {"events": {}}


async def test_an_empty_state_is_accepted(make_client: ClientFactory) -> None:
    client = await make_client(providers=("outfame",), freeze_at_ms=DOCS_NOW_MS)
    client.app[PROVIDERS]["outfame"].import_state({})
    assert client.app[PROVIDERS]["outfame"].export_state() == {"events": {}}


async def test_credentials_name_the_docs_key_and_account(make_client: ClientFactory) -> None:
    client = await make_client(providers=("outfame",), freeze_at_ms=DOCS_NOW_MS)
    credentials = client.app[PROVIDERS]["outfame"].credentials()
    assert credentials["api_key"] == "sk_live_your_api_key" and credentials["account_id"] == DOCS_ACCOUNT


async def test_admin_snapshot_and_reset_carry_the_overlay(make_client: ClientFactory) -> None:
    client = await make_client(providers=("outfame",), freeze_at_ms=DOCS_NOW_MS)
    await changed(client)
    expected = await whole_log(client, account_id=DOCS_ACCOUNT)
    snapshot = await (await client.get("/__admin/state")).json()
    assert snapshot["providers"]["outfame"]["events"][DOCS_ACCOUNT]
    assert (await client.post("/__admin/reset")).status == 200
    assert client.app[PROVIDERS]["outfame"].export_state() == {"events": {}}
    response = await client.put("/__admin/state", json=snapshot)
    assert response.status == 200, await response.text()
    assert await whole_log(client, account_id=DOCS_ACCOUNT) == expected
