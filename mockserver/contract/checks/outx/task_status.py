"""GET /linkedin-agent/get-task-status: its documented refusals."""

from __future__ import annotations

import uuid

from mockserver.contract.checks import REGISTRY
from mockserver.contract.checks.outx.common import api_key_header, expect_error
from mockserver.contract.context import CheckContext

check = REGISTRY.check


@check("outx.tasks.unknown", "an unknown api_agent_task_id gets 404 'Agent task not found'")
def unknown_task(ctx: CheckContext) -> None:
    response = ctx.client.request("GET", "/linkedin-agent/get-task-status",
                                  params={"api_agent_task_id": str(uuid.uuid4())}, headers=api_key_header(ctx))
    expect_error(ctx, response, 404, "Agent task not found", "an unknown task id")


@check("outx.tasks.missing_id", "get-task-status without api_agent_task_id gets 400 "
       "\"Missing or invalid 'api_agent_task_id'\"")
def missing_task_id(ctx: CheckContext) -> None:
    response = ctx.client.request("GET", "/linkedin-agent/get-task-status", headers=api_key_header(ctx))
    expect_error(ctx, response, 400, "Missing or invalid 'api_agent_task_id'", "no task id")
