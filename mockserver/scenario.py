"""Scenario files: load, check against `schemas/scenario.json`, explain what is wrong."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Sequence

from mockserver.core.redaction import is_sensitive_name
from mockserver.core.validation import SchemaStore
from mockserver.scenario_checks import cross_checks


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

    @property
    def store_url(self) -> str | None:
        """The scenario's store (`store.url`), used when no flag or environment variable names one."""
        url = self.document.get("store", {}).get("url")
        return str(url) if url is not None else None

    @property
    def cors_origins(self) -> tuple[str, ...]:
        """The browser origins the scenario allows (empty: CORS off unless the server was told otherwise)."""
        return tuple(self.document.get("cors", {}).get("origins", ()))

    @cached_property
    def secrets(self) -> frozenset[str]:
        """The credential values the scenario defines (keys, secrets, tokens), for masking them anywhere.

        A value counts when its member's name is a credential's (`api_key`,
        `token`, and plurals such as `api_keys` or `app_tokens` holding strings);
        ids and scopes next to a credential do not.
        """
        found: set[str] = set()
        stack: list[Any] = [self.document]
        while stack:
            node = stack.pop()
            items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
            for name, value in items:
                if isinstance(name, str) and (is_sensitive_name(name) or is_sensitive_name(name.removesuffix("s"))):
                    strings = value if isinstance(value, list) else [value]
                    found.update(item for item in strings if isinstance(item, str))
                if isinstance(value, (dict, list)):
                    stack.append(value)
        return frozenset(found)


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


def scenario_problems(document: Any, schemas: SchemaStore) -> list[str]:
    """Everything wrong with a scenario document, each with its JSON path; empty when it can be served."""
    problems = [str(v) for v in schemas.violations("scenario", document)]
    return problems or cross_checks(document)


def parse_scenario(document: Any, source: str, schemas: SchemaStore) -> Scenario:
    problems = scenario_problems(document, schemas)
    if problems:
        shown = "\n".join(f"  - {problem}" for problem in problems[:15])
        more = f"\n  ... and {len(problems) - 15} more" if len(problems) > 15 else ""
        raise ScenarioError(f"scenario {source} is invalid:\n{shown}{more}")
    return Scenario(source=source, document=document)



def described_providers(path: Path, available: Sequence[str]) -> tuple[str, ...]:
    """The available providers a scenario file has a section for (serve's default).

    All of them when the file cannot be read or names none: start-up then
    reports what is wrong with it.
    """
    try:
        document = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return tuple(available)
    described = tuple(name for name in available if isinstance(document, dict) and name in document)
    return described or tuple(available)
