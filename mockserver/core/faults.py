"""Fault rules: make matching requests slow, fail, drop, or arrive broken.

A rule matches by provider, method and path glob, fires with a probability
(drawn from a seeded generator, so a run can be repeated), and expires after
`count` firings when a count is given.
"""

from __future__ import annotations

import fnmatch
import itertools
import random
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Mapping

import orjson


class FaultKind(str, Enum):
    LATENCY = "latency"  # only delay, then answer normally
    STATUS = "status"  # answer this status and body instead
    DROP = "drop"  # close the connection without an answer
    MALFORMED = "malformed"  # 200-looking answer whose JSON does not parse
    TRUNCATE = "truncate"  # the real answer, cut off halfway (Content-Length promises more)


class FaultRuleError(ValueError):
    """A rule definition that cannot be used; the message says what to fix."""


@dataclass
class FaultRule:
    id: str
    kind: FaultKind
    provider: str | None = None
    method: str | None = None
    path: str | None = None
    probability: float = 1.0
    count: int | None = None  # firings left; None = unlimited
    latency_ms: int = 0
    status: int = 500
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    fired: int = 0

    def matches(self, provider: str | None, method: str, path: str) -> bool:
        return (
            (self.provider is None or self.provider == provider)
            and (self.method is None or self.method == method)
            and (self.path is None or fnmatch.fnmatchcase(path, self.path))
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind.value, "provider": self.provider, "method": self.method,
            "path": self.path, "probability": self.probability, "remaining": self.count,
            "latency_ms": self.latency_ms, "status": self.status, "body": self.body,
            "headers": self.headers, "fired": self.fired,
        }


_FIELDS = {"kind", "provider", "method", "path", "probability", "count", "latency_ms", "status", "body", "headers"}


def parse_rule(rule_id: str, spec: Mapping[str, Any]) -> FaultRule:
    """Build a rule from admin JSON, refusing anything ambiguous."""
    if not isinstance(spec, Mapping):
        raise FaultRuleError("a fault rule is a JSON object")
    unknown = sorted(set(spec) - _FIELDS)
    if unknown:
        raise FaultRuleError(f"unknown field(s): {', '.join(unknown)}; allowed: {', '.join(sorted(_FIELDS))}")
    try:
        kind = FaultKind(spec.get("kind"))
    except ValueError:
        raise FaultRuleError(f"kind must be one of: {', '.join(k.value for k in FaultKind)}") from None
    rule = FaultRule(id=rule_id, kind=kind)
    for name in ("provider", "method", "path"):
        value = spec.get(name)
        if value is not None and (not isinstance(value, str) or not value):
            raise FaultRuleError(f"{name} must be a non-empty string")
        setattr(rule, name, value.upper() if name == "method" and value else value)
    probability = spec.get("probability", 1.0)
    if isinstance(probability, bool) or not isinstance(probability, (int, float)) or not 0 < probability <= 1:
        raise FaultRuleError("probability must be a number in (0, 1]")
    rule.probability = float(probability)
    count = spec.get("count")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise FaultRuleError("count must be a positive integer")
    rule.count = count
    latency = spec.get("latency_ms", 0)
    if isinstance(latency, bool) or not isinstance(latency, int) or not 0 <= latency <= 600_000:
        raise FaultRuleError("latency_ms must be an integer between 0 and 600000")
    if kind is FaultKind.LATENCY and latency == 0:
        raise FaultRuleError("a latency rule needs latency_ms > 0")
    rule.latency_ms = latency
    status = spec.get("status", 500)
    if isinstance(status, bool) or not isinstance(status, int) or not 200 <= status <= 599:
        # 1xx are interim answers: a client waits on for the final one that never comes.
        raise FaultRuleError("status must be an HTTP status between 200 and 599")
    rule.status = status
    rule.body = spec.get("body")
    if not isinstance(rule.body, str):
        try:
            orjson.dumps(rule.body)  # the answer is encoded when the rule fires: refuse what cannot be now
        except orjson.JSONEncodeError as error:
            raise FaultRuleError(f"body cannot be sent as JSON: {error}") from None
    rule.headers = _headers(spec.get("headers", {}))
    return rule


