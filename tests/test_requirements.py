"""Every third-party package the code imports is pinned, so no pip resolver can leave one out."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL = {"analysis", "dashboard", "tests", "bench", "scripts"}
# the reference scorer in ../shared/eval, which scripts put on sys.path when it is there
SHARED_SCRIPTS = {"score", "score_timex"}


def _imports(folders: list[str]) -> set[str]:
    names = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.add(node.module.split(".")[0])
    return {
        n
        for n in names
        if n not in sys.stdlib_module_names and n not in LOCAL and n != "__future__" and not _shared_script(n)
    }


def _shared_script(name: str) -> bool:
    """A script of the shared eval folder (the scorer), imported from its path: not a package to pin."""
    return name in SHARED_SCRIPTS


def _pinned(*files: str) -> set[str]:
    out = set()
    for name in files:
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
            m = re.match(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==", line.strip())
            if m:
                out.add(re.sub(r"[-_.]+", "-", m.group(1)).lower())
    return out


def _distributions(module: str) -> set[str]:
    dists = importlib.metadata.packages_distributions().get(module, [])
    return {re.sub(r"[-_.]+", "-", d).lower() for d in dists}


def test_runtime_imports_are_pinned_in_requirements():
    pinned = _pinned("requirements.txt")
    missing = {
        m: _distributions(m) for m in _imports(["analysis", "dashboard"]) if not _distributions(m) & pinned
    }
    assert not missing, f"imported by analysis/ or dashboard/ but not pinned in requirements.txt: {missing}"


def test_test_and_bench_imports_are_pinned_in_dev_requirements():
    pinned = _pinned("requirements.txt", "requirements-dev.txt")
    folders = ["tests", "bench", "scripts"]
    missing = {m: _distributions(m) for m in _imports(folders) if not _distributions(m) & pinned}
    assert not missing, f"imported by tests/bench/scripts but not pinned: {missing}"


def test_html_cleaning_dependency_is_pinned():
    # trafilatura imports lxml.html.clean, which lxml moved into lxml_html_clean; pip 23 does not install it
    assert "lxml-html-clean" in _pinned("requirements.txt")
