"""A bounded journal of the requests the mock received, with query and verify.

The journal is a ring: once full, the oldest entries fall out and are
counted, so a long-running mock never grows without bound (an unbounded
request log is a classic cause of out-of-memory reports in HTTP mocks).
Credentials are masked (`core.redaction`) before an entry is stored. Listeners (the admin
event stream) hear of each entry as it is recorded; with none, recording
costs one truthiness check more.
"""

from __future__ import annotations

import fnmatch
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import orjson

from mockserver.core.redaction import Redactor

MAX_BODY_BYTES = 64 * 1024  # of each body, kept with its secrets masked
MAX_ANSWER_BYTES = 16 * 1024  # of each answer's body, kept for the request's detail view


@dataclass(frozen=True, slots=True)
class JournalEntry:
    seq: int
    at_ms: int
    provider: str | None
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, list[str]]
    body: Any  # parsed JSON when the body was JSON, else text (truncated), else None
    status: int | None  # None when a fault dropped the connection
    fault: str | None = None  # id of the fault rule that shaped the answer
    fault_rule: dict[str, Any] | None = None  # that rule as it stood when it fired (it may expire since)
    # The answer as sent: its headers (masked when shown) and the first MAX_ANSWER_BYTES of its body.
    # Kept as the response's own objects, so journaling an answer costs no copy of a small body.
    answer_headers: Any = None
    answer_body: bytes | None = None
    answer_size: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "at_ms": self.at_ms, "provider": self.provider, "method": self.method,
                "path": self.path, "query": self.query, "headers": self.headers, "body": self.body,
                "status": self.status, "fault": self.fault}

    def answer_json(self, redactor: Redactor | None = None) -> dict[str, Any]:
        """What the mock answered: status, masked headers, and the body (parsed when it is whole JSON)."""
        redactor = redactor or Redactor()
        headers = redactor.pairs(self.answer_headers.items()) if self.answer_headers is not None else {}
        body: Any = None
        if self.answer_body is not None:
            whole = self.answer_size == len(self.answer_body)
            content_type = ",".join(headers.get("Content-Type", []))
            if whole and "json" in content_type:
                try:
                    body = redactor.json(orjson.loads(self.answer_body))
                except orjson.JSONDecodeError:
                    body = None
            if body is None:
                body = redactor.text(self.answer_body.decode("utf-8", "replace"))
        truncated = self.answer_size is not None and self.answer_body is not None \
            and self.answer_size > len(self.answer_body)
        return {"status": self.status, "headers": headers, "body": body, "size": self.answer_size,
                "truncated": truncated}


@dataclass(frozen=True)
class EntryFilter:
    """Which entries a query or a verification is about; None matches anything."""

    provider: str | None = None
    method: str | None = None
    path: str | None = None  # exact path or a glob such as /linkedin-agent/*
    status: int | None = None
    since_ms: int | None = None
    until_ms: int | None = None
    query: Mapping[str, str] | None = None  # each named parameter must have this value
    body: Any = None  # the JSON body must equal this
    body_includes: Any = None  # the JSON body must contain this (recursive subset)
    has_body: bool = field(default=False)  # True when `body` was given (it may be null)

    def matches(self, entry: JournalEntry) -> bool:
        if self.provider is not None and entry.provider != self.provider:
            return False
        if self.method is not None and entry.method != self.method.upper():
            return False
        if self.path is not None and not fnmatch.fnmatchcase(entry.path, self.path):
            return False
        if self.status is not None and entry.status != self.status:
            return False
        if self.since_ms is not None and entry.at_ms < self.since_ms:
            return False
        if self.until_ms is not None and entry.at_ms > self.until_ms:
            return False
        if self.query and any(value not in entry.query.get(name, []) for name, value in self.query.items()):
            return False
        if self.has_body and entry.body != self.body:
            return False
        return self.body_includes is None or contains(entry.body, self.body_includes)


def contains(whole: Any, part: Any) -> bool:
    """Whether `part` is a recursive subset of `whole` (dict keys and list items)."""
    if isinstance(part, dict):
        return isinstance(whole, dict) and all(k in whole and contains(whole[k], v) for k, v in part.items())
    if isinstance(part, list):
        return isinstance(whole, list) and all(any(contains(w, p) for w in whole) for p in part)
    return whole == part


class Journal:
    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("the journal needs room for at least one entry")
        self.capacity = capacity
        self._entries: deque[JournalEntry] = deque(maxlen=capacity)
        self._next_seq = 1
        self.dropped = 0  # entries that fell out of the ring
        self._listeners: list[Callable[[JournalEntry], None]] = []

    def record(self, **fields: Any) -> JournalEntry:
        entry = JournalEntry(seq=self._next_seq, **fields)
        self._next_seq += 1
        if len(self._entries) == self.capacity:
            self.dropped += 1
        self._entries.append(entry)
        if self._listeners:
            for listener in self._listeners:
                listener(entry)
        return entry

    def listen(self, listener: Callable[[JournalEntry], None]) -> Callable[[], None]:
        """Call `listener(entry)` for every entry recorded from now on; returns the way to stop.

        A listener runs inside the request it journals: it must only hand the
        entry on (e.g. put it in a queue), never block or raise.
        """
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def get(self, seq: int) -> JournalEntry | None:
        """The entry with this sequence number, while it is still in the ring."""
        if not self._entries:
            return None
        index = seq - self._entries[0].seq  # sequence numbers in the ring are consecutive
        return self._entries[index] if 0 <= index < len(self._entries) else None

    def entries(self, where: EntryFilter | None = None, limit: int | None = None) -> list[JournalEntry]:
        found = [e for e in self._entries if where is None or where.matches(e)]
        return found[-limit:] if limit else found

    def count(self, where: EntryFilter) -> int:
        return sum(1 for entry in self._entries if where.matches(entry))

    def clear(self) -> None:
        self._entries.clear()
        self.dropped = 0

    def reset(self) -> None:
        """Empty, and numbered from 1 again, as on a fresh server."""
        self.clear()
        self._next_seq = 1

    def __len__(self) -> int:
        return len(self._entries)
