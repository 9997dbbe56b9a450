"""POST /person/interactions: refused submissions, and an accepted one."""

from __future__ import annotations

from typing import Any

from mockserver.contract.checks import REGISTRY
from mockserver.contract.checks.nyne.common import (
    MAX_RESULTS, auth_headers, expect_accepted, expect_error, submit_lookup,
)
from mockserver.contract.checks.nyne.lookup import Job, followers_request, remember
from mockserver.contract.context import CheckContext

check = REGISTRY.check


def _refused(ctx: CheckContext, body: dict[str, Any], status: int, what: str,
             headers: dict[str, str] | None = None) -> None:
    expect_error(ctx, submit_lookup(ctx, body, headers), status, what)


@check("nyne.submit.unauthenticated", "a submit without credentials is refused with 401", mutating=True)
def submit_unauthenticated(ctx: CheckContext) -> None:
    auth_headers(ctx)  # only to skip a target not configured for Nyne
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
    body = followers_request(ctx)
    data = expect_accepted(ctx, submit_lookup(ctx, body), "the followers lookup")
    remember(ctx, Job(data["request_id"], body))
