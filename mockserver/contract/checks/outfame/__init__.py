"""Outfame contract checks, by endpoint: activity log, today's stats, pause and resume, documented refusals."""

from __future__ import annotations

from typing import Any


# Environment variables that describe a real target (values never come from files in the repo).
VARIABLES = {
    "OUTFAME_API_KEY": "API key with the engagement:manage scope (Authorization: Bearer sk_live_...)",
    "OUTFAME_ACCOUNT_ID": "an active account of that key's workspace, with engagement yesterday",
    "OUTFAME_UNSCOPED_API_KEY": "optional: a key without the engagement:manage scope (for the 403 check)",
    "OUTFAME_SUSPENDED_ACCOUNT_ID": "optional, mutations only: a suspended account of the workspace",
    "OUTFAME_SETUP_ACCOUNT_ID": "optional, mutations only: an account of the workspace still in setup",
}
SECRETS = ("OUTFAME_API_KEY", "OUTFAME_UNSCOPED_API_KEY")
# Keys of the provider's `credentials` hook, if it offers them, and the variables they fill.
_MOCK_CREDENTIALS = {"api_key": "OUTFAME_API_KEY", "account_id": "OUTFAME_ACCOUNT_ID",
                     "unscoped_api_key": "OUTFAME_UNSCOPED_API_KEY",
                     "suspended_account_id": "OUTFAME_SUSPENDED_ACCOUNT_ID",
                     "setup_account_id": "OUTFAME_SETUP_ACCOUNT_ID"}


def from_mock(credentials: dict[str, Any]) -> dict[str, str]:
    """Target variables for this project's own mock, from its admin API."""
    values = {variable: credentials.get(key) for key, variable in _MOCK_CREDENTIALS.items()}
    return {name: value for name, value in values.items() if isinstance(value, str) and value}


# Importing the endpoint modules registers their checks, in this order.
from mockserver.contract.checks.outfame import activity, stats, control, refusals  # noqa: E402

__all__ = ["VARIABLES", "SECRETS", "from_mock", "activity", "stats", "control", "refusals"]
