"""Nyne's admin views beyond callbacks and credits: jobs with their credits, and what a clock move brings."""

from __future__ import annotations

from typing import Any

from mockserver.core.clock import iso_from_ms
from mockserver.core.jobs import Job
from mockserver.providers.nyne.handlers import NyneApi

SHOWN_JOBS = 200  # newest first; the total says how many the mock keeps


def _target(job: Job) -> str:
    data = job.input or {}
    return f"tweet {data['tweet_id']}" if data.get("tweet_id") else f"@{data.get('username')}"


def jobs(api: NyneApi) -> dict[str, Any]:
    """Lookups, newest first: status now, their credits (settled or not yet) and their callback's state."""
    now = api.clock.now_ms()
    charges = {entry["request_id"]: entry for account in api.ledger.view(now).values() for entry in account["entries"]}
    callbacks = {delivery["ref"]: delivery for delivery in api.dispatcher.deliveries()}
    newest = list(api.jobs)[-SHOWN_JOBS:][::-1]
    shown = []
    for job in newest:
        charge, delivery = charges.get(job.id), callbacks.get(job.id)
        shown.append({
            "request_id": job.id, "credential_id": job.owner, "status": job.status_at(now),
            "type": job.input["interaction_type"], "platform": job.input["platform"], "target": _target(job),
            "max_results": job.input["max_results"],
            "submitted_ms": job.submitted_ms, "submitted_at": iso_from_ms(job.submitted_ms),
            "completes_ms": job.finishes_ms, "completes_at": iso_from_ms(job.finishes_ms),
            "error": job.outcome.error, "expired": api.jobs.expired(job, now),  # polls answer 404 once expired
            "credits": charge["credits"] if charge else None, "credits_settled": charge["settled"] if charge else None,
            "callback": {"id": delivery["id"], "state": delivery["state"]} if delivery else None,
        })
    return {"total": len(api.jobs), "jobs": shown}


def _status_changes(job: Job, after_ms: int, until_ms: int) -> list[dict[str, Any]]:
    found, boundary = [], job.submitted_ms
    statuses = [stage.status for stage in job.stages[1:]] + [job.outcome.status]
    for stage, status in zip(job.stages, statuses):
        boundary += stage.duration_ms
        if after_ms < boundary <= until_ms:
            error = f" ({job.outcome.error})" if status == "failed" and job.outcome.error else ""
            found.append({"at_ms": boundary, "kind": "job", "id": job.id,
                          "what": f"{job.input['interaction_type']} of {_target(job)} becomes {status}{error}"})
    return found


def _attempt_text(attempt: dict[str, Any]) -> str:
    if attempt["status"] is not None:
        return f"answered {attempt['status']}" + (" (delivered)" if attempt["acknowledged"] else "")
    return f"failed: {attempt['error']}"


def events_between(api: NyneApi, after_ms: int, until_ms: int) -> list[dict[str, Any]]:
    """Jobs changing status, callback attempts made, and callback attempts due, in (after_ms, until_ms]."""
    found = [event for job in api.jobs for event in _status_changes(job, after_ms, until_ms)]
    for delivery in api.dispatcher.deliveries():
        for attempt in delivery["attempts"]:
            if after_ms < attempt["attempted_ms"] <= until_ms:
                found.append({"at_ms": attempt["attempted_ms"], "kind": "callback", "id": delivery["id"],
                              "what": f"callback attempt {attempt['attempt']} to {delivery['url']} "
                                      f"{_attempt_text(attempt)}"})
        due = delivery["next_due_ms"]
        if due is not None and after_ms < due <= until_ms:
            found.append({"at_ms": due, "kind": "callback", "id": delivery["id"],
                          "what": f"callback attempt {len(delivery['attempts']) + 1} to {delivery['url']} is due"})
    return found
