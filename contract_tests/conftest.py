"""The contract suite runs against this project's mock (in-process) unless told otherwise.

`--contract-base-url URL` points it at any implementation; credentials then
come from the environment variables `mockserver verify --list-variables` lists,
and mutating checks run only with `--contract-allow-mutations`.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from mockserver.providers import available_providers
from mockserver.settings import Settings
from mockserver.testing import ThreadedMockServer


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract")
    group.addoption("--contract-base-url", help="run the contract suite against this base URL")
    group.addoption("--contract-allow-mutations", action="store_true",
                    help="with --contract-base-url: also run checks that change state")


@pytest.fixture(scope="session")
def contract_target(pytestconfig: pytest.Config) -> Iterator[tuple[str, bool]]:
    """(base URL, mutations allowed)."""
    url = pytestconfig.getoption("contract_base_url")
    if url:
        yield url, bool(pytestconfig.getoption("contract_allow_mutations"))
        return
    with ThreadedMockServer(Settings(host="127.0.0.1", port=0, strict=True,
                                     providers=available_providers())) as server:
        yield server.url, True  # our own mock: every check may run
