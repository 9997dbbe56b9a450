"""`make run` installs only what serving needs; `make test` adds the test extras (read from make's dry run)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.examples.markdown import ROOT


def dry_run(target: str) -> list[str]:
    """The commands `make` would run for `target` on a fresh clone (-B: as if nothing were installed)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    outer = ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")  # when the suite runs under `make test`
    env = {name: value for name, value in os.environ.items() if name not in outer}
    done = subprocess.run(["make", "--no-print-directory", "-n", "-B", target], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def test_make_run_installs_the_package_without_the_test_extras() -> None:
    commands = dry_run("run")
    installs = [line for line in commands if " pip install " in line]
    assert installs and all("[test]" not in line for line in installs), installs
    assert commands[-1].startswith(".venv/bin/mockserver serve ")


def test_make_test_adds_the_test_extras() -> None:
    installs = [line for line in dry_run("test") if " pip install " in line]
    assert any(line.endswith("-e '.[test]'") for line in installs), installs
