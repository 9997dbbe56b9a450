"""Outfame's admin views: every account's status and today's usage against its limits, and what a clock move brings."""

from __future__ import annotations

from typing import Any

from mockserver.core.clock import DAY_MS, iso_from_ms
from mockserver.providers.outfame.accounts import ACTIVE
from mockserver.providers.outfame.handlers import OutfameApi

COUNTED_DAYS = 7  # a longer clock move counts the actions of its last seven days only


def accounts(api: OutfameApi) -> list[dict[str, Any]]:
    """Each account with the stats its workspace would read now (status, performed/limit/remaining per type)."""
    now = api.clock.now_ms()
    world = api.world
    return [{"account_id": account.id, "workspace_id": account.workspace_id,
             "workspace_name": world.directory.workspace_names[account.workspace_id],
             **world.stats(account, now)}
            for account in world.directory.accounts.values()]


def events_between(api: OutfameApi, after_ms: int, until_ms: int) -> list[dict[str, Any]]:
    """Status changes, engines starting again after a resume, actions attempted, and daily resets."""
    world, found = api.world, []
    for account in world.directory.accounts.values():
        for transition in world.timelines[account.id].transitions_between(after_ms, until_ms):
            if after_ms < transition.at_ms <= until_ms:
                found.append({"at_ms": transition.at_ms, "kind": "account", "id": account.id,
                              "what": f"{account.id} becomes {transition.status}"})
            start = transition.at_ms + transition.delay_ms
            if transition.status == ACTIVE and transition.delay_ms and after_ms < start <= until_ms:
                found.append({"at_ms": start, "kind": "account", "id": account.id,
                              "what": f"{account.id}: the engine starts again after the resume"})
        first_day = max(after_ms // DAY_MS, until_ms // DAY_MS - COUNTED_DAYS + 1)
        for day in range(first_day, until_ms // DAY_MS + 1):
            plan = world.plan(account, day)
            done = plan.upto(until_ms) - plan.upto(after_ms)
            if done:
                found.append({"at_ms": plan.times[plan.upto(until_ms) - 1], "kind": "actions", "id": account.id,
                              "what": f"{account.id}: {done} engagement action{'s' if done > 1 else ''} attempted"})
    for day in range(after_ms // DAY_MS + 1, until_ms // DAY_MS + 1)[-COUNTED_DAYS:]:
        found.append({"at_ms": day * DAY_MS, "kind": "reset", "id": iso_from_ms(day * DAY_MS)[:10],
                      "what": "daily limits reset for every account"})
    return found
