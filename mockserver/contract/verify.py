"""`mockserver verify`: run the contract checks against a base URL and report."""

from __future__ import annotations

import difflib
import os
import sys
import urllib.error
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, TextIO

from mockserver.contract import checks as check_modules
from mockserver.contract.client import ContractClient, Throttle
from mockserver.contract.context import CheckContext
from mockserver.contract.model import Check, CheckResult, Exchange, Outcome
from mockserver.contract.report import BAD, console_line, summary_line, write_reports
from mockserver.contract.runner import ContextFactory, run_checks
from mockserver.core.validation import SchemaStore
from mockserver.paths import data_dir
from mockserver.testing.handle import MockServer, MockServerError


@dataclass
class VerifyOptions:
    base_url: str | None = None
    provider_urls: dict[str, str] = field(default_factory=dict)  # per-provider base URLs win
    providers: tuple[str, ...] | None = None
    allow_mutations: bool = False
    only: tuple[str, ...] = ()
    rate_limit: float = 5.0  # requests per second per provider
    timeout_s: float = 30.0
    use_admin: str = "auto"  # drive the mock's clock through /__admin when the target has it
    report_dir: Path | None = None
    junit: Path | None = None
    allow_skips: bool = False  # a run that checked nothing (only skips) is not a failure
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))


class UnknownCheckId(ValueError):
    """An --only id that names no check nor group."""


@dataclass(frozen=True)
class AdminProbe:
    """Whether a base URL has this mock's admin API, and if not, why we think so."""

    handle: MockServer | None
    detail: str

    def header(self, base: str) -> str:
        if self.handle is not None:
            return f"mock admin API found at {base}/__admin: its clock and ids are used"
        return (f"no mock admin API at {base}/__admin ({self.detail}): treated as a real API, "
                "ids and credentials come from environment variables")


def probe_admin(base_url: str, mode: str) -> AdminProbe:
    if mode == "no":
        return AdminProbe(None, "--use-admin no")
    handle = MockServer(base_url, os.environ.get("MOCKSERVER_ADMIN_TOKEN"), timeout_s=5)
    try:
        handle.health()
    except (MockServerError, OSError, ValueError) as error:
        if mode == "yes":
            raise
        reason = getattr(error, "reason", None) or error
        if isinstance(error, urllib.error.URLError):
            return AdminProbe(None, f"the URL does not answer: {reason}")
        if isinstance(error, MockServerError):
            return AdminProbe(None, f"it answered {str(error).split(': ', 1)[0]}")
        return AdminProbe(None, f"no answer we understand: {type(error).__name__}")
    return AdminProbe(handle, "found")


def context_factory(provider: str, module: Any, base: str, options: VerifyOptions, schemas: SchemaStore,
                    probe: AdminProbe | None = None) -> tuple[ContextFactory, MockServer | None]:
    """How checks of one provider get their context: client, variables, schemas, admin."""
    admin = (probe or probe_admin(base, options.use_admin)).handle
    variables = {name: options.environ[name] for name in module.VARIABLES if options.environ.get(name)}
    # Values the mock itself tells us are its own public fixtures: replay commands may spell them out.
    defaults: dict[str, str] = {}
    if admin is not None:  # the mock tells us its ids; anything set in the environment wins
        defaults = {name: value for name, value in module.from_mock(admin.credentials.get(provider, {})).items()
                    if name not in variables}
        variables = {**defaults, **variables}
    secrets = {name: variables[name] for name in module.SECRETS if name in variables}
    throttle = Throttle(options.rate_limit)

    def make_context(check: Check, record: Callable[[Exchange], None]) -> CheckContext:
        client = ContractClient(base, allow_mutations=options.allow_mutations, secrets=secrets,
                                throttle=throttle, timeout_s=options.timeout_s, record=record,
                                replay_defaults={name: defaults[name] for name in secrets if name in defaults})
        return CheckContext(client, variables, schemas, admin)

    return make_context, admin


def check_ids() -> list[str]:
    check_modules.load()
    return [check.id for check in check_modules.REGISTRY.checks()]


def validate_only(only: tuple[str, ...]) -> None:
    """Every --only id must name a check or a group of checks; else the nearest ids are suggested."""
    ids = check_ids()
    groups = {prefix for check_id in ids for prefix in _prefixes(check_id)}
    for wanted in only:
        if wanted in groups:
            continue
        nearest = difflib.get_close_matches(wanted, sorted(groups), n=5, cutoff=0.0)
        raise UnknownCheckId(f"--only {wanted!r} names no check or group; nearest: {', '.join(nearest)} "
                             "(all of them: --list-checks)")


def _prefixes(check_id: str) -> list[str]:
    parts = check_id.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts) + 1)]


def list_checks(providers: tuple[str, ...] | None = None, only: tuple[str, ...] = ()) -> str:
    check_modules.load()
    return "\n".join(f"{check.id:<44} {'(mutating) ' if check.mutating else ''}{check.fact}"
                     for check in check_modules.REGISTRY.checks(providers, only))


def verify(options: VerifyOptions, out: TextIO | None = None) -> list[CheckResult]:
    out = out or sys.stdout  # looked up now, so redirected output (and pytest's capture) is honoured
    modules = check_modules.load()
    providers = options.providers or tuple(modules)
    schemas = SchemaStore(data_dir("schemas"))
    results: list[CheckResult] = []
    probes: dict[str, AdminProbe] = {}
    for provider in providers:
        module = modules.get(provider)
        base = options.provider_urls.get(provider) or options.base_url
        selected = check_modules.REGISTRY.checks((provider,), options.only)
        if module is None or base is None or not selected:
            continue
        if base not in probes:
            probes[base] = probe_admin(base, options.use_admin)
            print(f"# target {base}: {probes[base].header(base.rstrip('/'))}", file=out, flush=True)
        make_context, admin = context_factory(provider, module, base, options, schemas, probes[base])
        if admin is not None and provider not in admin.providers:
            print(f"# {provider}: not served by the mock at {base}, not checked", file=out, flush=True)
            continue
        print(f"# {provider} at {base}", file=out, flush=True)
        results += run_checks(selected, make_context, options.allow_mutations,
                              progress=lambda result: console_line(result, out))
    target = {"base_url": options.base_url, "provider_urls": options.provider_urls,
              "providers": list(providers), "allow_mutations": options.allow_mutations,
              "mock_admin_api": {base: probe.handle is not None for base, probe in probes.items()}}
    for path in write_reports(results, target, options.report_dir, options.junit):
        print(f"wrote {path}", file=out)
    print(f"\n{summary_line(results)}", file=out, flush=True)
    if nothing_checked(results):
        verdict = "accepted (--allow-skips)" if options.allow_skips else \
            "exit status 1: a run that checks nothing cannot pass (--allow-skips accepts it)"
        print(f"nothing was checked: {verdict}", file=out, flush=True)
    return results


def failed(results: list[CheckResult]) -> bool:
    return any(result.outcome in BAD for result in results)


def nothing_checked(results: list[CheckResult]) -> bool:
    """No check reached a verdict on the target: none ran, or every one was skipped or inconclusive."""
    return not any(result.outcome in (Outcome.PASS, Outcome.FAIL, Outcome.TIMEOUT) for result in results)


def exit_status(results: list[CheckResult], allow_skips: bool) -> int:
    if failed(results):
        return 1
    return 1 if nothing_checked(results) and not allow_skips else 0


def describe_variables() -> str:
    lines = []
    for provider, module in check_modules.load().items():
        lines += [f"{provider}:"] + [f"  {name:<28} {text}" for name, text in module.VARIABLES.items()]
    return "\n".join(lines)


