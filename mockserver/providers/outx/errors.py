"""OutX's documented errors and its error body, `{"error": "<message>"}` (assumed shape)."""

from __future__ import annotations

from typing import Any

from mockserver.core.errors import ApiError


def render(error: ApiError) -> dict[str, Any]:
    return {"error": error.message}


def missing_api_key() -> ApiError:
    return ApiError(401, "missing_api_key", "Missing API Key")


def invalid_api_key() -> ApiError:
    return ApiError(401, "invalid_api_key", "Invalid API Key")


def watchlist_id_required() -> ApiError:
    return ApiError(400, "watchlist_id_required", "watchlist_id is required and must be a string")


def unknown_watchlist(watchlist_id: str) -> ApiError:
    return ApiError(400, "invalid_watchlist_id", f"Invalid watchlist ID: {watchlist_id}")


def foreign_watchlist() -> ApiError:
    return ApiError(403, "watchlist_access_denied",
                    "Access denied: You don't have permission to access this watchlist")


def fetch_failed() -> ApiError:
    return ApiError(500, "fetch_failed", "Failed to fetch interactions")


def invalid_parameter(message: str) -> ApiError:
    """Parameters the docs define but whose error text they do not give (assumed)."""
    return ApiError(400, "invalid_parameter", message)


def invalid_json() -> ApiError:
    return ApiError(400, "invalid_json", "Invalid JSON body")


def invalid_social_urn() -> ApiError:
    return ApiError(400, "invalid_social_urn", "Missing or invalid 'social_urn'")


def plugin_required() -> ApiError:
    # The docs give only the opening words ("Plugin installation required...").
    return ApiError(403, "plugin_required",
                    "Plugin installation required: no member of your team has an active OutX browser extension")


def no_admin() -> ApiError:
    return ApiError(404, "no_admin", "No admin user found in the team")


def invalid_task_id() -> ApiError:
    return ApiError(400, "invalid_task_id", "Missing or invalid 'api_agent_task_id'")


def task_not_found() -> ApiError:
    return ApiError(404, "task_not_found", "Agent task not found")
