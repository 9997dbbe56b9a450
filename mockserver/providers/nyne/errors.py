"""Nyne's errors: 400 invalid parameters, 401 credentials, 404 request_not_found, 429 limits."""

from __future__ import annotations

from typing import Any, Callable, Mapping

from mockserver.core.errors import ApiError
from mockserver.providers.nyne.envelope import failure


def renderer(now_ms: Callable[[], int]) -> Callable[[ApiError], dict[str, Any]]:
    """The error body carries the envelope's timestamp, so rendering needs the clock's reading."""
    def render(error: ApiError) -> dict[str, Any]:
        return failure(error.code, error.message, now_ms())
    return render


def missing_credentials() -> ApiError:
    return ApiError(401, "missing_credentials",
                    "Send your API key and secret in the X-API-Key and X-API-Secret headers "
                    "(or the api_key and api_secret query parameters)")


def invalid_credentials() -> ApiError:
    return ApiError(401, "invalid_credentials", "The API key or secret is not valid")


def invalid_parameter(message: str) -> ApiError:
    return ApiError(400, "invalid_parameter", message)


def missing_parameter(message: str) -> ApiError:
    return ApiError(400, "missing_parameter", message)


def invalid_json(message: str) -> ApiError:
    return ApiError(400, "invalid_json", message)


def callback_not_allowed(message: str) -> ApiError:
    return ApiError(400, "invalid_callback_url", message)


def request_not_found(request_id: str) -> ApiError:
    shown = request_id if len(request_id) <= 80 else request_id[:77] + "..."
    return ApiError(404, "request_not_found", f"No request with id {shown!r} exists, or its result has expired")


def rate_limited(retry_after_s: int, headers: Mapping[str, str]) -> ApiError:
    return ApiError(429, "rate_limit_exceeded",
                    f"Too many requests for this API key; retry in {retry_after_s} s", headers=dict(headers))
