"""Credential masking, the one place that decides what is a secret: journal, logs, views.

Two rules, applied without recursion so that no input (a body nested 10,000
levels deep, a 1 MiB line) can break the caller:

- **By name.** A value whose name looks like a credential is masked, however
  the name is spelt: `api_secret`, `apiSecret`, `X-Api-Key`, `access_token[]`,
  `user[password]`. Names are found in structured pairs (headers, query) and in
  free text: JSON members (`"token": ...`, at any depth, even in invalid or
  truncated JSON), assignments (`api_key=...` in forms, URLs and log lines),
  header-style lines (`Authorization: ...`), `Bearer ...` tokens and URL
  userinfo (`https://user:pw@host`).
- **By value.** The credentials a scenario defines (its `known` values) are
  masked wherever they appear: inside free text, a URL or a path, plain,
  JSON-escaped or percent-encoded.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any, Iterable
from urllib.parse import quote, quote_plus, unquote_plus

REDACTED = "[redacted]"
_JSON_REDACTED = '"[redacted]"'

# Every sensitive name contains one of these (lower-cased); text without any of
# them cannot hold a named credential, so most text is cleared by a few `in` tests.
_HINTS = ("key", "secret", "token", "pass", "pwd", "auth", "cookie", "credential", "signature", "jwt")
_EXACT = frozenset({
    "key", "secret", "token", "password", "passwd", "pwd", "auth", "authorization", "proxy_authorization",
    "cookie", "set_cookie", "credential", "credentials", "apikey", "jwt", "signature", "x_api_key",
})
_LAST_WORDS = frozenset({
    "secret", "token", "password", "passwd", "pwd", "apikey", "authorization", "cookie", "credential",
    "credentials", "signature", "jwt",
})
# "<word>_key" is a credential for these words only: `sort_key` or `idempotency_key` are not.
_KEY_QUALIFIERS = frozenset({
    "api", "access", "secret", "private", "auth", "session", "signing", "license", "client", "app", "consumer",
    "master", "encryption",
})
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEPARATORS = re.compile(r"[^a-z0-9]+")
# Characters a bare (unquoted) name is made of: `api_key`, `X-Api-Key`, `access_token[]`, `api%5Fkey`.
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.[]%$")
_ANY_HINT = re.compile("|".join(_HINTS + ("bearer", "://")))
# Lower-cases ASCII only, so that indexes in the lowered text are indexes in the text.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# Where an unquoted value ends (query strings, forms, log lines).
_VALUE_END = frozenset("&\n\r\t ;,\"'<>")
_MAX_NAME_CHARS = 256  # a longer run of name characters is no credential's name
_MAX_CANDIDATES = 1000  # hint words examined in one text; the rest of a text with more is masked whole
_MAX_REMEMBERED, _MAX_REMEMBERED_CHARS = 4096, 256  # answers kept for short texts
_MIN_KNOWN_CHARS = 4  # shorter known values are masked as whole values only, never inside text


@functools.lru_cache(maxsize=4096)
def is_sensitive_name(name: str) -> bool:
    """Whether a value with this name is a credential, whatever the spelling."""
    for part in re.split(r"[\[\]]+", unquote_plus(name)):
        if part and _sensitive_word_group(part):
            return True
    return False


def _sensitive_word_group(name: str) -> bool:
    words = _SEPARATORS.split(_CAMEL.sub("_", name).lower())
    words = [word for word in words if word]
    if not words:
        return False
    joined = "_".join(words)
    if joined in _EXACT or words[-1] in _LAST_WORDS:
        return True
    return words[-1] == "key" and len(words) > 1 and words[-2] in _KEY_QUALIFIERS


class Redactor:
    """Masks credentials by name everywhere and, by value, the `known` ones (a scenario's keys and tokens)."""

    def __init__(self, known: Iterable[str] = ()) -> None:
        values = {value for value in known if isinstance(value, str) and value}
        self._whole = frozenset(values)
        variants: set[str] = set()
        for value in values:
            if len(value) >= _MIN_KNOWN_CHARS:
                variants.update({value, json.dumps(value)[1:-1], quote(value, safe=""), quote_plus(value)})
        # Longest first, so that a value containing another is masked whole.
        ordered = sorted(variants, key=len, reverse=True)
        self._known = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        # Header values, paths and query values repeat from request to request: remember short answers.
        self._short: dict[str, str] = {}

    # -- structured data -------------------------------------------------------

    def value(self, name: str, value: str) -> str:
        """A named value (a header, a query parameter): masked by its name, or scrubbed as text."""
        if is_sensitive_name(name) or value in self._whole:
            return REDACTED
        return self.text(value)

    def pairs(self, pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
        """Multi-valued mapping (headers, query) with credentials masked.

        Tuples rather than lists: the garbage collector stops tracking them, so
        the thousands a journal keeps do not lengthen its full collections.
        """
        redacted: dict[str, tuple[str, ...]] = {}
        remembered = self._short
        for name, value in pairs:
            # str(): header names arrive as case-insensitive `istr`, which JSON encoders refuse as keys.
            name = str(name)
            if is_sensitive_name(name) or value in self._whole:
                value = REDACTED
            else:
                value = remembered.get(value) or self.text(value)
            redacted[name] = redacted.get(name, ()) + (value,)
        return redacted

    def json(self, document: Any) -> Any:
        """A parsed JSON value with credentials masked, walked with a stack (any depth)."""
        root: list[Any] = [None]
        stack: list[tuple[Any, Any, Any]] = [(document, root, 0)]  # (source, target container, slot)
        while stack:
            source, target, slot = stack.pop()
            if isinstance(source, dict):
                copy: dict[Any, Any] = {}
                target[slot] = copy
                for key, item in source.items():
                    if isinstance(key, str) and is_sensitive_name(key):
                        copy[key] = REDACTED
                    else:
                        copy[key] = None
                        stack.append((item, copy, key))
            elif isinstance(source, list):
                items: list[Any] = [None] * len(source)
                target[slot] = items
                stack.extend((item, items, index) for index, item in enumerate(source))
            elif isinstance(source, str):
                target[slot] = REDACTED if source in self._whole else self.text(source)
            else:
                target[slot] = source
        return root[0]

    # -- free text ---------------------------------------------------------------

    def text(self, text: str) -> str:
        """Free text of any form (JSON, valid or not; a form; a URL; a log line) with credentials masked."""
        if len(text) > _MAX_REMEMBERED_CHARS:
            return self._mask(text)
        masked = self._short.get(text)
        if masked is None:
            if len(self._short) >= _MAX_REMEMBERED:
                self._short.clear()
            masked = self._short[text] = self._mask(text)
        return masked

    def _mask(self, text: str) -> str:
        lowered = text.lower()
        if len(lowered) != len(text):  # a few non-ASCII letters lower to two characters
            lowered = text.translate(_ASCII_LOWER)
        if _ANY_HINT.search(lowered):
            text = _mask_named(text, lowered)
        if self._known is not None:
            text = self._known.sub(REDACTED, text)
        return text

    def url(self, url: str) -> str:
        """A URL with its userinfo, credential query parameters and known values masked."""
        return self.text(url)

    def body(self, raw: bytes, keep: int) -> bytes:
        """At most `keep` bytes of a request body (any content type), credentials masked.

        Masking looks a little past the cut, so that a credential straddling it
        is masked rather than kept in part. Bytes that are not UTF-8 survive
        unchanged (surrogate escapes).
        """
        window = raw[: keep + 1024].decode("utf-8", "surrogateescape")
        return self.text(window).encode("utf-8", "surrogateescape")[:keep]


@functools.lru_cache(maxsize=8)
def redactor_for(known: frozenset[str]) -> Redactor:
    """One redactor per set of known values (a scenario's credentials); built once, reused."""
    return Redactor(known)


def _mask_named(text: str, lowered: str) -> str:
    """Mask the values of credential-named members, assignments and header lines, Bearer tokens, userinfo.

    Candidates are visited in text order and those inside a value masked
    already are skipped, so the work stays linear in the text's length; past
    `_MAX_CANDIDATES` the rest of the text is masked whole rather than examined.
    """
    candidates: list[tuple[int, str]] = []
    for hint in _HINTS + ("bearer", "://"):
        start = lowered.find(hint)
        while start != -1:
            candidates.append((start, hint))
            start = lowered.find(hint, start + len(hint))
    candidates.sort()
    out: list[str] = []
    position = 0
    for index, (at, hint) in enumerate(candidates):
        if at < position:
            continue  # inside a value masked already
        if index >= _MAX_CANDIDATES:
            out.append(text[position:at])
            out.append(REDACTED)
            position = len(text)
            break
        span = _userinfo_span(text, at + 3) if hint == "://" else _value_span_at(text, lowered, at, hint)
        if span is not None and span[0] >= position:
            begin, end, replacement = span
            out.append(text[position:begin])
            out.append(replacement)
            position = end
    if not out:
        return text
    out.append(text[position:])
    return "".join(out)


def _value_span_at(text: str, lowered: str, at: int, hint: str) -> tuple[int, int, str] | None:
    """If the hint at `at` is part of a credential's name, the span of that credential's value."""
    if hint == "bearer":
        return _bearer_span(text, lowered, at)
    quoted = _json_member_value(text, at)
    if quoted is not None:
        return quoted
    # A bare name: api_key=..., X-Api-Key: ... at a line start.
    begin, end = at, at + len(hint)
    while begin > 0 and text[begin - 1] in _NAME_CHARS:
        begin -= 1
        if at - begin > _MAX_NAME_CHARS:
            return None
    while end < len(text) and text[end] in _NAME_CHARS:
        end += 1
        if end - at > _MAX_NAME_CHARS:
            return None
    after = end
    while after < len(text) and text[after] in " \t":
        after += 1
    if after >= len(text) or text[after] not in "=:" or not is_sensitive_name(text[begin:end]):
        return None
    if text[after] == "=":
        value_start = after + 1
        value_end = value_start
        while value_end < len(text) and text[value_end] not in _VALUE_END:
            value_end += 1
        return (value_start, value_end, REDACTED) if value_end > value_start else None
    if _spaced(text, after + 1) or _starts_line(text, begin):
        value_start = after + 1
        value_end = text.find("\n", value_start)
        value_end = len(text) if value_end == -1 else value_end
        if value_end > value_start and text[value_end - 1] == "\r":
            value_end -= 1
        return (value_start, value_end, " " + REDACTED) if value_end > value_start else None
    return None


def _spaced(text: str, at: int) -> bool:
    return at < len(text) and text[at] in " \t"


def _starts_line(text: str, at: int) -> bool:
    """Whether only blanks (at most 64) stand between the line's start and `at`."""
    position = at
    while position > 0 and at - position < 64 and text[position - 1] in " \t":
        position -= 1
    return position == 0 or text[position - 1] in "\r\n"


def _json_member_value(text: str, at: int) -> tuple[int, int, str] | None:
    """`"name": value` (or `\\"name\\": \\"value\\"` inside a JSON string) around `at`: the value's span."""
    open_quote = text.rfind('"', max(0, at - 256), at)
    close_quote = text.find('"', at, at + 512)
    if open_quote == -1 or close_quote == -1 or close_quote - open_quote > 512:
        return None
    escaped = open_quote > 0 and text[open_quote - 1] == "\\"
    name_end = close_quote - 1 if escaped and text[close_quote - 1] == "\\" else close_quote
    name = text[open_quote + 1:name_end]
    if "\n" in name or not is_sensitive_name(name):
        return None
    colon = close_quote + 1
    while colon < len(text) and text[colon] in " \t\r\n":
        colon += 1
    if colon >= len(text) or text[colon] != ":":
        return None
    start = colon + 1
    while start < len(text) and text[start] in " \t\r\n":
        start += 1
    if start >= len(text):
        return None
    if escaped:
        # A member of JSON written inside a JSON string: its value ends at the next escaped quote.
        if text.startswith('\\"', start):
            end = text.find('\\"', start + 2)
            end = len(text) if end == -1 else end + 2
            return start, end, '\\"' + REDACTED + '\\"'
        return start, _scalar_end(text, start), REDACTED
    return start, _json_value_end(text, start), _JSON_REDACTED


def _json_value_end(text: str, start: int) -> int:
    """Where the JSON value starting at `start` ends; the text's end when it is cut off or broken."""
    first = text[start]
    if first == '"':
        return _string_end(text, start)
    if first not in "[{":
        return _scalar_end(text, start)
    depth, position, size = 0, start, len(text)
    while position < size:
        char = text[position]
        if char == '"':
            position = _string_end(text, position)
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return position + 1
        position += 1
    return size


def _string_end(text: str, quote_at: int) -> int:
    position = quote_at + 1
    while True:
        position = text.find('"', position)
        if position == -1:
            return len(text)
        backslashes = 0
        while text[position - 1 - backslashes] == "\\":
            backslashes += 1
        if backslashes % 2 == 0:
            return position + 1
        position += 1


def _scalar_end(text: str, start: int) -> int:
    position = start
    while position < len(text) and text[position] not in ",}]\r\n\\":
        position += 1
    while position > start and text[position - 1] in " \t":
        position -= 1
    return position


def _bearer_span(text: str, lowered: str, at: int) -> tuple[int, int, str] | None:
    if at > 0 and lowered[at - 1].isalnum():
        return None
    start = at + len("bearer")
    if start >= len(text) or text[start] not in " \t":
        return None
    while start < len(text) and text[start] in " \t":
        start += 1
    end = start
    while end < len(text) and (text[end].isalnum() or text[end] in "-._~+/="):
        end += 1
    return (start, end, REDACTED) if end > start else None


def _userinfo_span(text: str, authority: int) -> tuple[int, int, str] | None:
    end = authority
    while end < len(text) and text[end] not in "/?#@ \t\r\n\"'<>\\":
        end += 1
    if end < len(text) and text[end] == "@" and end > authority:
        return authority, end, REDACTED
    return None
