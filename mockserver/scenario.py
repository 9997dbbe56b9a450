"""Scenario files: load, check against `schemas/scenario.json`, explain what is wrong."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from mockserver.core.validation import SchemaStore


class ScenarioError(Exception):
    """A scenario file that cannot be used; the message is meant for a human."""


@dataclass(frozen=True)
class Scenario:
    """A validated scenario document; providers read their own section."""

    source: str
    document: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.document["name"])

    def section(self, provider: str) -> dict[str, Any] | None:
        return self.document.get(provider)

    @cached_property
    def fingerprint(self) -> str:
        """Equal for equal documents: what the worlds' derived parts are cached by."""
        canonical = json.dumps(self.document, sort_keys=True, separators=(",", ":"))
        return hashlib.blake2b(canonical.encode(), digest_size=16).hexdigest()


def load_scenario(path: Path, schemas: SchemaStore) -> Scenario:
    try:
        text = path.read_text("utf-8")
    except OSError as error:
        raise ScenarioError(f"cannot read scenario file {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"scenario file {path} is not UTF-8 text") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScenarioError(
            f"scenario file {path} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    return parse_scenario(document, str(path), schemas)


def parse_scenario(document: Any, source: str, schemas: SchemaStore) -> Scenario:
    problems = [str(v) for v in schemas.violations("scenario", document)]
    if not problems:
        problems = _cross_checks(document)
    if problems:
        shown = "\n".join(f"  - {problem}" for problem in problems[:15])
        more = f"\n  ... and {len(problems) - 15} more" if len(problems) > 15 else ""
        raise ScenarioError(f"scenario {source} is invalid:\n{shown}{more}")
    return Scenario(source=source, document=document)


def _cross_checks(document: dict[str, Any]) -> list[str]:
    """Rules a JSON Schema cannot say: ids and keys unique across the whole file."""
    problems: list[str] = []
    seen: dict[str, str] = {}

    def claim(kind: str, value: str, where: str, secret: bool = False) -> None:
        key = f"{kind}:{value}"
        shown = "" if secret else f" {value!r}"  # never echo a credential
        if key in seen:
            problems.append(f"at {where}: {kind}{shown} is already used at {seen[key]}")
        else:
            seen[key] = where

    timing = document["outx"].get("agent_task_seconds")
    if timing and timing["min"] > timing["max"]:
        problems.append("at $.outx.agent_task_seconds: min must not exceed max")
    for t, team in enumerate(document["outx"]["teams"]):
        claim("team id", team["id"], f"$.outx.teams[{t}].id")
        for m, member in enumerate(team.get("members", [])):
            claim("member id", member["id"], f"$.outx.teams[{t}].members[{m}].id")
        for k, key in enumerate(team["api_keys"]):
            claim("OutX API key", key, f"$.outx.teams[{t}].api_keys[{k}]", secret=True)
        for w, watchlist in enumerate(team["watchlists"]):
            claim("watchlist id", watchlist["id"], f"$.outx.teams[{t}].watchlists[{w}].id")
    return problems
