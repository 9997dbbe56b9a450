"""A curl command that sends a journaled request again; masked credentials become shell variables."""

from __future__ import annotations

import re
import shlex
from typing import Any, Callable
from urllib.parse import quote


from mockserver.core.journal import JournalEntry
from mockserver.core.redaction import REDACTED

# Headers curl sets itself, or that describe the old connection rather than the request.
_LEFT_TO_CURL = frozenset({
    "host", "content-length", "connection", "keep-alive", "transfer-encoding", "te", "upgrade", "expect",
    "accept-encoding", "user-agent",
})


def variable_name(name: str) -> str:
    """The shell variable a masked value becomes: X-API-Key -> X_API_KEY."""
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper() or "SECRET"


def _in_double_quotes(text: str) -> str:
    """Literal text inside a double-quoted shell word."""
    return re.sub(r'([\\"$`])', r"\\\1", text)


class _Words:
    """Shell words of the command, and the variables they need."""

    def __init__(self) -> None:
        self.words: list[str] = ["curl"]
        self.variables: list[str] = []

    def variable(self, name: str) -> str:
        var = variable_name(name)
        if var not in self.variables:
            self.variables.append(var)
        return "${" + var + "}"

    def filled(self, text: str, name: str, encode: Callable[[str], str] = str) -> str:
        """`text` for a double-quoted word: each masked part (whole or inside) becomes the variable for `name`."""
        parts = [_in_double_quotes(encode(part)) for part in text.split(REDACTED)]
        return self.variable(name).join(parts) if len(parts) > 1 else parts[0]


def replay_curl(entry: JournalEntry, base_url: str) -> dict[str, Any]:
    """`{"command": "curl ...", "variables": [...]}`: set each variable to the real value, then run it.

    Masked credentials in the path, the query and the headers become shell variables; a body is sent
    as it was journaled (masked values in it stay masked).
    """
    out = _Words()
    if entry.method != "GET":
        out.words += ["-X", entry.method]
    url = _in_double_quotes(base_url.rstrip("/")) + out.filled(
        entry.path, "path_secret", lambda part: quote(part, safe="/:@!$&'()*+,;=-._~"))
    pairs = [f"{_in_double_quotes(quote(name, safe=''))}={out.filled(value, name, lambda part: quote(part, safe=''))}"
             for name, values in entry.query.items() for value in values]
    out.words.append('"' + url + ("?" + "&".join(pairs) if pairs else "") + '"')
    for name, values in entry.headers.items():
        for value in values if name.lower() not in _LEFT_TO_CURL else ():
            out.words += ["-H", f'"{_in_double_quotes(name)}: {out.filled(value, name)}"']
    if entry.body is not None:
        out.words += ["--data-raw", shlex.quote(entry.body.decode("utf-8", "replace"))]
    return {"command": " ".join(out.words), "variables": out.variables}
