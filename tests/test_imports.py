"""The module graph of `analysis` and `dashboard` has no import circles (every import, at the top of a
module or inside a function), so each module can be read, and loaded, after the ones it uses."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("analysis", "dashboard")


def modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules `name` imports (`from pkg import sub` counts as importing `pkg.sub`)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + [base]
                ).strip(".")
            out |= {f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names}
    return {m for m in out if m in known and m != name}


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of `graph` (a list of modules, the first repeated at the end), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_cycle_finder_finds_a_circle():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_no_import_circles_among_analysis_and_dashboard_modules():
    found = modules()
    graph = {name: imports(name, path, set(found)) for name, path in found.items()}
    assert graph["dashboard.charts"] and "dashboard.state" not in graph["dashboard.charts"]
    assert "analysis.query.engine" in graph["analysis.query.counts"]
    assert cycle(graph) is None, " -> ".join(cycle(graph))


def test_no_page_reaches_into_the_store():
    found = modules()
    pages = [name for name in found if name.startswith("dashboard.app_pages.")]
    assert len(pages) >= 7
    for name in pages:
        used = imports(name, found[name], set(found))
        assert not {"analysis.store.tables", "analysis.query.engine", "analysis.query.sql"} & used, (
            name,
            used,
        )


# What each package of analysis/ may import besides the top-level helpers (settings, datafile): the data flow
# ingest -> extract -> store -> query, with knowledge (the KB and taxonomy helpers) and the CLI on top.
# The table contract (store.schema) is everyone's; the query side reads the taxonomy labels (extract.topics).
MAY_IMPORT = {
    "ingest": {"ingest", "store.schema"},
    "extract": {"extract", "ingest", "store.schema"},
    "store": {"store", "ingest", "extract"},
    "query": {"query", "store", "extract.topics"},
    "knowledge": {"knowledge", "ingest", "extract", "store", "query"},
}


def test_each_analysis_package_imports_only_what_comes_before_it_in_the_flow():
    found = modules()
    wrong = []
    for name, path in found.items():
        parts = name.split(".")
        if parts[0] != "analysis" or len(parts) < 3 or parts[1] not in MAY_IMPORT:
            continue
        allowed = MAY_IMPORT[parts[1]]
        for used in imports(name, path, set(found)):
            sub = used.split(".")[1:] if used.startswith("analysis.") else ["dashboard"]
            ok = (
                not sub
                or sub[0] in {"settings", "datafile"}
                or any(".".join(sub).startswith(a) for a in allowed)
            )
            if not ok:
                wrong.append(f"{name} -> {used}")
    assert not wrong, "imports against the data flow:\n" + "\n".join(wrong)
