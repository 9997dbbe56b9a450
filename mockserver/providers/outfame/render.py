"""Outfame's wire shapes: activity items, ids and timestamps."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from mockserver.core.world import derive, pick, splitmix64, unit_float
from mockserver.providers.outfame.accounts import ACTION_TYPES, Account
from mockserver.providers.outfame.audience import Audience
from mockserver.providers.outfame.engine import (
    COMPLETED, FAILED, OUTCOMES, S_ID, S_PICK, S_POST, S_QUALITY, S_SOURCE, DayPlan, target_of,
)

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
PENDING = "pending"


def iso_seconds(ms: int) -> str:
    """Epoch ms as ISO 8601 UTC to the second, the precision the docs show."""
    return datetime.fromtimestamp(ms // 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def base62(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, digit = divmod(value, 62)
        chars.append(_BASE62[digit])
    return "".join(chars)


def source_of(account: Account, g: int) -> str:
    """Half the targets come from hashtags, 30% from competitors' followers, 20% from locations."""
    kinds = [(0.5, "hashtag", account.hashtags), (0.3, "competitor", account.competitors),
             (0.2, "location", account.locations)]
    kinds = [entry for entry in kinds if entry[2]]
    point = unit_float(derive(account.key, g, S_SOURCE)) * sum(weight for weight, _, _ in kinds)
    for weight, name, values in kinds:
        if point < weight:
            break
        point -= weight
    return f"{name}:{pick(values, derive(account.key, g, S_PICK))}"


def quality_of(account: Account, g: int, outcome: int) -> float:
    """Completed targets are good matches; skipped ones are why they were filtered out."""
    u = unit_float(derive(account.key, g, S_QUALITY))
    if outcome == COMPLETED:
        return round(0.62 + 0.37 * u ** 0.7, 2)
    if outcome == FAILED:
        return round(0.5 + 0.45 * u, 2)
    return round(0.05 + 0.5 * u, 2)


def action(account: Account, audience: Audience, plan: DayPlan, pos: int, now_ms: int) -> dict[str, Any]:
    g = plan.g(pos)
    kind = ACTION_TYPES[plan.kinds[pos]]
    user = target_of(account, g)
    outcome = plan.outcomes[pos]
    if kind in ("like", "comment"):
        post: str | None = audience.post_id(user, derive(account.key, g, S_POST))
    elif kind == "story_view":
        post = audience.story_id(user, plan.day)
    else:
        post = None  # a follow targets the user, not a post
    # The walk's start is part of the id: attempts of a walk that began after a resume are new actions.
    id_key = account.key ^ splitmix64(plan.starts[pos])
    return {
        "id": "act_" + base62(derive(id_key, g, S_ID), 8),
        "type": kind,
        "target_username": audience.username(user),
        "target_post_id": post,
        "source": source_of(account, g),
        "quality_score": quality_of(account, g, outcome),
        "status": OUTCOMES[outcome] if plan.times[pos] <= now_ms else PENDING,
        "performed_at": iso_seconds(plan.times[pos]),
    }
