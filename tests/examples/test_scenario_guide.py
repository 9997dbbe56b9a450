"""The scenario guide's worked example means what the guide says it means."""

from __future__ import annotations

import json
from pathlib import Path

from mockserver.core.validation import SchemaStore
from mockserver.paths import data_dir
from mockserver.scenario import scenario_problems
from mockserver.scenario_init import starter_text
from tests.examples.markdown import ROOT, fenced_blocks

GUIDE = ROOT / "docs" / "scenarios.md"


def worked_example(tmp_path: Path) -> Path:
    block = next(block for block in fenced_blocks(GUIDE) if block.language == "json")
    path = tmp_path / "northwind.json"
    path.write_text(block.text)
    return path


async def test_the_team_sees_its_own_watchlist_at_its_own_rate_and_nothing_else(make_client, tmp_path: Path) -> None:
    path = worked_example(tmp_path)
    assert scenario_problems(json.loads(path.read_text()), SchemaStore(data_dir("schemas"))) == []
    client = await make_client(scenario_path=path, providers=("outx", "appdotnet", "nyne", "outfame"))
    outx = {"x-api-key": "NORTHWIND_OUTX_KEY"}
    founders = await (await client.get("/api-interactions?watchlist_id=nw-founders&page_size=2", headers=outx)).json()
    assert founders["pagination"]["total"] == 2100  # "2,100 interactions at the start"
    per_day = [day["like_count"] + day["comment_count"] for day in founders["graph_data"]]
    assert 250 <= sum(per_day[:-1]) / len(per_day[:-1]) <= 350  # "about 300 a day" (today is partial)
    assert (await client.get("/api-interactions?watchlist_id=contoso-list", headers=outx)).status == 403
    assert (await client.get("/api-interactions?watchlist_id=nw-founders",
                             headers={"x-api-key": "YOUR_API_KEY"})).status == 401
    stream = await client.get("/stream/0/users/me/interactions?count=2",
                              headers={"Authorization": "Bearer NORTHWIND_ADN_TOKEN"})
    assert stream.status == 200 and (await stream.json())["meta"]["code"] == 200
    assert (await client.get("/stream/0/users/me/interactions",
                             headers={"Authorization": "Bearer NORTHWIND_OLD_TOKEN"})).status == 401
    stats = await (await client.get("/v1/engagement/stats?account_id=acc_Northwind01",
                                    headers={"Authorization": "Bearer sk_test_northwind_engage"})).json()
    limits = {action: counts["limit"] for action, counts in stats["actions"].items()}
    assert limits == {"likes": 80, "follows": 30, "comments": 8, "story_views": 120}  # its own daily limits
    lookup = await client.post("/person/interactions", json={
        "social_media_url": "https://x.com/northwind_hq", "type": "followers", "max_results": 5},
        headers={"X-API-Key": "NORTHWIND_NYNE_KEY", "X-API-Secret": "NORTHWIND_NYNE_SECRET"})
    assert lookup.status == 202


async def test_the_starter_validates_and_serves_every_provider(make_client, tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(starter_text())
    assert scenario_problems(json.loads(path.read_text()), SchemaStore(data_dir("schemas"))) == []
    client = await make_client(scenario_path=path, providers=("outx", "appdotnet", "nyne", "outfame"))
    assert (await client.get("/api-interactions?watchlist_id=wl-competitors",
                             headers={"x-api-key": "MY_OUTX_KEY"})).status == 200
    assert (await client.get("/stream/0/users/me/interactions",
                             headers={"Authorization": "Bearer MY_APPDOTNET_TOKEN"})).status == 200
    assert (await client.get("/v1/engagement/stats?account_id=acc_MyAccount1",
                             headers={"Authorization": "Bearer sk_test_my_outfame_key"})).status == 200
    assert (await client.get("/person/interactions?request_id=nope",
                             headers={"X-API-Key": "MY_NYNE_KEY", "X-API-Secret": "MY_NYNE_SECRET"})).status == 404