_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}")
_FRAMING = frozenset({"content-length", "transfer-encoding"})
MAX_HEADERS, MAX_HEADER_VALUE_CHARS = 32, 4096
MAX_RULES = 1000  # active at once


def _headers(headers: Any) -> dict[str, str]:
    """Answer headers a client can parse: token names, no control characters, framing left to the server."""
    if not isinstance(headers, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
        raise FaultRuleError("headers must be an object of strings")
    if len(headers) > MAX_HEADERS:
        raise FaultRuleError(f"at most {MAX_HEADERS} headers")
    for name, value in headers.items():
        if not _TOKEN.fullmatch(name):
            raise FaultRuleError(f"header name {name[:40]!r} is not an HTTP token (letters, digits, !#$%&'*+-.^_`|~)")
        if name.lower() in _FRAMING:
            raise FaultRuleError(f"{name} is set by the server from the body it sends; to send a broken "
                                 "answer, use kind truncate or malformed")
        if len(value) > MAX_HEADER_VALUE_CHARS or any(ord(c) < 0x20 and c != "\t" or ord(c) == 0x7F for c in value):
            raise FaultRuleError(f"header {name} must be at most {MAX_HEADER_VALUE_CHARS} characters, without "
                                 "control characters (CR, LF, NUL, ...)")
    return dict(headers)


class FaultBook:
    """The active rules, first match wins."""

    def __init__(self, seed: int) -> None:
        self._rules: dict[str, FaultRule] = {}
        self._ids = itertools.count(1)
        self._random = random.Random(seed)

    def add(self, spec: Mapping[str, Any]) -> FaultRule:
        if len(self._rules) >= MAX_RULES:  # every request walks the rules
            raise FaultRuleError(f"at most {MAX_RULES} fault rules can be active at once; delete some first")
        rule = parse_rule(f"fault-{next(self._ids)}", spec)
        self._rules[rule.id] = rule
        return rule

    def remove(self, rule_id: str) -> bool:
        return self._rules.pop(rule_id, None) is not None

    def clear(self) -> None:
        self._rules.clear()

    def reset(self, seed: int) -> None:
        """No rules, and the probability draws start over as on a fresh server."""
        self._rules.clear()
        self._ids = itertools.count(1)
        self._random = random.Random(seed)

    def rules(self) -> list[FaultRule]:
        return list(self._rules.values())

    def __bool__(self) -> bool:
        return bool(self._rules)

    def could_fire(self, provider: str | None, method: str, path: str) -> bool:
        """Whether any rule matches the request (then `pick` decides, spending a firing or a draw)."""
        return any(rule.matches(provider, method, path) for rule in self._rules.values())

    def export(self) -> dict[str, Any]:
        """The rules, the next id and the generator's position: what a shared store's snapshot keeps."""
        next_id = next(self._ids)
        self._ids = itertools.count(next_id)
        version, internal, gauss = self._random.getstate()
        return {"rules": [rule.to_json() for rule in self._rules.values()], "next_id": next_id,
                "random": [version, list(internal), gauss]}

    def load(self, data: dict[str, Any]) -> None:
        rules = {}
        for item in data["rules"]:
            spec = {name: item[name] for name in _FIELDS if item.get(name) is not None and name != "count"}
            rule = parse_rule(item["id"], {**spec, "count": item["remaining"]} if item["remaining"] else spec)
            rule.fired = item["fired"]
            rules[rule.id] = rule
        self._rules = rules
        self._ids = itertools.count(int(data["next_id"]))
        version, internal, gauss = data["random"]
        self._random.setstate((version, tuple(internal), gauss))

    def pick(self, provider: str | None, method: str, path: str) -> FaultRule | None:
        """The rule that fires for this request, if any; spends one of its firings."""
        for rule in self._rules.values():
            if not rule.matches(provider, method, path):
                continue
            if rule.probability < 1 and self._random.random() >= rule.probability:
                continue
            rule.fired += 1
            if rule.count is not None:
                rule.count -= 1
                if rule.count == 0:
                    del self._rules[rule.id]
            return rule
        return None
