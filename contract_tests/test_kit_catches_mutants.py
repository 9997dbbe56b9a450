"""The kit proves it can fail: each deliberately broken variant is caught, with a clear message."""

from __future__ import annotations

from typing import Iterator

import pytest

from contract_tests.mutants import ALL, Mutant, MutantProxy
from mockserver.providers import available_providers
from mockserver.contract.model import Outcome
from mockserver.contract.verify import VerifyOptions, failed, verify
from mockserver.settings import Settings
from mockserver.testing import ThreadedMockServer


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    with ThreadedMockServer(Settings(host="127.0.0.1", port=0, providers=available_providers())) as server:
        yield server.url


@pytest.mark.parametrize("mutant", ALL, ids=lambda mutant: f"{mutant.provider}.{mutant.name}")
def test_the_kit_catches(mutant: Mutant, upstream: str, capsys: pytest.CaptureFixture[str]) -> None:
    with MutantProxy(Settings(host="127.0.0.1", port=0), upstream, mutant) as proxy:
        results = verify(VerifyOptions(base_url=proxy.url, providers=(mutant.provider,), only=(mutant.caught_by,),
                                       allow_mutations=True, rate_limit=0))
    assert failed(results), f"{mutant.name} ({mutant.breaks}) went unnoticed"
    [result] = results
    assert result.outcome in (Outcome.FAIL, Outcome.TIMEOUT)
    assert mutant.says in result.message, result.message
    assert result.evidence, "a failure carries the requests that show it"
    assert mutant.caught_by in capsys.readouterr().out


def test_the_unbroken_mock_passes_every_check(upstream: str, tmp_path) -> None:
    results = verify(VerifyOptions(base_url=upstream, allow_mutations=True, rate_limit=0,
                                   report_dir=tmp_path, junit=tmp_path / "junit.xml"))
    assert not failed(results) and all(r.outcome is Outcome.PASS for r in results)
    providers = {r.check.provider for r in results}
    assert {p.name for p in tmp_path.iterdir()} == {f"{p}.{ext}" for p in providers for ext in ("json", "md")} | {
        "junit.xml"}
