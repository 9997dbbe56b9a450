"""Where the schema and fixture files are, in a checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


class DataFilesMissing(FileNotFoundError):
    """The package was installed without its schemas/ or fixtures/: nothing can start."""


def data_dir(name: str) -> Path:
    """`schemas` or `fixtures`: inside the package in a wheel, at the repo top in a checkout."""
    candidates = (_PACKAGE / name, _PACKAGE.parent / name)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise DataFilesMissing(
        f"cannot find the {name}/ directory (looked for {candidates[0]} and {candidates[1]}); "
        "this installation of social-mockserver is incomplete: reinstall it from a wheel or a checkout"
    )


def default_scenario_path() -> Path:
    return data_dir("fixtures") / "scenarios" / "default.json"
