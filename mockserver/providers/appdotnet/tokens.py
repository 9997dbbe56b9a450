"""App.net access tokens: which user (or app) a token stands for, its state and its scopes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockserver.core.auth import CredentialIndex

DEFAULT_SCOPES = ("basic", "stream", "write_post", "follow", "messages")


@dataclass(frozen=True, slots=True)
class Grant:
    """What a token grants. `label` names the token in state snapshots without revealing it."""

    label: str
    user_id: str | None  # None for an app token
    status: str  # active | revoked | expired, as the scenario says; run-time changes are world flags
    scopes: tuple[str, ...]


class TokenBook:
    def __init__(self, section: dict[str, Any]) -> None:
        pairs: list[tuple[str, Grant]] = []
        for user in section["users"]:
            for n, entry in enumerate(user["tokens"]):
                scopes = tuple(dict.fromkeys(("basic", *entry.get("scopes", DEFAULT_SCOPES))))
                pairs.append((entry["token"], Grant(f"user:{user['id']}:{n}", user["id"],
                                                    entry.get("status", "active"), scopes)))
        for n, token in enumerate(section.get("app_tokens", [])):
            pairs.append((token, Grant(f"app:{n}", None, "active", ())))
        self.grants = tuple(grant for _, grant in pairs)
        self._index = CredentialIndex(pairs)  # refuses a token given twice
        # Kept for `default_credentials` only (the admin API shows the scenario's credentials anyway).
        self._user_tokens = [(grant, token) for token, grant in pairs if grant.user_id and grant.status == "active"]

    def active_user_tokens(self) -> list[tuple[Grant, str]]:
        return list(self._user_tokens)

    def lookup(self, token: str) -> Grant | None:
        return self._index.lookup(token)
