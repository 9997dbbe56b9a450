"""Nyne.ai contract checks: person-interaction lookups, submitted, polled to the end, and refused."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from mockserver.contract.checks import REGISTRY
from mockserver.contract.client import Response
from mockserver.contract.context import CheckContext
from mockserver.contract.model import CheckFailed, CheckInconclusive, CheckSkipped, CheckTimedOut

check = REGISTRY.check

# Environment variables that describe a real target (values never come from files in the repo).
VARIABLES = {
    "NYNE_API_KEY": "API key (header X-API-Key)",
    "NYNE_API_SECRET": "API secret (header X-API-Secret)",
    "NYNE_TARGET_URL": "mutations only: a public Twitter/X or Instagram profile URL whose followers one lookup "
                       "reads (max_results 10, 3 credits, shared by the nyne.submit/nyne.jobs checks)",
    "NYNE_TWEET_URL": "optional, mutations only: a public Twitter/X status URL whose replies one more lookup "
                      "reads (max_results 10, 3 credits)",
    "NYNE_CALLBACK_URL": "optional: an endpoint of yours; the followers lookup then asks Nyne to POST the "
                         "result there (no check sends a callback_url otherwise)",
}
SECRETS = ("NYNE_API_KEY", "NYNE_API_SECRET")

PATH = "/person/interactions"
MAX_RESULTS = 10  # the documented minimum: the cheapest lookup that still shows entries
RUNNING = ("queued", "processing", "pending")
TERMINAL = ("completed", "failed")
REQUEST_ID = re.compile(r"interaction_[0-9a-f]{16}_([0-9]{9,11})_[0-9]{4}")
# The docs: poll every few seconds at first, then back off. 10 polls 3 s apart, then 20 polls 15 s apart.
POLL_PHASES = ((3.0, 10), (15.0, 20))
SHARED_TTL_S = 600.0  # how long the shared followers job may be reused by later checks of a run
DOCUMENTED_LIMITS = (60, 1000)  # per key: a minute, an hour
RESET_SKEW_S = 5  # how far the two reset headers (unix time vs seconds) may disagree


def from_mock(credentials: dict[str, Any]) -> dict[str, str]:
    """Target variables for this project's own mock, from its admin API."""
    headers = credentials.get("headers") or {}
    values = {"NYNE_API_KEY": headers.get("X-API-Key"), "NYNE_API_SECRET": headers.get("X-API-Secret")}
    if values["NYNE_API_KEY"]:
        # Every account and tweet has a network in the mock; the docs' example account is the natural target.
        values["NYNE_TARGET_URL"] = "https://x.com/janedoe"
        values["NYNE_TWEET_URL"] = "https://x.com/janedoe/status/1234567890123456789"
    return {name: value for name, value in values.items() if value}


# -- requests -------------------------------------------------------------------


def _auth(ctx: CheckContext) -> dict[str, str]:
    key, secret = ctx.require("NYNE_API_KEY", "NYNE_API_SECRET")
    return {"X-API-Key": key, "X-API-Secret": secret}


def _now_s(ctx: CheckContext, response: Response | None = None) -> float:
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
    date = _lower(response.headers).get("date")
    try:
        return parsedate_to_datetime(date).timestamp() if date else None
    except (TypeError, ValueError):
        return None


def _unknown_request_id(ctx: CheckContext) -> str:
    """Well-formed (so only its being unknown is tested) and random (so it names no one's job)."""
    return f"interaction_{secrets.token_hex(8)}_{int(_now_s(ctx))}_{1000 + secrets.randbelow(9000)}"


def _poll(ctx: CheckContext, request_id: str, headers: dict[str, str] | None = None) -> Response:
    return ctx.client.request("GET", PATH, params={"request_id": request_id},
                              headers=_auth(ctx) if headers is None else headers)


