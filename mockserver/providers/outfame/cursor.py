"""Opaque `cur_...` cursors for the activity log: a position, bound to its query, with a check tag.

A cursor names the day, the type filter, the account and the sequence number
of the last action a page showed; the next page holds the actions of that day
with lower sequence numbers. New actions always get higher numbers, and a
pause never frees numbers for reuse, so pages neither repeat nor skip actions
while the engine keeps working. The tag (keyed by the seed) makes a cursor
that was altered, truncated or made up fail cleanly.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import struct
from dataclasses import dataclass

_LAYOUT = struct.Struct(">BiHB4s")  # version, day, seq, kind (0 = all), account tag
_VERSION = 1
_TAG_BYTES = 6
PREFIX = "cur_"
_BODY = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True, slots=True)
class Position:
    day: int
    seq: int
    kind: int | None
    account_id: str


class CursorError(ValueError):
    """A cursor this server did not issue for this query."""


class CursorCodec:
    def __init__(self, seed: int) -> None:
        self._key = hashlib.blake2b(f"outfame-cursor:{seed}".encode(), digest_size=32).digest()

    def _tag(self, payload: bytes) -> bytes:
        return hashlib.blake2b(payload, key=self._key, digest_size=_TAG_BYTES).digest()

    @staticmethod
    def _account_tag(account_id: str) -> bytes:
        return hashlib.blake2b(account_id.encode(), digest_size=4).digest()

    def encode(self, position: Position) -> str:
        kind = 0 if position.kind is None else position.kind + 1
        payload = _LAYOUT.pack(_VERSION, position.day, position.seq, kind, self._account_tag(position.account_id))
        raw = payload + self._tag(payload)
        return PREFIX + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    def decode(self, text: str, account_id: str) -> Position:
        if not text.startswith(PREFIX):
            raise CursorError("cursor is not one this API returned")
        body = text[len(PREFIX):]
        if not _BODY.fullmatch(body):
            raise CursorError("cursor is not one this API returned")
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except (binascii.Error, ValueError):
            raise CursorError("cursor is not one this API returned") from None
        if len(raw) != _LAYOUT.size + _TAG_BYTES:
            raise CursorError("cursor is not one this API returned")
        payload, tag = raw[:_LAYOUT.size], raw[_LAYOUT.size:]
        if not hmac.compare_digest(tag, self._tag(payload)):
            raise CursorError("cursor is not one this API returned")
        version, day, seq, kind, account_tag = _LAYOUT.unpack(payload)
        if version != _VERSION or kind > 4:
            raise CursorError("cursor is not one this API returned")
        if account_tag != self._account_tag(account_id):
            raise CursorError("cursor belongs to another account")
        return Position(day, seq, None if kind == 0 else kind - 1, account_id)
