"""The Outfame route table: documented paths, their handlers and their schemas."""

from __future__ import annotations

from mockserver.core.http import Endpoint, Link
from mockserver.providers.outfame.handlers import OutfameApi

_ERROR = "outfame/error"
_STATUSES = (400, 401, 403, 404)
_BODY_STATUSES = _STATUSES + (413,)


def endpoints(api: OutfameApi) -> tuple[Endpoint, ...]:
    return (
        Endpoint("GET", "/v1/engagement/activity", api.activity,
                 "An account's engagement actions of one day, newest first, with the queue as pending",
                 "outfame/activity-response", _ERROR, query_schema="outfame/activity-query",
                 error_statuses=_STATUSES),
        Endpoint("GET", "/v1/engagement/stats", api.stats,
                 "Today's actions against the daily limits, quality, pacing and follow-back rates",
                 "outfame/stats-response", _ERROR, query_schema="outfame/stats-query", error_statuses=_STATUSES),
        Endpoint("POST", "/v1/engagement/pause", api.pause,
                 "Stop an account's engagement and cancel its queued actions",
                 "outfame/pause-response", _ERROR, body_schema="outfame/pause-request", error_statuses=_BODY_STATUSES,
                 links={"Resume": Link("resume", request_body={"account_id": "$response.body#/account_id"},
                                       description="Start the paused account again")}),
        Endpoint("POST", "/v1/engagement/resume", api.resume,
                 "Start a paused account's engagement again (within one to two minutes)",
                 "outfame/resume-response", _ERROR, body_schema="outfame/resume-request",
                 error_statuses=_BODY_STATUSES),
    )
