"""Suite-wide guards: tests leave no trace in the working tree.

Every test runs with PARLEY_DATA_DIR pointing into a temporary folder (a test that forgets to choose its own
data folder cannot create `data/` in the checkout), and the run fails if `git status --porcelain` shows a path
after the tests that it did not show before them.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_SCRATCH = tempfile.TemporaryDirectory(prefix="parley-tests-")
os.environ.setdefault("PARLEY_DATA_DIR", str(Path(_SCRATCH.name) / "data"))


def _status() -> set[str] | None:
    try:
        done = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return set(done.stdout.splitlines()) if done.returncode == 0 else None


def pytest_sessionstart(session):
    session.config._parley_status = _status()


def pytest_sessionfinish(session, exitstatus):
    before = getattr(session.config, "_parley_status", None)
    after = _status()
    if before is None or after is None:
        return
    new = sorted(after - before)
    if new:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = "\n  ".join(new)
        if reporter is not None:
            reporter.write_line(f"tests left a trace in the working tree:\n  {lines}", red=True)
        session.exitstatus = 1
