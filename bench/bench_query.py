"""Dashboard query benchmark (not a test): server-side time to compute what each page shows after a
filter change, at 10k and 100k articles, through the query engine (`analysis.query`).

Tables are generated directly (realistic row counts per article, actors with a long-tailed frequency,
~40 sources, dates across 2025, sentence text from the seeds), written as Parquet, then each variant runs
in its own process so its peak memory (max RSS) is its own. Each page's queries run once per filter change
over a cycle of typical changes (an actor, two actors, a topic, a source, a date range, a search, ...).

Each variant first runs every page once unfiltered (reported as `first run`: the engine builds its
keyed and fact tables then, once per data version), then the timed filter changes. `--mem` also times
the engine with the tables loaded into DuckDB's memory instead of read from the Parquet files. `duckdb`
runs its queries on the threads the app gives them (`duckdb_threads`: auto, one thread below 50,000
articles); `--cores` also times them on DuckDB's default of one thread per core (`duckdb-cores`).

Usage:
    python bench/bench_query.py --sizes 10000 100000 --cores [--repeat 20] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import analysis.query as query  # noqa: E402
from analysis.query import rows  # noqa: E402
from analysis.query import threads as query_threads  # noqa: E402
from analysis.query.filters import Filters  # noqa: E402
from analysis.store import schema  # noqa: E402
from analysis.store import tables as store  # noqa: E402
from dashboard.figures_positions import NETWORK_NODES  # noqa: E402

# rows per article, from builds of generated articles (~415 words); override with --calibrate DATA_DIR
RATES = {
    "sentences": 20.0,
    "mentions": 30.0,
    "topics": 15.0,
    "statements": 20.0,
    "events": 2.0,
    "time_expressions": 4.0,
}
SOURCES = [f"Outlet {i:02d}" for i in range(40)]
STANCES, STANCE_P = np.array(["support", "oppose", "neutral"]), [0.3, 0.25, 0.45]


def vocabulary() -> dict:
    actors = yaml.safe_load((ROOT / "analysis" / "data" / "actors.yaml").read_text(encoding="utf-8"))
    actors = actors.get("actors", actors) if isinstance(actors, dict) else actors
    topics = yaml.safe_load((ROOT / "analysis" / "data" / "topics.yaml").read_text(encoding="utf-8"))[
        "topics"
    ]
    pool = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        pool += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 6]
    return {
        "actors": [a["name"] for a in actors],
        "types": [a.get("type", "") for a in actors],
        "affiliations": [a.get("affiliation") or a["name"] for a in actors],
        "topics": [t["id"] for t in topics],
        "pool": np.array(pool, dtype=object),
    }


def _rows(rng, n_articles: int, rate: float) -> tuple[np.ndarray, np.ndarray]:
    """(article index, row index within the article) for Poisson(rate) rows per article."""
    k = rng.poisson(rate, n_articles)
    art = np.repeat(np.arange(n_articles), k)
    starts = np.repeat(np.cumsum(k) - k, k)
    return art, np.arange(len(art)) - starts


def make_tables(n: int, rates: dict, seed: int = 11) -> dict[str, pd.DataFrame]:
    rng, v = np.random.default_rng(seed), vocabulary()
    ids = np.array([f"{i:016x}" for i in range(n)], dtype=object)
    days = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    published = np.where(rng.random(n) < 0.05, "", days.strftime("%Y-%m-%d"))
    pool, npool = v["pool"], len(v["pool"])
    articles = pd.DataFrame(
        {
            "article_id": ids,
            "file": [f"corpus.jsonl#{i}" for i in range(n)],
            "title": pool[rng.integers(0, npool, n)],
            "source": np.array(SOURCES, dtype=object)[rng.integers(0, len(SOURCES), n)],
            "url": "",
            "published": published,
            "published_from": "metadata",
            "published_reason": "",
            "byline": "",
            "n_words": rng.integers(200, 900, n),
            "meta": "",
            "text": [" ".join(pool[rng.integers(0, npool, 6)]) for _ in range(n)],
        }
    )
    weights = 1 / np.arange(1, len(v["actors"]) + 1) ** 1.1  # a few actors dominate, as in the news
    weights /= weights.sum()
    tables = {"articles": articles}
    art, sid = _rows(rng, n, rates["sentences"])
    tables["sentences"] = pd.DataFrame(
        {
            "article_id": ids[art],
            "sentence_id": sid,
            "start_char": sid * 120,
            "end_char": sid * 120 + 110,
            "text": pool[rng.integers(0, npool, len(art))],
        }
    )
    for name in ("mentions", "topics", "statements", "events", "time_expressions"):
        art, _ = _rows(rng, n, rates[name])
        m = len(art)
        actor = rng.choice(len(v["actors"]), m, p=weights)
        base = {"article_id": ids[art], "sentence_id": rng.integers(0, max(int(rates["sentences"]), 1), m)}
        names = np.array(v["actors"], dtype=object)[actor]
        topic = np.array(v["topics"], dtype=object)[rng.integers(0, len(v["topics"]), m)]
        if name == "mentions":
            base |= {
                "actor": names,
                "actor_type": np.array(v["types"], dtype=object)[actor],
                "affiliation": np.array(v["affiliations"], dtype=object)[actor],
                "surface": names,
                "start_char": rng.integers(0, 5000, m),
                "end_char": rng.integers(0, 5000, m),
                "linked": True,
            }
        elif name == "topics":
            base |= {"topic": topic, "terms": "term"}
        elif name == "statements":
            base |= {
                "statement_id": [f"s{i:015x}" for i in range(m)],
                "actor": names,
                "topic": topic,
                "stance": rng.choice(STANCES, m, p=STANCE_P),
                "confidence": rng.random(m),
                "cue": "",
                "evidence": pool[rng.integers(0, npool, m)],
                "origin": "auto",
            }
        elif name == "events":
            date = (pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365, m), unit="D")).strftime(
                "%Y-%m-%d"
            )
            base |= {
                "event_id": [f"e{i:015x}" for i in range(m)],
                "date": date,
                "date_precision": "day",
                "time_expression": "on Monday",
                "actors": names + "; " + names[::-1],
                "topics": topic,
                "evidence": pool[rng.integers(0, npool, m)],
                "background": False,
            }
        else:
            base |= {
                "expression": "on Monday",
                "kind": "weekday",
                "date": "2025-05-05",
                "date_precision": "day",
                "anchor": "published",
                "start_char": 0,
                "end_char": 9,
            }
        tables[name] = pd.DataFrame(base)
    return tables


def filter_cycle(folder: Path) -> list[Filters]:
    """Typical filter changes: the busiest actors and topic, a source, a month, a search, combinations.
    Picked with DuckDB so that picking them does not weigh on the measured process's memory."""
    import duckdb

    def top(table: str, column: str, k: int) -> list[str]:
        sql = (f"SELECT {column} FROM read_parquet('{folder / table}.parquet') WHERE {column} <> '' "
               f"GROUP BY {column} ORDER BY count(*) DESC, {column} LIMIT {k}")  # fmt: skip
        return [row[0] for row in duckdb.sql(sql).fetchall()]

    actors, topic, aff = (
        top("mentions", "actor", 6),
        top("topics", "topic", 1)[0],
        top("mentions", "affiliation", 1)[0],
    )
    return [
        Filters(),
        Filters(actors=(actors[0],)),
        Filters(actors=tuple(actors[1:3])),
        Filters(topics=(topic,)),
        Filters(sources=(SOURCES[3],)),
        Filters(start="2025-03-01", end="2025-03-31"),
        Filters(search="ceasefire"),
        Filters(actors=(actors[0],), topics=(topic,)),
        Filters(affiliations=(aff,)),
        Filters(actors=(actors[5],), start="2025-06-01"),
    ]


