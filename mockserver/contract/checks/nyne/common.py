"""What the Nyne checks share: credentials, submit and poll, the envelope, job states and polling."""

from __future__ import annotations

import re
import secrets
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from mockserver.contract.client import Response
from mockserver.contract.context import CheckContext
from mockserver.contract.model import CheckFailed, CheckTimedOut


PATH = "/person/interactions"
MAX_RESULTS = 10  # the documented minimum: the cheapest lookup that still shows entries
RUNNING = ("queued", "processing", "pending")
TERMINAL = ("completed", "failed")
REQUEST_ID = re.compile(r"interaction_[0-9a-f]{16}_([0-9]{9,11})_[0-9]{4}")
# The docs: poll every few seconds at first, then back off. 10 polls 3 s apart, then 20 polls 15 s apart.
POLL_PHASES = ((3.0, 10), (15.0, 20))


def auth_headers(ctx: CheckContext) -> dict[str, str]:
    key, secret = ctx.require("NYNE_API_KEY", "NYNE_API_SECRET")
    return {"X-API-Key": key, "X-API-Secret": secret}


def now_s(ctx: CheckContext, response: Response | None = None) -> float:
    """The target's idea of now: the mock's clock, else the answer's envelope timestamp or Date, else ours."""
    if ctx.admin is not None:
        return ctx.admin.clock.now_ms() / 1000
    if response is not None:
        for reading in (_envelope_time, _date_header_time):
            found = reading(response)
            if found is not None:
                return found
    return time.time()


def _envelope_time(response: Response) -> float | None:
    """The envelope's timestamp: UTC, with or without an offset (the docs' example has none)."""
    try:
        stamp = datetime.fromisoformat(str(response.json().get("timestamp")).replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)).timestamp()


def _date_header_time(response: Response) -> float | None:
    date = lower_keys(response.headers).get("date")
    try:
        return parsedate_to_datetime(date).timestamp() if date else None
    except (TypeError, ValueError):
        return None


def unknown_request_id(ctx: CheckContext) -> str:
    """Well-formed (so only its being unknown is tested) and random (so it names no one's job)."""
    return f"interaction_{secrets.token_hex(8)}_{int(now_s(ctx))}_{1000 + secrets.randbelow(9000)}"


def poll_job(ctx: CheckContext, request_id: str, headers: dict[str, str] | None = None) -> Response:
    return ctx.client.request("GET", PATH, params={"request_id": request_id},
                              headers=auth_headers(ctx) if headers is None else headers)


def submit_lookup(ctx: CheckContext, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return ctx.client.request("POST", PATH, json_body=body, headers=auth_headers(ctx) if headers is None else headers)


def lower_keys(headers: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in dict(headers).items()}


# -- what every answer must look like ---------------------------------------------


def error_code(body: dict[str, Any]) -> Any:
    """The code wherever a reasonable envelope puts it: the docs name codes, not the error body's shape."""
    error = body.get("error")
    if isinstance(error, dict):
        return error.get("code")
    return error if isinstance(error, str) else body.get("code")


def expect_error(ctx: CheckContext, response: Response, status: int, what: str, code: str | None = None) -> None:
    ctx.expect_status(response, status, what)
    ctx.expect_media_type(response, "application/json", what)
    body = ctx.json_of(response, what)
    ctx.expect(isinstance(body, dict), f"{what}: the error body is not a JSON object: {response.text[:200]!r}")
    # The envelope's success flag is on every answer; an error must not claim success.
    ctx.expect(body.get("success") is False, f"{what}: HTTP {status} with success {body.get('success')!r}, "
               "expected success: false")
    if code is not None:
        found = error_code(body)
        ctx.expect(found == code, f"{what}: expected error code {code!r}, got {found!r}")


def envelope_data(ctx: CheckContext, body: Any, what: str) -> dict[str, Any]:
    ctx.expect(isinstance(body, dict) and body.get("success") is True,
               f"{what}: the envelope's success is {body.get('success') if isinstance(body, dict) else body!r}, "
               "expected true")
    ctx.expect("timestamp" in body, f"{what}: the envelope has no timestamp")
    data = body.get("data")
    ctx.expect(isinstance(data, dict), f"{what}: the envelope has no data object")
    return data


def expect_accepted(ctx: CheckContext, response: Response, what: str) -> dict[str, Any]:
    """The documented submit answer: 202, the envelope, a request_id of the documented format."""
    ctx.expect_status(response, 202, what)
    ctx.expect_media_type(response, "application/json", what)
    body = ctx.json_of(response, what)
    data = envelope_data(ctx, body, what)
    request_id = data.get("request_id")
    match = REQUEST_ID.fullmatch(request_id) if isinstance(request_id, str) else None
    if match is None:
        raise CheckFailed(f"{what}: request_id {request_id!r} is not interaction_<16 hex>_<unix>_<4 digits>")
    drift = abs(int(match.group(1)) - now_s(ctx, response))
    ctx.expect(drift < 86_400, f"{what}: the unix time in request_id {request_id} is {drift:.0f} s away from now")
    ctx.expect(data.get("status") in RUNNING + TERMINAL, f"{what}: undocumented status {data.get('status')!r}")
    ctx.expect_schema("nyne/submit-response", body, what)
    return data


def job_state(ctx: CheckContext, request_id: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """One poll, held to the documented status values and their payloads."""
    what = f"poll of {request_id}"
    response = poll_job(ctx, request_id, headers)
    ctx.expect_status(response, 200, what)
    ctx.expect_media_type(response, "application/json", what)
    body = ctx.json_of(response, what)
    data = envelope_data(ctx, body, what)
    status = data.get("status")
    ctx.expect(status in RUNNING + TERMINAL,
               f"{what}: undocumented status {status!r} (documented: {', '.join(RUNNING + TERMINAL)})")
    ctx.expect(data.get("request_id") == request_id, f"{what}: answered for request_id {data.get('request_id')!r}")
    ctx.expect((data.get("completed") is True) == (status == "completed"),
               f"{what}: status {status!r} with completed: {data.get('completed')!r}")
    if status == "failed":
        error = data.get("error")
        ctx.expect(isinstance(error, str) and bool(error.strip()), f"{what}: a failed job without an error text")
    ctx.expect_schema("nyne/poll-response", body, what)
    return data


def until_done(ctx: CheckContext, request_id: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """Poll (faster first, then backing off) until completed or failed; a deadline gives a timeout outcome."""
    seen: list[str] = []

    def attempt() -> dict[str, Any] | None:
        data = job_state(ctx, request_id, headers)
        seen.append(data["status"])
        return data if data["status"] in TERMINAL else None

    for phase, (interval, tries) in enumerate(POLL_PHASES):
        if phase:
            ctx.wait(interval)  # the slower phase starts one slower interval after the last fast poll
        try:
            return ctx.poll(attempt, interval_s=interval, max_tries=tries, what=f"job {request_id}")
        except CheckTimedOut:
            continue
    waited = sum(interval * tries for interval, tries in POLL_PHASES) - POLL_PHASES[0][0]
    raise CheckTimedOut(f"job {request_id} still {seen[-1]} after {len(seen)} polls over {waited:g} s "
                        f"(statuses seen: {' -> '.join(dict.fromkeys(seen))})")