def _submit(ctx: CheckContext, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return ctx.client.request("POST", PATH, json_body=body, headers=_auth(ctx) if headers is None else headers)


def _lower(headers: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in dict(headers).items()}


# -- what every answer must look like ---------------------------------------------


def _error_code(body: dict[str, Any]) -> Any:
    """The code wherever a reasonable envelope puts it: the docs name codes, not the error body's shape."""
    error = body.get("error")
    if isinstance(error, dict):
        return error.get("code")
    return error if isinstance(error, str) else body.get("code")


def _expect_error(ctx: CheckContext, response: Response, status: int, what: str, code: str | None = None) -> None:
    ctx.expect_status(response, status, what)
    body = ctx.json_of(response, what)
    ctx.expect(isinstance(body, dict), f"{what}: the error body is not a JSON object: {response.text[:200]!r}")
    # The envelope's success flag is on every answer; an error must not claim success.
    ctx.expect(body.get("success") is False, f"{what}: HTTP {status} with success {body.get('success')!r}, "
               "expected success: false")
    if code is not None:
        found = _error_code(body)
        ctx.expect(found == code, f"{what}: expected error code {code!r}, got {found!r}")


def _envelope_data(ctx: CheckContext, body: Any, what: str) -> dict[str, Any]:
    ctx.expect(isinstance(body, dict) and body.get("success") is True,
               f"{what}: the envelope's success is {body.get('success') if isinstance(body, dict) else body!r}, "
               "expected true")
    ctx.expect("timestamp" in body, f"{what}: the envelope has no timestamp")
    data = body.get("data")
    ctx.expect(isinstance(data, dict), f"{what}: the envelope has no data object")
    return data


def _accepted(ctx: CheckContext, response: Response, what: str) -> dict[str, Any]:
    """The documented submit answer: 202, the envelope, a request_id of the documented format."""
    ctx.expect_status(response, 202, what)
    body = ctx.json_of(response, what)
    data = _envelope_data(ctx, body, what)
    request_id = data.get("request_id")
    match = REQUEST_ID.fullmatch(request_id) if isinstance(request_id, str) else None
    if match is None:
        raise CheckFailed(f"{what}: request_id {request_id!r} is not interaction_<16 hex>_<unix>_<4 digits>")
    drift = abs(int(match.group(1)) - _now_s(ctx, response))
    ctx.expect(drift < 86_400, f"{what}: the unix time in request_id {request_id} is {drift:.0f} s away from now")
    ctx.expect(data.get("status") in RUNNING + TERMINAL, f"{what}: undocumented status {data.get('status')!r}")
    ctx.expect_schema("nyne/submit-response", body, what)
    return data


def _job_state(ctx: CheckContext, request_id: str) -> dict[str, Any]:
    """One poll, held to the documented status values and their payloads."""
    what = f"poll of {request_id}"
    response = _poll(ctx, request_id)
    ctx.expect_status(response, 200, what)
    body = ctx.json_of(response, what)
    data = _envelope_data(ctx, body, what)
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


def _until_done(ctx: CheckContext, request_id: str) -> dict[str, Any]:
    """Poll (faster first, then backing off) until completed or failed; a deadline gives a timeout outcome."""
    seen: list[str] = []

    def attempt() -> dict[str, Any] | None:
        data = _job_state(ctx, request_id)
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


# -- the one followers lookup the submit and job checks share ------------------------------


@dataclass
class _Job:
    request_id: str
    body: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


# A real lookup costs credits, so checks of one run share one submission (keyed by target and key).
# Only a check that passed stores it, so a job from a broken answer is never reused.
_SHARED: dict[tuple[str, str], _Job] = {}


def _followers_request(ctx: CheckContext) -> dict[str, Any]:
    (url,) = ctx.require("NYNE_TARGET_URL")
    body: dict[str, Any] = {"social_media_url": url, "type": "followers", "max_results": MAX_RESULTS}
    callback = ctx.optional("NYNE_CALLBACK_URL")
    if callback is not None:  # only ever the user's own endpoint
        body["callback_url"] = callback
    return body


def _shared_key(ctx: CheckContext) -> tuple[str, str]:
    return ctx.client.base_url, _auth(ctx)["X-API-Key"]


def _followers_job(ctx: CheckContext) -> _Job:
    body = _followers_request(ctx)
    known = _SHARED.get(_shared_key(ctx))
    if known is not None and known.body == body and time.monotonic() - known.at < SHARED_TTL_S:
        return known
    data = _accepted(ctx, _submit(ctx, body), "the followers lookup")
    return _Job(data["request_id"], body)


def _remember(ctx: CheckContext, job: _Job) -> None:
    _SHARED[_shared_key(ctx)] = job


def _completed(ctx: CheckContext, job: _Job, what: str) -> dict[str, Any]:
    data = _until_done(ctx, job.request_id)
    if data["status"] == "failed":
        raise CheckInconclusive(f"{what} failed ({data.get('error')}); point the variable at a public account")
    return data


def _target_of(url: str) -> tuple[str, str]:
    """(platform, username) as the docs say they are inferred from a profile or status URL."""
    parts = urlsplit(url if "://" in url else "https://" + url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    platform = "instagram" if host.endswith("instagram.com") else "twitter"
    segments = [segment for segment in parts.path.split("/") if segment]
    if not segments:
        raise CheckSkipped(f"{url} names no account")
    return platform, segments[0].lstrip("@")


def _expect_result(ctx: CheckContext, data: dict[str, Any], url: str, kind: str, what: str) -> dict[str, Any]:
    """The completed payload agrees with what was asked, and holds at most max_results entries."""
    for name in ("result", "completed_on"):
        ctx.expect(name in data, f"{what}: a completed job without {name}")
    result = data["result"]
    ctx.expect_schema("nyne/result", result, f"{what}: result")
    platform, username = _target_of(url)
    ctx.expect(result["interaction_type"] == kind, f"{what}: interaction_type {result['interaction_type']!r}, "
               f"asked for {kind!r}")
    ctx.expect(result["platform"] == platform, f"{what}: platform {result['platform']!r} for {url}")
    if not (platform == "twitter" and username == "i"):  # x.com/i/status/<id> does not name the author
        ctx.expect(result["target"]["username"].casefold() == username.casefold(),
                   f"{what}: target username {result['target']['username']!r}, asked for {username!r}")
    entries = result["interactions"]
    ctx.expect(len(entries) <= MAX_RESULTS,
               f"{what}: {len(entries)} interactions, more than max_results {MAX_RESULTS}")
    ctx.expect(result["total_count"] >= len(entries),
               f"{what}: total_count {result['total_count']} is less than the {len(entries)} entries returned")
    return result


# -- read-only checks ---------------------------------------------------------------


@check("nyne.poll.unknown_request", "polling an unknown request_id answers 404 with the code request_not_found")
def unknown_request(ctx: CheckContext) -> None:
    response = _poll(ctx, _unknown_request_id(ctx))
    _expect_error(ctx, response, 404, "an unknown request_id", code="request_not_found")


@check("nyne.auth.missing", "a request without X-API-Key and X-API-Secret is refused with 401")
def auth_missing(ctx: CheckContext) -> None:
    _auth(ctx)  # only to skip a target not configured for Nyne
    _expect_error(ctx, _poll(ctx, _unknown_request_id(ctx), headers={}), 401, "no credentials")


@check("nyne.auth.secret_required", "the API key alone, without X-API-Secret, is refused with 401")
def auth_secret_required(ctx: CheckContext) -> None:
    key = _auth(ctx)["X-API-Key"]
    _expect_error(ctx, _poll(ctx, _unknown_request_id(ctx), headers={"X-API-Key": key}), 401, "no X-API-Secret")


@check("nyne.auth.invalid", "an unknown key, or the right key with a wrong secret, is refused with 401")
def auth_invalid(ctx: CheckContext) -> None:
    key = _auth(ctx)["X-API-Key"]
    wrong = f"invalid-{secrets.token_hex(8)}"
    for label, headers in (("an unknown key", {"X-API-Key": wrong, "X-API-Secret": wrong}),
                           ("a wrong secret", {"X-API-Key": key, "X-API-Secret": wrong})):
        _expect_error(ctx, _poll(ctx, _unknown_request_id(ctx), headers=headers), 401, label)


def _rate_family(ctx: CheckContext, headers: dict[str, str], prefix: str) -> dict[str, int] | None:
    """Limit, Remaining and Reset of one header family, as integers; None when the family is absent."""
    names = {part: f"{prefix}-{part}" for part in ("Limit", "Remaining", "Reset")}
    if not any(name.lower() in headers for name in names.values()):
        return None
    values = {}
    for part, name in names.items():
        raw = headers.get(name.lower())
        ctx.expect(raw is not None, f"{prefix}-* headers sent without {name}")
        ctx.expect(raw.strip().isdigit(), f"{name} is {raw!r}, not a non-negative integer")
        values[part] = int(raw)
    ctx.expect(values["Limit"] in DOCUMENTED_LIMITS,
               f"{prefix}-Limit is {values['Limit']}; the documented limits are 60 a minute and 1000 an hour")
    ctx.expect(values["Remaining"] <= values["Limit"],
               f"{prefix}-Remaining {values['Remaining']} exceeds {prefix}-Limit {values['Limit']}")
    return values


@check("nyne.ratelimit.headers", "when sent, X-RateLimit-Limit/Remaining/Reset (reset as unix time) and "
       "RateLimit-Limit/Remaining/Reset (reset in seconds) describe the documented 60/min or 1000/h limits "
       "and agree with each other")
def rate_limit_headers(ctx: CheckContext) -> None:
    response = _poll(ctx, _unknown_request_id(ctx))
    now = _now_s(ctx, response)
    headers = _lower(response.headers)
    legacy, standard = _rate_family(ctx, headers, "X-RateLimit"), _rate_family(ctx, headers, "RateLimit")
    if legacy is None and standard is None:
        raise CheckSkipped("the target sent no rate-limit headers (the docs make them optional)")
    if legacy is not None:
        ahead = legacy["Reset"] - now
        ctx.expect(-RESET_SKEW_S <= ahead <= 3600 + 60,
                   f"X-RateLimit-Reset {legacy['Reset']} is {ahead:+.0f} s from now: not a unix time within the hour")
    if standard is not None:
        ctx.expect(standard["Reset"] <= 3600, f"RateLimit-Reset {standard['Reset']} is more seconds than an hour")
    if legacy is not None and standard is not None:
        for part in ("Limit", "Remaining"):
            ctx.expect(legacy[part] == standard[part],
                       f"X-RateLimit-{part} {legacy[part]} and RateLimit-{part} {standard[part]} disagree")
        gap = legacy["Reset"] - (now + standard["Reset"])
        ctx.expect(abs(gap) <= RESET_SKEW_S, f"X-RateLimit-Reset {legacy['Reset']} (unix) and RateLimit-Reset "
                   f"{standard['Reset']} (seconds) name instants {gap:+.0f} s apart")


# -- submissions the API must refuse (a refused submit creates no job and costs nothing) ------


def _refused(ctx: CheckContext, body: dict[str, Any], status: int, what: str,
             headers: dict[str, str] | None = None) -> None:
    _expect_error(ctx, _submit(ctx, body, headers), status, what)


@check("nyne.submit.unauthenticated", "a submit without credentials is refused with 401", mutating=True)
def submit_unauthenticated(ctx: CheckContext) -> None:
    _auth(ctx)  # only to skip a target not configured for Nyne
    body = {"social_media_url": "https://x.com/janedoe", "type": "followers", "max_results": MAX_RESULTS}
    _refused(ctx, body, 401, "a submit without credentials", headers={})


@check("nyne.submit.type_required", "a submit without type (or its alias interaction_type) is refused with 400",
       mutating=True)
def submit_type_required(ctx: CheckContext) -> None:
    _refused(ctx, {"social_media_url": "https://x.com/janedoe", "max_results": MAX_RESULTS}, 400, "no type")


@check("nyne.submit.unknown_type", "a type other than replies, followers, following or followers,following "
       "is refused with 400", mutating=True)
def submit_unknown_type(ctx: CheckContext) -> None:
    body = {"social_media_url": "https://x.com/janedoe", "type": "likes", "max_results": MAX_RESULTS}
    _refused(ctx, body, 400, "type 'likes'")


@check("nyne.submit.instagram_replies", "Instagram lookups offer followers and following, not replies: an "
       "Instagram replies submit is refused with 400", mutating=True)
def submit_instagram_replies(ctx: CheckContext) -> None:
    body = {"social_media_url": "https://www.instagram.com/janedoe/", "type": "replies", "max_results": MAX_RESULTS}
    _refused(ctx, body, 400, "replies on Instagram")


@check("nyne.submit.bad_tweet_id", "a replies lookup whose tweet_id is not 10-25 digits is refused with 400",
       mutating=True)
def submit_bad_tweet_id(ctx: CheckContext) -> None:
    for tweet_id in ("123456789", "1" * 26, "12345abcde12"):
        body = {"social_media_url": "https://x.com/janedoe", "type": "replies", "tweet_id": tweet_id,
                "max_results": MAX_RESULTS}
        _refused(ctx, body, 400, f"tweet_id {tweet_id!r}")


# -- the followers lookup, from submit to result ----------------------------------------


@check("nyne.submit.accepted", "POST /person/interactions answers 202 with {success: true, data: {request_id, "
       "status}, timestamp}, and request_id looks like interaction_<16 hex>_<unix>_<4 digits>", mutating=True)
def submit_accepted(ctx: CheckContext) -> None:
    body = _followers_request(ctx)
    data = _accepted(ctx, _submit(ctx, body), "the followers lookup")
    _remember(ctx, _Job(data["request_id"], body))


@check("nyne.jobs.lifecycle", "polling GET /person/interactions?request_id= (every few seconds, backing off) "
       "shows queued, processing or pending until the job ends completed (completed: true) or failed (with an "
       "error)", mutating=True)
def job_lifecycle(ctx: CheckContext) -> None:
    job = _followers_job(ctx)
    _until_done(ctx, job.request_id)
    _remember(ctx, job)


@check("nyne.jobs.completed_payload", "a completed lookup carries result {interaction_type, platform, target "
       "{username, profile_url}, interactions, total_count} and completed_on, matching the request, with no more "
       "entries than max_results, follower entries carrying profile fields", mutating=True)
def job_completed_payload(ctx: CheckContext) -> None:
    job = _followers_job(ctx)
    what = f"the followers lookup {job.request_id}"
    result = _expect_result(ctx, _completed(ctx, job, what), job.body["social_media_url"], "followers", what)
    for index, entry in enumerate(result["interactions"]):
        ctx.expect_schema("nyne/profile-entry", entry, f"{what}: follower {index}")
    _remember(ctx, job)


@check("nyne.jobs.result_stable", "a completed job stays completed and answers the same result when polled "
       "again (polling is free)", mutating=True)
def job_result_stable(ctx: CheckContext) -> None:
    job = _followers_job(ctx)
    what = f"the followers lookup {job.request_id}"
    first = _completed(ctx, job, what)
    again = _job_state(ctx, job.request_id)
    ctx.expect(again["status"] == "completed", f"{what}: completed, then {again['status']!r} on the next poll")
    for name in ("result", "completed_on"):
        ctx.expect(again.get(name) == first.get(name), f"{what}: {name} changed between polls of the completed job")
    _remember(ctx, job)


@check("nyne.jobs.replies", "a Twitter/X replies lookup completes with entries carrying reply_text and "
       "reply_date, no more than max_results", mutating=True)
def job_replies(ctx: CheckContext) -> None:
    # A second (and last) paid lookup, so it runs only when a tweet is named for it.
    (url,) = ctx.require("NYNE_TWEET_URL")
    what = "the replies lookup"
    data = _accepted(ctx, _submit(ctx, {"social_media_url": url, "type": "replies", "max_results": MAX_RESULTS}),
                     what)
    what = f"the replies lookup {data['request_id']}"
    result = _expect_result(ctx, _completed(ctx, _Job(data["request_id"], {}), what), url, "replies", what)
    for index, entry in enumerate(result["interactions"]):
        for name in ("reply_text", "reply_date"):
            ctx.expect(isinstance(entry.get(name), str), f"{what}: reply {index} has no {name} string")
        ctx.expect_schema("nyne/reply-entry", entry, f"{what}: reply {index}")
