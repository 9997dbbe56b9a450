"""Outfame workspaces, API keys and accounts, read from the scenario section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockserver.core.clock import DAY_MS
from mockserver.core.world import DerivedParts, Pools, derive, pick, stable_key

ACTION_TYPES = ("like", "follow", "comment", "story_view")
DEFAULT_LIMITS = {"like": 150, "follow": 60, "comment": 20, "story_view": 200}
REQUIRED_SCOPE = "engagement:manage"
HOUR_MS = 3_600_000

ACTIVE, PAUSED, SUSPENDED, SETUP = "active", "paused", "suspended", "setup"

# Hashtags offered to accounts whose scenario entry names none.
_DEFAULT_HASHTAGS = (
    "fitness", "travel", "foodie", "photography", "wellness", "fashion", "homedecor",
    "yoga", "coffee", "plantbased", "streetstyle", "smallbusiness",
)


@dataclass(frozen=True, slots=True)
class Transition:
    """From `at_ms` on the account has `status`; an active engine starts `delay_ms` later."""

    at_ms: int
    status: str
    delay_ms: int = 0
    resumed: bool = False  # made by a resume through the API (its promise: growth within 1-2 minutes)


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    workspace_id: str
    key: int  # the hash key every derived value of this account starts from
    limits: tuple[int, int, int, int]  # in ACTION_TYPES order
    window_start_ms: int  # offset into the UTC day where the engine starts working
    window_end_ms: int
    own_hours: bool  # the scenario set active_hours (else the hours are the mock's assumption)
    hashtags: tuple[str, ...]
    competitors: tuple[str, ...]
    locations: tuple[str, ...]
    created_ms: int
    initial: tuple[Transition, ...]  # the scenario's status history, oldest first


@dataclass(frozen=True, slots=True)
class ApiKey:
    workspace_id: str
    scopes: frozenset[str]


class Directory:
    """Every workspace, key and account of the scenario (whose cross-checks made ids and keys unique)."""

    def __init__(self, section: dict[str, Any], seed: int, anchor_ms: int, pools: Pools,
                 derived: DerivedParts | None = None) -> None:
        derived = DerivedParts() if derived is None else derived
        self.accounts: dict[str, Account] = {}
        self.api_keys: list[tuple[str, ApiKey]] = []
        self.workspace_names: dict[str, str] = {}
        for workspace in section["workspaces"]:
            self.workspace_names[workspace["id"]] = workspace["name"]
            for entry in workspace["api_keys"]:
                self.api_keys.append((entry["key"], ApiKey(workspace["id"], frozenset(entry["scopes"]))))
            for spec in workspace["accounts"]:
                self.accounts[spec["id"]] = _account(spec, workspace["id"], seed, anchor_ms, pools, derived)


def _account(spec: dict[str, Any], workspace_id: str, seed: int, anchor_ms: int, pools: Pools,
             derived: DerivedParts) -> Account:
    key = stable_key(seed, "outfame", "account", spec["id"])
    limits_spec = {**DEFAULT_LIMITS, **spec.get("daily_limits", {})}
    hours = {"start": 6, "end": 23, **spec.get("active_hours", {})}
    created_ms = anchor_ms - spec.get("created_days_ago", 90) * DAY_MS
    hashtags, competitors, locations = derived.get(("outfame", "targeting", key),
                                                   lambda: _targeting(spec.get("targeting", {}), key, pools))
    return Account(
        id=spec["id"],
        workspace_id=workspace_id,
        key=key,
        limits=tuple(limits_spec[kind] for kind in ACTION_TYPES),  # type: ignore[arg-type]
        window_start_ms=hours["start"] * HOUR_MS,
        window_end_ms=hours["end"] * HOUR_MS,
        own_hours="active_hours" in spec,
        hashtags=hashtags,
        competitors=competitors,
        locations=locations,
        created_ms=created_ms,
        initial=_initial_history(spec, created_ms, anchor_ms),
    )


def _initial_history(spec: dict[str, Any], created_ms: int, anchor_ms: int) -> tuple[Transition, ...]:
    status = spec.get("status", ACTIVE)
    if status in (ACTIVE, SETUP):
        return (Transition(created_ms, status),)
    stopped_ms = max(created_ms, anchor_ms - spec.get("status_since_hours", 26) * HOUR_MS)
    if stopped_ms == created_ms:
        return (Transition(created_ms, status),)
    return (Transition(created_ms, ACTIVE), Transition(stopped_ms, status))


def _targeting(targeting: dict[str, Any], key: int, pools: Pools
               ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Hashtags, competitors and locations: the scenario's, or defaults drawn from the pools."""
    hashtags = targeting["hashtags"] if "hashtags" in targeting else _default_hashtags(key)
    competitors = targeting["competitors"] if "competitors" in targeting else _default_competitors(key, pools)
    locations = targeting["locations"] if "locations" in targeting else _default_locations(key, pools)
    if not (hashtags or competitors or locations):
        hashtags = _default_hashtags(key)  # an engine needs somewhere to find targets
    return tuple(hashtags), tuple(competitors), tuple(locations)


def _default_hashtags(key: int) -> list[str]:
    return list(dict.fromkeys(pick(_DEFAULT_HASHTAGS, derive(key, i, 40)) for i in range(3)))


def _default_competitors(key: int, pools: Pools) -> list[str]:
    names = (pick(pools.companies, derive(key, i, 41)).slug.replace("-", "")[:24] for i in range(2))
    return list(dict.fromkeys(name for name in names if name))


def _default_locations(key: int, pools: Pools) -> list[str]:
    return list(dict.fromkeys(pick(pools.cities, derive(key, i, 42)) for i in range(2)))
