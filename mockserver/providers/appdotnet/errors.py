"""App.net's documented errors: an envelope with `meta` only (code, message, slug, id) and no `data`."""

from __future__ import annotations

from typing import Any, Mapping

from mockserver.core.errors import ApiError

# Slugs App.net documents; other errors carry no slug.
INVALID_TOKEN, NOT_AUTHORIZED, TOKEN_EXPIRED = "invalid-token", "not-authorized", "token-expired"
DOCUMENTED_SLUGS = frozenset({INVALID_TOKEN, NOT_AUTHORIZED, TOKEN_EXPIRED})


def envelope(error: ApiError, error_id: str) -> dict[str, Any]:
    meta: dict[str, Any] = {"code": error.status, "error_message": error.message}
    if error.code in DOCUMENTED_SLUGS:
        meta["error_slug"] = error.code
    meta["error_id"] = error_id
    return {"meta": meta}


def missing_token() -> ApiError:
    return ApiError(401, "missing-token", "Call requires authentication: this endpoint needs a user access token "
                                         "(Authorization: Bearer <token>, or the access_token parameter).")


def jsonp_unauthenticated() -> ApiError:
    return ApiError(401, "jsonp-unauthenticated",
                    "Call requires authentication: requests with a JSONP callback are never authenticated.")


def invalid_token(why: str = "The access token is not valid.") -> ApiError:
    return ApiError(401, INVALID_TOKEN, why)


def not_authorized() -> ApiError:
    return ApiError(401, NOT_AUTHORIZED, "The user has revoked this app's access; ask them to authorize it again.")


def token_expired() -> ApiError:
    return ApiError(401, TOKEN_EXPIRED, "The access token has expired; obtain a new one.")


def user_token_required() -> ApiError:
    return ApiError(403, "user-token-required", "This endpoint needs a user token; an app token was given.")


def only_current_user(user: str) -> ApiError:
    return ApiError(403, "only-current-user",
                    f"Interactions can only be listed for the current user (use users/me), not {user!r}.")


def bad_parameter(message: str) -> ApiError:
    return ApiError(400, "invalid-parameter", message)


def rate_limited(retry_after_s: int, headers: Mapping[str, str]) -> ApiError:
    return ApiError(429, "rate-limited",
                    f"Too many requests: this rate limit allows {headers['X-RateLimit-Limit']} requests per window; "
                    f"retry in {retry_after_s} seconds.",
                    headers={**headers, "Retry-After": str(max(1, retry_after_s))})
