"""One module of checks per provider; each module registers into REGISTRY."""

from __future__ import annotations

import importlib
from types import ModuleType

from mockserver.contract.model import Registry

REGISTRY = Registry()
PROVIDER_MODULES = ("outx", "appdotnet", "nyne", "outfame")


def load() -> dict[str, ModuleType]:
    """Import every provider's checks module that exists; they register as they load."""
    modules = {}
    for name in PROVIDER_MODULES:
        try:
            modules[name] = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{name}":
                raise
    return modules
