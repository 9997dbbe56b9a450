"""Credentials -> tenant lookups that do not leak secrets through timing."""

from __future__ import annotations

import hashlib
import hmac
from typing import Generic, Iterable, TypeVar

Tenant = TypeVar("Tenant")


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).digest()


class CredentialIndex(Generic[Tenant]):
    """Maps secrets to the tenant they belong to.

    Secrets are looked up by their SHA-256 digest, so the time a lookup takes
    depends on the digest and never on how many leading characters of a real
    key an attacker guessed; the final comparison is constant-time as well.
    """

    def __init__(self, pairs: Iterable[tuple[str, Tenant]]) -> None:
        self._by_digest: dict[bytes, tuple[bytes, Tenant]] = {}
        for secret, tenant in pairs:
            digest = _digest(secret)
            if digest in self._by_digest:
                raise ValueError("the same credential is given to two tenants")
            self._by_digest[digest] = (digest, tenant)

    def lookup(self, presented: str) -> Tenant | None:
        digest = _digest(presented)
        entry = self._by_digest.get(digest)
        if entry is None or not hmac.compare_digest(entry[0], digest):
            return None
        return entry[1]

    def __len__(self) -> int:
        return len(self._by_digest)


def secrets_equal(presented: str, expected: str) -> bool:
    """Constant-time equality for one expected secret (e.g. the admin token)."""
    return hmac.compare_digest(_digest(presented), _digest(expected))
