"""`mockserver scenario init`: a commented starter scenario, written where the user asks."""

from __future__ import annotations

import sys
from pathlib import Path

from mockserver.paths import data_dir


class StarterExists(FileExistsError):
    pass


def starter_text() -> str:
    """The starter: a file of its own, so that the suite can validate and serve exactly what users get."""
    return (data_dir("fixtures") / "scenarios" / "starter.json").read_text("utf-8")


def write_starter(target: str, force: bool = False) -> str:
    """Write the starter to `target` ("-": standard output); never replace a file unless forced."""
    if target == "-":
        sys.stdout.write(starter_text())
        return "standard output"
    path = Path(target)
    if path.exists() and not force:
        raise StarterExists(f"{path} exists; choose another name, or add --force to replace it")
    path.write_text(starter_text(), "utf-8")
    return str(path)
