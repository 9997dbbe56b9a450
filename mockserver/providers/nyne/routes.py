"""The Nyne route table: submit and poll person interactions on the same path."""

from __future__ import annotations

from mockserver.core.http import Endpoint, Link
from mockserver.providers.nyne.handlers import NyneApi

PATH = "/person/interactions"


def endpoints(api: NyneApi) -> tuple[Endpoint, ...]:
    return (
        Endpoint(
            method="POST",
            path=PATH,
            handler=api.submit_interactions,
            summary="Queue a lookup of a Twitter/X or Instagram account's repliers, followers or following",
            response_schema="nyne/submit-response",
            error_schema="nyne/error",
            body_schema="nyne/submit-request",
            error_statuses=(400, 401, 413, 429),
            success_status=202,
            links={"PollLookup": Link("poll_interactions", {"request_id": "$response.body#/data/request_id"},
                                      description="Poll the lookup until it is completed or failed")},
        ),
        Endpoint(
            method="GET",
            path=PATH,
            handler=api.poll_interactions,
            summary="The status of a queued lookup, with its result once completed",
            response_schema="nyne/poll-response",
            error_schema="nyne/error",
            query_schema="nyne/poll-query",
            error_statuses=(400, 401, 404, 429),
        ),
    )
