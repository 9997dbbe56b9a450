from __future__ import annotations

import pytest

from mockserver.core.pagination import PageRequest, parse_positive_int, total_pages


def test_window_is_clipped_at_the_end() -> None:
    assert PageRequest(1, 10).window(25) == range(0, 10)
    assert PageRequest(3, 10).window(25) == range(20, 25)
    assert PageRequest(4, 10).window(25) == range(25, 25)
    assert PageRequest(2, 10).offset == 10


@pytest.mark.parametrize("total, size, pages", [(0, 10, 0), (1, 10, 1), (10, 10, 1), (11, 10, 2), (5000, 100, 50)])
def test_total_pages(total: int, size: int, pages: int) -> None:
    assert total_pages(total, size) == pages


@pytest.mark.parametrize("raw, expected", [
    (None, 7), ("1", 1), (" 42 ", 42), ("100", 100), ("101", None), ("0", None), ("-1", None),
    ("1.5", None), ("abc", None), ("", None), ("١٢", None), ("1e3", None),
    ("1" * 5000, None), ("0" * 5000 + "42", 42),  # past int()'s 4,300-digit limit: refused, not a crash
])
def test_parse_positive_int(raw: str | None, expected: int | None) -> None:
    assert parse_positive_int(raw, 7, 100) == expected
