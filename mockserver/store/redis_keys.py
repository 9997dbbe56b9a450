"""The Redis engine's key layout under its prefix (docs/scaling.md shows the same table)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PREFIX = "mockserver:"
FORMAT = "1"  # of what the keys hold; a store written in another format is refused, not misread


def redis_url_parts(url: str) -> tuple[str, str]:
    """(the URL for the client, the key prefix): `?prefix=` names the prefix, the rest goes to redis-py."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise ValueError(f"a store is 'memory' or a redis://host:port/db URL, not {url!r}")
    query = [pair for pair in parts.query.split("&") if pair]
    prefix = next((pair.split("=", 1)[1] for pair in query if pair.startswith("prefix=")), DEFAULT_PREFIX)
    if not prefix:
        raise ValueError("a store's prefix may not be empty: its keys must not mix with others'")
    rest = "&".join(pair for pair in query if not pair.startswith("prefix="))
    return parts._replace(query=rest).geturl(), prefix


@dataclass(frozen=True)
class KeyLayout:
    prefix: str = DEFAULT_PREFIX

    @property
    def meta(self) -> str:
        """hash: format, seed, scenario (JSON), anchor_ms, freeze_at_ms: where every process starts from"""
        return self.prefix + "meta"

    @property
    def seq(self) -> str:
        """string: the number of the last command appended to the log"""
        return self.prefix + "seq"

    @property
    def log(self) -> str:
        """stream: the commands, entry id <seq>-0, field c = {"n": name, "a": args, "t": at_ms, "o": origin}"""
        return self.prefix + "log"

    @property
    def base(self) -> str:
        """string (JSON): a snapshot of the state after command `seq`; the log before it is trimmed away"""
        return self.prefix + "base"

    @property
    def schedule(self) -> str:
        """sorted set: clock-driven work ("<kind> <key>"), scored by the mock-clock instant it is due"""
        return self.prefix + "schedule"

    @property
    def leases(self) -> str:
        """sorted set: claimed work ("<due> <kind> <key>"), scored by the server-time instant the lease ends"""
        return self.prefix + "leases"

    @property
    def journal(self) -> str:
        """stream: the request journal, entry id <journal seq>-0, bounded in entries and bytes"""
        return self.prefix + "journal"

    @property
    def journal_meta(self) -> str:
        """hash: next (last journal seq given), bytes (held), dropped (fell out)"""
        return self.prefix + "journal:meta"

    @property
    def events(self) -> str:
        """pub/sub channel: live events for the dashboard's stream, from every process"""
        return self.prefix + "events"

    def windows(self, epoch: int, name: str) -> str:
        """rate-limit windows of one limiter in one epoch: <prefix>rl:<epoch>:<name>:<key>[:<window>], with a
        TTL; <prefix>rl:<epoch>:<name>:index (set) lists the keys that have one"""
        return f"{self.prefix}rl:{epoch}:{name}:"

    def all_keys_pattern(self) -> str:
        return self.prefix.replace("*", "\\*").replace("?", "\\?").replace("[", "\\[") + "*"


def describe_layout(layout: KeyLayout) -> list[tuple[str, str]]:
    """(key, what it holds) for every key, as `mockserver store inspect` and the docs show them."""
    fixed = [(getattr(layout, name), (getattr(KeyLayout, name).__doc__ or "").strip())
             for name in ("meta", "seq", "log", "base", "schedule", "leases", "journal", "journal_meta", "events")]
    return fixed + [(layout.prefix + "rl:<epoch>:<limiter>:<key>", (KeyLayout.windows.__doc__ or "").strip())]
