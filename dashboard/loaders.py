"""Cached data access for the pages: the query engine over the data folder, and what it computes, cached
per data version and filter set (revisiting a view is instant). Nothing here draws a widget.

Every cached function takes the data folder and `stamp()` (the manifest's and the corrections file's
modification times) as its first arguments, so a rebuild or a correction is seen at once.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd
import streamlit as st

import analysis.query as aq
from analysis import settings
from analysis.query import engine, rows, threads, views
from analysis.query.filters import Filters
from analysis.store import tables as store


def data_dir() -> Path:
    return settings.get_path("data_dir")


def corrections_path() -> Path:
    return data_dir() / "corrections.jsonl"


def uploads_dir() -> Path:
    return data_dir() / "uploads"


def corpus_dirs() -> list[Path]:
    """The app's corpus: the configured corpus folder plus the uploads folder (once there is one)."""
    return [settings.get_path("corpus_dir")] + ([uploads_dir()] if uploads_dir().is_dir() else [])


def stamp() -> tuple[float, float]:
    """Modification times of the manifest and the corrections file: the cache key of the data."""

    def mtime(p: Path) -> float:
        return p.stat().st_mtime_ns if p.exists() else 0.0

    return mtime(data_dir() / store.MANIFEST), mtime(corrections_path())


@st.cache_resource(show_spinner=False, max_entries=4)
def query_layer(folder: str, key: tuple[float, float]) -> engine.Query:
    """The DuckDB query engine over `folder`'s Parquet files, the corrections applied to the statements."""
    return engine.Query(
        folder, corrections=Path(folder) / "corrections.jsonl", threads=threads.threads_for(folder)
    )


# Filters are hashed by their repr (a frozen dataclass of strings and tuples): Streamlit's generic hashing
# of a dataclass (by pickling) costs ~0.3 ms per cached call, a dozen times per page run.
BY_REPR = {Filters: repr}


@st.cache_resource(show_spinner=False, max_entries=8)
def catalog(folder: str, key: tuple[float, float]) -> views.Catalog:
    """Filter options and the actor colour ranking of the whole (unfiltered) corpus."""
    return rows.catalog(query_layer(folder, key))


@st.cache_resource(show_spinner=False, max_entries=64, hash_funcs=BY_REPR)
def summary(folder: str, key: tuple[float, float], filters: Filters) -> dict:
    """The filtered articles, sources, start and end: the source note of every page, from the articles
    alone (a page that does not show mentions or statements never filters them)."""
    return rows.article_summary(query_layer(folder, key), filters)


# cache_resource, not cache_data: cache_data would unpickle a copy of every frame on every hit. The frames
# are shared, so everything downstream treats them as read-only (the figure functions never mutate).
@st.cache_resource(show_spinner=False, max_entries=256, hash_funcs=BY_REPR)
def aggregated(
    folder: str,
    key: tuple[float, float],
    filters: Filters,
    func: str,
    options: tuple[tuple[str, object], ...],
) -> pd.DataFrame:
    """`analysis.query.<func>` of the filtered data, cached per data version, filters and options."""
    fn = getattr(aq, func, None)
    if fn is None:
        raise NotImplementedError(f"analysis.query has no function {func!r}")
    return fn(query_layer(folder, key), **dict(options), **asdict(filters))


@st.cache_resource(show_spinner=False, max_entries=32)
def article_tables(folder: str, key: tuple[float, float], article_id: str) -> dict[str, pd.DataFrame]:
    """`rows.article_tables`, cached per data version: the article a reader has open stays open while the
    filters change (read-only frames, as every cached table)."""
    return rows.article_tables(query_layer(folder, key), article_id)


@st.cache_resource(show_spinner=False, max_entries=4)
def whole_tables(folder: str, key: tuple[float, float], names: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """The named tables whole (no filters), cached per data version: for pages that read the corpus, not
    the filtered view (the Knowledge page's suggestions). Read-only frames."""
    q = query_layer(folder, key)
    return {name: q.filtered(name, None) for name in names}
