"""Errors as data: handlers raise `ApiError`; each provider renders its own body."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


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
