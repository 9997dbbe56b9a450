"""The OutX route table: documented paths, their handlers and their schemas."""

from __future__ import annotations

from mockserver.core.http import Endpoint
from mockserver.providers.outx.handlers import OutxApi


def endpoints(api: OutxApi) -> tuple[Endpoint, ...]:
    return (
        Endpoint(
            method="GET",
            path="/api-interactions",
            handler=api.watchlist_interactions,
            summary="Likes and comments on the posts a watchlist tracks, newest first",
            response_schema="outx/interactions-response",
            error_schema="outx/error",
            query_schema="outx/interactions-query",
            error_statuses=(400, 401, 403, 500),
        ),
    )
