"""All run-time settings in one frozen dataclass, from CLI flags or environment."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mockserver.paths import default_scenario_path

ALL_PROVIDERS = ("outx", "appdotnet", "nyne", "outfame")


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    seed: int = 1
    scenario_path: Path = field(default_factory=default_scenario_path)
    providers: tuple[str, ...] = ("outx",)
    strict: bool = False
    admin_token: str | None = field(default=None, repr=False)
    freeze_at_ms: int | None = None
    journal_size: int = 1000
    journal_bytes: int = 64 * 1024 * 1024  # about what the journal may hold; the oldest entries fall out
    max_connections: int = 1000  # open at once; more are answered 503 and closed
    header_timeout_s: float = 10.0  # a request head must arrive within this (slow clients get a 408)
    body_timeout_s: float = 30.0  # a request body must arrive within this of its head
    reuse_port: bool = False  # several worker processes share the port
    anchor_ms: int | None = None  # the instant worlds are built around; default: the clock at start
    max_jobs: int = 10_000  # per provider: agent tasks, lookup jobs; the oldest are forgotten
    state_path: Path | None = None  # keep the mutable state in this file across restarts
    state_interval_s: float = 2.0
    cors_origins: tuple[str, ...] | None = None  # browser origins allowed; None: the scenario's (off if absent)
    access_log: bool = False  # one line per request on stdout
    log_format: str = "text"  # text | json, for the access log and the server's own lines
    quiet: bool = False  # print errors only: no banner, no access log
    store_url: str | None = None  # None or "memory": in this process; redis://host:port/db[?prefix=P]: shared
    store_lease_ms: int = 30_000  # how long a process may hold shared scheduled work without renewing its lease

