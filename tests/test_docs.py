"""The README stays true: settings table, the two commands, CI running the README's test command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from analysis import settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_settings_table_matches_settings():
    block = README.split("<!-- settings:start -->")[1].split("<!-- settings:end -->")[0]
    assert block.strip() == settings.markdown().strip()


def test_readme_has_the_two_commands_and_ci_runs_the_test_one():
    assert "\nbash scripts/setup.sh && .venv/bin/streamlit run dashboard/app.py" in README
    test_lines = [ln for ln in README.splitlines() if ln.startswith("bash scripts/setup.sh --dev && ")]
    assert len(test_lines) == 1
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'grep -m1 "^bash scripts/setup.sh --dev && " README.md' in ci


def test_every_cli_option_is_in_the_readme():
    out = subprocess.run(
        [sys.executable, "-m", "analysis", "build", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    for option in ("--out", "--model", "--wait", "--quiet", "--workers", "--scheduler"):
        assert option in out and option in README


def test_the_code_passes_ruff_lint_and_format():
    ruff = Path(sys.executable).with_name("ruff")
    for args in (["check", "."], ["format", "--check", "."]):
        proc = subprocess.run([str(ruff), *args], capture_output=True, text=True, cwd=ROOT)
        assert proc.returncode == 0, proc.stdout + proc.stderr
