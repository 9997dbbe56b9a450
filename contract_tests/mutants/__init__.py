"""Every provider's mutants; a provider adds a module here and lists it below."""

from __future__ import annotations

import importlib

from contract_tests.mutants.base import Mutant, MutantProxy

ALL: list[Mutant] = []
for _name in ("outx", "appdotnet", "nyne", "outfame"):
    try:
        ALL += importlib.import_module(f"{__name__}.{_name}").MUTANTS
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{_name}":
            raise

__all__ = ["ALL", "Mutant", "MutantProxy"]
