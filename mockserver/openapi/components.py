"""The JSON Schema files as OpenAPI components, their `$ref`s pointed inside the document."""

from __future__ import annotations

import copy
from typing import Any, Iterable, Iterator
from urllib.parse import urldefrag, urljoin

from mockserver.core.validation import SCHEMA_BASE, SchemaStore

COMPONENTS = "#/components/schemas/"


def component_name(schema_name: str) -> str:
    return schema_name.replace("/", ".")


def ref(schema_name: str) -> dict[str, str]:
    """A reference to a schema file, or to a spot inside one ("admin/api#/$defs/clock")."""
    name, _, fragment = schema_name.partition("#")
    return {"$ref": COMPONENTS + component_name(name) + fragment}


def point_refs_inside(node: Any, base: str) -> Any:
    """Rewrite file-relative `$ref`s to references into components.schemas."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                target, fragment = urldefrag(urljoin(base, value))
                if target.startswith(SCHEMA_BASE):
                    value = COMPONENTS + component_name(target[len(SCHEMA_BASE):].removesuffix(".json")) + fragment
                elif not target:  # a local "#/$defs/..." reference
                    value = COMPONENTS + component_name(base[len(SCHEMA_BASE):].removesuffix(".json")) + fragment
            out[key] = point_refs_inside(value, base)
        return out
    if isinstance(node, list):
        return [point_refs_inside(item, base) for item in node]
    return node


def referenced_files(node: Any) -> Iterator[str]:
    """Schema names a document fragment refers to."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(COMPONENTS):
                yield value[len(COMPONENTS):].split("/", 1)[0].replace(".", "/")
            else:
                yield from referenced_files(value)
    elif isinstance(node, list):
        for item in node:
            yield from referenced_files(item)


def components(schemas: SchemaStore, roots: Iterable[str]) -> dict[str, Any]:
    """The schema files the roots need (and what those refer to), as components."""
    found: dict[str, Any] = {}
    pending = list(dict.fromkeys(roots))
    while pending:
        name = pending.pop()
        if name in found or name not in schemas.names():
            continue
        document = copy.deepcopy(schemas.document(name))
        base = document.pop("$id")
        document.pop("$schema", None)
        found[name] = point_refs_inside(document, base)
        pending.extend(referenced_files(found[name]))
    return {component_name(name): found[name] for name in sorted(found)}
