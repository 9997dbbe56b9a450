"""Tests that need something from the system (a browser, curl): skip with one line, except under CI=true."""

from __future__ import annotations

import os
import shutil

import pytest


def require_programs(*names: str, why: str) -> dict[str, str]:
    """The programs' paths; skips the test when one is missing, and fails it when CI=true."""
    found = {name: shutil.which(name) for name in names}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        message = f"{why} needs {', '.join(missing)} (Debian: apt-get install {' '.join(missing)})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}: missing under CI=true", pytrace=False)
        pytest.skip(message)
    return {name: path for name, path in found.items() if path is not None}
