"""AnswerMemo: bounded in entries and in bytes, starting over when either is reached."""

from __future__ import annotations

from mockserver.core.memo import AnswerMemo


def test_the_memo_starts_over_at_its_entry_bound() -> None:
    memo: AnswerMemo[str] = AnswerMemo(max_entries=3, max_bytes=1_000)
    for n in range(3):
        memo.put(n, f"answer {n}", 10)
    assert [memo.get(n) for n in range(3)] == ["answer 0", "answer 1", "answer 2"] and memo.bytes == 30
    memo.put(3, "answer 3", 10)
    assert len(memo) == 1 and memo.get(0) is None and memo.get(3) == "answer 3" and memo.bytes == 10


def test_the_memo_starts_over_at_its_byte_bound_and_keeps_nothing_larger_than_it() -> None:
    memo: AnswerMemo[bytes] = AnswerMemo(max_entries=1_000, max_bytes=1_000)
    memo.put("a", b"a" * 600, 600)
    memo.put("b", b"b" * 600, 600)  # 1,200 bytes would not fit: start over with b
    assert memo.get("a") is None and memo.get("b") is not None and memo.bytes == 600
    memo.put("huge", b"h" * 5_000, 5_000)
    assert memo.get("huge") is None and memo.get("b") is not None  # computed again each time, never kept
    memo.clear()
    assert len(memo) == 0 and memo.bytes == 0
