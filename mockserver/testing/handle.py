"""A synchronous handle on a running mock, speaking its admin API.

It works the same for an in-process server and for one started elsewhere
(`mockserver serve`), which is what `--mockserver-url` uses.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from mockserver.core.clock import iso_from_ms
from mockserver.testing.admin_client import AdminClient
from mockserver.testing.admin_client import MockServerError
from mockserver.testing.credentials import Credentials

__all__ = ["MockServer", "MockServerError"]


class Clock:
    def __init__(self, admin: AdminClient) -> None:
        self._admin = admin

    def now_ms(self) -> int:
        return int(self._admin.call("GET", "/clock")["now_ms"])

    def now(self) -> datetime:
        return datetime.fromisoformat(iso_from_ms(self.now_ms()).replace("Z", "+00:00"))

    def freeze(self, at: str | int | datetime | None = None) -> dict[str, Any]:
        """Stop time, at `at` (ISO string, epoch ms or aware datetime) or now."""
        if at is None:
            body: dict[str, Any] = {}
        elif isinstance(at, datetime):
            body = {"at": at.isoformat()}
        elif isinstance(at, int):
            body = {"at_ms": at}
        else:
            body = {"at": at}
        return self._admin.call("POST", "/clock/freeze", body)

    def advance(self, by: str | int, wait: bool = True) -> dict[str, Any]:
        """Move time on by "90s", "5m", "PT1H" or milliseconds.

        Work that becomes due (webhook deliveries, retries) has finished when this returns;
        with `wait=False` it has only started (a slow receiver then delays nothing here).
        """
        return self._admin.call("POST", "/clock/advance", {"by": by, "wait": wait})

    def unfreeze(self) -> dict[str, Any]:
        return self._admin.call("POST", "/clock/unfreeze", {})


class Journal:
    def __init__(self, admin: AdminClient) -> None:
        self._admin = admin

    def entries(self, **filters: Any) -> list[dict[str, Any]]:
        """Recorded requests; filters: provider, method, path (glob), status, since, until, limit."""
        query = {name: str(value) for name, value in filters.items() if value is not None}
        found: list[dict[str, Any]] = []
        while True:  # the admin API answers a page at a time; without a limit, read back to the oldest
            page = self._admin.call("GET", "/journal", query=query)
            found[:0] = page["entries"]
            if "limit" in query or page.get("next_before") is None:
                return found
            query["before"] = str(page["next_before"])

    def count(self, **where: Any) -> int:
        return int(self._admin.call("POST", "/journal/verify", {**where, "at_least": 0})["matched"])

    def verify(self, count: int | None = None, *, at_least: int | None = None, at_most: int | None = None,
               **where: Any) -> dict[str, Any]:
        """Assert how often a matching request arrived (default: at least once).

        `where` takes provider, method, path (glob), status, since, until,
        query (dict), body (exact JSON) and body_includes (JSON subset).
        """
        spec = {**where, "count": count, "at_least": at_least, "at_most": at_most}
        result = self._admin.call("POST", "/journal/verify", {k: v for k, v in spec.items() if v is not None})
        if not result["ok"]:
            seen = "\n".join(f"  {e['method']} {e['path']} -> {e['status']}" for e in result["matches"])
            raise MockServerError(
                f"expected {result['expected']} matching {where}, found {result['matched']}"
                + (f":\n{seen}" if seen else "")
            )
        return result

    def clear(self) -> None:
        self._admin.call("DELETE", "/journal")


class Faults:
    def __init__(self, admin: AdminClient) -> None:
        self._admin = admin

    def add(self, kind: str, **spec: Any) -> dict[str, Any]:
        """kind: latency | status | drop | malformed | truncate; see the README for the fields."""
        return self._admin.call("POST", "/faults", {"kind": kind, **spec})

    def list(self) -> list[dict[str, Any]]:
        return self._admin.call("GET", "/faults")["faults"]

    def delete(self, rule_id: str) -> None:
        self._admin.call("DELETE", f"/faults/{rule_id}")

    def clear(self) -> None:
        self._admin.call("DELETE", "/faults")


class InProcess(Protocol):
    """A server in this process that the handle may reach without HTTP (ThreadedMockServer)."""

    def reset(self) -> dict[str, Any]: ...

    def strict_violations(self) -> list[str]: ...


class MockServer:
    """What a test holds: URLs, credentials, and control of clock, journal, faults and state."""

    def __init__(self, url: str, admin_token: str | None = None, timeout_s: float = 30.0,
                 in_process: InProcess | None = None) -> None:
        self.url = url.rstrip("/")
        self._admin = AdminClient(self.url, admin_token, timeout_s)
        self._in_process = in_process  # reset and strict checks without HTTP, as the fixtures do per test
        self.clock = Clock(self._admin)
        self.journal = Journal(self._admin)
        self.faults = Faults(self._admin)

    def base_url(self, provider: str) -> str:
        """Where to point a client of `provider` (all providers share one host, on their real paths)."""
        if provider not in self.providers:
            raise MockServerError(f"{provider} is not served here; serving {', '.join(self.providers)}")
        return self.url

    @property
    def providers(self) -> list[str]:
        return list(self.health()["providers"])

    @property
    def urls(self) -> dict[str, str]:
        return {provider: self.url for provider in self.providers}

    @property
    def scenario(self) -> dict[str, Any]:
        return self._admin.call("GET", "/scenario")["scenario"]

    @property
    def credentials(self) -> Credentials:
        """Each provider's default credentials: `credentials.outx.headers`, `credentials["outx"]["api_key"]`."""
        return Credentials(self._admin.call("GET", "/scenario")["credentials"])

    def close(self) -> None:
        """Close the kept-alive connections to the admin API (the fixtures do it for theirs)."""
        self._admin.close()

    def health(self) -> dict[str, Any]:
        return self._admin.call("GET", "/health")

    def reset(self, seed: int | None = None, scenario: dict[str, Any] | None = None) -> dict[str, Any]:
        if self._in_process is not None and seed is None and scenario is None:
            return self._in_process.reset()
        body: dict[str, Any] = {}
        if seed is not None:
            body["seed"] = seed
        if scenario is not None:
            body["scenario"] = scenario
        return self._admin.call("POST", "/reset", body)

    def flags(self) -> dict[str, dict[str, bool]]:
        return self._admin.call("GET", "/flags")

    def set_flag(self, provider: str, name: str, value: bool) -> None:
        self._admin.call("PATCH", "/flags", {provider: {name: value}})

    def snapshot(self) -> dict[str, Any]:
        return self._admin.call("GET", "/state")

    def restore(self, snapshot: dict[str, Any]) -> None:
        self._admin.call("PUT", "/state", snapshot)

    def provider_view(self, provider: str, name: str) -> Any:
        """A provider's own admin view, e.g. provider_view("nyne", "credits")."""
        return self._admin.call("GET", f"/providers/{provider}/{name}")

    def provider_action(self, provider: str, name: str, body: dict[str, Any] | None = None) -> Any:
        """A provider's own admin action, e.g. provider_action("outx", "force-task", {"next": True, ...})."""
        return self._admin.call("POST", f"/providers/{provider}/{name}", body or {})

    def strict_violations(self) -> list[str]:
        if self._in_process is not None:
            return self._in_process.strict_violations()
        return list(self._admin.call("GET", "/strict")["violations"])
