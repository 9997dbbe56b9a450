"""Every field and header of a documented answer has a mutant, and the kit catches each one.

The suite runs every twelfth generated mutant (each field's neighbours break the same schema check);
`MUTANTS=all` runs them all and prints the kit's mutation score, the number the README quotes.
"""

from __future__ import annotations

import os
from typing import Iterator

import pytest

from contract_tests.mutants import ALL
from contract_tests.mutants.base import Mutant, MutantProxy
from contract_tests.mutants.generated import generated_mutants
from mockserver.contract.verify import VerifyOptions, failed, verify
from mockserver.providers import available_providers
from mockserver.settings import Settings
from mockserver.testing import MockServer, ThreadedMockServer

GENERATED = generated_mutants()
SELECTED = GENERATED if os.environ.get("MUTANTS") == "all" else GENERATED[::12]
_caught: dict[str, bool] = {}


@pytest.fixture(scope="module")
def proxy() -> Iterator[MutantProxy]:
    with ThreadedMockServer(Settings(host="127.0.0.1", port=0, providers=available_providers())) as upstream:
        # Hundreds of runs in a minute: Nyne's documented 60 a minute would make them inconclusive.
        for provider in ("nyne", "appdotnet"):
            MockServer(upstream.url).set_flag(provider, "rate_limits", False)
        with MutantProxy(Settings(host="127.0.0.1", port=0), upstream.url, GENERATED[0]) as shared:
            yield shared  # one proxy; each test swaps the mutant it applies
    if os.environ.get("MUTANTS") == "all" and _caught:
        print(f"\nmutation score: {sum(_caught.values())}/{len(_caught)} generated mutants caught "
              f"(the {len(ALL)} written by hand: test_kit_catches_mutants.py)")


@pytest.mark.parametrize("mutant", SELECTED, ids=lambda mutant: mutant.name)
def test_the_kit_catches_a_generated_mutant(mutant: Mutant, proxy: MutantProxy) -> None:
    proxy.mutant = mutant
    results = verify(VerifyOptions(base_url=proxy.url, providers=(mutant.provider,), only=(mutant.caught_by,),
                                   allow_mutations=True, rate_limit=0))
    _caught[mutant.name] = failed(results)
    assert failed(results), f"{mutant.name} ({mutant.breaks}) went unnoticed by {mutant.caught_by}"
    assert mutant.says in results[0].message, results[0].message


def test_every_documented_answer_and_header_has_mutants() -> None:
    names = {mutant.name.split(":", 1)[0] for mutant in GENERATED}
    assert {"outx/interactions-response", "appdotnet/interactions-response", "nyne/poll-response",
            "outfame/stats-response", "/stream/0/users/"} <= names
    assert len(GENERATED) > 300
