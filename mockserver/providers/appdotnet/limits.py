"""App.net's rate limits: per access token for authorized calls, per IP address for the others.

As the spec describes them: a fixed window per key (by default 5000 requests an
hour per token, 50 a minute per address), announced on every answer by
`X-RateLimit-Remaining`, `X-RateLimit-Limit` and `X-RateLimit-Reset` (seconds
until the window refills); beyond it, `429` in the envelope with `Retry-After`.
The spec's write limit (20 POST/DELETE a minute) never applies: the mock serves
GETs only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from mockserver.core.ratelimit import FixedWindows
from mockserver.providers.appdotnet import errors

RATE_LIMITS_FLAG = "rate_limits"  # the admin API's switch (load tests turn limits off)


@dataclass(frozen=True, slots=True)
class LimitSettings:
    enabled: bool = True
    per_token: tuple[int, int] = (5000, 3_600_000)  # (requests, period in ms)
    per_address: tuple[int, int] = (50, 60_000)

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> "LimitSettings":
        spec = section.get("rate_limits", {})
        default = cls()

        def window(name: str, fallback: tuple[int, int]) -> tuple[int, int]:
            given = spec.get(name, {})
            return given.get("limit", fallback[0]), given.get("period_seconds", fallback[1] // 1000) * 1000

        return cls(spec.get("enabled", True), window("authenticated", default.per_token),
                   window("unauthenticated", default.per_address))


WindowsFactory = Callable[[str, int, int], FixedWindows]  # (name, limit, period ms): the store's windows


class RateLimits:
    def __init__(self, settings: LimitSettings, windows: WindowsFactory = lambda _name, *limits: FixedWindows(*limits)
                 ) -> None:
        self.by_token = windows("appdotnet.token", *settings.per_token)
        self.by_address = windows("appdotnet.address", *settings.per_address)

    async def admit_token(self, label: str, now_ms: int) -> dict[str, str]:
        return await _admit(self.by_token, label, now_ms)

    async def admit_address(self, address: str, now_ms: int) -> dict[str, str]:
        return await _admit(self.by_address, address, now_ms)

    def export(self) -> dict[str, Any]:
        return {"by_token": self.by_token.export(), "by_address": self.by_address.export()}

    def load(self, data: Any) -> None:
        """Windows from a snapshot, all or nothing."""
        if not isinstance(data, dict) or set(data) - {"by_token", "by_address"}:
            raise ValueError("appdotnet rate_limits must be an object with by_token and by_address")
        parts = []
        for name, windows in (("by_token", self.by_token), ("by_address", self.by_address)):
            part = data.get(name, {})
            if not isinstance(part, dict):
                raise ValueError(f"appdotnet rate_limits.{name} must be an object")
            FixedWindows(windows.limit, windows.period_ms).load(part)  # checked whole before anything changes
            parts.append((windows, part))
        for windows, part in parts:
            windows.load(part)


async def _admit(windows: FixedWindows, key: str, now_ms: int) -> dict[str, str]:
    """The headers that announce the key's window after this request; 429 when it is full."""
    allowed, remaining, refills_in_ms = await windows.take(key, now_ms)
    reset_s = -(-refills_in_ms // 1000)
    headers = {"X-RateLimit-Remaining": str(remaining), "X-RateLimit-Limit": windows.limit_text,
               "X-RateLimit-Reset": str(reset_s)}
    if not allowed:
        raise errors.rate_limited(reset_s, headers)
    return headers
