"""Dashboard benchmark (not a test): server-side time of one page run after a filter change.

Each page is run through Streamlit's AppTest (the script run, its cached loaders, the filters, the
aggregations, the figures and the serialisation of every element; no browser), once to warm the caches
that survive a filter change (the loaded tables or the query layer, the filter options), then once per
filter change over a cycle of typical changes, with the caches keyed by the filters (filtered tables,
aggregations, summary) cleared before each run, so every page pays for the change.

Each (corpus, code) runs in its own process, so that its peak memory (max RSS) is its own. Code: this
checkout (the one query engine, `analysis.query`, over the Parquet files), and with `--against DIR` another
checkout of Parquet-compatible code in the same run, e.g. the code before a change (`--against-engine`: the
`PARLEY_QUERY_ENGINE` values to run it with, for code that had two engines). Corpora: the built seed tables
(with `--seeds-data`) and generated tables (`bench_query.make_tables`: realistic rows per article, ~400
actors with a long tail, 40 outlets, dates across 2025), written as Parquet.

Reported per page: wall-clock median and p95 (ms), the process's CPU time per run (median; all threads,
what a busy machine distorts least), and per process its peak RSS. Targets: issue 6, median under 200 ms
at 2,000 articles; issue 7, p95 under 300 ms at 10k and under 1 s at 100k, peak memory under 2 GB at 100k.

Usage:
    python bench/bench_dashboard.py --seeds-data data --sizes 2000 10000 100000 --repeat 10 \\
        --against ../parley-before --against-engine auto --json dash.json
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# a child process runs the code of the checkout after --root (this one by default)
CODE = Path(sys.argv[sys.argv.index("--root") + 1]) if "--root" in sys.argv else ROOT
sys.path[:0] = [str(CODE), str(ROOT / "bench")]

from analysis.store import tables as store  # noqa: E402

PAGES = ["overview", "actors", "positions", "review", "timeline", "articles", "data", "briefing"]
STATE_KEYS = {
    "actors": "f_actors",
    "affiliations": "f_affiliations",
    "topics": "f_topics",
    "sources": "f_sources",
    "search": "f_search",
}


def widget_state(f: dict) -> dict:
    """The sidebar widgets' session state for the filter fields `f` (dates are left to their defaults)."""
    return {
        key: (f.get(name, "") if name == "search" else list(f.get(name, ())))
        for name, key in STATE_KEYS.items()
    }


def cycle(folder: Path) -> list:
    """Filter changes drawn from the data (with DuckDB, so the measured process stays lean): the busiest
    actors, topic, source and affiliation, two searches, combinations, and back to no filter."""
    import duckdb

    from analysis.query.filters import Filters

    def top(table: str, column: str, k: int) -> list[str]:
        path = str(folder / f"{table}.parquet").replace("'", "''")
        sql = (f"SELECT {column} FROM read_parquet('{path}') WHERE coalesce({column}, '') <> '' "
               f"GROUP BY {column} ORDER BY count(*) DESC, {column} LIMIT {k}")  # fmt: skip
        return [row[0] for row in duckdb.sql(sql).fetchall()]

    actors = top("mentions", "actor", 6) or [""]
    topic = top("topics", "topic", 1) or [""]
    source = top("articles", "source", 1) or [""]
    aff = top("mentions", "affiliation", 1) or [""]
    candidates = [
        Filters(actors=(actors[0],)),
        Filters(actors=tuple(actors[1:3])),
        Filters(topics=(topic[0],)),
        Filters(sources=(source[0],)),
        Filters(search="ceasefire"),
        Filters(actors=(actors[0],), topics=(topic[0],)),
        Filters(affiliations=(aff[0],)),
        Filters(actors=(actors[min(5, len(actors) - 1)],)),
        Filters(search="talks"),
        Filters(),
    ]
    return [f for f in candidates if "" not in f.actors + f.topics + f.sources + f.affiliations]


def _filter_caches() -> tuple:
    """The dashboard's caches keyed by the filters (of this checkout's code, or of older code)."""
    try:
        from dashboard import loaders

        return loaders.aggregated, loaders.summary
    except ImportError:  # code before dashboard/loaders.py
        from dashboard import state

        return state.filtered, state.aggregated, state.summary


