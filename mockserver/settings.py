"""All run-time settings in one frozen dataclass, from CLI flags or environment."""

from __future__ import annotations

import os
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
    reuse_port: bool = False  # several worker processes share the port
    anchor_ms: int | None = None  # the instant worlds are built around; default: the clock at start
    max_jobs: int = 10_000  # per provider: agent tasks, lookup jobs; the oldest are forgotten
    state_path: Path | None = None  # keep the mutable state in this file across restarts
    state_interval_s: float = 2.0


def env_defaults(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The MOCKSERVER_* variables, which set defaults for the CLI flags."""
    env = os.environ if environ is None else environ
    names = ("HOST", "PORT", "SEED", "SCENARIO", "PROVIDERS", "ADMIN_TOKEN", "FREEZE_AT", "JOURNAL_SIZE", "STATE", "MAX_JOBS")
    return {name.lower(): env[f"MOCKSERVER_{name}"] for name in names if f"MOCKSERVER_{name}" in env}
