"""The two rate-limit header families and the documented limits."""

from __future__ import annotations

from mockserver.contract.checks import REGISTRY
from mockserver.contract.checks.nyne.common import lower_keys, now_s, poll_job, unknown_request_id
from mockserver.contract.context import CheckContext
from mockserver.contract.model import CheckSkipped

check = REGISTRY.check


DOCUMENTED_LIMITS = (60, 1000)  # per key: a minute, an hour
RESET_SKEW_S = 5  # how far the two reset headers (unix time vs seconds) may disagree


def _rate_family(ctx: CheckContext, headers: dict[str, str], prefix: str) -> dict[str, int] | None:
    """Limit, Remaining and Reset of one header family, as integers; None when the family is absent."""
    names = {part: f"{prefix}-{part}" for part in ("Limit", "Remaining", "Reset")}
    if not any(name.lower() in headers for name in names.values()):
        return None
    values = {}
    for part, name in names.items():
        raw = headers.get(name.lower())
        ctx.expect(raw is not None, f"{prefix}-* headers sent without {name}")
        ctx.expect(raw.strip().isdigit(), f"{name} is {raw!r}, not a non-negative integer")
        values[part] = int(raw)
    ctx.expect(values["Limit"] in DOCUMENTED_LIMITS,
               f"{prefix}-Limit is {values['Limit']}; the documented limits are 60 a minute and 1000 an hour")
    ctx.expect(values["Remaining"] <= values["Limit"],
               f"{prefix}-Remaining {values['Remaining']} exceeds {prefix}-Limit {values['Limit']}")
    return values


@check("nyne.ratelimit.headers", "when sent, X-RateLimit-Limit/Remaining/Reset (reset as unix time) and "
       "RateLimit-Limit/Remaining/Reset (reset in seconds) describe the documented 60/min or 1000/h limits "
       "and agree with each other")
def rate_limit_headers(ctx: CheckContext) -> None:
    response = poll_job(ctx, unknown_request_id(ctx))
    now = now_s(ctx, response)
    headers = lower_keys(response.headers)
    legacy, standard = _rate_family(ctx, headers, "X-RateLimit"), _rate_family(ctx, headers, "RateLimit")
    if legacy is None and standard is None:
        raise CheckSkipped("the target sent no rate-limit headers (the docs make them optional)")
    if legacy is not None:
        ahead = legacy["Reset"] - now
        ctx.expect(-RESET_SKEW_S <= ahead <= 3600 + 60,
                   f"X-RateLimit-Reset {legacy['Reset']} is {ahead:+.0f} s from now: not a unix time within the hour")
    if standard is not None:
        ctx.expect(standard["Reset"] <= 3600, f"RateLimit-Reset {standard['Reset']} is more seconds than an hour")
    if legacy is not None and standard is not None:
        for part in ("Limit", "Remaining"):
            ctx.expect(legacy[part] == standard[part],
                       f"X-RateLimit-{part} {legacy[part]} and RateLimit-{part} {standard[part]} disagree")
        gap = legacy["Reset"] - (now + standard["Reset"])
        ctx.expect(abs(gap) <= RESET_SKEW_S, f"X-RateLimit-Reset {legacy['Reset']} (unix) and RateLimit-Reset "
                   f"{standard['Reset']} (seconds) name instants {gap:+.0f} s apart")


@check("nyne.ratelimit.polls_count", "polls count against the key's rate limit (the limits are per key; only "
       "credits are free for polls): each poll takes one request from the window the headers describe")
def polls_count(ctx: CheckContext) -> None:
    request_id = unknown_request_id(ctx)
    seen = []
    for _ in range(3):
        headers = lower_keys(poll_job(ctx, request_id).headers)
        family = _rate_family(ctx, headers, "X-RateLimit") or _rate_family(ctx, headers, "RateLimit")
        if family is None:
            raise CheckSkipped("the target sent no rate-limit headers (the docs make them optional)")
        seen.append((family["Limit"], family["Remaining"]))
    # A sliding window may free a slot between two polls, so one step of exactly one is enough.
    ctx.expect(any(a[0] == b[0] and b[1] == a[1] - 1 for a, b in zip(seen, seen[1:])),
               f"the remaining requests did not go down by one per poll: {[r for _, r in seen]}")
