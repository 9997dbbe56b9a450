"""Nyne's `{success, data, timestamp}` envelope and its two timestamp spellings."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any


def _utc(ms: int) -> datetime:
    return datetime.fromtimestamp(ms // 1000, tz=timezone.utc)


def envelope_timestamp(ms: int) -> str:
    """As the docs' envelope shows it: UTC to the second, without an offset ("2026-01-01T00:00:00")."""
    return _utc(ms).strftime("%Y-%m-%dT%H:%M:%S")


def instant(ms: int) -> str:
    """As the docs' `completed_on` shows it: UTC to the second with a Z ("2026-01-15T10:31:00Z")."""
    return _utc(ms).strftime("%Y-%m-%dT%H:%M:%SZ")


def success(data: dict[str, Any], now_ms: int) -> dict[str, Any]:
    return {"success": True, "data": data, "timestamp": envelope_timestamp(now_ms)}


def failure(code: str, message: str, now_ms: int) -> dict[str, Any]:
    """The error body (assumed shape: the docs give the codes, not the envelope)."""
    return {"success": False, "error": {"code": code, "message": message}, "timestamp": envelope_timestamp(now_ms)}
