"""Nyne.ai contract checks: person-interaction lookups submitted, polled to the end and refused, by endpoint."""

from __future__ import annotations

from typing import Any


# Environment variables that describe a real target (values never come from files in the repo).
VARIABLES = {
    "NYNE_API_KEY": "API key (header X-API-Key)",
    "NYNE_API_SECRET": "API secret (header X-API-Secret)",
    "NYNE_TARGET_URL": "mutations only: a public Twitter/X or Instagram profile URL whose followers one lookup "
                       "reads (max_results 10, 3 credits, shared by the nyne.submit/nyne.jobs checks)",
    "NYNE_TWEET_URL": "optional, mutations only: a public Twitter/X status URL whose replies one more lookup "
                      "reads (max_results 10, 3 credits)",
    "NYNE_CALLBACK_URL": "optional: an endpoint of yours; the followers lookup then asks Nyne to POST the "
                         "result there (no check sends a callback_url otherwise)",
    "NYNE_LIMITED_API_KEY": "optional, mutations only: a key that may run only NYNE_LIMITED_MAX_JOBS jobs at once "
                            "(NYNE_LIMITED_MAX_JOBS + 1 lookups, 3 credits each)",
    "NYNE_LIMITED_API_SECRET": "optional: the secret of NYNE_LIMITED_API_KEY",
    "NYNE_LIMITED_MAX_JOBS": "optional: how many jobs NYNE_LIMITED_API_KEY may run at once",
}
SECRETS = ("NYNE_API_KEY", "NYNE_API_SECRET", "NYNE_LIMITED_API_KEY", "NYNE_LIMITED_API_SECRET")


def from_mock(credentials: dict[str, Any]) -> dict[str, str]:
    """Target variables for this project's own mock, from its admin API."""
    headers = credentials.get("headers") or {}
    values = {"NYNE_API_KEY": headers.get("X-API-Key"), "NYNE_API_SECRET": headers.get("X-API-Secret")}
    if values["NYNE_API_KEY"]:
        # Every account and tweet has a network in the mock; the docs' example account is the natural target.
        values["NYNE_TARGET_URL"] = "https://x.com/janedoe"
        values["NYNE_TWEET_URL"] = "https://x.com/janedoe/status/1234567890123456789"
    limited = credentials.get("limited") or {}
    if limited:
        values["NYNE_LIMITED_API_KEY"] = limited["api_key"]
        values["NYNE_LIMITED_API_SECRET"] = limited["api_secret"]
        values["NYNE_LIMITED_MAX_JOBS"] = str(limited["max_concurrent_jobs"])
    return {name: value for name, value in values.items() if value}


# Importing the endpoint modules registers their checks, in this order.
from mockserver.contract.checks.nyne import poll, auth, ratelimit, submit, jobs  # noqa: E402

__all__ = ["VARIABLES", "SECRETS", "from_mock", "poll", "auth", "ratelimit", "submit", "jobs"]
