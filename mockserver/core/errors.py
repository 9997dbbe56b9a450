"""Errors as data: handlers raise `ApiError`; each provider renders its own body."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping


@dataclass
class ApiError(Exception):
    """A documented failure: HTTP status, a machine code and a human message."""

    status: int
    code: str
    message: str
    details: Mapping[str, Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"


class headers_on_errors:
    """`with headers_on_errors(h):` an ApiError raised inside also carries the headers `h` (for instance
    the rate-limit headers a request earned once admitted); the error's own headers win."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        self.headers = headers

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, error: BaseException | None, _tb: object) -> bool:
        if isinstance(error, ApiError) and self.headers:
            error.headers = {**self.headers, **error.headers}
        return False


class StateProblem(ValueError):
    """Imported state that does not fit: where (a path relative to the state given, such as
    ".jobs[3].owner") and why. Snapshot validation prefixes the provider's own path."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"at {path or '.'}: {reason}")
        self.path, self.reason = path, reason

    def within(self, prefix: str) -> "StateProblem":
        return StateProblem(prefix + self.path, self.reason)


@contextlib.contextmanager
def state_part(prefix: str) -> Iterator[None]:
    """Inside, a `StateProblem` gets `prefix` (the path of the part being imported) in front of its path."""
    try:
        yield
    except StateProblem as problem:
        raise problem.within(prefix) from None
