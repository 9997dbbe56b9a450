"""A journal of the requests the mock received, bounded in entries and in bytes, with query and verify.

The journal is a ring: once it holds `capacity` entries or about `max_bytes`,
the oldest entries fall out and are counted, so a long-running mock never
grows without bound (an unbounded request log is a classic cause of
out-of-memory reports in HTTP mocks). Each body is kept as raw bytes, masked
(`core.redaction`) and cut to `MAX_BODY_BYTES`, with its size; it is parsed
only when a filter or a listing needs it, and never re-serialised, so no
body (however deep or large) can break recording, listing or verifying.

Scanning is a coroutine that hands the event loop back after every slice of
work, so listing or verifying a full journal never stalls provider traffic.
Listeners (the admin event stream) hear of each entry as it is recorded;
with none, recording costs one truthiness check more.
"""

from __future__ import annotations

import asyncio
import fnmatch
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import orjson

from mockserver.core.redaction import Redactor

MAX_BODY_BYTES = 64 * 1024  # of each body, kept with its secrets masked
MAX_ANSWER_BYTES = 16 * 1024  # of each answer's body, kept for the request's detail view
_ENTRY_OVERHEAD = 512  # bytes an entry costs beyond its strings: the object, its dicts and lists
_ITEM_OVERHEAD = 64  # bytes per kept string (header or query name or value)
_SLICE_WORK = 256 * 1024  # work units (8 per body byte parsed) between two returns to the event loop
_SLICE_SECONDS = 0.001  # ... or this long, whichever comes first
NOT_JSON = object()  # what `parsed_body` gives for a body that is not whole JSON


@dataclass(frozen=True, slots=True)
class JournalEntry:
    seq: int
    at_ms: int
    provider: str | None
    method: str
    path: str
    query: dict[str, tuple[str, ...]]
    headers: dict[str, tuple[str, ...]]
    body: bytes | None  # the first MAX_BODY_BYTES of the body as received, credentials masked
    status: int | None  # None when a fault dropped the connection
    body_size: int = 0  # bytes received
    body_is_json: bool = False  # sent as JSON (by its content type)
    fault: str | None = None  # id of the fault rule that shaped the answer
    fault_rule: dict[str, Any] | None = None  # that rule as it stood when it fired (it may expire since)
    # The answer as sent: its headers (masked when shown) and the first MAX_ANSWER_BYTES of its body.
    # Kept as the response's own objects, so journaling an answer costs no copy of a small body.
    answer_headers: Any = None
    answer_body: bytes | None = None
    answer_size: int | None = None
    violations: tuple[str, ...] | None = None  # the validating proxy's findings on the answer (None: not checked)

    @property
    def body_truncated(self) -> bool:
        return self.body is not None and self.body_size > MAX_BODY_BYTES

    def parsed_body(self) -> Any:
        """The body as JSON when it was sent as JSON and kept whole, else `NOT_JSON`; parsed on each call."""
        if self.body is None or not self.body_is_json or self.body_truncated:
            return NOT_JSON
        try:
            return orjson.loads(self.body)  # refuses nesting deeper than 1,024: then it is shown as text
        except orjson.JSONDecodeError:
            return NOT_JSON

    def to_json(self) -> dict[str, Any]:
        """The entry for the admin API; a JSON body is spliced in as the bytes kept, never re-encoded."""
        body: Any = None
        if self.body is not None:
            whole_json = self.parsed_body() is not NOT_JSON
            body = orjson.Fragment(self.body) if whole_json else self.body.decode("utf-8", "replace")
        shown = {"seq": self.seq, "at_ms": self.at_ms, "provider": self.provider, "method": self.method,
                 "path": self.path, "query": self.query, "headers": self.headers, "body": body,
                 "body_size": self.body_size, "body_truncated": self.body_truncated,
                 "status": self.status, "fault": self.fault}
        if self.violations is not None:
            shown["violations"] = list(self.violations)
        return shown

    def summary(self) -> dict[str, Any]:
        """What a live traffic list shows of a request; the full entry is GET /__admin/journal/{seq}."""
        return {"seq": self.seq, "at_ms": self.at_ms, "provider": self.provider, "method": self.method,
                "path": self.path, "query": self.query, "status": self.status, "fault": self.fault}

    def held_bytes(self) -> int:
        """About how much memory the entry holds, for the journal's byte bound."""
        size = _ENTRY_OVERHEAD + len(self.path) + len(self.body or b"") + len(self.answer_body or b"")
        for pairs in (self.query, self.headers):
            for name, values in pairs.items():
                size += _ITEM_OVERHEAD + len(name) + sum(_ITEM_OVERHEAD + len(value) for value in values)
        if self.answer_headers is not None:
            size += sum(_ITEM_OVERHEAD * 2 + len(name) + len(value) for name, value in self.answer_headers.items())
        return size

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

    @property
    def reads_bodies(self) -> bool:
        return self.has_body or self.body_includes is not None

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
        if self.query and any(value not in entry.query.get(name, ()) for name, value in self.query.items()):
            return False
        if not self.reads_bodies:
            return True
        # The filter's own nesting is bounded by the admin API, so these comparisons recurse a bounded depth.
        value = entry.parsed_body()
        if value is NOT_JSON:
            # Text compares with a string filter only: decode it for those alone.
            wants_text = isinstance(self.body, str) or isinstance(self.body_includes, str)
            value = entry.body.decode("utf-8", "replace") if wants_text and entry.body is not None else None
            if value is None and entry.body is not None:
                return False
        if self.has_body and value != self.body:
            return False
        return self.body_includes is None or contains(value, self.body_includes)


