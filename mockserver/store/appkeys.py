"""Typed keys for what hangs off the application object."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from aiohttp import web

from mockserver.core.clock import Clock
from mockserver.core.faults import FaultBook
from mockserver.core.http import StrictMode
from mockserver.core.journal import Journal
from mockserver.core.redaction import Redactor, redactor_for
from mockserver.core.scheduler import Scheduler
from mockserver.core.validation import SchemaStore
from mockserver.core.world import DerivedCache
from mockserver.providers import ProviderContext, ProviderRuntime
from mockserver.settings import Settings
from mockserver.store.engine import Store


@dataclass(frozen=True)
class StartPoint:
    """What a reset goes back to: the anchor (None: the clock's reading at the reset) and the clock's freeze."""

    anchor_ms: int | None
    freeze_at_ms: int | None


@dataclass
class CurrentWorld:
    """What the worlds were last built from; a reset or a snapshot import replaces it.

    A mutable holder, because an aiohttp application's own items are frozen
    once it starts. `start` is the settings' start point, or a shared store's.
    """

    context: ProviderContext
    start: StartPoint = StartPoint(None, None)

    def redactor(self) -> Redactor:
        """Masks credentials by name, and the current scenario's own credential values wherever they appear."""
        return redactor_for(self.context.scenario.secrets)


SETTINGS = web.AppKey("settings", Settings)
CLOCK = web.AppKey("clock", Clock)
SCHEDULER = web.AppKey("scheduler", Scheduler)
SCHEMAS = web.AppKey("schemas", SchemaStore)
STRICT = web.AppKey("strict", StrictMode)  # present only in strict mode
PROVIDERS = web.AppKey("providers", dict[str, ProviderRuntime])
WORLD = web.AppKey("world", CurrentWorld)
DERIVED = web.AppKey("derived", DerivedCache)  # the worlds' parts that depend only on seed and scenario
ANCHORED = web.AppKey("anchored", DerivedCache)  # ... and those that depend on the anchor too
JOURNAL = web.AppKey("journal", Journal)
FAULTS = web.AppKey("faults", FaultBook)
STORE = web.AppKey("store", Store)  # where every change goes (store/engine.py)
PROVIDER_OF = web.AppKey("provider_of", Callable[[web.Request], "str | None"])  # which provider a request is for
