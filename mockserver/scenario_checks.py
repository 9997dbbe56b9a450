"""Scenario rules a JSON Schema cannot say: uniqueness across a file, ordered pairs, one section at least.

Each problem names its place as a JSON path. A credential is never echoed:
the message says where the second copy is, not what it is.
"""

from __future__ import annotations

from typing import Any

PROVIDER_SECTIONS = ("outx", "appdotnet", "nyne", "outfame")


class _Claims:
    """Values that must be unique within a kind; the first place a value was seen wins."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self._seen: dict[tuple[str, str], str] = {}

    def claim(self, kind: str, value: str, where: str, secret: bool = False) -> None:
        shown = "" if secret else f" {value!r}"
        first = self._seen.setdefault((kind, value), where)
        if first != where:
            self.problems.append(f"at {where}: {kind}{shown} is already used at {first}")


def cross_checks(document: dict[str, Any]) -> list[str]:
    """Problems of a schema-valid scenario document (empty when it is usable)."""
    if not any(name in document for name in PROVIDER_SECTIONS):
        return [f"at $: a scenario describes at least one provider: {', '.join(PROVIDER_SECTIONS)}"]
    claims = _Claims()
    for name, check in (("outx", _outx), ("appdotnet", _appdotnet), ("nyne", _nyne), ("outfame", _outfame)):
        if name in document:
            check(document[name], claims)
    return claims.problems


def _outx(section: dict[str, Any], claims: _Claims) -> None:
    timing = section.get("agent_task_seconds")
    if timing and timing["min"] > timing["max"]:
        claims.problems.append("at $.outx.agent_task_seconds: min must not exceed max")
    for t, team in enumerate(section["teams"]):
        where = f"$.outx.teams[{t}]"
        claims.claim("team id", team["id"], f"{where}.id")
        for m, member in enumerate(team.get("members", [])):
            claims.claim("member id", member["id"], f"{where}.members[{m}].id")
        for k, key in enumerate(team["api_keys"]):
            claims.claim("OutX API key", key, f"{where}.api_keys[{k}]", secret=True)
        for w, watchlist in enumerate(team["watchlists"]):
            claims.claim("watchlist id", watchlist["id"], f"{where}.watchlists[{w}].id")


def _appdotnet(section: dict[str, Any], claims: _Claims) -> None:
    for u, user in enumerate(section["users"]):
        where = f"$.appdotnet.users[{u}]"
        claims.claim("App.net user id", user["id"], f"{where}.id")
        claims.claim("App.net username", user["username"], f"{where}.username")
        for k, token in enumerate(user["tokens"]):
            claims.claim("App.net token", token["token"], f"{where}.tokens[{k}].token", secret=True)
    for k, token in enumerate(section.get("app_tokens", [])):
        claims.claim("App.net token", token, f"$.appdotnet.app_tokens[{k}]", secret=True)


def _nyne(section: dict[str, Any], claims: _Claims) -> None:
    for c, credential in enumerate(section["credentials"]):
        claims.claim("Nyne credential id", credential["id"], f"$.nyne.credentials[{c}].id")
        claims.claim("Nyne API key", credential["api_key"], f"$.nyne.credentials[{c}].api_key", secret=True)
    for p, profile in enumerate(section.get("profiles", [])):
        handle = f"{profile['platform']} handle"
        claims.claim(f"Nyne {handle}", profile["username"].casefold(), f"$.nyne.profiles[{p}].username")
    for t, tweet in enumerate(section.get("tweets", [])):
        claims.claim("Nyne tweet id", tweet["tweet_id"], f"$.nyne.tweets[{t}].tweet_id")


def _outfame(section: dict[str, Any], claims: _Claims) -> None:
    for w, workspace in enumerate(section["workspaces"]):
        where = f"$.outfame.workspaces[{w}]"
        claims.claim("workspace id", workspace["id"], f"{where}.id")
        for k, key in enumerate(workspace["api_keys"]):
            claims.claim("Outfame API key", key["key"], f"{where}.api_keys[{k}].key", secret=True)
        for a, account in enumerate(workspace["accounts"]):
            claims.claim("account id", account["id"], f"{where}.accounts[{a}].id")
            hours = account.get("active_hours", {})
            if hours.get("start", 6) >= hours.get("end", 23):
                claims.problems.append(f"at {where}.accounts[{a}].active_hours: start must be before end")