def contains(whole: Any, part: Any) -> bool:
    """Whether `part` is a recursive subset of `whole` (dict keys and list items)."""
    if isinstance(part, dict):
        return isinstance(whole, dict) and all(k in whole and contains(whole[k], v) for k, v in part.items())
    if isinstance(part, list):
        return isinstance(whole, list) and all(any(contains(w, p) for w in whole) for p in part)
    return whole == part


@dataclass
class Page:
    """Matching entries, oldest first, and where the next page starts when there may be more."""

    entries: list[JournalEntry]
    next_before: int | None = None  # ask again with before=this for older matches
    next_after: int | None = None  # ask again with after=this for newer matches


class _Slicer:
    """Counts work and hands the event loop back after each slice of it."""

    def __init__(self) -> None:
        self.work = 0
        self.started = time.perf_counter()

    async def spent(self, work: int) -> None:
        self.work += work
        if self.work >= _SLICE_WORK or time.perf_counter() - self.started >= _SLICE_SECONDS:
            await asyncio.sleep(0)
            self.work, self.started = 0, time.perf_counter()


async def encode_entries(entries: list[JournalEntry]) -> list[orjson.Fragment]:
    """Each entry serialised on its own, handing the event loop back between slices of work."""
    slicer = _Slicer()
    encoded = []
    for entry in entries:
        encoded.append(orjson.Fragment(orjson.dumps(entry.to_json())))
        await slicer.spent(256 + 8 * len(entry.body or b""))
    return encoded


