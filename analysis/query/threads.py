"""How many DuckDB threads a dashboard query gets (the `duckdb_threads` setting), from the corpus size."""

from __future__ import annotations

from pathlib import Path


def article_count(folder: Path | str) -> int:
    """Articles in the data folder: from the manifest's counts, else the Parquet file's metadata (no
    table is read)."""
    from analysis.store import tables as store

    counts = store.read_manifest(Path(folder)).get("counts") or {}
    if isinstance(counts.get("articles"), int):
        return counts["articles"]
    path = Path(folder) / "articles.parquet"
    if not path.exists():
        return 0
    import pyarrow.parquet as pq

    return int(pq.read_metadata(path).num_rows)


ONE_THREAD_BELOW = 50_000  # articles: below, a dashboard query runs on one DuckDB thread (`threads_for`)


def threads_for(folder: Path | str, choice: str | None = None) -> int | None:
    """DuckDB threads per dashboard query from the `duckdb_threads` setting: a number, 0 (None: DuckDB's
    one per core) or auto: one below `ONE_THREAD_BELOW` articles, where a page's queries are small and took
    0.81-0.97x the wall time on one thread as on two (bench/bench_query.py --cores, 10,000 articles), one per
    core from there, where scans pay (0.65-0.77x the wall time of one thread at 100,000)."""
    from analysis import settings

    choice = (choice if choice is not None else settings.get("duckdb_threads")).strip().lower()
    if choice == "auto":
        return 1 if article_count(folder) < ONE_THREAD_BELOW else None
    try:
        return int(choice) or None
    except ValueError:
        raise ValueError(
            f"setting duckdb_threads ({settings.env_var('duckdb_threads')}) must be auto or a whole number; "
            f"got {choice!r}"
        ) from None
