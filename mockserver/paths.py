"""Where the schema and fixture files are, in a checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """`schemas` or `fixtures`: beside the package in a wheel, at the repo top otherwise."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cannot find the {name}/ directory next to {_PACKAGE}")


def default_scenario_path() -> Path:
    return data_dir("fixtures") / "scenarios" / "default.json"
