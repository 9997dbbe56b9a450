"""Rate limits: sliding windows (counting, refusal, both header families, snapshots) and fixed windows."""

from __future__ import annotations

import json

import pytest

from mockserver.core.ratelimit import FixedWindows, RateLimiter, Window

T0 = 1_705_401_600_000  # a whole second, so unix resets are exact


def limiter(per_minute: int = 3, per_hour: int = 5) -> RateLimiter:
    return RateLimiter((Window("minute", per_minute, 60_000), Window("hour", per_hour, 3_600_000)))


def test_requests_count_down_and_the_next_one_is_refused() -> None:
    rl = limiter()
    seen = [rl.hit("k", T0 + i * 1000) for i in range(3)]
    assert [d.remaining for d in seen if d] == [2, 1, 0]
    refused = rl.hit("k", T0 + 3000)
    assert refused is not None and not refused.allowed and refused.remaining == 0
    # The first request leaves the minute window 60 s after it was made.
    assert refused.reset_ms == T0 + 60_000 and refused.retry_after_ms == 57_000
    assert rl.usage("k", T0 + 3000) == {"minute": 3, "hour": 3}  # a refusal is not counted


def test_headers_carry_both_families_and_retry_after() -> None:
    rl = limiter()
    for i in range(3):
        rl.hit("k", T0)
    refused = rl.hit("k", T0 + 500)
    assert refused is not None
    assert refused.headers(T0 + 500) == {
        "X-RateLimit-Limit": "3", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(T0 // 1000 + 60),
        "RateLimit-Limit": "3", "RateLimit-Remaining": "0", "RateLimit-Reset": "60", "Retry-After": "60",
    }
    allowed = limiter().hit("k", T0)
    assert allowed is not None and "Retry-After" not in allowed.headers(T0)


def test_the_window_slides_instead_of_resetting_at_a_boundary() -> None:
    rl = limiter(per_minute=2, per_hour=100)
    assert rl.hit("k", T0 + 59_000).allowed and rl.hit("k", T0 + 59_500).allowed  # type: ignore[union-attr]
    assert not rl.hit("k", T0 + 60_100).allowed  # type: ignore[union-attr]  # a fixed window would allow it
    assert rl.hit("k", T0 + 119_000).allowed  # type: ignore[union-attr]


def test_the_hour_window_refuses_when_the_minute_one_has_room() -> None:
    rl = limiter(per_minute=3, per_hour=5)
    for minute in range(2):
        for i in range(3 if minute == 0 else 2):
            assert rl.hit("k", T0 + minute * 60_000 + i).allowed  # type: ignore[union-attr]
    refused = rl.hit("k", T0 + 2 * 60_000)
    assert refused is not None and not refused.allowed and refused.limit == 5
    assert refused.reset_ms == T0 + 3_600_000


def test_headers_report_the_tightest_window() -> None:
    rl = limiter(per_minute=60, per_hour=3)
    decision = rl.hit("k", T0)
    assert decision is not None and decision.limit == 3 and decision.remaining == 2


def test_keys_are_independent_and_disabled_limits_report_nothing() -> None:
    rl = limiter(per_minute=1)
    assert rl.hit("a", T0).allowed and rl.hit("b", T0).allowed  # type: ignore[union-attr]
    off = RateLimiter((Window("minute", 1, 60_000),), enabled=False)
    assert all(off.hit("a", T0) is None for _ in range(10))


def test_bad_windows_are_refused() -> None:
    with pytest.raises(ValueError):
        Window("minute", 0, 60_000)
    with pytest.raises(ValueError):
        RateLimiter((Window("m", 1, 1), Window("m", 2, 2)))


def test_export_and_load_round_trip() -> None:
    rl = limiter()
    rl.hit("k", T0)
    rl.hit("k", T0 + 1)
    copy = limiter()
    copy.load(json.loads(json.dumps(rl.export())))
    assert copy.export() == rl.export()
    assert copy.hit("k", T0 + 2).remaining == 0  # type: ignore[union-attr]


def test_fixed_windows_per_address_stay_bounded_and_expire_oldest_first() -> None:
    """App.net counts unauthorized calls per client address; loopback alone has 16 million of them."""
    windows = FixedWindows(50, 60_000, max_windows=1_000)
    addresses = [f"127.0.{n // 256}.{n % 256}" for n in range(5_000)]
    for n, address in enumerate(addresses):  # all within one minute
        assert windows.hit(address, T0 + n)[:2] == (True, 49)
    kept = windows.export()
    assert list(kept) == addresses[-1_000:]  # the newest windows; the oldest were forgotten
    assert windows.hit(addresses[-1], T0 + 5_000)[:2] == (True, 48)  # a kept window still counts
    assert windows.hit(addresses[0], T0 + 5_001)[:2] == (True, 49)  # a forgotten one starts afresh
    windows.hit("10.0.0.1", T0 + 4_500 + 60_000)  # opening a window drops every expired one
    assert list(windows.export()) == [*addresses[4_501:], addresses[0], "10.0.0.1"]


def test_fixed_windows_load_in_the_order_they_opened() -> None:
    windows = FixedWindows(5, 60_000)
    windows.load({"late": [T0 + 30_000, 1], "early": [T0, 5]})
    assert windows.hit("new", T0 + 60_000)[:2] == (True, 4)  # "early" expired: dropped from the front
    assert list(windows.export()) == ["late", "new"]
