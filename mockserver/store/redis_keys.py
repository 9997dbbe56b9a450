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


def shown_url(url: str) -> str:
    """The URL as logs, errors and answers show it: a password in it masked."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    port = f":{parts.port}" if parts.port else ""
    return parts._replace(netloc=f"{parts.username or ''}:***@{parts.hostname or ''}{port}").geturl()


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
    def journal_sizes(self) -> str:
        """list: for each stored journal entry, oldest first, the bytes it holds (for the byte bound) and the
        key of its answer body"""
        return self.prefix + "journal:sizes"

    def journal_answer(self, writer: str, number: int) -> str:
        """string: the answer body of one journal entry (its writer process's token and number), deleted with
        the entry"""
        return f"{self.prefix}journal:answer:{writer}:{number}"

    @property
    def events(self) -> str:
        """pub/sub channel: admin changes, for the dashboard's stream in every process (requests it reads from
        the journal stream itself)"""
        return self.prefix + "events"

    def windows(self, epoch: int, name: str) -> str:
        """hash (a fixed window: o opened at, c count) or sorted set (a sliding window's request instants), one
        per key (and window) of a limiter in one epoch, expiring a day after its period;
        <prefix>rl:<epoch>:<limiter>:index (a sorted set, by when each is over) lists them; windows over, or
        beyond 100,000, are dropped"""
        return f"{self.prefix}rl:{epoch}:{name}:"

    def all_keys_pattern(self) -> str:
        return self.prefix.replace("*", "\\*").replace("?", "\\?").replace("[", "\\[") + "*"


def describe_layout(layout: KeyLayout) -> list[tuple[str, str]]:
    """(key, what it holds) for every key, as `mockserver store inspect` and the docs show them."""
    fixed = [(getattr(layout, name), _what(getattr(KeyLayout, name)))
             for name in ("meta", "seq", "log", "base", "schedule", "leases", "journal", "journal_meta",
                          "journal_sizes", "events")]
    return fixed + [(layout.prefix + "journal:answer:<writer>:<n>", _what(KeyLayout.journal_answer)),
                    (layout.prefix + "rl:<epoch>:<limiter>:w:<key>[:<window>]", _what(KeyLayout.windows))]


def _what(member: object) -> str:
    """A key's docstring as one line."""
    return " ".join((getattr(member, "__doc__", None) or "").split())
