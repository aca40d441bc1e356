"""Dashboard benchmark (not a test): server-side time of one page run after a filter change.

Each page is run through Streamlit's AppTest (the script run, its cached loaders, `apply_filters`, the
aggregations, the figures and the serialisation of every element; no browser), once to warm the table
cache and then once per filter change over a cycle of typical changes, with the filtered-table and
aggregation caches cleared before each run, so every page pays for the change. Corpora: the built
seed tables (if a data folder is given) and generated tables of 2,000 articles (`bench_query.make_tables`,
realistic rows per article). Target: under 200 ms per page run at 2,000 articles.

Usage:
    python bench/bench_dashboard.py [--seeds-data data] [--sizes 2000] [--repeat 10] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from streamlit.testing.v1 import AppTest  # noqa: E402

from analysis import store  # noqa: E402
from analysis.filters import Filters  # noqa: E402
from dashboard import state  # noqa: E402

APP = str(ROOT / "dashboard" / "app.py")
PAGES = ["overview", "actors", "positions", "timeline", "articles", "data", "briefing"]
STATE_KEYS = {
    "actors": "f_actors",
    "affiliations": "f_affiliations",
    "topics": "f_topics",
    "sources": "f_sources",
    "search": "f_search",
}


def widget_state(f: Filters) -> dict:
    """The sidebar widgets' session state for `f` (dates are left to their defaults)."""
    return {
        key: (getattr(f, name) if name == "search" else list(getattr(f, name)))
        for name, key in STATE_KEYS.items()
    }


def cycle(folder: Path) -> list[Filters]:
    """Filter changes drawn from the data: top actors, a topic, a source, a search, combinations."""
    t = store.load_tables(folder)
    actors = t["mentions"]["actor"].value_counts().index.tolist()
    topic = t["topics"]["topic"].value_counts().index[0]
    source = (t["articles"]["source"].value_counts().index.tolist() or [""])[0]
    aff = t["mentions"]["affiliation"].value_counts().index[0]
    return [
        f
        for f in [
            Filters(actors=(actors[0],)),
            Filters(actors=tuple(actors[1:3])),
            Filters(topics=(topic,)),
            Filters(sources=(source,)) if source else None,
            Filters(search="ceasefire"),
            Filters(actors=(actors[0],), topics=(topic,)),
            Filters(affiliations=(aff,)),
            Filters(actors=(actors[min(5, len(actors) - 1)],)),
            Filters(search="talks"),
            Filters(),
        ]
        if f is not None
    ]


def time_page(page: str, folder: Path, filters: list[Filters]) -> list[float]:
    """Milliseconds of each run of `page` after each filter change (first, warming run excluded)."""
    os.environ["PARLEY_DATA_DIR"] = str(folder)
    at = AppTest.from_file(APP, default_timeout=600)
    at.run()
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py")
        at.run()
    times = []
    for f in filters:
        for key, value in widget_state(f).items():
            at.session_state[key] = value
        # Every page pays for the filter change itself (apply_filters and the aggregations), as the first
        # page shown after a change does; the stored tables stay loaded, as in a running server.
        state.filtered.clear()
        state.aggregated.clear()
        start = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - start) * 1000)
        if at.exception:
            raise RuntimeError(f"{page}: {at.exception[0].value}")
    return times


def bench_folder(label: str, folder: Path, repeat: int) -> dict:
    filters = (cycle(folder) * repeat)[:repeat]
    counts = store.read_manifest(folder).get("counts", {})
    out = {"corpus": label, "articles": counts.get("articles"), "pages": {}}
    for page in PAGES:
        times = time_page(page, folder, filters)
        out["pages"][page] = {
            "median": statistics.median(times),
            "p95": sorted(times)[int(0.95 * (len(times) - 1))],
        }
        print(
            f"  {label:<12} {page:<10} median {out['pages'][page]['median']:6.0f} ms   "
            f"p95 {out['pages'][page]['p95']:6.0f} ms",
            flush=True,
        )
    return out


def generated(n: int, work: Path) -> Path:
    from bench_query import RATES, make_tables

    folder = work / f"tables_{n}"
    tables = make_tables(n, RATES)
    store.write_tables(tables, folder, {"counts": {k: len(v) for k, v in tables.items()}, "generated": n})
    return folder


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds-data", type=Path, help="a data folder built from the seeds (e.g. data/)")
    p.add_argument("--sizes", type=int, nargs="*", default=[2000])
    p.add_argument("--repeat", type=int, default=10, help="filter changes per page")
    p.add_argument("--json", type=Path)
    args = p.parse_args(argv)
    logging.disable(logging.WARNING)  # AppTest's "missing ScriptRunContext" noise
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.seeds_data:
            results.append(bench_folder("seeds", args.seeds_data, args.repeat))
        for n in args.sizes:
            results.append(bench_folder(f"{n:,} articles", generated(n, Path(tmp)), args.repeat))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
