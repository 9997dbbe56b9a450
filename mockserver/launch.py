"""The `mockserver` command's entry point: a missing dependency is one line and exit status 2, not a traceback.

It happens to environments that outlived an upgrade (a `.venv` made before a
dependency was added, a `pip install --no-deps`): the CLI's imports would
otherwise fail with a traceback before any of its own error handling runs.
"""

from __future__ import annotations

import sys
from typing import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    try:
        from mockserver.cli import main as cli_main
    except ModuleNotFoundError as missing:
        if (missing.name or "").partition(".")[0] == "mockserver":
            raise  # the package itself is broken: that traceback is for its developers
        print(f"mockserver: error: cannot start: the Python module {missing.name!r} is not installed in this environment "
              f"({sys.prefix}); reinstall mockserver there (in a checkout: make run)", file=sys.stderr)
        return 2
    return cli_main(argv)
