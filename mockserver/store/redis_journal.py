"""The request journal as a Redis stream: shared by every process, bounded in entries and bytes.

Entries are numbered by the journal itself (stream ids `<seq>-0`), so listing,
paging by `before`/`after` and fetching one entry read ranges of the stream
directly. Filtering and serialising reuse `core.journal`: an entry read back
is the same `JournalEntry` the memory journal keeps.
"""

from __future__ import annotations

from typing import Any

import orjson
from multidict import CIMultiDict

from mockserver.core.journal import EntryFilter, JournalEntry, Page, _Slicer, encode_entries
from mockserver.store import redis_scripts as scripts
from mockserver.store.redis_keys import KeyLayout

_CHUNK = 200  # entries read from the stream per round trip while scanning


def _encode(seq: int, fields: dict[str, Any]) -> tuple[bytes, bytes, bytes, JournalEntry]:
    entry = JournalEntry(seq=seq, **fields)
    answer_headers = list(entry.answer_headers.items()) if entry.answer_headers is not None else None
    head = {"at_ms": entry.at_ms, "provider": entry.provider, "method": entry.method, "path": entry.path,
            "query": entry.query, "headers": entry.headers, "status": entry.status, "body_size": entry.body_size,
            "body_is_json": entry.body_is_json, "fault": entry.fault, "fault_rule": entry.fault_rule,
            "answer_headers": answer_headers, "answer_size": entry.answer_size,
            "has_body": entry.body is not None, "has_answer": entry.answer_body is not None}
    return orjson.dumps(head), entry.body or b"", entry.answer_body or b"", entry


def _decode(entry_id: bytes, fields: dict[bytes, bytes]) -> JournalEntry:
    head = orjson.loads(fields[b"e"])
    answer_headers = head["answer_headers"]
    return JournalEntry(
        seq=int(entry_id.split(b"-", 1)[0]), at_ms=head["at_ms"], provider=head["provider"], method=head["method"],
        path=head["path"], query={name: tuple(values) for name, values in head["query"].items()},
        headers={name: tuple(values) for name, values in head["headers"].items()},
        body=fields[b"b"] if head["has_body"] else None, status=head["status"], body_size=head["body_size"],
        body_is_json=head["body_is_json"], fault=head["fault"], fault_rule=head["fault_rule"],
        answer_headers=CIMultiDict(answer_headers) if answer_headers is not None else None,
        answer_body=fields[b"a"] if head["has_answer"] else None, answer_size=head["answer_size"],
    )


class RedisJournal:
    """The journal calls the admin API and the traffic middleware make, on a Redis stream."""

    def __init__(self, redis: Any, keys: KeyLayout, capacity: int, max_bytes: int) -> None:
        if capacity < 1 or max_bytes < 1:
            raise ValueError("the journal needs room for at least one entry and one byte")
        self.redis, self.keys = redis, keys
        self.capacity, self.max_bytes = capacity, max_bytes

    async def add(self, **fields: Any) -> None:
        head, body, answer, entry = _encode(0, fields)
        summary = orjson.dumps(entry.summary())
        await scripts.JOURNAL_ADD(self.redis, [self.keys.journal, self.keys.journal_meta],
                                  [head, body, answer, entry.held_bytes(), self.capacity, self.max_bytes,
                                   self.keys.events, summary])

    async def entry(self, seq: int) -> JournalEntry | None:
        found = await self.redis.xrange(self.keys.journal, min=f"{seq}-0", max=f"{seq}-0")
        return _decode(*found[0]) if found else None

    async def stats(self) -> dict[str, int]:
        async with self.redis.pipeline(transaction=False) as pipe:
            meta, stored = await pipe.hgetall(self.keys.journal_meta).xlen(self.keys.journal).execute()
        return {"stored": int(stored), "capacity": self.capacity, "bytes": int(meta.get(b"bytes", 0)),
                "max_bytes": self.max_bytes, "dropped": int(meta.get(b"dropped", 0))}

    async def wipe(self) -> None:
        """Empty, keeping the numbering (as DELETE /__admin/journal does)."""
        async with self.redis.pipeline(transaction=True) as pipe:
            await pipe.delete(self.keys.journal).hset(self.keys.journal_meta, mapping={"bytes": 0, "dropped": 0}) \
                .execute()

    async def page(self, where: EntryFilter, *, limit: int | None, before: int | None = None,
                   after: int | None = None, max_body_bytes: int | None = None) -> Page:
        """As `Journal.page`: the newest matches before `before` (or the oldest after `after`), oldest first."""
        slicer = _Slicer()
        found: list[JournalEntry] = []
        held = 0
        forward = after is not None
        low = f"({after}-0" if after is not None else "-"
        high = f"({before}-0" if before is not None else "+"
        while True:
            if forward:
                chunk = await self.redis.xrange(self.keys.journal, min=low, max=high, count=_CHUNK)
            else:
                chunk = await self.redis.xrevrange(self.keys.journal, max=high, min=low, count=_CHUNK)
            for entry_id, fields in chunk:
                entry = _decode(entry_id, fields)
                await slicer.spent(64 + (8 * len(entry.body or b"") if where.reads_bodies else 0))
                if not where.matches(entry):
                    continue
                found.append(entry)
                held += len(entry.body or b"")
                if (limit is not None and len(found) >= limit) or \
                        (max_body_bytes is not None and held >= max_body_bytes):
                    more = await self._beyond(entry.seq, forward, low, high)
                    if forward:
                        return Page(found, next_after=found[-1].seq if more else None)
                    return Page(found[::-1], next_before=found[-1].seq if more else None)
            if len(chunk) < _CHUNK:
                return Page(found) if forward else Page(found[::-1])
            last = chunk[-1][0].decode()
            if forward:
                low = f"({last}"
            else:
                high = f"({last}"

    async def _beyond(self, seq: int, forward: bool, low: str, high: str) -> bool:
        """Whether the range holds entries past `seq` in the direction of reading."""
        if forward:
            return bool(await self.redis.xrange(self.keys.journal, min=f"({seq}-0", max=high, count=1))
        return bool(await self.redis.xrevrange(self.keys.journal, max=f"({seq}-0", min=low, count=1))

    async def count(self, where: EntryFilter, keep_last: int = 0) -> tuple[int, list[JournalEntry]]:
        page = await self.page(where, limit=None)
        return len(page.entries), page.entries[-keep_last:] if keep_last else []

    async def to_json(self, entries: list[JournalEntry]) -> list[orjson.Fragment]:
        return await encode_entries(entries)
