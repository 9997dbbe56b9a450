"""The `mockserver` command line."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import re
import signal
import sys
from pathlib import Path
from typing import Callable, Sequence

from aiohttp import web

from mockserver import __version__
from mockserver.app import UnknownProvider, create_app
from mockserver.cli_options import CommandParser, OptionHelpFormatter, add_option
from mockserver.core.clock import parse_instant_ms
from mockserver.cors import parse_origins
from mockserver.logs import LOG_FORMATS, access_log_options, configure_logging, server_line
from mockserver.paths import DataFilesMissing, default_scenario_path
from mockserver.store.persistence import StateFileError
from mockserver.scenario import ScenarioError, described_providers, scenario_problems
from mockserver.scenario_init import StarterExists, write_starter
from mockserver.serving import start_server
from mockserver.settings import ALL_PROVIDERS, Settings
from mockserver.store.appkeys import STORE, WORLD
from mockserver.store.engine import StoreUnavailable
from mockserver.store.redis_keys import redis_url_parts
from mockserver.workers import WorkersError, run_workers


class CliError(Exception):
    """A problem the user can fix; printed as one clear message, never a traceback."""


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 0 and 65535, not {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"seed must be an integer, not {text!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError("seed must be between 0 and 2**63-1")
    return value


def _providers(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [name for name in names if name not in ALL_PROVIDERS]
    if not names or unknown:
        raise argparse.ArgumentTypeError(
            f"unknown provider(s) {', '.join(unknown) or '(none given)'}; choose from {', '.join(ALL_PROVIDERS)}"
        )
    return names


def _whole(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number within [low, high] (counts of workers, kept items, connections)."""
    def parse(text: str) -> int:
        if not text.isdecimal() or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"must be an integer from {low} to {high}, not {text!r}")
        return int(text)
    return parse


