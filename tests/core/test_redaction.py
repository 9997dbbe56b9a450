"""core.redaction: credentials masked by name in every spelling and form, and known values anywhere."""

from __future__ import annotations

import json

import pytest

from mockserver.core.redaction import _HINTS, REDACTED, Redactor, is_sensitive_name

KNOWN = Redactor({"YOUR_API_KEY", 'sk_live_a/b"c', "ab"})


@pytest.mark.parametrize("name", [
    "api_key", "apiKey", "APIKey", "X-Api-Key", "x-api-secret", "apiSecret", "accessToken", "access_token[]",
    "access_token%5B%5D", "user[password]", "Authorization", "Cookie", "client_secret", "refresh_token",
    "oauth_signature", "X-Auth-Token", "private_key", "key", "token", "credentials",
])
def test_credential_names_in_every_spelling(name: str) -> None:
    assert is_sensitive_name(name)


@pytest.mark.parametrize("name", ["page", "sort_key", "Idempotency-Key", "keyword", "monkey", "client_id",
                                  "token_type", "author", "passage", "watchlist_id"])
def test_ordinary_names(name: str) -> None:
    assert not is_sensitive_name(name)


def test_every_sensitive_word_contains_a_hint() -> None:
    """The cheap pre-check (`_HINTS`) must not let a credential name through unexamined."""
    from mockserver.core.redaction import _EXACT, _KEY_QUALIFIERS, _LAST_WORDS
    for word in _EXACT | _LAST_WORDS | {f"{q}_key" for q in _KEY_QUALIFIERS}:
        assert any(hint in word for hint in _HINTS), word


@pytest.mark.parametrize("text, expected", [
    ('{"api_key": "abc", "n": {"apiSecret": {"deep": [1, "]"]}, "ok": "fine"}, "accessToken": 12}',
     '{"api_key": "[redacted]", "n": {"apiSecret": "[redacted]", "ok": "fine"}, "accessToken": "[redacted]"}'),
    ('{"api_secret": "cut off', '{"api_secret": "[redacted]"'),
    ('{"api_key":"a\\"b","z":1}', '{"api_key":"[redacted]","z":1}'),
    ('"{\\"api_key\\": \\"v\\", \\"n\\": 1}"', '"{\\"api_key\\": \\"[redacted]\\", \\"n\\": 1}"'),
    ("api_key=abc&x=1&access_token%5B%5D=t&access_token[]=u&user[password]=pw&sort_key=a",
     "api_key=[redacted]&x=1&access_token%5B%5D=[redacted]&access_token[]=[redacted]&user[password]=[redacted]"
     "&sort_key=a"),
    ("GET /x?api_key=S1&api_secret=S2 HTTP/1.1", "GET /x?api_key=[redacted]&api_secret=[redacted] HTTP/1.1"),
    ("Authorization: Bearer abc.def\r\nX-Api-Key: zzz\r\nother: 1",
     "Authorization: [redacted]\r\nX-Api-Key: [redacted]\r\nother: 1"),
    ("  password: hunter2\nkey: v", "  password: [redacted]\nkey: [redacted]"),
    ("curl -H 'authorization: bearer abc123'", "curl -H 'authorization: [redacted]"),
    ("sent Bearer abc123 to", "sent Bearer [redacted] to"),
    ("see https://user:pw@hooks.example.com/x?token=abc&y=2 now",
     "see https://[redacted]@hooks.example.com/x?token=[redacted]&y=2 now"),
    ("a monkey's token is not a credential name", "a monkey's token is not a credential name"),
])
def test_named_credentials_are_masked_in_any_text(text: str, expected: str) -> None:
    assert Redactor().text(text) == expected


def test_known_values_are_masked_anywhere_in_every_encoding() -> None:
    text = 'free YOUR_API_KEY; sk_live_a%2Fb%22c and sk_live_a/b\\"c and sk_live_a%2Fb%22c, not ab'
    assert KNOWN.text(text) == "free [redacted]; [redacted] and [redacted] and [redacted], not ab"
    assert KNOWN.value("X-Custom", "ab") == REDACTED  # a short known value, as a whole value only
    assert KNOWN.url("http://h/cb?k=YOUR_API_KEY") == "http://h/cb?k=[redacted]"


def test_pairs_mask_by_name_and_scrub_the_other_values() -> None:
    pairs = [("access_token[]", "t1"), ("access_token[]", "t2"), ("next", "https://u:p@h/?token=t3"), ("q", "x")]
    assert KNOWN.pairs(pairs) == {"access_token[]": (REDACTED, REDACTED), "next": ("https://[redacted]@h/?token="
                                  "[redacted]",), "q": ("x",)}


def test_deep_documents_are_masked_without_recursion() -> None:
    depth = 10_000
    text = "[" * depth + '{"token": ' + "[" * depth + "]" * depth + ', "x": 1}' + "]" * depth
    masked = Redactor().text(text)
    assert masked == "[" * depth + '{"token": "[redacted]", "x": 1}' + "]" * depth
    document: dict = {}
    node = document
    for _ in range(depth):
        node["a"] = {}
        node = node["a"]
    node.update(api_key="s", note="YOUR_API_KEY here")
    masked_doc = KNOWN.json(document)
    for _ in range(depth):
        masked_doc = masked_doc["a"]
    assert masked_doc == {"api_key": REDACTED, "note": "[redacted] here"}


def test_bodies_are_cut_after_masking_and_keep_other_bytes() -> None:
    secret_at_the_cut = b'{"pad": "' + b"x" * 90 + b'", "api_key": "' + b"s" * 50 + b'"}'
    assert b"sss" not in Redactor().body(secret_at_the_cut, 110)
    assert KNOWN.body(b"YOUR_API_" + b"KEY", 8) == b"[redacte"  # a known value cut in half is still masked
    assert Redactor().body(b"\xff\xfe binary", 100) == b"\xff\xfe binary"
    assert json.loads(Redactor().body(b'{"password": "x", "a": [1]}', 100)) == {"password": REDACTED, "a": [1]}


def test_hostile_text_is_masked_in_bounded_work() -> None:
    """Thousands of credential-looking names: the tail past the examined ones is masked whole."""
    masked = Redactor().text("token=a&" * 5000)
    assert masked.endswith(REDACTED) and "=a&" not in masked