def time_page(page: str, folder: Path, filters: list[dict], root: Path) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of each run of `page` after each filter change (warming run excluded)."""
    from streamlit.testing.v1 import AppTest

    os.environ["PARLEY_DATA_DIR"] = str(folder)
    at = AppTest.from_file(str(root / "dashboard" / "app.py"), default_timeout=600)
    at.run()
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py")
        at.run()
    wall, cpu = [], []
    for f in filters:
        for key, value in widget_state(f).items():
            at.session_state[key] = value
        # Every page pays for the filter change itself (filters, aggregations, summary), as the first
        # page shown after a change does; the loaded tables or the query layer stay, as in a server.
        for cache in _filter_caches():
            cache.clear()
        start, cpu_start = time.perf_counter(), time.process_time()
        at.run()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - cpu_start) * 1000)
        if at.exception:
            raise RuntimeError(f"{page}: {at.exception[0].value}")
    return wall, cpu


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def run_child(folder: Path, root: Path, engine: str, pages: list[str], filters: list[dict]) -> dict:
    """In this process: every page of the code in `root` (`engine`: its PARLEY_QUERY_ENGINE, for code
    that had two engines); timings, the setup (first run) and the peak RSS."""
    if engine:
        os.environ["PARLEY_QUERY_ENGINE"] = engine
    logging.disable(logging.WARNING)  # AppTest's "missing ScriptRunContext" noise
    out: dict = {"pages": {}}
    for page in pages:
        if page != "overview" and not (root / "dashboard" / "app_pages" / f"{page}.py").exists():
            continue  # a page the other checkout does not have yet ("–" in the table)
        wall, cpu = time_page(page, folder, filters, root)
        out["pages"][page] = {"median": statistics.median(wall), "p95": p95(wall),
                              "cpu_median": statistics.median(cpu), "runs": len(wall)}  # fmt: skip
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def bench(label: str, folder: Path, code: tuple[str, Path, str], pages: list[str], repeat: int) -> dict:
    """`pages` of the code (name, checkout, engine) on `folder`, in a process of its own."""
    name, root, setting = code
    filters = (cycle(folder) * repeat)[:repeat]
    payload = json.dumps([{k: getattr(f, k) for k in type(f).__dataclass_fields__} for f in filters])
    cmd = [sys.executable, __file__, "--child", str(folder), "--root", str(root), "--engine", setting,
           "--pages", *pages, "--filters", payload]  # fmt: skip
    start = time.perf_counter()
    child_env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=root, env=child_env)
    if proc.returncode:
        raise RuntimeError(f"{label} {name}: {proc.stderr[-2000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    counts = store.read_manifest(folder).get("counts", {})
    result |= {"corpus": label, "code": name, "articles": counts.get("articles"),
               "process_s": time.perf_counter() - start}  # fmt: skip
    for page, r in result["pages"].items():
        print(f"  {label:<15} {name:<12} {page:<10} median {r['median']:6.0f} ms   p95 {r['p95']:6.0f} ms   "
              f"CPU {r['cpu_median']:6.0f} ms", flush=True)  # fmt: skip
    print(f"  {label:<15} {name:<12} peak RSS {result['peak_mb']:,.0f} MB", flush=True)
    return result


def generated(n: int, work: Path) -> Path:
    """Generated tables of `n` articles (in a child process, so the parent stays small)."""
    folder = work / f"tables_{n}"
    code = ("import sys; sys.path[:0] = [sys.argv[1], sys.argv[1] + '/bench']\n"
            "from pathlib import Path\nfrom bench_query import RATES, make_tables\n"
            "from analysis.store import tables as store\n"
            "n = int(sys.argv[2]); tables = make_tables(n, RATES)\n"
            "store.write_tables(tables, Path(sys.argv[3]), "
            "{'counts': {k: len(v) for k, v in tables.items()}, 'generated': n})")  # fmt: skip
    subprocess.run([sys.executable, "-c", code, str(ROOT), str(n), str(folder)], check=True)
    return folder


def table(results: list[dict]) -> str:
    """The results as a Markdown table: median / p95 ms per page, peak RSS."""
    pages = [p for p in PAGES if any(p in r["pages"] for r in results)]
    lines = [
        "| corpus | code | " + " | ".join(pages) + " | peak RSS |",
        "|---|---|" + "---|" * (len(pages) + 1),
    ]
    for r in results:
        cells = [f"{r['pages'][p]['median']:.0f} / {r['pages'][p]['p95']:.0f}" if p in r["pages"] else "–"
                 for p in pages]  # fmt: skip
        lines.append(f"| {r['corpus']} | {r['code']} | " + " | ".join(cells) + f" | {r['peak_mb']:,.0f} MB |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds-data", type=Path, help="a data folder built from the seeds (e.g. data/)")
    p.add_argument("--sizes", type=int, nargs="*", default=[2000], help="generated corpora (articles)")
    p.add_argument("--against", type=Path, help="another checkout to run in the same run (e.g. the old code)")
    p.add_argument("--against-engine", nargs="+", default=[""], help="its PARLEY_QUERY_ENGINE values, if any")
    p.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    p.add_argument("--engine", default="", help=argparse.SUPPRESS)
    p.add_argument("--pages", nargs="+", choices=PAGES, default=PAGES)
    p.add_argument("--repeat", type=int, default=10, help="filter changes per page")
    p.add_argument("--json", type=Path)
    p.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--filters", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(run_child(args.child, args.root, args.engine, args.pages, json.loads(args.filters))))
        return 0
    results = []
    work = Path(tempfile.mkdtemp(prefix="parley-dbench-"))
    try:
        corpora = [("seeds", args.seeds_data)] if args.seeds_data else []
        for n in args.sizes:
            start = time.perf_counter()
            corpora.append((f"{n:,} articles", generated(n, work)))
            print(f"generated {n:,} articles in {time.perf_counter() - start:.0f} s", flush=True)
        codes = [("this", ROOT, "")]
        if args.against:
            codes += [(f"against {e}".strip(), args.against.resolve(), e) for e in args.against_engine]
        for label, folder in corpora:
            for code in codes:
                results.append(bench(label, folder, code, args.pages, args.repeat))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\n" + table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
