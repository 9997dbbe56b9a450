"""Outfame's errors, rendered as `{"error": {"code", "message"[, "param"]}}` (the body shape is assumed)."""

from __future__ import annotations

from typing import Any

from mockserver.core.errors import ApiError
from mockserver.providers.outfame.accounts import REQUIRED_SCOPE


def render(error: ApiError) -> dict[str, Any]:
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.details and "param" in error.details:
        body["param"] = error.details["param"]
    return {"error": body}


# -- documented ------------------------------------------------------------------

def already_paused() -> ApiError:
    return ApiError(400, "already_paused", "This account's engagement is already paused.")


def already_active() -> ApiError:
    return ApiError(400, "already_active", "This account's engagement is already running.")


def account_suspended() -> ApiError:
    return ApiError(400, "account_suspended",
                    "This account is suspended, so engagement cannot be changed. Please contact support.")


def account_in_setup() -> ApiError:
    return ApiError(400, "account_in_setup",
                    "This account is still being set up; try again once validation has finished.")


def account_not_found(account_id: str) -> ApiError:
    shown = account_id if len(account_id) <= 80 else account_id[:80] + "..."
    return ApiError(404, "account_not_found", f"There is no account with the ID {shown!r}.",
                    {"param": "account_id"})


# -- assumed: the docs name the header and scope but not these answers ------------

_BEARER = {"WWW-Authenticate": 'Bearer realm="outfame"'}


def missing_api_key() -> ApiError:
    return ApiError(401, "missing_api_key",
                    "Send your API key as 'Authorization: Bearer sk_live_...'.", headers=_BEARER)


def invalid_api_key() -> ApiError:
    return ApiError(401, "invalid_api_key", "The API key is not valid.",
                    headers={"WWW-Authenticate": 'Bearer realm="outfame", error="invalid_token"'})


def insufficient_scope() -> ApiError:
    return ApiError(403, "insufficient_scope", f"This API key lacks the {REQUIRED_SCOPE} scope.",
                    headers={"WWW-Authenticate": f'Bearer realm="outfame", error="insufficient_scope", '
                                                 f'scope="{REQUIRED_SCOPE}"'})


def missing_parameter(name: str) -> ApiError:
    return ApiError(400, "missing_parameter", f"{name} is required.", {"param": name})


def invalid_parameter(name: str, message: str) -> ApiError:
    return ApiError(400, "invalid_parameter", message, {"param": name})


def invalid_cursor(reason: str) -> ApiError:
    return ApiError(400, "invalid_cursor", f"The cursor is not valid here: {reason}.", {"param": "cursor"})


def invalid_json(message: str) -> ApiError:
    return ApiError(400, "invalid_json", message)


def payload_too_large() -> ApiError:
    return ApiError(413, "payload_too_large", "The request body is too large.")