def _seconds(low: float, high: float) -> Callable[[str], float]:
    """An argparse type: a number of seconds within [low, high] (intervals, timeouts, leases)."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if not low <= value <= high:  # NaN fails this too
            raise argparse.ArgumentTypeError(f"must be a number of seconds from {low:g} to {high:g}, not {text!r}")
        return value
    return parse


_SIZE = re.compile(r"(\d{1,12})\s*([kmg]?)(?:i?b)?", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def _size(text: str) -> int:
    """A memory size: bytes, or a number with K/KiB, M/MiB, G/GiB; from 1 MiB to 64 GiB."""
    match = _SIZE.fullmatch(text.strip())
    value = int(match[1]) * _SIZE_UNITS[match[2].lower()] if match else 0
    if not 1024**2 <= value <= 64 * 1024**3:
        raise argparse.ArgumentTypeError(f"must be a size from 1MiB to 64GiB (e.g. 64MiB, 1G, 16777216), not {text!r}")
    return value


def _instant(text: str) -> int:
    try:
        return parse_instant_ms(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 instant: {text!r}") from None


def _log_format(text: str) -> str:
    if text not in LOG_FORMATS:
        raise argparse.ArgumentTypeError(f"log format must be {' or '.join(LOG_FORMATS)}, not {text!r}")
    return text


def _store_url(text: str) -> str:
    text = text.strip()
    if text == "memory":
        return text
    try:
        redis_url_parts(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def _store_option(parser: argparse.ArgumentParser, default: str | None) -> None:
    add_option(parser, "--store", type=_store_url, default=default, metavar="URL", env="MOCKSERVER_STORE",
               shown_default=default or "none", help="where the mutable state lives: 'memory' (this process) or "
               "redis://host:port/db[?prefix=P], shared by every process and host that names it (docs/scaling.md)")


def _serve_options(serve: argparse.ArgumentParser) -> None:
    add_option(serve, "--host", type=str, default="127.0.0.1", env="MOCKSERVER_HOST", help="interface to listen on")
    add_option(serve, "--port", type=_port, default=8080, env="MOCKSERVER_PORT", help="0 picks a free port")
    add_option(serve, "--seed", type=_seed, default=1, env="MOCKSERVER_SEED", help="world seed")
    add_option(serve, "--scenario", type=Path, default=None, metavar="FILE", env="MOCKSERVER_SCENARIO",
               shown_default="fixtures/scenarios/default.json", help="scenario JSON file (see docs/scenarios.md)")
    add_option(serve, "--providers", type=_providers, default=None, env="MOCKSERVER_PROVIDERS",
               shown_default="those the scenario describes",
               help=f"comma-separated subset of {','.join(ALL_PROVIDERS)}")
    add_option(serve, "--strict", action="store_true", env="MOCKSERVER_STRICT",
               help="validate every response against its schema; a violation becomes a 500")
    add_option(serve, "--admin-token", type=str, default=None, env="MOCKSERVER_ADMIN_TOKEN",
               shown_default="none, loopback callers only",
               help="require this bearer token on /__admin (then also reachable off loopback)")
    add_option(serve, "--freeze-at", type=_instant, default=None, metavar="INSTANT", env="MOCKSERVER_FREEZE_AT",
               shown_default="none, real time", help="start with the clock frozen at this ISO 8601 instant")
    add_option(serve, "--journal-size", type=_whole(1, 1_000_000), default=1000, env="MOCKSERVER_JOURNAL_SIZE",
               help="how many requests the admin journal keeps (oldest fall out)")
    add_option(serve, "--journal-bytes", type=_size, default=64 * 1024**2, metavar="SIZE",
               env="MOCKSERVER_JOURNAL_BYTES", shown_default="64MiB",
               help="about how much memory the journal may hold (oldest fall out); each body is kept up to "
                    "64 KiB. Bytes or K/M/G, e.g. 16MiB")
    add_option(serve, "--max-connections", type=_whole(1, 100_000), default=1000, env="MOCKSERVER_MAX_CONNECTIONS",
               help="connections open at once; more are answered 503 and closed (kept under `ulimit -n`)")
    add_option(serve, "--header-timeout", type=_seconds(0.1, 3600), default=10.0, metavar="SECONDS",
               env="MOCKSERVER_HEADER_TIMEOUT", help="a request head must arrive within this: 408 and closed if not")
    add_option(serve, "--body-timeout", type=_seconds(0.1, 3600), default=30.0, metavar="SECONDS",
               env="MOCKSERVER_BODY_TIMEOUT", help="a request body must arrive within this of its head: 408 if not")
    add_option(serve, "--workers", type=_whole(1, 64), default=1, env="MOCKSERVER_WORKERS",
               help="server processes sharing the port (with --store redis://... they act as one mock; "
                    "with memory, state is per worker)")
    _store_option(serve, None)
    add_option(serve, "--store-lease", type=_seconds(0.05, 3600), default=30.0, metavar="SECONDS",
               env="MOCKSERVER_STORE_LEASE",
               help="with a shared store: how long scheduled work claimed by a process that died waits before "
                    "another takes it over")
    serve.add_argument("--worker-anchor-ms", type=int, default=None, help=argparse.SUPPRESS)
    add_option(serve, "--max-jobs", type=_whole(1, 1_000_000), default=10_000, env="MOCKSERVER_MAX_JOBS",
               help="asynchronous jobs and tasks each provider keeps (the oldest are forgotten)")
    add_option(serve, "--state", type=Path, default=None, metavar="FILE", env="MOCKSERVER_STATE",
               shown_default="none, in memory only",
               help="keep the mutable state in FILE: restored at start, saved every --state-interval "
                    "seconds and at shutdown")
    add_option(serve, "--state-interval", type=_seconds(0.05, 3600), default=2.0, metavar="SECONDS",
               env="MOCKSERVER_STATE_INTERVAL", help="how often --state saves a changed state")
    add_option(serve, "--cors", type=parse_origins, default=None, metavar="ORIGINS", env="MOCKSERVER_CORS",
               shown_default="off, or the scenario's cors.origins",
               help="let browser apps from these origins call the mock: '*' or comma-separated "
                    "scheme://host[:port], e.g. http://localhost:3000")
    add_option(serve, "--access-log", action="store_true", env="MOCKSERVER_ACCESS_LOG",
               help="print one line per request: time, method, path (secrets masked), status, provider, duration")
    add_option(serve, "--log-format", type=_log_format, default="text", metavar="text|json",
               env="MOCKSERVER_LOG_FORMAT", help="how the access log and the server's own lines are written")
    add_option(serve, "--quiet", action="store_true", env="MOCKSERVER_QUIET",
               help="print errors only: no start-up line, no access log")


def build_parser() -> argparse.ArgumentParser:
    parser = CommandParser(prog="mockserver", description=__doc__)
    parser.add_argument("--version", action="version", version=f"mockserver {__version__}")
    commands = parser.add_commands(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the mock HTTP server",
                                description="Run the mock HTTP server. Every option can also be set by the "
                                            "environment variable shown; a flag beats the variable.")
    _serve_options(serve)

    store = commands.add_parser("store", help="inspect or flush a shared (Redis) store")
    store.add_argument("action", choices=("inspect", "flush"),
                       help="inspect: what each key holds; flush: delete every key under the store's prefix")
    _store_option(store, None)
    store.add_argument("--json", action="store_true", help="inspect: print JSON")
    store.add_argument("--yes", action="store_true", help="flush: do it (stop the servers using the store first)")

    openapi = commands.add_parser("openapi", help="print the OpenAPI 3.1 document (generated)")
    openapi.add_argument("--providers", type=_providers, default=None, help="subset of providers to describe")
    openapi.add_argument("--only", choices=("providers", "admin"), default=None,
                         help="only the providers' operations (what to fuzz), or only the admin API's")

    verify = commands.add_parser(
        "verify", help="check an implementation against the documented contract",
        description="Run the contract checks against a base URL. Credentials and ids come from environment "
                    "variables (see --list-variables); checks that change state run only with --allow-mutations.")
    verify.add_argument("--base-url", help="one base URL for every provider, e.g. http://127.0.0.1:8080")
    verify.add_argument("--provider-url", action="append", default=[], metavar="PROVIDER=URL",
                        help="base URL of one provider (repeatable), e.g. outx=https://api.outx.ai")
    verify.add_argument("--providers", type=_providers, default=None, help="subset of providers to check")
    verify.add_argument("--only", action="append", default=[], metavar="CHECK_ID",
                        help="run only this check or group (repeatable), e.g. outx.errors")
    verify.add_argument("--allow-mutations", action="store_true", help="also run checks that change state")
    verify.add_argument("--rate-limit", type=float, default=5.0, help="requests per second per provider")
    verify.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    verify.add_argument("--use-admin", choices=("auto", "yes", "no"), default="auto",
                        help="drive the mock's clock through /__admin when the target has it")
    verify.add_argument("--report-dir", type=Path, help="write <provider>.json and <provider>.md here")
    verify.add_argument("--junit", type=Path, help="write JUnit XML here")
    verify.add_argument("--list-variables", action="store_true", help="list the environment variables and exit")
    verify.add_argument("--list-checks", action="store_true",
                        help="list the checks (id, documented fact), as filtered by --providers and --only, and exit")
    verify.add_argument("--allow-skips", action="store_true",
                        help="exit 0 even when nothing was checked (every check skipped)")

    proxy = commands.add_parser(
        "proxy", help="a validating reverse proxy in front of a real API (or any implementation)",
        description="Forward every request unchanged to --upstream and check each answer against the schemas and "
                    "documented invariants; violations go to the log, the journal and /__admin/proxy/report.")
    proxy.add_argument("--upstream", required=True, metavar="URL", help="where to forward, e.g. https://api.outx.ai")
    proxy.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    proxy.add_argument("--port", type=_port, default=8081, help="0 picks a free port")
    proxy.add_argument("--record", type=Path, default=None, metavar="DIR",
                       help="save answers that passed as examples: DIR/<provider>/<operationId>-<status>-<n>.json")
    add_option(proxy, "--admin-token", type=str, default=None, env="MOCKSERVER_ADMIN_TOKEN",
               shown_default="none, loopback callers only",
               help="require this bearer token on /__admin (then also reachable off loopback)")

    validate = commands.add_parser(
        "validate", help="check a JSON payload (or a scenario file) against one of the schemas",
        description="Check a JSON payload against one of the schemas under schemas/. With SCHEMA_NAME "
                    "'scenario', also check what a schema cannot say (ids and keys unique across the file, ...).")
    validate.add_argument("schema", metavar="SCHEMA_NAME", help="e.g. outx/interactions-response, or scenario")
    validate.add_argument("file", metavar="FILE", help="JSON file to check, or - for standard input")

    scenario = commands.add_parser("scenario", help="write a starter scenario (your own teams, keys and data)")
    scenario_commands = scenario.add_commands(dest="scenario_command", required=True, metavar="ACTION")
    init = scenario_commands.add_parser(
        "init", help="write a small commented starter scenario that validates and serves",
        description="Write a commented starter scenario: a team with a watchlist, an App.net user, a Nyne key "
                    "and an Outfame workspace, each with keys of its own. The guide is docs/scenarios.md.")
    init.add_argument("file", nargs="?", default="scenario.json", metavar="FILE",
                      help="where to write it, or - for standard output (default: scenario.json)")
    init.add_argument("--force", action="store_true", help="replace FILE if it exists")
    for command in commands.choices.values():
        command.formatter_class = OptionHelpFormatter
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    from mockserver.providers import available_providers

    overrides: dict[str, object] = {}
    if args.scenario is not None:
        overrides["scenario_path"] = args.scenario
    scenario_path = args.scenario if args.scenario is not None else default_scenario_path()
    return Settings(
        host=args.host,
        port=args.port,
        seed=args.seed,
        providers=args.providers or described_providers(scenario_path, available_providers()),
        strict=args.strict,
        admin_token=args.admin_token or None,
        freeze_at_ms=args.freeze_at,
        journal_size=args.journal_size,
        journal_bytes=args.journal_bytes,
        max_connections=args.max_connections,
        header_timeout_s=args.header_timeout,
        body_timeout_s=args.body_timeout,
        max_jobs=args.max_jobs,
        anchor_ms=args.worker_anchor_ms,
        reuse_port=args.worker_anchor_ms is not None,
        state_path=args.state,
        state_interval_s=args.state_interval,
        cors_origins=args.cors,
        access_log=args.access_log,
        log_format=args.log_format,
        quiet=args.quiet,
        store_url=args.store,
        store_lease_ms=int(args.store_lease * 1000),
        **overrides,  # type: ignore[arg-type]
    )


async def serve(settings: Settings) -> None:
    try:
        app = create_app(settings)
    except (ScenarioError, UnknownProvider, StateFileError, ValueError) as error:
        raise CliError(str(error)) from None
    configure_logging(settings.log_format, settings.access_log, settings.quiet)
    try:
        runner = await start_server(app, settings, **access_log_options(app, settings.log_format))
    except StoreUnavailable as error:  # joining a shared store (and catching up with it) failed
        raise CliError(str(error)) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise CliError(f"cannot listen on {settings.host}:{settings.port}: {reason}") from None
    # Everything built so far (the worlds' pools, schemas, code) lives as long as the process: keep it
    # out of the garbage collector's full passes, which would otherwise stall the loop for tens of ms.
    gc.collect()
    gc.freeze()
    if not settings.quiet or settings.reuse_port:  # a worker always tells its parent (which stays quiet) it listens
        print(banner(app, settings, runner.addresses[0][:2]), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
    if not settings.quiet and not settings.reuse_port:  # a worker's parent says it once for all
        print(server_line(settings.log_format, "mockserver stopped", event="stopped"), file=sys.stderr, flush=True)


def banner(app: web.Application, settings: Settings, address: tuple[str, int]) -> str:
    """The one line printed once the server listens: what it serves, where, from which seed and scenario."""
    host, port = address
    url = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    scenario = app[WORLD].context.scenario
    cors = settings.cors_origins or scenario.cors_origins
    store = app[STORE]
    seed = app[WORLD].context.seed  # a shared store's, which may differ from --seed
    notes = [f"seed {seed}", f"scenario {scenario.name}", *(["strict"] if settings.strict else []),
             *([f"CORS for {', '.join(cors)}"] if cors else []),
             *([f"store {store.keys.prefix} at {store.shown_url}"] if store.shared else [])]  # type: ignore[attr-defined]
    return server_line(settings.log_format,
                       f"mockserver {__version__} serving {', '.join(settings.providers)} on {url} ({', '.join(notes)})",
                       event="listening", url=url, providers=list(settings.providers), seed=seed,
                       scenario=scenario.name, version=__version__)


async def serve_proxy(args: argparse.Namespace) -> None:
    from mockserver.proxy import ProxySettings, create_proxy_app

    if not args.upstream.startswith(("http://", "https://")):
        raise CliError(f"--upstream must be an http:// or https:// URL, not {args.upstream!r}")
    app = create_proxy_app(ProxySettings(args.upstream, args.host, args.port, args.record, args.admin_token or None))
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, args.host, args.port).start()
    except OSError as error:
        await runner.cleanup()
        raise CliError(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}") from None
    host, port = runner.addresses[0][:2]
    print(f"mockserver proxy on http://{host}:{port} -> {args.upstream} (report: /__admin/proxy/report)", flush=True)
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def store_command(args: argparse.Namespace) -> int:
    from mockserver.store.inspect import flush_store, inspect_store

    if args.store in (None, "memory"):
        raise CliError("name a shared store: --store redis://host:port/db (or MOCKSERVER_STORE); "
                       "a memory store lives and ends with its server")
    try:
        if args.action == "flush":
            if not args.yes:
                raise CliError("flush deletes the whole shared state under the prefix: add --yes "
                               "(and stop the servers that use it first)")
            print(f"deleted {flush_store(args.store)} key(s) under {redis_url_parts(args.store)[1]!r}")
            return 0
        found = inspect_store(args.store)
    except StoreUnavailable as error:
        raise CliError(str(error)) from None
    if args.json:
        print(json.dumps(found, indent=2))
        return 0
    print(f"store {found['url']}, prefix {found['prefix']!r}")
    for key, what in found["keys"].items():
        print(f"  {key:<32} {json.dumps(what) if not isinstance(what, str) else what}")
        print(f"  {'':<32} ({found['layout'][key]})")
    redis_facts = found["redis"]
    print(f"redis: memory {redis_facts['used_memory_human']}, AOF {'on' if redis_facts['aof_enabled'] else 'off'}")
    return 0


def print_openapi(args: argparse.Namespace) -> None:
    from mockserver.admin import create_admin_app
    from mockserver.openapi import build_openapi
    from mockserver.providers import available_providers
    from mockserver.store.appkeys import PROVIDERS, SCHEMAS

    try:
        app = create_app(Settings(providers=args.providers or available_providers()))
    except (ScenarioError, UnknownProvider) as error:
        raise CliError(str(error)) from None
    document = build_openapi(app[SCHEMAS], app[PROVIDERS], create_admin_app(None), args.only)
    print(json.dumps(document, indent=2))


def validate_file(args: argparse.Namespace) -> int:
    """Exit 0 when valid, 1 with the violations when not."""
    from mockserver.core.validation import SchemaStore
    from mockserver.paths import data_dir

    schemas = SchemaStore(data_dir("schemas"))
    if args.schema not in schemas.names():
        raise CliError(f"no schema named {args.schema!r}; known: {', '.join(sorted(schemas.names()))}")
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CliError(f"cannot read {args.file}: {getattr(error, 'strerror', None) or error}") from None
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise CliError(f"{args.file} is not JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
    problems = scenario_problems(payload, schemas) if args.schema == "scenario" else \
        [str(violation) for violation in schemas.violations(args.schema, payload)]
    if not problems:
        print(f"{args.file}: valid against {args.schema}")
        return 0
    print(f"{args.file}: {len(problems)} problem(s) against {args.schema}")
    for problem in problems:
        print(f"  {problem}")
    return 1


def init_scenario(args: argparse.Namespace) -> None:
    try:
        written = write_starter(args.file, args.force)
    except (StarterExists, OSError) as error:
        raise CliError(str(error) if isinstance(error, StarterExists) else
                       f"cannot write {args.file}: {error.strerror or error}") from None
    if written != "standard output":
        print(f"wrote {written}; check it with: mockserver validate scenario {written}\n"
              f"serve it with: mockserver serve --scenario {written}   (guide: docs/scenarios.md)")


def run_verify(args: argparse.Namespace) -> int:
    from mockserver.contract.verify import (
        UnknownCheckId, VerifyOptions, describe_variables, exit_status, list_checks, validate_only, verify,
    )

    if args.list_variables:
        print(describe_variables())
        return 0
    try:
        validate_only(tuple(args.only))
    except UnknownCheckId as error:
        raise CliError(str(error)) from None
    if args.list_checks:
        print(list_checks(args.providers, tuple(args.only)))
        return 0
    provider_urls = {}
    for item in args.provider_url:
        name, sep, url = item.partition("=")
        if not sep or name not in ALL_PROVIDERS or not url:
            raise CliError(f"--provider-url takes PROVIDER=URL with a provider of {', '.join(ALL_PROVIDERS)}")
        provider_urls[name] = url
    if not args.base_url and not provider_urls:
        raise CliError("give --base-url or at least one --provider-url")
    results = verify(VerifyOptions(
        base_url=args.base_url, provider_urls=provider_urls, providers=args.providers,
        allow_mutations=args.allow_mutations, only=tuple(args.only), rate_limit=args.rate_limit,
        timeout_s=args.timeout, use_admin=args.use_admin, report_dir=args.report_dir, junit=args.junit,
        allow_skips=args.allow_skips,
    ))
    return exit_status(results, args.allow_skips)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "serve" and args.workers > 1:
            try:
                return run_workers(settings_from(args), args.workers)
            except WorkersError as error:
                raise CliError(str(error)) from None
        if args.command == "serve":
            asyncio.run(serve(settings_from(args)))
        elif args.command == "store":
            return store_command(args)
        elif args.command == "openapi":
            print_openapi(args)
        elif args.command == "proxy":
            asyncio.run(serve_proxy(args))
        elif args.command == "validate":
            return validate_file(args)
        elif args.command == "scenario":
            init_scenario(args)
        elif args.command == "verify":
            return run_verify(args)
    except (CliError, DataFilesMissing) as error:
        print(f"mockserver: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0