def kw(f: Filters) -> dict:
    return {k: getattr(f, k) for k in Filters.__dataclass_fields__}


def _first_article_tables(q, f: Filters) -> dict | None:
    listed = rows.article_list(q, f, limit=2000)
    return rows.article_tables(q, listed["article_id"].iloc[0]) if len(listed) else None


def _matrix_and_network(matrix: pd.DataFrame) -> list[pd.DataFrame]:
    """The heatmap's matrix and the network the page derives from it."""
    return [matrix, query.agreement_from_matrix(matrix, top=NETWORK_NODES)]


def _topic_over_time(q, f: Filters):
    topics = rows.catalog_topics(q, f)  # the page's topic picker, then its chart
    return query.positions_over_time(q, freq="W", topic=topics[0] if topics else TOPIC, **kw(f))


def engine_threads(folder: Path) -> int | None:
    return query_threads.threads_for(folder)


DUCK_PAGES = {  # what each page of the app asks the query engine for (dashboard/app_pages)
    "overview": lambda q, f: [
        rows.article_summary(q, f),  # every page's source note
        rows.row_summary(q, f),
        query.coverage_over_time(q, by="source", **kw(f)),
        query.mentions_by_actor(q, **kw(f)),
        query.topic_share_by_source(q, **kw(f)),
        q.filtered("problems", f),
    ],
    "actors": lambda q, f: [
        rows.article_summary(q, f),
        query.mentions_by_actor(q, **kw(f)),
        query.mentions_by_actor_source(q, **kw(f)),
        query.mentions_by_actor_day(q, **kw(f)),
    ],
    "positions": lambda q, f: [
        rows.article_summary(q, f),
        *_matrix_and_network(query.position_matrix(q, **kw(f))),
        _topic_over_time(q, f),
    ],
    "timeline": lambda q, f: [
        rows.article_summary(q, f),
        query.events_in_order(q, latest=1500, **kw(f)),
        query.coverage_over_time(q, by="source", **kw(f)),
        query.actor_first_last(q, **kw(f)),
        rows.unresolved_times(q, f, limit=1000),
    ],
    "articles": lambda q, f: [
        rows.article_summary(q, f),
        _first_article_tables(q, f),
    ],
    "data": lambda q, f: [  # the picker's counts, then the table it opens on
        rows.article_summary(q, f),
        q.counts(list(schema.TABLES), f),
        q.filtered("statements", f, limit=1000),
    ],
}
ENGINES = ("duckdb", "duckdb-cores", "duckdb-mem")
TOPIC = "ceasefire"  # the topic of the positions-over-time chart


