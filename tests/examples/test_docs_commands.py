"""Every shell block of the README and the scenario guide, run as printed against a served mock.

Only the port differs from what the documents say. The blocks of a document
run in order in one shell, as a reader pasting them into one terminal would
(from the repository's top folder, after `make run`). Each block must be
runnable; the rare one that cannot be (it starts the server, or needs a real
API's credentials) says why on the line before it:
`<!-- not run by the docs tests: reason -->`. A `curl` must get a 2xx answer
unless it prints the status itself (`-w`), so an example that stopped
working fails here instead of in a reader's terminal.

The guide's worked example is followed to the letter: its scenario is saved
as the guide says, and its commands run against a mock serving it.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.examples.markdown import ROOT, fenced_blocks

SHELLS = ("sh", "bash", "shell")
DOCUMENTED_ADDRESS = "127.0.0.1:8080"
_FOREIGN_ENV = ("MOCKSERVER_", "OUTX_", "ADN_", "APPDOTNET_", "NYNE_", "OUTFAME_")  # the reader's own settings
GUIDE = ROOT / "docs" / "scenarios.md"
GUIDE_SCENARIO = "northwind.json"  # the guide says "Save this as `northwind.json`" of its first JSON block


def _script(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def _workspace(tmp: Path) -> dict[str, str]:
    """A folder laid out like a checkout after `make run` (.venv/bin: python, mockserver, activate), and a strict curl."""
    venv_bin = tmp / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    _script(venv_bin / "python", f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    _script(venv_bin / "mockserver", f'#!/bin/sh\nexec "{sys.executable}" -m mockserver "$@"\n')
    (venv_bin / "activate").write_text(f'export VIRTUAL_ENV="{tmp / ".venv"}"\nexport PATH="{venv_bin}:$PATH"\n')
    tools = tmp / "tools"
    tools.mkdir()
    real_curl = shutil.which("curl")
    assert real_curl, "curl is needed to run the documents' examples"
    _script(tools / "curl", f"""#!/bin/sh
for arg in "$@"; do case "$arg" in -w|--write-out|-w*) exec "{real_curl}" "$@";; esac; done
exec "{real_curl}" --fail-with-body --show-error "$@"
""")
    env = {name: value for name, value in os.environ.items() if not name.startswith(_FOREIGN_ENV)}
    # The guide's readers have activated the venv (the README asks them to); the README's own blocks do it.
    env.update(PATH=f"{tools}:{venv_bin}:{env.get('PATH', '/usr/bin:/bin')}", PYTHONPATH=str(ROOT))
    return env


def _run_blocks(document: Path, tmp: Path, env: dict[str, str], serve_args: list[str]) -> None:
    blocks = [block for block in fenced_blocks(document) if block.language in SHELLS]
    runnable = [block for block in blocks if block.not_run is None]
    assert len(runnable) >= 3, f"the examples of {document.name} went missing"
    assert all(block.not_run.strip() for block in blocks if block.not_run is not None)
    server = subprocess.Popen([sys.executable, "-m", "mockserver", "serve", "--port", "0", *serve_args], cwd=tmp,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        banner = server.stdout.readline() if server.stdout else ""
        assert " on http://127.0.0.1:" in banner, server.stderr.read() if server.stderr else ""
        port = banner.split(" on http://127.0.0.1:")[1].split()[0]
        script = ["set -euo pipefail"]
        for block in runnable:
            script.append(f'echo "== {document.name} line {block.line}" >&2')
            script.append(block.text.replace(DOCUMENTED_ADDRESS, f"127.0.0.1:{port}"))
        done = subprocess.run(["bash", "-c", "\n".join(script)], cwd=tmp, env=env, capture_output=True,
                              text=True, timeout=120)
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=15)
    if done.returncode != 0:
        failed_at = [line for line in done.stderr.splitlines() if line.startswith("== ")][-1:]
        pytest.fail(f"{failed_at[0] if failed_at else document.name}: a block failed (exit {done.returncode})\n"
                    f"--- stderr (tail)\n{done.stderr[-3000:]}\n--- stdout (tail)\n{done.stdout[-2000:]}")


def test_every_shell_block_of_the_readme_runs_as_printed(tmp_path: Path) -> None:
    _run_blocks(ROOT / "README.md", tmp_path, _workspace(tmp_path), [])


def test_the_scenario_guide_followed_step_by_step_serves_its_own_data(tmp_path: Path) -> None:
    assert f"Save this as `{GUIDE_SCENARIO}`:" in GUIDE.read_text("utf-8")
    worked_example = next(block for block in fenced_blocks(GUIDE) if block.language == "json")
    (tmp_path / GUIDE_SCENARIO).write_text(worked_example.text)
    _run_blocks(GUIDE, tmp_path, _workspace(tmp_path), ["--scenario", GUIDE_SCENARIO])
