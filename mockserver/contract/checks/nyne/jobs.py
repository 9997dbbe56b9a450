"""A lookup's life: statuses until done, the completed payload, its stability, replies."""

from __future__ import annotations

from mockserver.contract.checks import REGISTRY
from mockserver.contract.checks.nyne.common import MAX_RESULTS, expect_accepted, job_state, submit_lookup, until_done
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
