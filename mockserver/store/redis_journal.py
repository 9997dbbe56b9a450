"""The request journal as a Redis stream: shared by every process, bounded in entries and bytes.

Entries are numbered by the journal itself (stream ids `<seq>-0`), so listing,
paging by `before`/`after` and fetching one entry read ranges of the stream
directly. Filtering and serialising reuse `core.journal`: an entry read back
is the same `JournalEntry` the memory journal keeps. A request's entry is
written before its answer is sent (so any process's journal shows it next),
through the store's automatic pipeline: requests in flight together share
one round trip. Answer bodies, the bulk of an entry and read only by the
entry's detail view, go to string keys of their own with a plain MSET (a
stream entry, or a script argument, costs Redis many times more per byte).
Live views follow the stream itself (`follow`), so a request costs nothing
more while no dashboard watches.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
from typing import Any, Callable

import orjson
from multidict import CIMultiDict
from redis.exceptions import NoScriptError

from mockserver.core.journal import EntryFilter, JournalEntry, Page, _Slicer, encode_entries
from mockserver.store import redis_scripts as scripts
from mockserver.store.redis_keys import KeyLayout
from mockserver.store.redis_pipeline import AutoPipeline, Encoded, Merged, encode

log = logging.getLogger("mockserver.store")

_CHUNK = 200  # entries read from the stream per round trip while scanning
_FOLLOW_BLOCK_MS = 500  # how long one read of a followed journal waits for new entries


def _encode(seq: int, fields: dict[str, Any]) -> tuple[bytes, bytes, bytes | None, JournalEntry]:
    entry = JournalEntry(seq=seq, **fields)
    answer_headers = list(entry.answer_headers.items()) if entry.answer_headers is not None else None
    head = {"at_ms": entry.at_ms, "provider": entry.provider, "method": entry.method, "path": entry.path,
            "query": entry.query, "headers": entry.headers, "status": entry.status, "body_size": entry.body_size,
            "body_is_json": entry.body_is_json, "fault": entry.fault, "fault_rule": entry.fault_rule,
            "answer_headers": answer_headers, "answer_size": entry.answer_size,
            "has_body": entry.body is not None, "has_answer": entry.answer_body is not None}
    return orjson.dumps(head), entry.body or b"", entry.answer_body, entry


def _decode(entry_id: bytes, fields: dict[bytes, bytes], answer: bytes | None = None) -> JournalEntry:
    """The entry; its answer body is only read for the detail view (`answer`, fetched by the caller)."""
    head = orjson.loads(fields[b"e"])
    answer_headers = head["answer_headers"]
    return JournalEntry(
        seq=int(entry_id.split(b"-", 1)[0]), at_ms=head["at_ms"], provider=head["provider"], method=head["method"],
        path=head["path"], query={name: tuple(values) for name, values in head["query"].items()},
        headers={name: tuple(values) for name, values in head["headers"].items()},
        body=fields[b"b"] if head["has_body"] else None, status=head["status"], body_size=head["body_size"],
        body_is_json=head["body_is_json"], fault=head["fault"], fault_rule=head["fault_rule"],
        answer_headers=CIMultiDict(answer_headers) if answer_headers is not None else None,
        answer_body=answer if head["has_answer"] else None, answer_size=head["answer_size"],
    )


class RedisJournal:
    """The journal calls the admin API and the traffic middleware make, on a Redis stream."""

    def __init__(self, redis: Any, pipeline: AutoPipeline, keys: KeyLayout, capacity: int, max_bytes: int) -> None:
        if capacity < 1 or max_bytes < 1:
            raise ValueError("the journal needs room for at least one entry and one byte")
        self.redis, self.pipeline, self.keys = redis, pipeline, keys
        self.capacity, self.max_bytes = capacity, max_bytes
        self._restarted = asyncio.Event()  # set when a reset numbered the journal from 1 again
        self._entries = Merged(self._add_commands)
        self._writer = os.urandom(6).hex()  # names this process's answer keys apart from any other's
        self._answers = itertools.count(1)

    async def add(self, **fields: Any) -> None:
        """Written before it returns; the entries of requests that finish together go in one script run."""
        head, body, answer, entry = _encode(0, fields)
        key = self.keys.journal_answer(self._writer, next(self._answers)) if answer is not None else ""
        part = (encode(head, body, key, entry.held_bytes()), key, answer)
        try:
            await self.pipeline.merge(self._entries, part)
        except NoScriptError:  # a new or restarted server: load the script, then send the entry again
            await self.pipeline.execute_command("SCRIPT", "LOAD", scripts.JOURNAL_ADD.text)
            await self.pipeline.merge(self._entries, part)

    def _add_commands(self, parts: list[tuple[Encoded, str, bytes | None]]) -> list[tuple[Any, ...]]:
        answers = [item for _, key, answer in parts if answer is not None for item in (key, answer)]
        add = scripts.JOURNAL_ADD.command([self.keys.journal, self.keys.journal_meta, self.keys.journal_sizes],
                                          [self.capacity, self.max_bytes, *(entry for entry, _, _ in parts)])
        return [("MSET", *answers), add] if answers else [add]

    def reset(self) -> None:
        """A reset applied here: the reset command emptied the shared journal, its numbering starts over."""
        self._restarted.set()

    async def follow(self, deliver: Callable[[JournalEntry], None]) -> None:
        """Hand every entry recorded from now on, by any process, to `deliver` (until cancelled)."""
        newest = await self.redis.xrevrange(self.keys.journal, count=1)
        cursor = newest[0][0] if newest else b"0-0"
        while True:
            self._restarted.clear()
            # Blocks for a while, not for ever: a read must end within the client's socket timeout.
            reading = asyncio.ensure_future(self.redis.xread({self.keys.journal: cursor}, count=_CHUNK,
                                                             block=_FOLLOW_BLOCK_MS))
            restarted = asyncio.ensure_future(self._restarted.wait())
            try:
                await asyncio.wait((reading, restarted), return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiting in (reading, restarted):
                    waiting.cancel()
            if reading.done() and not reading.cancelled():
                for _, entries in reading.result() or []:
                    for entry_id, fields in entries:
                        cursor = entry_id
                        deliver(_decode(entry_id, fields))
            if restarted.done() and not restarted.cancelled():
                cursor = b"0-0"  # the reset's entries are numbered from 1 again

    async def entry(self, seq: int) -> JournalEntry | None:
        found = await self.redis.xrange(self.keys.journal, min=f"{seq}-0", max=f"{seq}-0")
        if not found:
            return None
        entry_id, fields = found[0]
        answer = await self.redis.get(fields[b"a"]) if fields.get(b"a") else None
        return _decode(entry_id, fields, answer)

    async def stats(self) -> dict[str, int]:
        async with self.redis.pipeline(transaction=False) as pipe:
            meta, stored = await pipe.hgetall(self.keys.journal_meta).xlen(self.keys.journal).execute()
        return {"stored": int(stored), "capacity": self.capacity, "bytes": int(meta.get(b"bytes", 0)),
                "max_bytes": self.max_bytes, "dropped": int(meta.get(b"dropped", 0))}

    async def wipe(self) -> None:
        """Empty, keeping the numbering (as DELETE /__admin/journal does)."""
        await scripts.JOURNAL_WIPE(self.redis, [self.keys.journal, self.keys.journal_meta, self.keys.journal_sizes])

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
