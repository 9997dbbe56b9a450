"""Every contract check, as a test, against the target (by default this project's mock)."""

from __future__ import annotations

import pytest

from mockserver.contract import checks
from mockserver.contract.model import Check, Outcome
from mockserver.contract.runner import run_check
from mockserver.contract.verify import VerifyOptions, context_factory
from mockserver.core.validation import SchemaStore
from mockserver.paths import data_dir

MODULES = checks.load()
ALL_CHECKS = checks.REGISTRY.checks()


@pytest.fixture(scope="module")
def schemas() -> SchemaStore:
    return SchemaStore(data_dir("schemas"))


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda check: check.id)
def test_check(check: Check, contract_target: tuple[str, bool], schemas: SchemaStore) -> None:
    base_url, allow_mutations = contract_target
    options = VerifyOptions(base_url=base_url, allow_mutations=allow_mutations, rate_limit=0)
    make_context, _ = context_factory(check.provider, MODULES[check.provider], base_url, options, schemas)
    result = run_check(check, make_context, allow_mutations)
    if result.outcome in (Outcome.SKIPPED, Outcome.INCONCLUSIVE):
        pytest.skip(f"{result.outcome.value}: {result.message}")
    assert result.outcome is Outcome.PASS, f"{check.fact}\n{result.outcome.value}: {result.message}"
