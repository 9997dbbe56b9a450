"""The {data, meta} envelope of an answer, and of a malformed request's error."""

from __future__ import annotations

from mockserver.contract.checks import REGISTRY
from mockserver.contract.checks.appdotnet.common import PATH, expect_error, get, stream_page, user_headers
from mockserver.contract.context import CheckContext

check = REGISTRY.check


@check("appdotnet.envelope.success", "a successful answer is {data, meta}: data a list of Interactions with "
       "their documented fields and types, meta with code (= the HTTP status), min_id/max_id as strings and "
       "the boolean more")
def envelope_success(ctx: CheckContext) -> None:
    body = stream_page(ctx, "the first page")
    ctx.expect(bool(body["data"]), "the first page is empty: the check needs a stream with interactions")


@check("appdotnet.errors.malformed_count", "a malformed request (count that is not an integer) gets 400 in the "
       "error envelope: meta {code: 400, error_message}, no data")
def malformed_count(ctx: CheckContext) -> None:
    expect_error(ctx, get(ctx, count="twenty"), 400, "count=twenty")


@check("appdotnet.errors.wrong_method", "a method the endpoint does not serve gets 405 with an Allow header, in the "
       "error envelope like every App.net answer (the check sends a POST)", mutating=True)
def wrong_method(ctx: CheckContext) -> None:
    response = ctx.client.request("POST", PATH, headers=user_headers(ctx), json_body={})
    expect_error(ctx, response, 405, "POST on the GET-only endpoint")
    allow = response.headers.get("Allow", "")
    ctx.expect("GET" in allow, f"the 405 names the allowed methods in Allow, got {allow!r}")