def run_engine(engine: str, folder: Path, repeat: int) -> dict:
    """Time every page after each filter change: wall and CPU ms per page, setup seconds, peak RSS (MB).

    CPU time (this process, DuckDB's threads included) is what a busy machine distorts least."""
    cycle = filter_cycle(folder)
    start = time.perf_counter()
    threads = None if engine == "duckdb-cores" else engine_threads(folder)  # as the app
    q = query.Query(folder, materialize=engine == "duckdb-mem", threads=threads)
    setup = time.perf_counter() - start
    start = time.perf_counter()  # a first unfiltered run of every page, as the app's first visit (which
    for page in DUCK_PAGES:  # builds the fact tables once per data version), not timed per page
        DUCK_PAGES[page](q, Filters())
    first = time.perf_counter() - start
    times: dict[str, list[float]] = {page: [] for page in DUCK_PAGES}
    cpu: dict[str, list[float]] = {page: [] for page in DUCK_PAGES}
    for i in range(repeat):
        f = cycle[i % len(cycle)]
        for page in DUCK_PAGES:
            t0, c0 = time.perf_counter(), time.process_time()
            DUCK_PAGES[page](q, f)
            times[page].append((time.perf_counter() - t0) * 1000)
            cpu[page].append((time.process_time() - c0) * 1000)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"setup_s": setup, "first_s": first, "peak_mb": peak, "ms": times, "cpu_ms": cpu}


