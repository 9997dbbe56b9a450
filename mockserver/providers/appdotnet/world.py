"""The App.net world of one scenario: generated people, the scenario users and their tokens."""

from __future__ import annotations

from typing import Any

from mockserver.core.world import DerivedParts, Flags, Pools
from mockserver.providers.appdotnet.content import build_content
from mockserver.providers.appdotnet.limits import RATE_LIMITS_FLAG, LimitSettings
from mockserver.providers.appdotnet.people import GENERATED_USER_BASE, Directory
from mockserver.providers.appdotnet.tokens import TokenBook
from mockserver.providers.appdotnet.viewer import Viewer

DEFAULT_WINDOW_MINUTES = 360


class AdnWorld:
    def __init__(self, section: dict[str, Any], seed: int, anchor_ms: int, pools: Pools,
                 derived: DerivedParts | None = None) -> None:
        derived = DerivedParts() if derived is None else derived
        users = section["users"]
        ids = [user["id"] for user in users]  # unique: the scenario's cross-checks saw to it
        if any(int(user_id) >= GENERATED_USER_BASE for user_id in ids):
            raise ValueError(f"appdotnet: scenario user ids must be below {GENERATED_USER_BASE}")
        self.window_ms = section.get("coalesce_window_minutes", DEFAULT_WINDOW_MINUTES) * 60_000
        self.jsonp_authentication: bool = section.get("jsonp_authentication", False)  # the scenario default
        self.people = Directory(seed, anchor_ms, pools, build_content(pools))
        self.viewers = {
            user["id"]: Viewer(user, position, len(users), seed, anchor_ms, self.window_ms, self.people, derived)
            for position, user in enumerate(users)
        }
        self.tokens = derived.get(("appdotnet", "tokens"), lambda: TokenBook(section))
        self.limits = LimitSettings.from_section(section)
        # Switches the admin API may flip at run time; their overrides are the exported state.
        defaults = {JSONP_FLAG: self.jsonp_authentication, RATE_LIMITS_FLAG: self.limits.enabled}
        for grant in self.tokens.grants:
            defaults[revoked_flag(grant.label)] = grant.status == "revoked"
            defaults[expired_flag(grant.label)] = grant.status == "expired"
        self.flags = Flags(defaults)

    def default_credentials(self) -> dict[str, Any]:
        """The first user's first active token: what the docs' examples use (also good as ?access_token=)."""
        for grant, token in self.tokens.active_user_tokens():
            return {"headers": {"Authorization": f"Bearer {token}"}, "access_token": token, "user_id": grant.user_id}
        return {"headers": {}}


JSONP_FLAG = "jsonp_authentication"


def revoked_flag(label: str) -> str:
    return f"token:{label}:revoked"


def expired_flag(label: str) -> str:
    return f"token:{label}:expired"


def empty_section() -> dict[str, Any]:
    """Used when a scenario has no App.net section: the provider runs, and every token is unknown."""
    return {"users": []}
