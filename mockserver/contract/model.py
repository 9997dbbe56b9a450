"""Checks, their outcomes, and the exceptions a check raises to say how it went."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable


class Outcome(str, Enum):
    PASS = "pass"
    FAIL = "fail"  # the target departs from the documented contract
    ERROR = "error"  # the check could not run: setup, network, a bug in the check
    SKIPPED = "skipped"  # not applicable here (missing credentials, mutations not allowed)
    INCONCLUSIVE = "inconclusive"  # rate limited: neither pass nor fail
    TIMEOUT = "timeout"  # async work did not finish before the deadline


class CheckFailed(AssertionError):
    """The target broke the fact the check enforces."""


class CheckSkipped(Exception):
    pass


class CheckInconclusive(Exception):
    pass


class CheckTimedOut(Exception):
    pass


@dataclass(frozen=True)
class Check:
    id: str  # "outx.interactions.schema"
    provider: str
    fact: str  # the documented fact this check enforces, in one sentence
    run: Callable[[Any], None]
    mutating: bool = False  # changes the target's state; needs --allow-mutations


@dataclass
class Exchange:
    """One request and its answer, as evidence (credentials redacted)."""

    method: str
    url: str
    status: int | None
    request_body: Any = None
    response_excerpt: str = ""
    duration_ms: int = 0
    curl: str = ""  # a command that replays the request (credentials as environment variables)


@dataclass
class CheckResult:
    check: Check
    outcome: Outcome
    message: str = ""
    evidence: list[Exchange] = field(default_factory=list)
    duration_ms: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.check.id, "provider": self.check.provider, "fact": self.check.fact,
            "mutating": self.check.mutating, "outcome": self.outcome.value, "message": self.message,
            "duration_ms": self.duration_ms,
            "evidence": [exchange.__dict__ for exchange in self.evidence],
        }


class Registry:
    """Checks by provider, in declaration order."""

    def __init__(self) -> None:
        self._checks: list[Check] = []

    def check(self, check_id: str, fact: str, *, mutating: bool = False) -> Callable[[Callable[[Any], None]], Callable]:
        provider = check_id.split(".", 1)[0]

        def register(function: Callable[[Any], None]) -> Callable[[Any], None]:
            if any(existing.id == check_id for existing in self._checks):
                raise ValueError(f"duplicate check id {check_id}")
            self._checks.append(Check(check_id, provider, fact, function, mutating))
            return function

        return register

    def checks(self, providers: tuple[str, ...] | None = None, only: tuple[str, ...] = ()) -> list[Check]:
        return [check for check in self._checks
                if (providers is None or check.provider in providers)
                and (not only or any(check.id == o or check.id.startswith(o + ".") for o in only))]
