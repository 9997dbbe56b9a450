"""POST /v1/engagement/pause and /resume: the round trip, refusals, and the cancelled queue."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

from mockserver.contract.checks import REGISTRY
from mockserver.contract.checks.outfame.common import (
    PAUSE_REASON, account_id, expect_error, parse_instant, post, stats_of, target_now, walk_log,
)
from mockserver.contract.client import Response
from mockserver.contract.context import CheckContext
from mockserver.contract.model import CheckFailed, CheckSkipped

check = REGISTRY.check


def _require_active(ctx: CheckContext) -> None:
    """Only an active account is paused: what the check changes, it can put back."""
    status = stats_of(ctx, "stats before changing anything")["status"]
    if status != "active":
        raise CheckSkipped(f"the account is {status}, not active; set OUTFAME_ACCOUNT_ID to an active account")


@dataclass
class Paused:
    body: dict[str, Any]
    resumed: bool = False  # set by a check that resumes the account itself


@contextmanager
def _paused(ctx: CheckContext) -> Iterator[Paused]:
    """Pause the account for the block, then resume it whatever happened.

    The queued actions the pause cancels cannot be brought back; the engine plans new ones after the resume.
    """
    account = account_id(ctx)
    response = post(ctx, "pause", {"account_id": account, "reason": PAUSE_REASON})
    pause = Paused({})
    try:
        pause.body = ctx.expect_json(response, 200, "outfame/pause-response", "pause")
        yield pause
    except Exception as failure:
        if not pause.resumed:
            _restore(ctx, account, failure)
        raise
    if not pause.resumed:
        _restore(ctx, account, None)


def _restore(ctx: CheckContext, account: str, failure: Exception | None) -> None:
    """Resume the account; a resume that does not work is reported along with the check's own failure."""
    response = post(ctx, "resume", {"account_id": account})
    if response.status == 200 or _code_of(response) == "already_active":
        return
    problem = f"the account {account} could not be resumed after the check (HTTP {response.status}): resume it"
    if failure is not None:
        raise CheckFailed(f"{failure}; moreover {problem}") from failure
    raise CheckFailed(problem)


def _limits_used_up(stats: dict[str, Any]) -> bool:
    return all(action["remaining"] == 0 for action in stats["actions"].values())


def _resume(ctx: CheckContext, pause: Paused) -> dict[str, Any]:
    """Resume inside `_paused` (which then need not); the documented answer."""
    response = post(ctx, "resume", {"account_id": account_id(ctx)})
    pause.resumed = response.status == 200
    return ctx.expect_json(response, 200, "outfame/resume-response", "resume")


def _code_of(response: Response) -> str | None:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


@check("outfame.control.pause_resume", "POST /pause answers status paused with paused_at and "
       "queued_actions_cancelled, stats then say paused; POST /resume answers status active with resumed_at, "
       "stats then say active (the check resumes what it paused)", mutating=True)
def pause_resume(ctx: CheckContext) -> None:
    _require_active(ctx)
    account = account_id(ctx)
    with _paused(ctx) as pause:
        ctx.expect(pause.body["account_id"] == account, f"pause answered account {pause.body['account_id']!r}")
        status = stats_of(ctx, "stats after the pause")["status"]
        ctx.expect(status == "paused", f"after the pause, stats status is {status!r}, expected 'paused'")
        resumed = _resume(ctx, pause)
        ctx.expect(resumed["account_id"] == account, f"resume answered account {resumed['account_id']!r}")
        ctx.expect(parse_instant(resumed["resumed_at"]) >= parse_instant(pause.body["paused_at"]),
                   f"resumed_at {resumed['resumed_at']} is before paused_at {pause.body['paused_at']}")
    status = stats_of(ctx, "stats after the resume")["status"]
    ctx.expect(status == "active", f"after the resume, stats status is {status!r}, expected 'active'")


@check("outfame.control.already_paused", "pausing a paused account gets 400 already_paused (the check resumes "
       "what it paused)", mutating=True)
def already_paused(ctx: CheckContext) -> None:
    _require_active(ctx)
    with _paused(ctx):
        response = post(ctx, "pause", {"account_id": account_id(ctx), "reason": PAUSE_REASON})
        expect_error(ctx, response, 400, "already_paused", "a second pause")


@check("outfame.control.already_active", "resuming an active account gets 400 already_active", mutating=True)
def already_active(ctx: CheckContext) -> None:
    _require_active(ctx)
    response = post(ctx, "resume", {"account_id": account_id(ctx)})
    expect_error(ctx, response, 400, "already_active", "resuming an active account")


@check("outfame.control.queue_cancelled", "a pause cancels the queued actions: afterwards today's log holds no "
       "pending action and nothing after paused_at (the check resumes what it paused; cancelled actions stay "
       "cancelled)", mutating=True)
def queue_cancelled(ctx: CheckContext) -> None:
    _require_active(ctx)
    with _paused(ctx) as pause:
        paused_at = parse_instant(pause.body["paused_at"])
        for item in walk_log(ctx, "today's log after the pause"):
            ctx.expect(item["status"] != "pending",
                       f"{item['id']} is still pending after the pause "
                       f"(queued_actions_cancelled was {pause.body['queued_actions_cancelled']})")
            ctx.expect(parse_instant(item["performed_at"]) <= paused_at,
                       f"{item['id']} ({item['status']}) is performed at {item['performed_at']}, after the pause "
                       f"at {pause.body['paused_at']}")


RESUME_PROMISE_S = 120  # "growth begins again within 1-2 minutes"


@check("outfame.control.resume_promise", "after POST /resume growth begins again within 1-2 minutes: stats' "
       "next_action_at is at most 2 minutes after resumed_at, unless today's limits are used up (the check "
       "resumes what it paused)", mutating=True)
def resume_promise(ctx: CheckContext) -> None:
    _require_active(ctx)
    before = stats_of(ctx, "stats before the pause")
    if _limits_used_up(before):
        if ctx.admin is None:
            raise CheckSkipped("today's limits are used up, so the next action is tomorrow's: run the check earlier")
        # The mock's clock can go to its next day, whose limits are new.
        ctx.wait((parse_instant(before["resets_at"]) - target_now(ctx)).total_seconds() + 60)
    with _paused(ctx) as pause:
        resumed = _resume(ctx, pause)
    stats = stats_of(ctx, "stats after the resume")
    if _limits_used_up(stats):
        raise CheckSkipped("today's limits are used up, so the next action is tomorrow's: run the check earlier")
    ctx.expect(stats["next_action_at"] is not None,
               f"after a resume at {resumed['resumed_at']} stats show no next_action_at")
    waits = (parse_instant(stats["next_action_at"]) - parse_instant(resumed["resumed_at"])).total_seconds()
    ctx.expect(0 <= waits <= RESUME_PROMISE_S,
               f"next_action_at {stats['next_action_at']} is {waits:.0f} s after resumed_at {resumed['resumed_at']}; "
               f"growth should begin again within 1-2 minutes")
