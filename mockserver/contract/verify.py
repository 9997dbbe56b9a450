"""`mockserver verify`: run the contract checks against a base URL and report."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, TextIO

from mockserver.contract import checks as check_modules
from mockserver.contract.client import ContractClient, Throttle
from mockserver.contract.context import CheckContext
from mockserver.contract.model import Check, CheckResult, Exchange
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
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))


def _admin_of(base_url: str, mode: str) -> MockServer | None:
    if mode == "no":
        return None
    handle = MockServer(base_url, os.environ.get("MOCKSERVER_ADMIN_TOKEN"), timeout_s=5)
    try:
        handle.health()
    except (MockServerError, OSError, ValueError):
        if mode == "yes":
            raise
        return None
    return handle


def context_factory(provider: str, module: Any, base: str, options: VerifyOptions,
                    schemas: SchemaStore) -> tuple[ContextFactory, MockServer | None]:
    """How checks of one provider get their context: client, variables, schemas, admin."""
    admin = _admin_of(base, options.use_admin)
    variables = {name: options.environ[name] for name in module.VARIABLES if options.environ.get(name)}
    if admin is not None:  # the mock tells us its ids; anything set in the environment wins
        variables = {**module.from_mock(admin.credentials.get(provider, {})), **variables}
    secrets = {name: variables[name] for name in module.SECRETS if name in variables}
    throttle = Throttle(options.rate_limit)

    def make_context(check: Check, record: Callable[[Exchange], None]) -> CheckContext:
        client = ContractClient(base, allow_mutations=options.allow_mutations, secrets=secrets,
                                throttle=throttle, timeout_s=options.timeout_s, record=record)
        return CheckContext(client, variables, schemas, admin)

    return make_context, admin


def verify(options: VerifyOptions, out: TextIO | None = None) -> list[CheckResult]:
    out = out or sys.stdout  # looked up now, so redirected output (and pytest's capture) is honoured
    modules = check_modules.load()
    providers = options.providers or tuple(modules)
    schemas = SchemaStore(data_dir("schemas"))
    results: list[CheckResult] = []
    for provider in providers:
        module = modules.get(provider)
        base = options.provider_urls.get(provider) or options.base_url
        selected = check_modules.REGISTRY.checks((provider,), options.only)
        if module is None or base is None or not selected:
            continue
        make_context, admin = context_factory(provider, module, base, options, schemas)
        if admin is not None and provider not in admin.providers:
            print(f"# {provider}: not served by the mock at {base}, not checked", file=out, flush=True)
            continue
        print(f"# {provider} at {base}{' (mock admin API found: its clock is used)' if admin else ''}",
              file=out, flush=True)
        results += run_checks(selected, make_context, options.allow_mutations,
                              progress=lambda result: console_line(result, out))
    target = {"base_url": options.base_url, "provider_urls": options.provider_urls,
              "providers": list(providers), "allow_mutations": options.allow_mutations}
    for path in write_reports(results, target, options.report_dir, options.junit):
        print(f"wrote {path}", file=out)
    print(f"\n{summary_line(results)}", file=out, flush=True)
    return results


def failed(results: list[CheckResult]) -> bool:
    return any(result.outcome in BAD for result in results)


def describe_variables() -> str:
    lines = []
    for provider, module in check_modules.load().items():
        lines += [f"{provider}:"] + [f"  {name:<28} {text}" for name, text in module.VARIABLES.items()]
    return "\n".join(lines)


