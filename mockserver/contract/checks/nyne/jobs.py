"""A lookup's life: statuses until done, the completed payload, its stability, replies."""

from __future__ import annotations

from mockserver.contract.checks import REGISTRY
from mockserver.contract.checks.nyne.common import (
    MAX_RESULTS, expect_accepted, job_state, submit_lookup, until_done,
)
from mockserver.contract.model import CheckSkipped
from mockserver.contract.checks.nyne.lookup import Job, completed_job, expect_result, followers_job, remember
from mockserver.contract.context import CheckContext

check = REGISTRY.check


@check("nyne.jobs.lifecycle", "polling GET /person/interactions?request_id= (every few seconds, backing off) "
       "shows queued, processing or pending until the job ends completed (completed: true) or failed (with an "
       "error)", mutating=True)
def job_lifecycle(ctx: CheckContext) -> None:
    job = followers_job(ctx)
    until_done(ctx, job.request_id)
    remember(ctx, job)


@check("nyne.jobs.completed_payload", "a completed lookup carries result {interaction_type, platform, target "
       "{username, profile_url}, interactions, total_count} and completed_on, matching the request, with no more "
       "entries than max_results, follower entries carrying profile fields", mutating=True)
def job_completed_payload(ctx: CheckContext) -> None:
    job = followers_job(ctx)
    what = f"the followers lookup {job.request_id}"
    result = expect_result(ctx, completed_job(ctx, job, what), job.body["social_media_url"], "followers", what)
    for index, entry in enumerate(result["interactions"]):
        ctx.expect_schema("nyne/profile-entry", entry, f"{what}: follower {index}")
    remember(ctx, job)


@check("nyne.jobs.result_stable", "a completed job stays completed and answers the same result when polled "
       "again (polling is free)", mutating=True)
def job_result_stable(ctx: CheckContext) -> None:
    job = followers_job(ctx)
    what = f"the followers lookup {job.request_id}"
    first = completed_job(ctx, job, what)
    again = job_state(ctx, job.request_id)
    ctx.expect(again["status"] == "completed", f"{what}: completed, then {again['status']!r} on the next poll")
    for name in ("result", "completed_on"):
        ctx.expect(again.get(name) == first.get(name), f"{what}: {name} changed between polls of the completed job")
    remember(ctx, job)


@check("nyne.jobs.replies", "a Twitter/X replies lookup completes with entries carrying reply_text and "
       "reply_date, no more than max_results", mutating=True)
def job_replies(ctx: CheckContext) -> None:
    # A second (and last) paid lookup, so it runs only when a tweet is named for it.
    (url,) = ctx.require("NYNE_TWEET_URL")
    what = "the replies lookup"
    data = expect_accepted(ctx, submit_lookup(ctx, {"social_media_url": url, "type": "replies", "max_results": MAX_RESULTS}),
                     what)
    what = f"the replies lookup {data['request_id']}"
    result = expect_result(ctx, completed_job(ctx, Job(data["request_id"], {}), what), url, "replies", what)
    for index, entry in enumerate(result["interactions"]):
        for name in ("reply_text", "reply_date"):
            ctx.expect(isinstance(entry.get(name), str), f"{what}: reply {index} has no {name} string")
        ctx.expect_schema("nyne/reply-entry", entry, f"{what}: reply {index}")


@check("nyne.jobs.pending", "a lookup submitted while its key runs as many jobs as it may (NYNE_LIMITED_MAX_JOBS) "
       "answers pending, keeps answering a running status, and ends completed or failed once a slot frees "
       "(NYNE_LIMITED_MAX_JOBS + 1 lookups)", mutating=True)
def job_pending(ctx: CheckContext) -> None:
    if not ctx.optional("NYNE_LIMITED_API_KEY"):
        raise CheckSkipped("set NYNE_LIMITED_API_KEY, NYNE_LIMITED_API_SECRET and NYNE_LIMITED_MAX_JOBS to run it")
    key, secret, limit = ctx.require("NYNE_LIMITED_API_KEY", "NYNE_LIMITED_API_SECRET", "NYNE_LIMITED_MAX_JOBS")
    headers = {"X-API-Key": key, "X-API-Secret": secret}
    body = {"social_media_url": ctx.require("NYNE_TARGET_URL")[0], "type": "followers", "max_results": MAX_RESULTS}
    ids = [expect_accepted(ctx, submit_lookup(ctx, body, headers), f"lookup {n + 1} with the limited key")["request_id"]
           for n in range(int(limit) + 1)]
    last = ids[-1]
    first_status = job_state(ctx, last, headers)["status"]
    ctx.expect(first_status == "pending", f"lookup {len(ids)} of a key that may run {limit} at once is "
                                          f"{first_status}, expected pending while the others run")
    until_done(ctx, last, headers)
