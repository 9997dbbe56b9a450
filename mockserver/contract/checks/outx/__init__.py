"""OutX contract checks, one module per endpoint: watchlist interactions and LinkedIn agent tasks."""

from __future__ import annotations

from typing import Any


# Environment variables that describe a real target (values never come from files in the repo).
VARIABLES = {
    "OUTX_API_KEY": "API key of a team (header x-api-key)",
    "OUTX_WATCHLIST_ID": "a watchlist of that team with some likes and comments",
    "OUTX_FOREIGN_WATCHLIST_ID": "optional: a watchlist of another team (for the 403 check)",
    "OUTX_LIKE_URN": "optional, mutations only: the activity URN of a post the like-post check may like",
    "OUTX_FAILING_WATCHLIST_ID": "optional: a watchlist of the key's team whose fetch fails (for the 500 check)",
    "OUTX_NO_EXTENSION_API_KEY": "optional, mutations only: a key of a team where no member has the browser "
                                 "extension active (for the 403 check)",
    "OUTX_NO_ADMIN_API_KEY": "optional, mutations only: a key of a team without an admin (for the 404 check)",
}
SECRETS = ("OUTX_API_KEY", "OUTX_NO_EXTENSION_API_KEY", "OUTX_NO_ADMIN_API_KEY")


def from_mock(credentials: dict[str, Any]) -> dict[str, str]:
    """Target variables for this project's own mock, from its admin API."""
    values = {"OUTX_API_KEY": credentials.get("api_key"), "OUTX_WATCHLIST_ID": credentials.get("watchlist_id"),
              "OUTX_FOREIGN_WATCHLIST_ID": credentials.get("foreign_watchlist_id")}
    return {name: value for name, value in values.items() if value}


# Importing the endpoint modules registers their checks, in this order.
from mockserver.contract.checks.outx import interactions, task_status, like_post  # noqa: E402

__all__ = ["VARIABLES", "SECRETS", "from_mock", "interactions", "task_status", "like_post"]
