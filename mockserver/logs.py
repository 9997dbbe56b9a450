"""What `mockserver serve` prints: its start-up line, an access log and its own warnings, as text or JSON.

Standard output carries the start-up line and the access log (one line per
request), so `mockserver serve --access-log --log-format json | jq` reads
one JSON object a line; warnings and errors go to standard error. A secret
never reaches a line: the path is masked before it is written.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any, Callable

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from mockserver.store.appkeys import PROVIDER_OF, WORLD
from mockserver.traffic import ADMIN_PREFIX

LOG_FORMATS = ("text", "json")
ACCESS_LOGGER = "mockserver.access"

ProviderOf = Callable[[web.Request], "str | None"]
Mask = Callable[[str], str]


def utc_iso(at_s: float) -> str:
    """Wall-clock time, UTC, with milliseconds: when it happened, whatever the mock's own clock says."""
    whole = time.gmtime(at_s)
    return time.strftime("%Y-%m-%dT%H:%M:%S", whole) + f".{int(at_s * 1000) % 1000:03d}Z"


def server_line(log_format: str, message: str, **fields: Any) -> str:
    """A line of the server's own (the start-up line): the message as text, or a JSON object with its fields."""
    if log_format == "json":
        return json.dumps({"time": utc_iso(time.time()), "level": "info", "message": message, **fields})
    return message


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {"time": utc_iso(record.created), "level": record.levelname.lower(),
                                 "logger": record.name, "message": record.getMessage()}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def configure_logging(log_format: str, access_log: bool, quiet: bool) -> None:
    """Route the `mockserver` loggers: warnings and errors to stderr, the access log to stdout."""
    own = logging.getLogger("mockserver")
    errors = logging.StreamHandler(sys.stderr)
    errors.setFormatter(_JsonFormatter() if log_format == "json"
                        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    own.handlers[:] = [errors]
    own.setLevel(logging.ERROR if quiet else logging.WARNING)
    own.propagate = False
    access = logging.getLogger(ACCESS_LOGGER)
    lines = logging.StreamHandler(sys.stdout)
    lines.setFormatter(logging.Formatter("%(message)s"))
    access.handlers[:] = [lines]
    access.setLevel(logging.INFO if access_log and not quiet else logging.CRITICAL + 1)
    access.propagate = False


def access_line(log_format: str, *, at_s: float, method: str, path: str, status: int, provider: str | None,
                duration_ms: float) -> str:
    """One request: when it arrived, method, path (already masked), status, provider, duration."""
    if log_format == "json":
        return json.dumps({"time": utc_iso(at_s), "method": method, "path": path, "status": status,
                           "provider": provider, "duration_ms": round(duration_ms, 3)})
    return f"{utc_iso(at_s)} {method} {path} {status} {provider or '-'} {duration_ms:.1f}ms"


def access_logger_class(log_format: str, provider_of: ProviderOf, mask: Mask) -> type[AbstractAccessLogger]:
    """An aiohttp access logger writing `access_line`s; aiohttp calls it once a response is sent."""

    class AccessLog(AbstractAccessLogger):
        def log(self, request: Any, response: web.StreamResponse, elapsed_s: float) -> None:
            now = time.time()
            # rel_url keeps the percent-encoding: a path can never break a line or smuggle a fake one.
            path = mask(str(request.rel_url))
            provider = provider_of(request) if isinstance(request, web.Request) else None
            self.logger.info(access_line(log_format, at_s=now - elapsed_s, method=request.method, path=path,
                                         status=response.status, provider=provider,
                                         duration_ms=elapsed_s * 1000))

        @property
        def enabled(self) -> bool:
            return self.logger.isEnabledFor(logging.INFO)

    return AccessLog


def access_log_options(app: web.Application, log_format: str) -> dict[str, Any]:
    """AppRunner keyword arguments that make aiohttp write our access lines (silenced unless asked for)."""
    provider_of, world = app[PROVIDER_OF], app[WORLD]

    def provider(request: web.Request) -> str | None:
        return "admin" if request.path.startswith(ADMIN_PREFIX) else provider_of(request)

    def mask(target: str) -> str:
        """Credentials by name (`access_token=`, `api_key=`, ...) and the scenario's own keys, wherever they are."""
        return world.redactor().url(target)

    return {"access_log": logging.getLogger(ACCESS_LOGGER),
            "access_log_class": access_logger_class(log_format, provider, mask)}
