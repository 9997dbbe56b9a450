"""One validated way in for state: a snapshot that does not fit is refused by JSON path and changes nothing."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any, Callable

import pytest
from aiohttp.test_utils import TestClient

from mockserver.store.persistence import StateFileError
from tests.abuse.conftest import ALL_PROVIDERS, answers_without_5xx, exported
from tests.conftest import ClientFactory
from tests.test_cli import free_port, start

Change = Callable[[dict[str, Any]], None]


def _nyne(snapshot: dict[str, Any]) -> dict[str, Any]:
    return snapshot["providers"]["nyne"]


REFUSED: list[tuple[str, Change, str]] = [
    ("clock far in the future", lambda s: s["clock"].update(now_ms=10**18), "$.clock.now_ms"),
    ("clock before 1970", lambda s: s["clock"].update(now_ms=-1), "$.clock.now_ms"),
    ("clock as a huge float", lambda s: s["clock"].update(now_ms=1.5e300), "$.clock.now_ms"),
    ("running clock pushed past 9999", lambda s: s["clock"].update(mode="offset", now_ms=None,
                                                                    offset_ms=253_402_300_799_999), "$.clock.offset_ms"),
    ("callback due 'soon'", lambda s: _nyne(s)["callbacks"]["deliveries"][0].update(next_due_ms="soon"),
     "$.providers.nyne.callbacks.deliveries[0].next_due_ms"),
    ("scheduled callback with no due instant", lambda s: _nyne(s)["callbacks"]["deliveries"][0].update(next_due_ms=None),
     "$.providers.nyne.callbacks.deliveries[0].next_due_ms"),
    ("a count too large to export", lambda s: _nyne(s).update(submitted=10**30), "$.providers.nyne.submitted"),
    ("callback to the cloud metadata address",
     lambda s: _nyne(s)["callbacks"]["deliveries"][0].update(url="http://169.254.169.254/latest/meta-data"),
     "$.providers.nyne.callbacks.deliveries[0].url"),
    ("callback to a host off the allow-list",
     lambda s: _nyne(s)["jobs"][0]["input"].update(callback_url="https://evil.example.com/x"),
     "$.providers.nyne.jobs[0].input.callback_url"),
    ("a job that would finish after 9999",
     lambda s: _nyne(s)["jobs"][0].update(stages=[["queued", 253_402_300_799_999]]), "$.providers.nyne.jobs[0].stages"),
    ("a job of nobody", lambda s: _nyne(s)["jobs"][0].update(owner="someone-else"), "$.providers.nyne.jobs[0].owner"),
    ("an account the scenario lacks", lambda s: s["providers"]["outfame"].update(events={"acc_nobody": []}),
     "$.providers.outfame.events.acc_nobody"),
    ("an unknown flag", lambda s: s["providers"]["outx"].update(flags={"nope": True}), "$.providers.outx.flags.nope"),
    ("a provider this server does not run", lambda s: s["providers"].update(other={}), "$.providers"),
    ("a scenario the worlds cannot build", lambda s: s["scenario"].update(outx={"teams": "many"}), "$.scenario"),
]


async def test_a_bad_snapshot_is_a_400_naming_the_path_and_nothing_changes(busy: TestClient) -> None:
    before = await exported(busy)
    for name, change, path in REFUSED:  # one server for all: each refusal must leave it as it was
        snapshot = copy.deepcopy(before)
        change(snapshot)
        response = await busy.put("/__admin/state", data=json.dumps(snapshot),
                                  headers={"Content-Type": "application/json"})
        body = await response.json()
        assert response.status == 400 and body["error"] == "invalid_snapshot", (name, body)
        assert body["message"].startswith(f"at {path}"), (name, body["message"])
        assert await exported(busy) == before, name
        await answers_without_5xx(busy)
        before = await exported(busy)  # the requests just made count against rate limits, and so on


async def test_what_was_exported_imports_back_exactly(busy: TestClient) -> None:
    before = await exported(busy)
    response = await busy.put("/__admin/state", json=before)
    assert response.status == 200, await response.text()
    assert await exported(busy) == before


async def test_a_snapshot_larger_than_the_request_limit_still_imports(busy: TestClient) -> None:
    """Thousands of Nyne jobs export to more than the 1 MiB a request may carry; what export produced,
    import must take."""
    before = await exported(busy)
    nyne = before["providers"]["nyne"]
    template = nyne["jobs"][0]
    nyne["jobs"] = [{**template, "id": f"interaction_{n:016x}_1705401600_1000"} for n in range(3_000)]
    nyne["ledger"]["entries"], nyne["callbacks"]["deliveries"] = [], []
    body = json.dumps(before).encode()
    assert len(body) > 1024**2
    response = await busy.put("/__admin/state", data=body, headers={"Content-Type": "application/json"})
    assert response.status == 200, await response.text()
    assert len((await exported(busy))["providers"]["nyne"]["jobs"]) == 3_000


async def test_the_clock_cannot_be_advanced_out_of_range(busy: TestClient) -> None:
    for by in (10**18, "PT" + "9" * 400 + "S", "99999999999999999999d"):
        response = await busy.post("/__admin/clock/advance", json={"by": by})
        assert response.status == 400, await response.text()
    await answers_without_5xx(busy)


async def test_a_state_file_with_a_clock_out_of_range_refuses_to_start(busy: TestClient, tmp_path: Path) -> None:
    snapshot = await exported(busy)
    snapshot["clock"]["now_ms"] = 10**18
    path = tmp_path / "state.json"
    path.write_text(json.dumps(snapshot))
    process = start("--port", str(free_port()), "--state", str(path))
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"mockserver: error: state file {path} cannot be restored: "
                                                   "at $.clock.now_ms:"), err


STATE_FILE_CASES = ("clock before 1970", "clock as a huge float", "callback due 'soon'", "a count too large to export",
                    "callback to the cloud metadata address", "callback to a host off the allow-list")


async def test_a_state_file_that_does_not_fit_is_refused_by_path_and_kept(busy: TestClient, make_client: ClientFactory,
                                                                          tmp_path: Path) -> None:
    """The same findings through --state (the subprocess test above shows the start-up line for one):
    such a file started, then answered 500, or called the metadata address."""
    before = await exported(busy)
    path = tmp_path / "state.json"
    for name, change, where in [case for case in REFUSED if case[0] in STATE_FILE_CASES]:
        snapshot = copy.deepcopy(before)
        change(snapshot)
        path.write_text(json.dumps(snapshot))
        with pytest.raises(StateFileError, match=rf"cannot be restored: at {re.escape(where)}[:\[.]"):
            await make_client(providers=ALL_PROVIDERS, state_path=path)
        assert json.loads(path.read_text()) == snapshot, name  # never replaced by a fresh world


async def test_new_ids_never_collide_with_imported_ones(busy: TestClient) -> None:
    """A snapshot whose counters lag behind its ids (hand-made, or edited) must not make the next task or
    lookup a 500: the next free id is taken."""
    snapshot = await exported(busy)
    snapshot["providers"]["outx"]["agent"]["accepted"] = 0
    snapshot["providers"]["nyne"]["submitted"] = 0
    assert (await busy.put("/__admin/state", json=snapshot)).status == 200
    like = await busy.post("/linkedin-agent/like-post", json={"social_urn": "urn:li:activity:1"},
                           headers={"x-api-key": "YOUR_API_KEY"})
    lookup = await busy.post("/person/interactions", json={"username": "janedoe", "type": "following"},
                             headers={"X-API-Key": "YOUR_API_KEY", "X-API-Secret": "YOUR_API_SECRET"})
    assert (like.status, lookup.status) == (200, 202)
    taken = {task["id"] for task in snapshot["providers"]["outx"]["agent"]["tasks"]}
    assert (await like.json())["api_agent_task_id"] not in taken


async def test_callback_urls_in_admin_views_hide_credentials_by_name_and_by_value(make_client: ClientFactory) -> None:
    client = await make_client(providers=("nyne",))
    url = "http://user:pw@127.0.0.1:9/hook?token=abc&k=YOUR_API_SECRET"
    response = await client.post("/person/interactions", json={"username": "janedoe", "type": "followers",
                                                                "callback_url": url},
                                 headers={"X-API-Key": "YOUR_API_KEY", "X-API-Secret": "YOUR_API_SECRET"})
    assert response.status == 202
    [delivery] = await (await client.get("/__admin/providers/nyne/callbacks")).json()
    assert delivery["url"] == "http://[redacted]@127.0.0.1:9/hook?token=[redacted]&k=[redacted]"
    assert (await (await client.get("/__admin/state")).json())["providers"]["nyne"]["callbacks"]["deliveries"][0][
        "url"] == url  # the snapshot keeps what it needs to call the receiver
