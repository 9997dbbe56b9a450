"""Page-number pagination over collections whose size is known up front."""

from __future__ import annotations

from dataclasses import dataclass

MAX_PAGE = 1_000_000_000


@dataclass(frozen=True, slots=True)
class PageRequest:
    page: int  # 1-indexed
    size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def window(self, total: int) -> range:
        """Positions (0 = first item) on this page; empty past the end."""
        start = min(self.offset, total)
        return range(start, min(start + self.size, total))


def total_pages(total: int, size: int) -> int:
    return -(-total // size) if total > 0 else 0


def parse_positive_int(raw: str | None, default: int, maximum: int) -> int | None:
    """The integer in `raw`, `default` when absent; None when not an integer in 1..maximum."""
    if raw is None:
        return default
    text = raw.strip()
    if not text.isdecimal() or not text.isascii():
        return None
    # Compare lengths before converting: int() refuses more than 4,300 digits with a ValueError.
    digits = text.lstrip("0")
    if len(digits) > len(str(maximum)):
        return None
    value = int(digits or "0")
    return value if 1 <= value <= maximum else None
