"""The one followers lookup the submit and job checks share (a real lookup costs credits)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from mockserver.contract.checks.nyne.common import (
    MAX_RESULTS, auth_headers, expect_accepted, submit_lookup, until_done,
)
from mockserver.contract.context import CheckContext
from mockserver.contract.model import CheckInconclusive, CheckSkipped


SHARED_TTL_S = 600.0  # how long the shared followers job may be reused by later checks of a run


@dataclass
class Job:
    request_id: str
    body: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


# A real lookup costs credits, so checks of one run share one submission (keyed by target and key).
# Only a check that passed stores it, so a job from a broken answer is never reused.
_SHARED: dict[tuple[str, str], Job] = {}


def followers_request(ctx: CheckContext) -> dict[str, Any]:
    (url,) = ctx.require("NYNE_TARGET_URL")
    body: dict[str, Any] = {"social_media_url": url, "type": "followers", "max_results": MAX_RESULTS}
    callback = ctx.optional("NYNE_CALLBACK_URL")
    if callback is not None:  # only ever the user's own endpoint
        body["callback_url"] = callback
    return body


def _shared_key(ctx: CheckContext) -> tuple[str, str]:
    return ctx.client.base_url, auth_headers(ctx)["X-API-Key"]


def followers_job(ctx: CheckContext) -> Job:
    body = followers_request(ctx)
    known = _SHARED.get(_shared_key(ctx))
    if known is not None and known.body == body and time.monotonic() - known.at < SHARED_TTL_S:
        return known
    data = expect_accepted(ctx, submit_lookup(ctx, body), "the followers lookup")
    return Job(data["request_id"], body)


def remember(ctx: CheckContext, job: Job) -> None:
    _SHARED[_shared_key(ctx)] = job


def completed_job(ctx: CheckContext, job: Job, what: str) -> dict[str, Any]:
    data = until_done(ctx, job.request_id)
    if data["status"] == "failed":
        raise CheckInconclusive(f"{what} failed ({data.get('error')}); point the variable at a public account")
    return data


def target_of(url: str) -> tuple[str, str]:
    """(platform, username) as the docs say they are inferred from a profile or status URL."""
    parts = urlsplit(url if "://" in url else "https://" + url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    platform = "instagram" if host.endswith("instagram.com") else "twitter"
    segments = [segment for segment in parts.path.split("/") if segment]
    if not segments:
        raise CheckSkipped(f"{url} names no account")
    return platform, segments[0].lstrip("@")


def expect_result(ctx: CheckContext, data: dict[str, Any], url: str, kind: str, what: str) -> dict[str, Any]:
    """The completed payload agrees with what was asked, and holds at most max_results entries."""
    for name in ("result", "completed_on"):
        ctx.expect(name in data, f"{what}: a completed job without {name}")
    result = data["result"]
    ctx.expect_schema("nyne/result", result, f"{what}: result")
    platform, username = target_of(url)
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
