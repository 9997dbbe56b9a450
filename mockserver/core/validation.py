"""JSON Schemas loaded once from `schemas/`, compiled once, used everywhere.

The same store validates the mock's own responses (strict mode), scenario
files, documented examples, and real providers' answers in contract tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable, Iterator

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

SCHEMA_BASE = "https://mockserver.invalid/schemas/"


@dataclass(frozen=True, slots=True)
class Violation:
    """One way an instance departs from a schema, with a JSON path to the spot."""

    path: str
    message: str
    schema_path: str

    def __str__(self) -> str:
        return f"at {self.path}: {self.message}"


def _json_path(parts: Iterable[str | int]) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


class SchemaStore:
    """Every schema under one directory, addressed by name ("outx/interaction")."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._documents: dict[str, dict[str, Any]] = {}
        for file in sorted(root.rglob("*.json")):
            name = file.relative_to(root).with_suffix("").as_posix()
            document = json.loads(file.read_text("utf-8"))
            expected_id = SCHEMA_BASE + name + ".json"
            if document.get("$id") != expected_id:
                raise ValueError(f"{file}: $id must be {expected_id!r}")
            self._documents[name] = document
        self._validators: dict[str, Draft202012Validator] = {}
        self._fast_validators: dict[str, Any] = {}

    @cached_property
    def registry(self) -> Registry:
        resources = [(doc["$id"], Resource.from_contents(doc)) for doc in self._documents.values()]
        return Registry().with_resources(resources)

    def names(self) -> list[str]:
        return list(self._documents)

    def document(self, name: str) -> dict[str, Any]:
        try:
            return self._documents[name]
        except KeyError:
            raise KeyError(f"no schema named {name!r}; known: {', '.join(self._documents)}") from None

    def validator(self, name: str) -> Draft202012Validator:
        compiled = self._validators.get(name)
        if compiled is None:
            document = self.document(name)
            Draft202012Validator.check_schema(document)
            compiled = Draft202012Validator(
                document, registry=self.registry, format_checker=Draft202012Validator.FORMAT_CHECKER
            )
            self._validators[name] = compiled
        return compiled

    def violations(self, name: str, instance: Any) -> list[Violation]:
        errors: Iterator[ValidationError] = self.validator(name).iter_errors(instance)
        found = [
            Violation(_json_path(err.absolute_path), err.message, "/".join(str(p) for p in err.absolute_schema_path))
            for err in errors
        ]
        return sorted(found, key=lambda v: (v.path, v.message))

    def fast_violations(self, name: str, instance: Any) -> list[Violation]:
        """`violations` by the Rust validator (jsonschema-rs): a hundred times faster, for large
        documents such as state snapshots; the messages are worded a little differently.

        Raises ValueError when `instance` is not JSON data (a non-string key, nesting too deep).
        """
        compiled = self._fast_validators.get(name)
        if compiled is None:
            registry = jsonschema_rs.Registry([(doc["$id"], doc) for doc in self._documents.values()])
            compiled = self._fast_validators[name] = jsonschema_rs.validator_for(self.document(name), registry=registry)
        found = [Violation(_json_path(err.instance_path), err.message, "/".join(str(p) for p in err.schema_path))
                 for err in compiled.iter_errors(instance)]
        return sorted(found, key=lambda v: (v.path, v.message))

    def is_valid(self, name: str, instance: Any) -> bool:
        return self.validator(name).is_valid(instance)