def summarise(result: dict, key: str = "ms") -> dict:
    out = {}
    for page, ms in result[key].items():
        ordered = sorted(ms)
        out[page] = {
            "median": statistics.median(ms),
            "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
        }
    return out


def bench_size(n: int, work: Path, engines: list[str], repeat: int, rates: dict) -> dict:
    folder = work / f"tables_{n}"
    start = time.perf_counter()
    # in a child process: a forked engine process would otherwise start with this one's peak RSS (Linux
    # keeps ru_maxrss across exec), i.e. report the generated pandas tables as its own memory
    cmd = [
        sys.executable,
        __file__,
        "--generate",
        str(n),
        "--folder",
        str(folder),
        "--rates",
        json.dumps(rates),
    ]
    subprocess.run(cmd, check=True)
    rows = store.read_manifest(folder)["counts"]
    out = {"articles": n, "rows": rows, "generate_s": time.perf_counter() - start}
    for engine in engines:
        cmd = [sys.executable, __file__, "--engine", engine, "--folder", str(folder), "--repeat", str(repeat)]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        keep = {k: result[k] for k in ("setup_s", "first_s", "peak_mb")}
        out[engine] = keep | {"pages": summarise(result), "cpu": summarise(result, "cpu_ms")}
    return out


def calibrated(folder: Path | None) -> dict:
    if folder is None:
        return RATES
    counts_ = store.read_manifest(folder)["counts"]
    return {name: counts_[name] / max(counts_["articles"], 1) for name in RATES}


def report(results: list[dict]) -> None:
    for r in results:
        print(f"\n{r['articles']:,} articles: " + ", ".join(f"{k} {v:,}" for k, v in r["rows"].items()))
        for engine in ENGINES:
            if engine in r:
                e = r[engine]
                pages = "  ".join(f"{p} {v['median']:.0f}/{v['p95']:.0f}" for p, v in e["pages"].items())
                head = (f"  {engine:<12} setup {e['setup_s']:.1f} s, first run {e['first_s']:.1f} s, "
                        f"peak {e['peak_mb']:,.0f} MB")  # fmt: skip
                print(f"{head}; ms median/p95: {pages}")
                cpu = "  ".join(f"{p} {v['median']:.0f}/{v['p95']:.0f}" for p, v in e["cpu"].items())
                print(f"  {'':<12} CPU ms median/p95: {cpu}")


def engines(n: int, args: argparse.Namespace) -> list[str]:
    return [
        "duckdb",
        *(["duckdb-cores"] if args.cores else []),
        *(["duckdb-mem"] if args.mem else []),
    ]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--repeat", type=int, default=20, help="filter changes per page (default 20)")
    p.add_argument(
        "--calibrate", type=Path, help="a built data folder: take rows per article from its manifest"
    )
    p.add_argument("--mem", action="store_true", help="also time DuckDB with the tables loaded into memory")
    p.add_argument(
        "--cores", action="store_true", help="also time DuckDB on a thread per core (baseline of the setting)"
    )
    p.add_argument("--json", type=Path)
    p.add_argument("--engine", choices=ENGINES, help=argparse.SUPPRESS)
    p.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    p.add_argument("--rates", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.generate:  # child process: generate and write the tables
        tables = make_tables(args.generate, json.loads(args.rates))
        counts_ = {name: len(frame) for name, frame in tables.items()}
        store.write_tables(tables, args.folder, {"generated": args.generate, "counts": counts_})
        return 0
    if args.engine:  # child process: one engine, its own peak memory
        print(json.dumps(run_engine(args.engine, args.folder, args.repeat)))
        return 0
    work = Path(tempfile.mkdtemp(prefix="parley-qbench-"))
    try:
        rates = calibrated(args.calibrate)
        results = [bench_size(n, work, engines(n, args), args.repeat, rates) for n in args.sizes]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
