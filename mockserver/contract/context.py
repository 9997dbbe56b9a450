"""What a check works with: a client, the target's ids, schemas, and time."""

from __future__ import annotations

import time
from typing import Any, Callable, Mapping

from mockserver.contract.client import ContractClient, Response
from mockserver.contract.model import CheckFailed, CheckSkipped, CheckTimedOut
from mockserver.core.validation import SchemaStore
from mockserver.testing.handle import MockServer


class CheckContext:
    def __init__(self, client: ContractClient, variables: Mapping[str, str], schemas: SchemaStore,
                 admin: MockServer | None) -> None:
        self.client = client
        self.variables = variables
        self.schemas = schemas
        self.admin = admin  # the mock's admin API, when the target is this mock

    def require(self, *names: str) -> list[str]:
        """The values of these target variables; the check is skipped when one is missing."""
        missing = [name for name in names if not self.variables.get(name)]
        if missing:
            raise CheckSkipped(f"set {', '.join(missing)} to run this check")
        return [self.variables[name] for name in names]

    def optional(self, name: str) -> str | None:
        return self.variables.get(name) or None

    # -- assertions that explain themselves --------------------------------

    @staticmethod
    def expect_status(response: Response, expected: int, what: str) -> None:
        if response.status != expected:
            raise CheckFailed(f"{what}: expected HTTP {expected}, got {response.status}: {response.text[:300]}")

    @staticmethod
    def json_of(response: Response, what: str) -> Any:
        try:
            return response.json()
        except ValueError:
            raise CheckFailed(f"{what}: the body is not JSON: {response.text[:200]!r}") from None

    def expect_json(self, response: Response, status: int, schema: str, what: str) -> Any:
        """The body of an answer that must have this status, be served as JSON, and match this schema."""
        self.expect_status(response, status, what)
        self.expect_media_type(response, "application/json", what)
        body = self.json_of(response, what)
        self.expect_schema(schema, body, what)
        return body

    @staticmethod
    def expect_media_type(response: Response, media_type: str, what: str) -> None:
        """Content-Type is `media_type`, and a charset, when named, is UTF-8 (what JSON is sent in)."""
        raw = response.header("Content-Type") or ""
        kind, *params = [part.strip().lower() for part in raw.split(";")]
        charset = next((param.partition("=")[2].strip('"') for param in params if param.startswith("charset=")),
                       "utf-8")
        if kind != media_type or charset not in ("utf-8", "utf8"):
            raise CheckFailed(f"{what}: Content-Type {raw!r}, expected {media_type} (UTF-8)")

    def expect_schema(self, schema: str, body: Any, what: str) -> None:
        violations = self.schemas.violations(schema, body)
        if violations:
            shown = "; ".join(str(v) for v in violations[:8])
            raise CheckFailed(f"{what} does not match {schema}: {shown}")

    @staticmethod
    def expect(condition: bool, message: str) -> None:
        if not condition:
            raise CheckFailed(message)

    # -- time ----------------------------------------------------------------

    def wait(self, seconds: float) -> None:
        """Let time pass: the mock's clock moves at once; a real API makes us sleep."""
        if self.admin is not None:
            self.admin.clock.advance(int(seconds * 1000))
        else:
            time.sleep(seconds)

    def poll(self, attempt: Callable[[], Any], *, interval_s: float, max_tries: int, what: str) -> Any:
        """Call `attempt` until it returns something truthy, waiting `interval_s` between tries."""
        for tries in range(1, max_tries + 1):
            result = attempt()
            if result:
                return result
            if tries < max_tries:
                self.wait(interval_s)
        raise CheckTimedOut(f"{what}: not done after {max_tries} polls every {interval_s:g} s")
