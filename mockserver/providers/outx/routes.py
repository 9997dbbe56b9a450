"""The OutX route table: documented paths, their handlers and their schemas."""

from __future__ import annotations

from mockserver.core.http import Endpoint, Link
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
        Endpoint(
            method="POST",
            path="/linkedin-agent/like-post",
            handler=api.like_post,
            summary="Ask the team's oldest admin's browser extension to like a post (asynchronous task)",
            response_schema="outx/like-post-response",
            error_schema="outx/error",
            body_schema="outx/like-post-request",
            error_statuses=(400, 401, 403, 404, 413),
            links={"GetTaskStatus": Link("task_status", {"api_agent_task_id": "$response.body#/api_agent_task_id"},
                                         description="Poll the task (every 5 s, at most 30 times)")},
        ),
        Endpoint(
            method="GET",
            path="/linkedin-agent/get-task-status",
            handler=api.task_status,
            summary="Status and output of an agent task of your team",
            response_schema="outx/task-status-response",
            error_schema="outx/error",
            query_schema="outx/task-status-query",
            error_statuses=(400, 401, 404),
        ),
    )
