"""`.ci/run` installs every system program the suite's tests ask for, so none of them skips (or fails) in CI."""

from __future__ import annotations

import re

from tests.examples.markdown import ROOT
from tests.system import DEBIAN_PACKAGE

GIVEN = {"bash"}  # .ci/run is itself a bash script


def test_ci_installs_every_program_the_tests_require() -> None:
    required: set[str] = set()
    for path in (ROOT / "tests").rglob("*.py"):
        for call in re.findall(r"require_programs\(([^)]*)\)", path.read_text()):
            required.update(re.findall(r'"([\w.-]+)"(?=\s*,)', call))
    script = (ROOT / ".ci" / "run").read_text()
    installed = dict(re.findall(r"command -v ([\w.-]+) >/dev/null \|\| missing\+=\(([\w.-]+)\)", script))
    assert {"redis-server", "chromium", "curl"} <= required  # the scan finds the calls
    for program in sorted(required - GIVEN):
        assert installed.get(program) == DEBIAN_PACKAGE.get(program, program), f".ci/run does not install {program}"
