"""Rate limits: the X-RateLimit-* headers on every answer, and the 429 beyond the limit."""

from __future__ import annotations

from mockserver.contract.checks import REGISTRY
from mockserver.contract.checks.appdotnet.common import expect_error, get
from mockserver.contract.client import Response
from mockserver.contract.context import CheckContext
from mockserver.contract.model import CheckSkipped

check = REGISTRY.check

HEADERS = ("X-RateLimit-Remaining", "X-RateLimit-Limit", "X-RateLimit-Reset")
MOST_UNAUTHORIZED = 60  # the documented limit for unauthorized calls is 50 a minute


def announced(ctx: CheckContext, response: Response, what: str) -> tuple[int, int, int]:
    """(remaining, limit, seconds until the refill), each a non-negative integer, remaining <= limit."""
    values = []
    for name in HEADERS:
        text = response.headers.get(name)
        ctx.expect(text is not None, f"{what}: the answer carries no {name} header")
        ctx.expect(text.isdigit(), f"{what}: {name} is {text!r}, not a non-negative integer")
        values.append(int(text))
    remaining, limit, reset = values
    ctx.expect(remaining <= limit, f"{what}: X-RateLimit-Remaining {remaining} exceeds X-RateLimit-Limit {limit}")
    return remaining, limit, reset


@check("appdotnet.ratelimit.headers", "every answer carries X-RateLimit-Remaining, X-RateLimit-Limit and "
       "X-RateLimit-Reset (seconds until the window refills), errors included; each call with a token uses one "
       "of its remaining requests")
def headers_on_every_answer(ctx: CheckContext) -> None:
    first = announced(ctx, get(ctx, count=1), "a first call with the user token")
    second = announced(ctx, get(ctx, count=1), "a second call with the user token")
    refilled = second[2] > first[2]  # the window ended between the two calls
    ctx.expect(refilled or second[0] == first[0] - 1,
               f"X-RateLimit-Remaining went from {first[0]} to {second[0]} over one call with the token")
    announced(ctx, get(ctx, count="twenty"), "a 400 for a malformed count")
    announced(ctx, get(ctx, headers={}), "a 401 for a call without a token")


@check("appdotnet.ratelimit.exceeded", "beyond a limit the answer is 429 in the error envelope with Retry-After "
       "and X-RateLimit-Remaining 0 (exercised on unauthorized calls, 50 a minute per address; run against the "
       "mock only, which then moves its clock past the window)")
def exceeded(ctx: CheckContext) -> None:
    if ctx.admin is None:
        raise CheckSkipped("exhausting a real API's rate limit on purpose is not done; this runs against the mock")
    for _ in range(MOST_UNAUTHORIZED):
        response = ctx.client.request("GET", "/stream/0/users/me/interactions", accept_429=True)
        if response.status == 429:
            break
    expect_error(ctx, response, 429, f"call {MOST_UNAUTHORIZED} without a token")
    remaining, _, reset = announced(ctx, response, "the 429")
    retry_after = response.headers.get("Retry-After", "")
    ctx.expect(retry_after.isdigit() and int(retry_after) >= 1, f"the 429's Retry-After is {retry_after!r}")
    ctx.expect(remaining == 0, f"the 429 says {remaining} requests remain")
    ctx.wait(int(retry_after) + 1)  # the window refills whole, as documented
    expect_error(ctx, get(ctx, headers={}), 401, "a call without a token once the window refilled")
