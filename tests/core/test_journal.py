"""The journal's listener hook, lookup by sequence number, and the answer it keeps."""

from __future__ import annotations

import orjson
from multidict import CIMultiDict

from mockserver.core.journal import MAX_ANSWER_BYTES, Journal, JournalEntry
from mockserver.core.redaction import REDACTED


def record(journal: Journal, path: str = "/x", **extra: object) -> JournalEntry:
    return journal.record(at_ms=1, provider="outx", method="GET", path=path, query={}, headers={}, body=None,
                          status=200, **extra)


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
    assert answer["headers"] == {"Content-Type": ["application/json"], "Set-Cookie": [REDACTED]}
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
