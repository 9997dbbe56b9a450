from __future__ import annotations

import pytest

from mockserver.core.auth import CredentialIndex, secrets_equal


def test_lookup_finds_only_exact_secrets() -> None:
    index = CredentialIndex([("key-a", "team-a"), ("key-b", "team-b")])
    assert index.lookup("key-a") == "team-a"
    assert index.lookup("key-b") == "team-b"
    for wrong in ("key-", "key-a ", "KEY-A", "", "key-c", "key-a\x00"):
        assert index.lookup(wrong) is None
    assert len(index) == 2


def test_a_secret_cannot_belong_to_two_tenants() -> None:
    with pytest.raises(ValueError):
        CredentialIndex([("same", "a"), ("same", "b")])


def test_non_ascii_input_is_just_wrong() -> None:
    index = CredentialIndex([("key", 1)])
    assert index.lookup("ключ") is None
    assert index.lookup("\udcff") is None


def test_secrets_equal() -> None:
    assert secrets_equal("token", "token")
    assert not secrets_equal("token", "token2")
