"""GET /person/interactions?request_id=: an unknown request id."""

from __future__ import annotations

from mockserver.contract.checks import REGISTRY
from mockserver.contract.checks.nyne.common import expect_error, poll_job, unknown_request_id
from mockserver.contract.context import CheckContext

check = REGISTRY.check


@check("nyne.poll.unknown_request", "polling an unknown request_id answers 404 with the code request_not_found")
def unknown_request(ctx: CheckContext) -> None:
    response = poll_job(ctx, unknown_request_id(ctx))
    expect_error(ctx, response, 404, "an unknown request_id", code="request_not_found")
