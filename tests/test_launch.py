"""The entry point: an environment missing a dependency gets one line and exit status 2."""

from __future__ import annotations

import subprocess
import sys

# As in a .venv made before a dependency was added: importing it fails (None in sys.modules blocks the import).
WITHOUT = "import sys; sys.modules[{name!r}] = None; from mockserver.launch import main; raise SystemExit(main({argv}))"


def run_without(name: str, *argv: str) -> subprocess.CompletedProcess[str]:
    code = WITHOUT.format(name=name, argv=list(argv))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def test_a_missing_dependency_is_one_line_and_exit_2() -> None:
    done = run_without("jsonschema_rs", "serve")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("mockserver: error: cannot start: the Python module 'jsonschema_rs' is not "
                                  "installed in this environment (") and done.stderr.count("\n") == 1
    assert "make run" in done.stderr and "Traceback" not in done.stderr


def test_with_every_dependency_the_command_runs() -> None:
    done = run_without("no_such_module_at_all", "--version")
    assert done.returncode == 0 and done.stdout.startswith("mockserver ")
