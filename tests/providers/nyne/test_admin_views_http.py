"""Nyne's jobs view (status, credits, callback) and what Nyne reports when the clock moves."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.conftest import FROZEN_AT_MS
from tests.providers.nyne.conftest import JOB_MS, admin_view, submit

UNREACHABLE_HOOK = "http://127.0.0.1:9/hook"  # discard port: nothing listens, so every attempt fails at once


async def test_jobs_show_status_credits_and_callback(nyne: TestClient) -> None:
    assert await admin_view(nyne, "jobs") == {"total": 0, "jobs": []}
    done = (await submit(nyne, {"username": "janedoe", "type": "followers", "max_results": 10,
                                "callback_url": UNREACHABLE_HOOK}))["data"]["request_id"]
    failing = (await submit(nyne, {"username": "private_person", "type": "followers"}))["data"]["request_id"]
    shown = await admin_view(nyne, "jobs")
    assert shown["total"] == 2 and [j["request_id"] for j in shown["jobs"]] == [failing, done]
    first = shown["jobs"][1]
    assert first["status"] == "queued" and first["target"] == "@janedoe" and first["type"] == "followers"
    assert first["credits"] == 3 and first["credits_settled"] is False
    assert first["callback"] == {"id": "dlv_000001", "state": "scheduled"}
    assert first["completes_ms"] == FROZEN_AT_MS + JOB_MS and first["expired"] is False

    await nyne.post("/__admin/clock/advance", json={"by": JOB_MS})
    shown = {j["request_id"]: j for j in (await admin_view(nyne, "jobs"))["jobs"]}
    assert shown[done]["status"] == "completed" and shown[done]["credits_settled"] is True
    assert shown[failing]["status"] == "failed" and shown[failing]["credits"] == 0
    assert "private" in shown[failing]["error"]
    assert shown[done]["callback"]["state"] == "scheduled"  # the first attempt failed; a retry is due
    assert (await admin_view(nyne, "credits"))["nyne-docs-key"]["credits_used"] == 3


async def test_moving_the_clock_reports_status_changes_and_callback_attempts(nyne: TestClient) -> None:
    request_id = (await submit(nyne, {"username": "janedoe", "type": "followers",
                                      "callback_url": UNREACHABLE_HOOK}))["data"]["request_id"]
    coming = (await (await nyne.get("/__admin/clock/upcoming", params={"within": "10s"})).json())["events"]
    assert [(e["at_ms"] - FROZEN_AT_MS, e["kind"], e["what"]) for e in coming] == [
        (1_000, "job", "followers of @janedoe becomes processing"),
        (JOB_MS, "job", "followers of @janedoe becomes completed"),
        (JOB_MS, "callback", f"callback attempt 1 to {UNREACHABLE_HOOK} is due"),
    ]
    assert {e["id"] for e in coming if e["kind"] == "job"} == {request_id}
    moved = await (await nyne.post("/__admin/clock/advance", json={"by": JOB_MS})).json()
    assert moved["ran"] == 1
    attempts = [e for e in moved["fell_due"] if e["kind"] == "callback"]
    assert [e["at_ms"] for e in moved["fell_due"]] == sorted(e["at_ms"] for e in moved["fell_due"])
    assert len(attempts) == 1 and attempts[0]["what"].startswith(f"callback attempt 1 to {UNREACHABLE_HOOK} failed:")
    coming = (await (await nyne.get("/__admin/clock/upcoming", params={"within": "1s"})).json())["events"]
    assert [e["what"] for e in coming] == [f"callback attempt 2 to {UNREACHABLE_HOOK} is due"]
