"""Tests that need programs from the system (a browser, curl): skip with one line, except under CI=true."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from typing import Any, Iterator

import pytest

# Chromium as the machine notes start it: headless, and quiet on a closed network.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1000")
DEBIAN_PACKAGE = {"chromedriver": "chromium-driver"}  # where the package's name differs from the program's


def require_programs(*names: str, why: str) -> dict[str, str]:
    """The programs' paths. When one is missing: skip (in a test, or a whole module at import), or fail under CI=true."""
    found = {name: shutil.which(name) for name in names}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        packages = " ".join(DEBIAN_PACKAGE.get(name, name) for name in missing)
        message = f"{why}: {', '.join(missing)} not found (Debian: apt-get install {packages})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}: missing under CI=true", pytrace=False)
        pytest.skip(message, allow_module_level=True)
    return {name: path for name, path in found.items() if path is not None}


@contextmanager
def headless_chromium(programs: dict[str, str], capabilities: dict[str, Any] | None = None) -> Iterator[Any]:
    """A Selenium driver for Debian's chromium and chromium-driver, with a throwaway profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = programs["chromium"]
    with tempfile.TemporaryDirectory(prefix="mockserver-chromium-") as profile:
        for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
            options.add_argument(flag)
        for name, value in (capabilities or {}).items():
            options.set_capability(name, value)
        driver = webdriver.Chrome(service=Service(programs["chromedriver"]), options=options)
        try:
            yield driver
        finally:
            driver.quit()


@contextmanager
def throwaway_redis() -> Iterator[str]:
    """A redis-server on a free loopback port, in its own temporary directory, with no persistence."""
    from mockserver.testing.redis_server import RedisServerError, throwaway_redis_server

    programs = require_programs("redis-server", why="the Redis store's tests")
    try:
        with throwaway_redis_server(programs["redis-server"]) as url:
            yield url
    except RedisServerError as error:
        pytest.fail(str(error), pytrace=False)