class Journal:
    def __init__(self, capacity: int, max_bytes: int = 64 * 1024 * 1024) -> None:
        if capacity < 1:
            raise ValueError("the journal needs room for at least one entry")
        if max_bytes < 1:
            raise ValueError("the journal needs room for at least one byte")
        self.capacity, self.max_bytes = capacity, max_bytes
        # A ring as a list and the index of its oldest live slot: O(1) access by sequence number.
        self._slots: list[JournalEntry | None] = []
        self._sizes: list[int] = []  # what each slot's entry holds, for the byte bound
        self._head = 0
        self._next_seq = 1
        self.bytes = 0  # about what the stored entries hold
        self.dropped = 0  # entries that fell out of the ring
        self._listeners: list[Callable[[JournalEntry], None]] = []
        # One reader scans at a time, so provider traffic waits for at most one slice between its steps.
        self._reading = asyncio.Lock()

    def record(self, **fields: Any) -> JournalEntry:
        entry = JournalEntry(seq=self._next_seq, **fields)
        self._next_seq += 1
        size = entry.held_bytes()
        while len(self) and (len(self) >= self.capacity or self.bytes + size > self.max_bytes):
            self._drop_oldest()
        self._slots.append(entry)
        self._sizes.append(size)
        self.bytes += size
        if self._listeners:
            for listener in self._listeners:
                listener(entry)
        return entry

    def _drop_oldest(self) -> None:
        self._slots[self._head] = None
        self.bytes -= self._sizes[self._head]
        self._head += 1
        self.dropped += 1
        if self._head > 64 and self._head * 2 > len(self._slots):
            del self._slots[: self._head]  # amortised: each slot is moved at most once per halving
            del self._sizes[: self._head]
            self._head = 0

    def listen(self, listener: Callable[[JournalEntry], None]) -> Callable[[], None]:
        """Call `listener(entry)` for every entry recorded from now on; returns the way to stop.

        A listener runs inside the request it journals: it must only hand the
        entry on (e.g. put it in a queue), never block or raise.
        """
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @property
    def first_seq(self) -> int:
        """The sequence number of the oldest stored entry (the next one's, when empty)."""
        return self._next_seq - len(self)

    def get(self, seq: int) -> JournalEntry | None:
        """The entry with this sequence number, while it is still in the ring."""
        index = seq - self.first_seq
        return self._slots[self._head + index] if 0 <= index < len(self) else None

    def entries(self, where: EntryFilter | None = None, limit: int | None = None) -> list[JournalEntry]:
        """Every matching entry (the last `limit` of them), oldest first; synchronous, for small journals."""
        found = [e for e in self._slots[self._head:] if e is not None and (where is None or where.matches(e))]
        return found[-limit:] if limit else found

    async def page(self, where: EntryFilter, *, limit: int | None, before: int | None = None,
                   after: int | None = None, max_body_bytes: int | None = None) -> Page:
        """Matching entries between `after` and `before` (sequence numbers, both excluded), oldest first.

        With `after`, the page holds the oldest matches after it; otherwise the
        newest before `before` (or overall). It also ends once the bodies it
        holds pass `max_body_bytes`. Entries recorded or dropped meanwhile are
        seen or skipped as they stand when reached.
        """
        async with self._reading:
            return await self._page(where, limit, before, after, max_body_bytes)

    async def _page(self, where: EntryFilter, limit: int | None, before: int | None, after: int | None,
                    max_body_bytes: int | None) -> Page:
        slicer = _Slicer()
        found: list[JournalEntry] = []
        held = 0
        forward = after is not None
        low = after + 1 if after is not None else 1
        high = min(self._next_seq, before) if before is not None else self._next_seq  # excluded

        def inside(at: int) -> bool:
            return max(low, self.first_seq) <= at < high

        seq = max(low, self.first_seq) if forward else high - 1
        while inside(seq):
            entry = self.get(seq)
            seq += 1 if forward else -1
            if entry is None:
                continue
            matched = where.matches(entry)
            await slicer.spent(64 + (8 * len(entry.body or b"") if where.reads_bodies else 0))
            if forward:
                seq = max(seq, self.first_seq)  # entries dropped while the loop was away
            if not matched:
                continue
            found.append(entry)
            held += len(entry.body or b"")
            full = (limit is not None and len(found) >= limit) or \
                (max_body_bytes is not None and held >= max_body_bytes)
            if full and inside(seq):
                return Page(found, next_after=found[-1].seq) if forward else \
                    Page(found[::-1], next_before=found[-1].seq)
            if full:
                break
        return Page(found) if forward else Page(found[::-1])

    async def count(self, where: EntryFilter, keep_last: int = 0) -> tuple[int, list[JournalEntry]]:
        """How many entries match, and the last `keep_last` of them (oldest first)."""
        page = await self.page(where, limit=None)
        return len(page.entries), page.entries[-keep_last:] if keep_last else []

    async def to_json(self, entries: list[JournalEntry]) -> list[orjson.Fragment]:
        """Each entry serialised on its own, yielding between slices of work."""
        async with self._reading:
            return await encode_entries(entries)

    def fill(self) -> dict[str, int]:
        """How full the journal is, in entries and bytes, and how many fell out."""
        return {"stored": len(self), "capacity": self.capacity, "bytes": self.bytes, "max_bytes": self.max_bytes,
                "dropped": self.dropped}

    def clear(self) -> None:
        self._slots.clear()
        self._sizes.clear()
        self._head = 0
        self.bytes = 0
        self.dropped = 0

    def reset(self) -> None:
        """Empty, and numbered from 1 again, as on a fresh server."""
        self.clear()
        self._next_seq = 1

    def __len__(self) -> int:
        return len(self._slots) - self._head

    # The same calls as a shared journal (store/redis_journal.py) offers, so callers work with either.

    async def add(self, **fields: Any) -> None:
        self.record(**fields)

    async def entry(self, seq: int) -> JournalEntry | None:
        return self.get(seq)

    async def stats(self) -> dict[str, int]:
        return self.fill()

    async def wipe(self) -> None:
        self.clear()
