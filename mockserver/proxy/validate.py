"""One live exchange held to the contract: documented operation and status, media type, schema, invariants."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Any, Mapping

import orjson
from multidict import CIMultiDictProxy, MultiMapping

from mockserver.contract.invariants import problems_of
from mockserver.core.http import Endpoint
from mockserver.core.validation import SchemaStore
from mockserver.providers import ProviderRuntime

MAX_SHOWN = 8  # schema violations listed per answer


@dataclass(frozen=True)
class Operation:
    provider: str
    endpoint: Endpoint

    @property
    def name(self) -> str:
        return f"{self.endpoint.method} {self.endpoint.path}"


class OperationIndex:
    """Which documented operation a method and path are, from the providers' route templates."""

    def __init__(self, providers: Mapping[str, ProviderRuntime]) -> None:
        self._routes = [(re.compile("^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(endpoint.path)) + "$"),
                         Operation(name, endpoint))
                        for name, runtime in providers.items() for endpoint in runtime.endpoints]

    def match(self, method: str, path: str) -> Operation | None:
        return next((operation for pattern, operation in self._routes
                     if operation.endpoint.method == method and pattern.match(path)), None)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: CIMultiDictProxy[str]
    body: bytes  # as received: still compressed when the upstream compressed it


def _decoded(answer: Answer) -> bytes | None:
    encoding = answer.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        return answer.body
    if encoding in ("gzip", "deflate"):
        try:
            return zlib.decompress(answer.body, wbits=47)  # 47: gzip or zlib, by the header
        except zlib.error:
            return None
    return None  # br, zstd: not read here, reported as such


def _media(answer: Answer) -> tuple[str, dict[str, str]]:
    raw = answer.headers.get("Content-Type", "")
    kind, *params = raw.split(";")
    parsed = {}
    for param in params:
        name, _, value = param.partition("=")
        parsed[name.strip().lower()] = value.strip().strip('"').lower()
    return kind.strip().lower(), parsed


def problems(operation: Operation, query: MultiMapping[str], answer: Answer, schemas: SchemaStore) -> list[str]:
    endpoint = operation.endpoint
    found: list[str] = []
    documented = (endpoint.success_status, *endpoint.error_statuses)
    if answer.status not in documented:
        found.append(f"HTTP {answer.status} is not a documented answer of {operation.name} "
                     f"(documented: {', '.join(map(str, documented))})")
    success = answer.status == endpoint.success_status
    allowed = endpoint.media_types if success else ("application/json",)
    media, params = _media(answer)
    if media not in allowed:
        found.append(f"Content-Type {answer.headers.get('Content-Type')!r}, documented: {', '.join(allowed)}")
        return found
    if params.get("charset", "utf-8") not in ("utf-8", "utf8"):
        found.append(f"charset {params['charset']!r}: JSON answers are UTF-8")
    if media != "application/json":
        return found  # JSONP: script text, its envelope is not parsed here
    raw = _decoded(answer)
    if raw is None:
        return found + [f"the body's Content-Encoding {answer.headers.get('Content-Encoding')!r} could not be read"]
    try:
        body: Any = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return found + [f"the body is not JSON: {raw[:80]!r}"]
    schema = endpoint.response_schema if success else endpoint.error_schema
    violations = schemas.violations(schema, body)
    if violations:
        return found + [f"does not match {schema}: {violation}" for violation in violations[:MAX_SHOWN]]
    flat = {name: query[name] for name in query}  # the first value of each parameter
    return found + problems_of(schema, body, answer.status, flat)
