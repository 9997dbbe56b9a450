from __future__ import annotations

from mockserver.core.timeline import Timeline
from mockserver.core.world import stable_key


def test_times_strictly_increase_and_count_at_inverts_them() -> None:
    line = Timeline(stable_key("t"), 3, origin_ms=1_000_000, step_ms=997)
    times = [line.time_ms(k) for k in range(3000)]
    assert all(a < b for a, b in zip(times, times[1:]))
    for k in range(0, 3000, 31):
        assert line.count_at(times[k]) == k + 1 and line.count_at(times[k] - 1) == k
        assert line.index_of(times[k]) == k and line.index_of(times[k] + 1) is None
    assert line.count_at(999_999) == 0 and line.index_of(5) is None


def test_limits_and_empty_timelines() -> None:
    limited = Timeline(stable_key("t"), 0, origin_ms=0, step_ms=10, limit=5)
    assert limited.count_at(10**9) == 5 and limited.index_of(limited.time_ms(7)) is None
    empty = Timeline(stable_key("t"), 0, origin_ms=0, step_ms=0)
    assert empty.count_at(10**9) == 0 and empty.index_of(0) is None
