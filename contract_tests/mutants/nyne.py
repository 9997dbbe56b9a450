"""Nyne.ai mutants: each breaks one documented fact of the person-interactions API."""

from __future__ import annotations

import itertools
from typing import Any, Callable

from contract_tests.mutants.base import Mutant, on

PATH = "/person/interactions"
Edit = Callable[[int, Any], tuple[int, Any]]


def _job(body: Any) -> dict[str, Any] | None:
    data = body.get("data")
    return data if isinstance(data, dict) and "status" in data else None


def _result(body: Any) -> dict[str, Any] | None:
    job = _job(body)
    result = job.get("result") if job is not None else None
    return result if isinstance(result, dict) else None


def _uuid_request_id(status: int, body: Any) -> tuple[int, Any]:
    job = _job(body)
    if job is not None:
        job["request_id"] = "req_" + job["request_id"].split("_")[1]
    return status, body


def _accepted_as_200(status: int, body: Any) -> tuple[int, Any]:
    return (200 if status == 202 else status), body


def _stuck_processing(status: int, body: Any) -> tuple[int, Any]:
    job = _job(body)
    if job is not None:
        for name in ("result", "completed_on", "error", "failed_on"):
            job.pop(name, None)
        job.update(status="processing", completed=False)
    return status, body


def _running_status(status: int, body: Any) -> tuple[int, Any]:
    job = _job(body)
    if job is not None and job["status"] == "processing":
        job["status"] = "running"
    return status, body


def _doubled_interactions(status: int, body: Any) -> tuple[int, Any]:
    result = _result(body)
    if result is not None:
        result["interactions"] = result["interactions"] * 2
        result["total_count"] = len(result["interactions"])
    return status, body


def _instagram_platform(status: int, body: Any) -> tuple[int, Any]:
    result = _result(body)
    if result is not None:
        result["platform"] = "instagram" if result["platform"] == "twitter" else "twitter"
    return status, body


def _shifting_result() -> Edit:
    """Every other completed answer loses its last entry, as a result recomputed per poll would."""
    answers = itertools.count()

    def edit(status: int, body: Any) -> tuple[int, Any]:
        result = _result(body)
        if result is not None and next(answers) % 2:
            result["interactions"] = result["interactions"][:-1]
        return status, body
    return edit


def _replies_as_profiles(status: int, body: Any) -> tuple[int, Any]:
    """Profile entries where replies belong: valid entries, just not the documented ones."""
    result = _result(body)
    if result is not None and result["interaction_type"] == "replies":
        result["interactions"] = [{"username": entry["username"], "display_name": entry.get("display_name", ""),
                                   "profile_url": entry.get("profile_url", "https://x.com/someone"),
                                   "followers_count": 0, "verified": False} for entry in result["interactions"]]
    return status, body


def _generic_not_found(status: int, body: Any) -> tuple[int, Any]:
    if status == 404 and isinstance(body.get("error"), dict):
        body["error"]["code"] = "not_found"
    return status, body


def _unauthorized_as_403(status: int, body: Any) -> tuple[int, Any]:
    return (403 if status == 401 else status), body


def _errors_claim_success(status: int, body: Any) -> tuple[int, Any]:
    if status >= 400:
        body["success"] = True
    return status, body


def _invalid_as_422(status: int, body: Any) -> tuple[int, Any]:
    return (422 if status == 400 else status), body


def _pending_as_queued(status: int, body: Any) -> tuple[int, Any]:
    """No concurrent-job limit: a job never waits in pending."""
    data = body.get("data")
    if isinstance(data, dict) and data.get("status") == "pending":
        data["status"] = "queued"
    return status, body


def _polls_not_counted(path: str, headers: dict[str, str]) -> dict[str, str]:
    """Every answer claims the whole window is left, as if polls did not count."""
    edited = dict(headers)
    for family in ("X-RateLimit", "RateLimit"):
        if f"{family}-Limit" in edited:
            edited[f"{family}-Remaining"] = edited[f"{family}-Limit"]
    return edited


MUTANTS = [
    Mutant("request_id_not_documented", "request ids look like interaction_<16 hex>_<unix>_<4 digits>",
           "nyne.submit.accepted", "is not interaction_<16 hex>_<unix>_<4 digits>",
           edit_response=on(PATH, _uuid_request_id)),
    Mutant("submit_answers_200", "a submit answers 202", "nyne.submit.accepted", "expected HTTP 202",
           edit_response=on(PATH, _accepted_as_200)),
    Mutant("jobs_never_finish", "jobs end completed or failed", "nyne.jobs.lifecycle",
           "still processing after 30 polls", edit_response=on(PATH, _stuck_processing)),
    Mutant("undocumented_status", "statuses are queued, processing, pending, completed, failed",
           "nyne.jobs.lifecycle", "undocumented status 'running'", edit_response=on(PATH, _running_status)),
    Mutant("more_than_max_results", "a result has at most max_results entries", "nyne.jobs.completed_payload",
           "more than max_results 10", edit_response=on(PATH, _doubled_interactions)),
    Mutant("wrong_platform", "the platform is inferred from social_media_url", "nyne.jobs.completed_payload",
           "platform 'instagram' for https://x.com/", edit_response=on(PATH, _instagram_platform)),
    Mutant("result_changes_between_polls", "a completed job's result is what every poll answers",
           "nyne.jobs.result_stable", "result changed between polls", edit_response=on(PATH, _shifting_result())),
    Mutant("replies_without_reply_text", "replies carry reply_text and reply_date", "nyne.jobs.replies",
           "has no reply_text", edit_response=on(PATH, _replies_as_profiles)),
    Mutant("unknown_id_generic_code", "an unknown request_id is 404 request_not_found", "nyne.poll.unknown_request",
           "expected error code 'request_not_found', got 'not_found'", edit_response=on(PATH, _generic_not_found)),
    Mutant("unauthorized_as_403", "missing credentials are 401", "nyne.auth.missing", "expected HTTP 401, got 403",
           edit_response=on(PATH, _unauthorized_as_403)),
    Mutant("errors_claim_success", "an error answer does not say success: true", "nyne.auth.invalid",
           "expected success: false", edit_response=on(PATH, _errors_claim_success)),
    Mutant("invalid_parameters_as_422", "invalid parameters are 400", "nyne.submit.instagram_replies",
           "expected HTTP 400, got 422", edit_response=on(PATH, _invalid_as_422)),
    Mutant("pending_unreachable", "a job over its key's concurrent-job limit waits in pending", "nyne.jobs.pending",
           "expected pending while the others run", edit_response=on(PATH, _pending_as_queued)),
    Mutant("polls_not_counted", "polls count against the rate limit", "nyne.ratelimit.polls_count",
           "did not go down by one per poll", edit_headers=_polls_not_counted),
]
