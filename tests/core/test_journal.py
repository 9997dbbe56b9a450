"""The journal's listener hook, lookup by sequence number, and the answer it keeps."""

from __future__ import annotations

import asyncio

import orjson
from multidict import CIMultiDict

from mockserver.core.journal import MAX_ANSWER_BYTES, MAX_BODY_BYTES, NOT_JSON, EntryFilter, Journal, JournalEntry
from mockserver.core.redaction import REDACTED


def record(journal: Journal, path: str = "/x", **extra: object) -> JournalEntry:
    fields: dict = {"body": None, "status": 200, **extra}
    return journal.record(at_ms=1, provider="outx", method="GET", path=path, query={}, headers={}, **fields)


def test_listeners_hear_each_entry_until_they_stop() -> None:
    journal = Journal(10)
    heard: list[int] = []
    stop = journal.listen(lambda entry: heard.append(entry.seq))
    record(journal)
    record(journal)
    stop()
    record(journal)
    assert heard == [1, 2] and len(journal) == 3


def test_entries_are_found_by_sequence_number_while_in_the_ring() -> None:
    journal = Journal(3)
    for n in range(5):
        record(journal, f"/{n}")
    assert journal.get(1) is None and journal.get(2) is None
    assert [journal.get(seq).path for seq in (3, 4, 5)] == ["/2", "/3", "/4"]
    assert journal.get(6) is None and journal.get(0) is None
    journal.clear()
    assert journal.get(5) is None
    assert record(journal).seq == 6 and journal.get(6).seq == 6


def test_the_answer_is_shown_parsed_and_masked() -> None:
    body = orjson.dumps({"data": [1], "access_token": "abc"})
    entry = record(Journal(1), answer_headers=CIMultiDict({"Content-Type": "application/json", "Set-Cookie": "s=1"}),
                   answer_body=body, answer_size=len(body))
    answer = entry.answer_json()
    assert answer["body"] == {"data": [1], "access_token": REDACTED}
    assert answer["headers"] == {"Content-Type": ("application/json",), "Set-Cookie": (REDACTED,)}
    assert answer["status"] == 200 and answer["size"] == len(body) and answer["truncated"] is False


def test_a_cut_answer_is_shown_as_the_text_it_starts_with() -> None:
    start = b'{"data": "' + b"x" * (MAX_ANSWER_BYTES - 10)
    entry = record(Journal(1), answer_headers=CIMultiDict({"Content-Type": "application/json"}),
                   answer_body=start, answer_size=MAX_ANSWER_BYTES * 3)
    answer = entry.answer_json()
    assert answer["truncated"] is True and answer["size"] == MAX_ANSWER_BYTES * 3
    assert answer["body"] == start.decode()


def test_an_entry_without_an_answer() -> None:
    answer = record(Journal(1)).answer_json()
    assert answer == {"status": 200, "headers": {}, "body": None, "size": None, "truncated": False}
    assert "answer_body" not in record(Journal(1)).to_json()


def big(journal: Journal, size: int, n: int = 1) -> None:
    for _ in range(n):
        journal.record(at_ms=1, provider=None, method="POST", path="/x", query={}, headers={},
                       body=b"x" * min(size, MAX_BODY_BYTES), body_size=size, status=404)


def test_the_journal_is_bounded_in_bytes_and_keeps_numbering() -> None:
    journal = Journal(1000, max_bytes=300_000)
    big(journal, 1_000_000, n=20)
    assert journal.bytes <= 300_000 and len(journal) == 4 and journal.dropped == 16
    assert journal.first_seq == 17 and journal.get(16) is None and journal.get(20).body_truncated
    assert journal.fill() == {"stored": 4, "capacity": 1000, "bytes": journal.bytes, "max_bytes": 300_000,
                              "dropped": 16}


def test_a_slot_ring_compacts_and_finds_entries_by_seq() -> None:
    journal = Journal(3)
    for n in range(500):
        record(journal, f"/{n}")
    assert [journal.get(seq).path for seq in (498, 499, 500)] == ["/497", "/498", "/499"]
    assert len(journal._slots) < 200  # the dropped slots were compacted away


async def test_pages_go_back_from_the_newest_or_forward_from_a_seq() -> None:
    journal = Journal(100)
    for n in range(10):
        record(journal, f"/{n % 2}")
    odd = EntryFilter(path="/1")
    page = await journal.page(odd, limit=2)
    assert [e.seq for e in page.entries] == [8, 10] and page.next_before == 8 and page.next_after is None
    page = await journal.page(odd, limit=2, before=8)
    assert [e.seq for e in page.entries] == [4, 6] and page.next_before == 4
    page = await journal.page(odd, limit=10, before=4)
    assert [e.seq for e in page.entries] == [2] and page.next_before is None
    page = await journal.page(odd, limit=3, after=2)
    assert [e.seq for e in page.entries] == [4, 6, 8] and page.next_after == 8
    page = await journal.page(odd, limit=3, after=8)
    assert [e.seq for e in page.entries] == [10] and page.next_after is None
    assert (await journal.count(odd, keep_last=2)) == (5, [journal.get(8), journal.get(10)])


async def test_a_page_ends_once_its_bodies_pass_the_budget() -> None:
    journal = Journal(100)
    big(journal, 1000, n=10)
    page = await journal.page(EntryFilter(), limit=100, max_body_bytes=2500)
    assert [e.seq for e in page.entries] == [8, 9, 10] and page.next_before == 8


async def test_scanning_and_serialising_hand_the_loop_back() -> None:
    """Listing or verifying a journal full of large bodies lets other requests run in between."""
    journal = Journal(1000)
    body = orjson.dumps({"items": ["x" * 100] * 600})[:MAX_BODY_BYTES]
    for _ in range(200):
        record(journal, body=body, body_size=len(body), body_is_json=True)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    running = asyncio.create_task(ticker())
    try:
        count, _ = await journal.count(EntryFilter(body_includes={"items": ["y"]}))
        scanned, ticks = ticks, 0
        await journal.to_json((await journal.page(EntryFilter(), limit=200)).entries)
    finally:
        running.cancel()
    assert count == 0 and scanned >= 20 and ticks >= 20


def test_bodies_are_kept_as_bytes_and_parsed_only_when_whole_json() -> None:
    journal = Journal(10)
    deep = b"[" * 10_000 + b"]" * 10_000
    entry = record(journal, body=deep, body_size=len(deep), body_is_json=True)
    assert entry.parsed_body() is NOT_JSON and entry.to_json()["body"] == deep.decode()
    shallow = record(journal, body=b'{"a": [1, 2]}', body_size=13, body_is_json=True)
    assert orjson.loads(orjson.dumps(shallow.to_json()))["body"] == {"a": [1, 2]}
    assert EntryFilter(body_includes={"a": [2]}).matches(shallow)
    text = record(journal, body=b'{"a": 1}', body_size=13, body_is_json=False)
    assert text.to_json()["body"] == '{"a": 1}' and EntryFilter(body='{"a": 1}', has_body=True).matches(text)
