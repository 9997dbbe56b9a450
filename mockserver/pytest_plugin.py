"""pytest fixtures that run the mock in-process (registered through `pytest11`).

- `mock_server`: a clean server for each test (one server per session, reset
  before every test, so it costs a reset rather than a start-up).
- `mock_server_session`: the shared server itself, never reset for you.
- `mock_server_factory`: start servers with your own seed, scenario, clock.

Options (command line or ini): `--mockserver-seed`, `--mockserver-scenario`,
`--mockserver-freeze-at` (ISO instant, "now" (default) or "off"),
`--mockserver-providers`, and `--mockserver-url` to drive an already running
server instead. Under pytest-xdist every worker starts its own server;
`--mockserver-url` with more than one worker is refused, since the workers
would reset and move the clock of the one server under each other.

Every pytest run of a project that has this package installed loads this
module, so it imports nothing but pytest: the server (aiohttp, Faker, the
providers) is built when a test first asks for a fixture.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import pytest

if TYPE_CHECKING:
    from mockserver.testing import MockServer, ThreadedMockServer

_OPTIONS = {
    "seed": "world seed for the mock_server fixtures (default 1)",
    "scenario": "scenario JSON file for the mock_server fixtures",
    "freeze_at": 'clock for the mock_server fixtures: an ISO instant, "now" (default) or "off"',
    "providers": "comma-separated providers for the mock_server fixtures (default: all available)",
    "url": "use the mock already running at this URL instead of starting one",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockserver")
    for name, help_text in _OPTIONS.items():
        group.addoption(f"--mockserver-{name.replace('_', '-')}", dest=f"mockserver_{name}", help=help_text)
        parser.addini(f"mockserver_{name}", help_text)


def _option(config: pytest.Config, name: str) -> str | None:
    value = config.getoption(f"mockserver_{name}") or config.getini(f"mockserver_{name}")
    return str(value) if value else None


def pytest_configure(config: pytest.Config) -> None:
    """Refuse one shared server for several xdist workers, before any test runs."""
    if hasattr(config, "workerinput"):  # an xdist worker: the controller decided already
        return
    distributed = config.getoption("dist", "no") != "no"
    workers = len(config.getoption("tx", None) or []) if distributed else 0
    url = _option(config, "url")
    if url and workers > 1:
        raise pytest.UsageError(
            f"--mockserver-url {url} would be shared by {workers} pytest-xdist workers, which reset it and move "
            "its clock under each other. Drop --mockserver-url (each worker then starts its own in-process "
            "server), or run the tests against that server without -n."
        )


def _freeze_ms(value: str | int | None) -> int | None:
    from mockserver.core.clock import Clock, parse_instant_ms

    if value is None or value == "now":
        return Clock().now_ms()
    if value == "off":
        return None
    return value if isinstance(value, int) else parse_instant_ms(value)


ServerFactory = Callable[..., "MockServer"]
_Started = list[tuple["ThreadedMockServer", "MockServer"]]


def _stop(started: _Started) -> None:
    for server, handle in reversed(started):
        handle.close()
        server.stop()


def _start(started: _Started, tmp: Path, *, seed: int = 1,
           scenario: str | Path | dict[str, Any] | None = None, freeze_at: str | int | None = "now",
           providers: tuple[str, ...] | None = None, strict: bool = True,
           admin_token: str | None = None, journal_size: int = 1000) -> MockServer:
    import json

    from mockserver.providers import available_providers
    from mockserver.settings import Settings
    from mockserver.testing import MockServer, ThreadedMockServer

    settings: dict[str, Any] = {}
    if isinstance(scenario, dict):
        path = tmp / f"scenario-{len(started)}.json"
        path.write_text(json.dumps(scenario))
        settings["scenario_path"] = path
    elif scenario is not None:
        settings["scenario_path"] = Path(scenario)
    server = ThreadedMockServer(Settings(
        host="127.0.0.1", port=0, seed=seed, providers=providers or available_providers(), strict=strict,
        admin_token=admin_token, freeze_at_ms=_freeze_ms(freeze_at), journal_size=journal_size, **settings,
    )).start()
    handle = MockServer(server.url, admin_token, in_process=server)
    started.append((server, handle))
    return handle


def _check_strict(server: MockServer) -> None:
    """Like pytest-httpserver's check(): a broken response fails the test that caused it."""
    problems = server.strict_violations()
    if problems:
        pytest.fail("the mock sent responses that break its own schemas:\n" + "\n".join(problems))


@pytest.fixture(scope="session")
def mock_server_session(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
                        ) -> Iterator[MockServer]:
    url = _option(pytestconfig, "url")
    if url:
        from mockserver.testing import MockServer

        remote = MockServer(url)
        yield remote
        remote.close()
        return
    started: _Started = []
    seed, providers = _option(pytestconfig, "seed"), _option(pytestconfig, "providers")
    try:
        yield _start(started, tmp_path_factory.mktemp("mockserver"), seed=int(seed) if seed else 1,
                     scenario=_option(pytestconfig, "scenario"),
                     freeze_at=_option(pytestconfig, "freeze_at") or "now",
                     providers=tuple(p.strip() for p in providers.split(",")) if providers else None)
    finally:
        _stop(started)


@pytest.fixture
def mock_server(mock_server_session: MockServer) -> Iterator[MockServer]:
    mock_server_session.reset()
    yield mock_server_session
    _check_strict(mock_server_session)


@pytest.fixture
def mock_server_factory(tmp_path: Path) -> Iterator[ServerFactory]:
    """`mock_server_factory(seed=7, scenario={...} or path, freeze_at="2024-01-16T10:40:00Z", ...)`."""
    started: _Started = []

    def make(**options: Any) -> MockServer:
        return _start(started, tmp_path, **options)

    yield make
    _stop(started)
