"""Typed keys for what hangs off the application object."""

from __future__ import annotations

from aiohttp import web

from mockserver.core.clock import Clock
from mockserver.core.http import StrictMode
from mockserver.core.scheduler import Scheduler
from mockserver.core.validation import SchemaStore
from mockserver.providers import ProviderRuntime
from mockserver.scenario import Scenario
from mockserver.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
SCENARIO = web.AppKey("scenario", Scenario)
CLOCK = web.AppKey("clock", Clock)
SCHEDULER = web.AppKey("scheduler", Scheduler)
SCHEMAS = web.AppKey("schemas", SchemaStore)
STRICT = web.AppKey("strict", StrictMode)  # present only in strict mode
PROVIDERS = web.AppKey("providers", dict[str, ProviderRuntime])
