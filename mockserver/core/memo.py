"""Memoised answers, bounded in entries and in bytes: when either bound is reached the memo starts over.

Answers differ in size by three orders of magnitude (an App.net page of 200
interactions is 650 KB of JSON, an OutX page of 10 about 12 KB), so a memo
bounded by entries alone is bounded in name only: a client paging through
big pages once made a server hold gigabytes. Starting over when full is
cheap, and the working set refills at once.
"""

from __future__ import annotations

from typing import Generic, Hashable, TypeVar

V = TypeVar("V")

MAX_MEMO_BYTES = 8 * 1024 * 1024  # of encoded answers per memo (what they hold in memory is about two to three times that)


class AnswerMemo(Generic[V]):
    def __init__(self, max_entries: int, max_bytes: int = MAX_MEMO_BYTES) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._entries: dict[Hashable, V] = {}
        self.bytes = 0  # the sizes given for what is kept

    def get(self, key: Hashable) -> V | None:
        return self._entries.get(key)

    def put(self, key: Hashable, value: V, size: int) -> None:
        """Keep `value`, which holds about `size` bytes; one larger than the whole bound is not kept."""
        if size > self.max_bytes:
            return
        if len(self._entries) >= self.max_entries or self.bytes + size > self.max_bytes:
            self.clear()
        self._entries[key] = value
        self.bytes += size

    def clear(self) -> None:
        self._entries.clear()
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._entries)
