"""App.net contract checks for the current user's interactions stream, one module per group of facts."""

from __future__ import annotations

from typing import Any


# Environment variables that describe a real target (values never come from files in the repo).
VARIABLES = {
    "ADN_ACCESS_TOKEN": "a user token whose interactions stream has at least 20 interactions",
    "ADN_REVOKED_TOKEN": "optional: a user token the user revoked (for the not-authorized check)",
    "ADN_EXPIRED_TOKEN": "optional: a user token past its lifetime (for the token-expired check)",
    "ADN_APP_TOKEN": "optional: an app token (this endpoint needs a user token)",
}
SECRETS = ("ADN_ACCESS_TOKEN", "ADN_REVOKED_TOKEN", "ADN_EXPIRED_TOKEN", "ADN_APP_TOKEN")


def from_mock(credentials: dict[str, Any]) -> dict[str, str]:
    """Target variables for this project's own mock, from its admin API."""
    token = credentials.get("access_token")
    return {"ADN_ACCESS_TOKEN": token} if token else {}


# Importing the endpoint modules registers their checks, in this order.
from mockserver.contract.checks.appdotnet import (  # noqa: E402
    envelope, pagination, filter, objects, auth, wire, ratelimit,
)

__all__ = ["VARIABLES", "SECRETS", "from_mock", "envelope", "pagination", "filter", "objects", "auth", "wire",
           "ratelimit"]
