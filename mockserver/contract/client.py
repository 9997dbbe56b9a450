"""The HTTP client of the contract kit: safe by default, throttled, and recording evidence."""

from __future__ import annotations

import json
import re
import shlex
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable, Mapping

from mockserver.contract.model import CheckInconclusive, Exchange

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
EXCERPT_CHARS = 2000


class UnsafeRequestRefused(RuntimeError):
    """A mutating request in read-only mode: a bug in a check, caught before it reaches the target."""


class Response:
    def __init__(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        """A header's value, whatever the case of its name."""
        return next((value for key, value in self.headers.items() if key.lower() == name.lower()), None)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Throttle:
    """At most `per_second` requests a second (per client, so per provider)."""

    def __init__(self, per_second: float, sleep: Callable[[float], None] = time.sleep,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self._next = 0.0
        self._sleep, self._now = sleep, now

    def wait(self) -> None:
        now = self._now()
        if now < self._next:
            self._sleep(self._next - now)
            now = self._next
        self._next = now + self.interval


class ContractClient:
    def __init__(self, base_url: str, *, allow_mutations: bool, secrets: Mapping[str, str],
                 throttle: Throttle, timeout_s: float = 30.0, max_retry_after_s: float = 10.0,
                 record: Callable[[Exchange], None] = lambda exchange: None,
                 replay_defaults: Mapping[str, str] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.allow_mutations = allow_mutations
        self.secrets = {value: name for name, value in secrets.items() if value}  # value -> env var name
        # Variables whose value is a public fixture of the mock (its scenario's placeholder keys): the
        # replay command falls back to it, so it runs verbatim against the mock and the variable wins.
        self.replay_defaults = dict(replay_defaults or {})
        self.throttle = throttle
        self.timeout_s = timeout_s
        self.max_retry_after_s = max_retry_after_s
        self.record = record

    def _redact(self, text: str) -> str:
        for value, name in self.secrets.items():
            text = text.replace(value, f"${{{name}}}")
        return text

    def _shell_arg(self, arg: str) -> str:
        """Quote for a POSIX shell; credentials become ${VARS} the shell expands on replay."""
        if not any(value in arg for value in self.secrets):
            return shlex.quote(arg)
        by_length = sorted(self.secrets, key=len, reverse=True)  # one pass: a value inside another stays put
        pattern = re.compile("|".join(re.escape(_double_quoted(value)) for value in by_length))
        escaped_names = {_double_quoted(value): name for value, name in self.secrets.items()}

        def variable(match: re.Match[str]) -> str:
            name = escaped_names[match.group(0)]
            default = self.replay_defaults.get(name)
            return "${" + name + ("" if default is None else ":-" + match.group(0).replace("}", "\\}")) + "}"

        return '"' + pattern.sub(variable, _double_quoted(arg)) + '"'

    def request(self, method: str, path: str, *, params: Any = None, headers: Mapping[str, str] | None = None,
                json_body: Any = None, raw_body: bytes | None = None, accept_429: bool = False) -> Response:
        """Send one request; a 429 is waited out and retried once, or makes the check inconclusive, unless
        `accept_429` (a check about the rate limit itself wants to see it)."""
        method = method.upper()
        if method not in SAFE_METHODS and not self.allow_mutations:
            raise UnsafeRequestRefused(f"{method} {path} refused: read-only mode (use --allow-mutations)")
        url = self.base_url + path
        if params:
            url += "?" + urllib.parse.urlencode(params, doseq=True)
        all_headers = dict(headers or {})
        data = raw_body
        if json_body is not None:
            data = json.dumps(json_body).encode()
            all_headers.setdefault("Content-Type", "application/json")
        for attempt in range(2):
            response, exchange = self._send(method, url, all_headers, data, json_body)
            self.record(exchange)
            if response.status != 429 or accept_429:
                return response
            wait = _retry_after_s(response.headers.get("Retry-After"))
            if attempt == 1 or wait is None or wait > self.max_retry_after_s:
                raise CheckInconclusive(f"rate limited (429, Retry-After {response.headers.get('Retry-After')})")
            time.sleep(wait)
        raise AssertionError("unreachable")

    def _send(self, method: str, url: str, headers: dict[str, str], data: bytes | None,
              json_body: Any) -> tuple[Response, Exchange]:
        self.throttle.wait()
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as raw:
                response = Response(raw.status, dict(raw.headers), raw.read())
        except urllib.error.HTTPError as error:
            response = Response(error.code, dict(error.headers), error.read())
        elapsed = int((time.monotonic() - started) * 1000)
        curl = ["curl", "-sS", "-X", method, url] + [part for name, value in headers.items()
                                                      for part in ("-H", f"{name}: {value}")]
        if data is not None:
            curl += ["--data-binary", data.decode("utf-8", "replace")]
        exchange = Exchange(
            method=method, url=self._redact(url), status=response.status,
            request_body=json.loads(self._redact(json.dumps(json_body))) if json_body is not None else None,
            response_excerpt=self._redact(response.text[:EXCERPT_CHARS]), duration_ms=elapsed,
            curl=" ".join(self._shell_arg(arg) for arg in curl),
        )
        return response, exchange


def _double_quoted(text: str) -> str:
    return "".join("\\" + c if c in '"\\$`' else c for c in text)


def _retry_after_s(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
