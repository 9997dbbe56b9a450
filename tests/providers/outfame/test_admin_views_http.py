"""Outfame's accounts view (today's usage against each limit) and what Outfame reports when the clock moves."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from mockserver.core.clock import iso_from_ms
from tests.providers.outfame.conftest import (
    DOCS_ACCOUNT, DOCS_NOW_MS, HOUR_MS, LOW_LIMITS_ACCOUNT, OTHER_WORKSPACE_ACCOUNT, PAUSED_ACCOUNT, call, stats,
    whole_log,
)


async def accounts(client: TestClient) -> dict[str, Any]:
    response = await client.get("/__admin/providers/outfame/accounts")
    assert response.status == 200, await response.text()
    return {account["account_id"]: account for account in await response.json()}


async def test_every_account_shows_the_stats_its_workspace_reads(outfame: TestClient) -> None:
    shown = await accounts(outfame)
    assert OTHER_WORKSPACE_ACCOUNT in shown and shown[OTHER_WORKSPACE_ACCOUNT]["workspace_name"] == "Other Agency"
    for account_id in (DOCS_ACCOUNT, PAUSED_ACCOUNT, LOW_LIMITS_ACCOUNT):
        read = await stats(outfame, account_id)
        assert {k: v for k, v in shown[account_id].items() if k in read} == read
    docs = shown[DOCS_ACCOUNT]["actions"]
    assert docs["likes"]["limit"] == 150 and docs["likes"]["performed"] + docs["likes"]["remaining"] == 150
    assert shown[PAUSED_ACCOUNT]["status"] == "paused"


async def test_moving_the_clock_reports_actions_pauses_and_resumes(outfame: TestClient) -> None:
    moved = await (await outfame.post("/__admin/clock/advance", json={"by": "1h"})).json()
    [counted] = [e for e in moved["fell_due"] if e["kind"] == "actions" and e["id"] == DOCS_ACCOUNT]
    log = await whole_log(outfame, account_id=DOCS_ACCOUNT)
    window = [item for item in log if iso_from_ms(DOCS_NOW_MS)[:19] < item["performed_at"] <= iso_from_ms(DOCS_NOW_MS + HOUR_MS)[:19]]
    assert counted["what"] == f"{DOCS_ACCOUNT}: {len(window)} engagement actions attempted" and window

    await call(outfame, "POST", "pause", json={"account_id": DOCS_ACCOUNT})
    await outfame.post("/__admin/clock/advance", json={"by": "1s"})
    await call(outfame, "POST", "resume", json={"account_id": DOCS_ACCOUNT})
    coming = (await (await outfame.get("/__admin/clock/upcoming", params={"within": "3m"})).json())["events"]
    [restart] = [e for e in coming if e["id"] == DOCS_ACCOUNT and e["kind"] == "account"]
    assert restart["what"] == f"{DOCS_ACCOUNT}: the engine starts again after the resume"
    assert 60_000 <= restart["at_ms"] - (DOCS_NOW_MS + HOUR_MS + 1_000) <= 120_000


async def test_a_day_passing_resets_the_limits(outfame: TestClient) -> None:
    moved = await (await outfame.post("/__admin/clock/advance", json={"by": "1d"})).json()
    resets = [e for e in moved["fell_due"] if e["kind"] == "reset"]
    assert [e["at"] for e in resets] == ["2026-02-10T00:00:00.000Z"]
