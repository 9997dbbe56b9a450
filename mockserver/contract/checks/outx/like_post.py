"""POST /linkedin-agent/like-post: the refusal of a bad URN, and the task from submit to completed."""

from __future__ import annotations

from typing import Any

from mockserver.contract.checks import REGISTRY
from mockserver.contract.checks.outx.common import (
    api_key_header, expect_error, from_scenario, interactions_page,
)
from mockserver.contract.context import CheckContext
from mockserver.contract.model import CheckSkipped

check = REGISTRY.check


POLL_INTERVAL_S, MAX_POLLS = 5, 30  # what the docs tell clients


@check("outx.tasks.invalid_urn", "like-post without a string social_urn gets 400 \"Missing or invalid "
       "'social_urn'\"", mutating=True)
def like_invalid_urn(ctx: CheckContext) -> None:
    response = ctx.client.request("POST", "/linkedin-agent/like-post", json_body={"social_urn": 42},
                                  headers=api_key_header(ctx))
    expect_error(ctx, response, 400, "Missing or invalid 'social_urn'", "a numeric social_urn")


@check("outx.tasks.like_flow", "like-post answers a task id; polling every 5 s (at most 30 times) sees the "
       "task go from pending to completed with an output", mutating=True)
def like_flow(ctx: CheckContext) -> None:
    # A like cannot be undone (the API has no unlike), so this check needs a post chosen for it;
    # against the mock any tracked post will do.
    urn = ctx.optional("OUTX_LIKE_URN")
    if urn is None:
        if ctx.admin is None:
            ctx.require("OUTX_LIKE_URN")
        urn = interactions_page(ctx, "a post to like")["data"][0]["post"]["social_urn"]
    response = ctx.client.request("POST", "/linkedin-agent/like-post", json_body={"social_urn": urn},
                                  headers=api_key_header(ctx))
    created = ctx.expect_json(response, 200, "outx/like-post-response", "like-post")
    task_id = created["api_agent_task_id"]

    def finished() -> dict[str, Any] | None:
        answer = ctx.client.request("GET", "/linkedin-agent/get-task-status",
                                    params={"api_agent_task_id": task_id}, headers=api_key_header(ctx))
        body = ctx.expect_json(answer, 200, "outx/task-status-response", "get-task-status")
        ctx.expect(body["data"]["id"] == task_id, f"get-task-status answered task {body['data']['id']}")
        return body if body["data"]["status"] == "completed" else None

    done = ctx.poll(finished, interval_s=POLL_INTERVAL_S, max_tries=MAX_POLLS, what=f"like task {task_id}")
    ctx.expect(isinstance(done["data"]["task_output"], dict), "a completed task has no task_output object")


FORCED_ERROR = "contract check: the extension did not answer"


@check("outx.tasks.failure", "an agent task can fail: get-task-status then says status failed, with task_output "
       "null and an error text; a task forced to complete is completed at the first poll (provoked through the "
       "mock's admin API, so this runs against the mock only)", mutating=True)
def like_failure(ctx: CheckContext) -> None:
    if ctx.admin is None:
        raise CheckSkipped("a task failure can only be provoked on this mock (POST /__admin/providers/outx/force-task)")
    urn = interactions_page(ctx, "a post to like")["data"][0]["post"]["social_urn"]
    try:
        for status in ("failed", "completed"):
            ctx.admin.provider_action("outx", "force-task", {"next": True, "status": status,
                                                             **({"error": FORCED_ERROR} if status == "failed" else {})})
            response = ctx.client.request("POST", "/linkedin-agent/like-post", json_body={"social_urn": urn},
                                          headers=api_key_header(ctx))
            task_id = ctx.expect_json(response, 200, "outx/like-post-response", "like-post")["api_agent_task_id"]

            def ended() -> dict[str, Any] | None:
                answer = ctx.client.request("GET", "/linkedin-agent/get-task-status",
                                            params={"api_agent_task_id": task_id}, headers=api_key_header(ctx))
                data = ctx.expect_json(answer, 200, "outx/task-status-response", "get-task-status")["data"]
                return data if data["status"] != "pending" else None

            data = ctx.poll(ended, interval_s=POLL_INTERVAL_S, max_tries=MAX_POLLS if status == "failed" else 1,
                            what=f"a task forced to be {status}")
            ctx.expect(data["status"] == status, f"the task forced to be {status} is {data['status']}")
            if status == "failed":
                ctx.expect(data["task_output"] is None and data.get("error") == FORCED_ERROR,
                           f"a failed task must carry task_output null and its error, got {data}")
    finally:
        ctx.admin.provider_action("outx", "clear-task-rules")


LIKE = {"social_urn": "urn:li:activity:7123456789012345678"}  # refused before anything is liked


@check("outx.tasks.plugin_required", "like-post from a team where no member has the browser extension active gets "
       "403 'Plugin installation required...'", mutating=True)
def plugin_required(ctx: CheckContext) -> None:
    key = from_scenario(ctx, "OUTX_NO_EXTENSION_API_KEY")
    response = ctx.client.request("POST", "/linkedin-agent/like-post", json_body=LIKE, headers={"x-api-key": key})
    body = ctx.expect_json(response, 403, "outx/error", "a team without an active extension")
    ctx.expect(str(body.get("error", "")).startswith("Plugin installation required"),
               f"a team without an active extension: expected 'Plugin installation required...', got "
               f"{body.get('error')!r}")


@check("outx.tasks.no_admin", "like-post from a team without an admin gets 404 'No admin user found in the team'",
       mutating=True)
def no_admin(ctx: CheckContext) -> None:
    key = from_scenario(ctx, "OUTX_NO_ADMIN_API_KEY")
    response = ctx.client.request("POST", "/linkedin-agent/like-post", json_body=LIKE, headers={"x-api-key": key})
    expect_error(ctx, response, 404, "No admin user found in the team", "a team without an admin")
