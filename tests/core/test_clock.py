from __future__ import annotations

import pytest

from mockserver.core.clock import (
    DAY_MS, Clock, date_of_ms, day_start_ms, iso_from_ms, parse_duration_ms, parse_instant_ms,
)


@pytest.mark.parametrize("text, expected", [
    ("90s", 90_000), ("5m", 300_000), ("2h", 7_200_000), ("1d", DAY_MS), ("250ms", 250),
    ("1h30m", 5_400_000), ("PT5M", 300_000), ("PT1H30M", 5_400_000), ("P1D", DAY_MS),
    ("PT0.5S", 500), ("P1W", 7 * DAY_MS), (" 10s ", 10_000),
])
def test_durations_in_short_and_iso_forms(text: str, expected: int) -> None:
    assert parse_duration_ms(text) == expected


@pytest.mark.parametrize("text", ["", "5", "s", "5x", "-5s", "P", "PT", "PT1H5", "1.5s", "5s extra"])
def test_malformed_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration_ms(text)


def test_instants_without_offset_are_utc() -> None:
    assert parse_instant_ms("2024-01-16T10:40:00") == parse_instant_ms("2024-01-16T10:40:00Z")
    assert parse_instant_ms("2024-01-16T12:40:00+02:00") == 1705401600000
    assert iso_from_ms(1705401600000) == "2024-01-16T10:40:00.000Z"


def test_frozen_clock_stands_still_and_advances_exactly() -> None:
    clock = Clock(frozen_at_ms=1_000)
    assert clock.now_ms() == clock.now_ms() == 1_000
    clock.advance(parse_duration_ms("90s"))
    assert clock.now_ms() == 91_000
    assert clock.state().mode == "frozen"


def test_running_clock_advances_by_offset_and_returns_to_real_time() -> None:
    clock = Clock()
    before = clock.now_ms()
    clock.advance(DAY_MS)
    assert clock.state().mode == "offset"
    assert clock.now_ms() - before >= DAY_MS
    clock.unfreeze()
    assert clock.state().mode == "system"
    assert abs(clock.now_ms() - before) < 60_000


def test_freeze_at_current_reading_and_refuse_going_back() -> None:
    clock = Clock()
    clock.freeze()
    frozen = clock.now_ms()
    assert clock.frozen and clock.now_ms() == frozen
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_days_are_utc_calendar_days() -> None:
    ms = parse_instant_ms("2024-01-16T23:59:59.999Z")
    assert date_of_ms(ms) == "2024-01-16"
    assert day_start_ms(ms) == parse_instant_ms("2024-01-16T00:00:00Z")
    assert date_of_ms(ms + 1) == "2024-01-17"
