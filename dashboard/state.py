"""Cached loaders, the global filters (sidebar widgets mirrored in the URL) and the page context.

Session state holds the widget values (so filters survive page switches); the URL's query parameters
are written from them on every run, and read back only when a session starts, so a copied address
reproduces the exact view.
"""

from __future__ import annotations

import atexit
import datetime as dt
import gc
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis import affiliation, positions, query, query_views, schema, settings, store, views
from analysis.filters import (
    Filters,
    RowKeys,
    apply_filters,
    describe,
    filters_from_query,
    filters_to_query,
    row_count,
)
from dashboard import style

KEYS = {
    "actors": "f_actors",
    "affiliations": "f_affiliations",
    "topics": "f_topics",
    "sources": "f_sources",
    "dates": "f_dates",
    "search": "f_search",
}


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


def engine() -> str:
    """'pandas' or 'duckdb' for the current data folder (setting `query_engine`; auto: by corpus size)."""
    return _engine(
        str(data_dir()), stamp(), settings.get("query_engine"), settings.get("duckdb_min_articles")
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def _engine(folder: str, key: tuple[float, float], choice: str, min_articles: str) -> str:
    return query.choose_engine(Path(folder), choice, int(min_articles))


# cache_resource, not cache_data: cache_data would unpickle a copy of every table on every hit (about
# 100 ms even for five articles). The frames are shared, so everything downstream must treat them as
# read-only, which the analysis functions already promise (they never mutate their inputs).
@st.cache_resource(show_spinner=False, max_entries=4)
def load(folder: str, key: tuple[float, float]) -> dict[str, pd.DataFrame]:
    """All tables of `folder`, with the analyst's corrections applied (cache keyed by `key`), plus two
    derived once here rather than after every filter change: who acts for whom, settled over all mentions
    (`analysis.affiliation`, so filtering never changes it), and the statements view the position charts
    start from (`positions.with_view`)."""
    tables = views.with_corrections(store.load_tables(Path(folder)), Path(folder) / "corrections.jsonl")
    tables = positions.with_view(affiliation.with_table(tables))
    _settle_heap()
    return tables


atexit.register(gc.unfreeze)  # at exit, collect them as usual (DuckDB's bindings check for leaks)


def _settle_heap() -> None:
    """Exempt what is alive now (the modules, the loaded tables) from Python's full garbage collections.

    A full collection walks every tracked object, ~160 ms with the tables of 2,000 articles loaded,
    and lands on a random page run after a filter change; frozen objects are still freed by reference
    counting when no longer used; only cycles among them wait for the end of the process.
    """
    gc.collect()
    gc.freeze()


@st.cache_resource(show_spinner=False, max_entries=4)
def query_layer(folder: str, key: tuple[float, float]) -> query.Query:
    """The DuckDB query layer over `folder`'s Parquet files, the corrections applied to the statements."""
    threads = query.threads_for(folder)
    return query.Query(folder, corrections=Path(folder) / "corrections.jsonl", threads=threads)


@st.cache_resource(show_spinner=False, max_entries=4)
def row_keys(folder: str, key: tuple[float, float]) -> RowKeys:
    """Integer article and sentence keys of the cached tables, so a filter change compares integers."""
    return RowKeys(load(folder, key))


# Filters are hashed by their repr (a frozen dataclass of strings and tuples): Streamlit's generic hashing
# of a dataclass (by pickling) costs ~0.3 ms per cached call, a dozen times per page run.
BY_REPR = {Filters: repr}


@st.cache_resource(show_spinner=False, max_entries=64, hash_funcs=BY_REPR)
def filtered(folder: str, key: tuple[float, float], filters: Filters) -> dict[str, pd.DataFrame]:
    """`apply_filters` on the cached tables, each table filtered when a page first reads it; cached per
    filter set so going back is instant."""
    return apply_filters(load(folder, key), filters, keys=row_keys(folder, key), lazy=True)


def catalog(folder: str, key: tuple[float, float], mode: str | None = None) -> views.Catalog:
    """Filter options and the actor colour ranking of the whole (unfiltered) corpus."""
    return _catalog(folder, key, mode or engine())


@st.cache_resource(show_spinner=False, max_entries=8)
def _catalog(folder: str, key: tuple[float, float], mode: str) -> views.Catalog:
    if mode == "duckdb":
        return query_views.catalog(query_layer(folder, key))
    return views.catalog(load(folder, key))


@st.cache_resource(show_spinner=False, max_entries=64, hash_funcs=BY_REPR)
def summary(folder: str, key: tuple[float, float], filters: Filters, mode: str = "pandas") -> dict:
    """The filtered articles, sources, start and end: the source note of every page, from the articles
    alone (a page that does not show mentions or statements never filters them)."""
    if mode == "duckdb":
        return query_views.article_summary(query_layer(folder, key), filters)
    return views.article_summary(filtered(folder, key, filters))


@st.cache_resource(show_spinner=False, max_entries=256, hash_funcs=BY_REPR)
def aggregated(
    folder: str,
    key: tuple[float, float],
    filters: Filters,
    module: str,
    func: str,
    options: tuple[tuple[str, object], ...],
    mode: str = "pandas",
) -> pd.DataFrame | None:
    """An aggregation of the filtered data, cached per data version, filters, options and engine: the
    pandas function on the filtered tables, or its twin of the same name in `analysis.query` (DuckDB)."""
    from dashboard.charts import aggregate

    if mode == "duckdb":
        fn = getattr(query, func, None)
        if fn is None:
            raise NotImplementedError(f"analysis.query has no twin of analysis.{module}.{func}")
        return fn(query_layer(folder, key), **dict(options), **_kw(filters))
    return aggregate(module, func, filtered(folder, key, filters), **dict(options))


def _kw(f: Filters) -> dict:
    return {name: getattr(f, name) for name in Filters.__dataclass_fields__}


class NotLoaded(dict):
    """Stands for the tables in DuckDB mode, where they are not loaded: any access says what to use."""

    def __getitem__(self, name):
        raise RuntimeError(
            f"table {name!r} is not loaded (DuckDB mode): use ctx.rows(), ctx.view() or charts.agg()"
        )


@dataclass(frozen=True)
class Context:
    """What every page needs: the data (tables in pandas mode, the query layer in DuckDB mode), the
    filters and presentation helpers. Pages read data only through `agg` (charts), `view`, `rows`,
    `counts` and `article_tables`, which work the same in both modes."""

    all: dict[str, pd.DataFrame]
    tables: dict[str, pd.DataFrame]
    filters: Filters
    folder: str
    key: tuple[float, float]
    colors: dict[str, str]
    labels: dict[str, str]
    note: str
    subtitle: str
    engine: str = "pandas"
    summary: dict | None = None

    @property
    def kw(self) -> dict:
        """The filter fields as keyword arguments for the aggregation functions."""
        return _kw(self.filters)

    @property
    def q(self) -> query.Query:
        return query_layer(self.folder, self.key)

    def view(self, name: str, *args, **kwargs):
        """`analysis.views.<name>` of the filtered tables, or its twin in `analysis.query_views`."""
        if self.engine == "duckdb":
            return getattr(query_views, name)(self.q, self.filters, *args, **kwargs)
        if name == "with_article_meta":
            return views.with_article_meta(*args, self.tables, **kwargs)
        return getattr(views, name)(self.tables, *args, **kwargs)

    def rows(self, table: str, limit: int | None = None) -> pd.DataFrame:
        """The filtered rows of `table` (the first `limit`)."""
        if self.engine == "duckdb":
            return self.q.filtered(table, self.filters, limit=limit)
        frame = self.tables[table]
        return frame.head(limit) if limit is not None else frame

    def corpus_summary(self) -> dict:
        """`views.corpus_summary` of the filtered data (its twin in DuckDB mode): the page's article part
        (`summary`) plus `row_summary`."""
        if self.summary is None:
            return self.view("corpus_summary")
        return self.summary | self.view("row_summary")

    def counts(self, tables: list[str]) -> dict[str, int]:
        """The filtered number of rows of each of `tables` (in pandas mode without copying the rows)."""
        if self.engine == "duckdb":
            return self.q.counts(tables, self.filters)
        return {name: row_count(self.tables, name) for name in tables}

    @property
    def table_names(self) -> list[str]:
        return (
            list(schema.TABLES) if self.engine == "duckdb" else [n for n in self.tables if n in schema.TABLES]
        )

    def article_tables(self, article_id: str) -> dict[str, pd.DataFrame]:
        """Every table's rows about one article, unfiltered (for the article reader)."""
        if self.engine == "duckdb":
            return _article_tables(self.folder, self.key, article_id)
        return self.all


@st.cache_resource(show_spinner=False, max_entries=32)
def _article_tables(folder: str, key: tuple[float, float], article_id: str) -> dict[str, pd.DataFrame]:
    """`query_views.article_tables`, cached per data version: the article a reader has open stays open
    while the filters change (read-only frames, as every cached table)."""
    return query_views.article_tables(query_layer(folder, key), article_id)


def context() -> Context:
    """The page context for the current filters (read from the sidebar widgets' session state)."""
    folder, key, mode = str(data_dir()), stamp(), engine()
    cat = catalog(folder, key, mode)
    f = current_filters(cat)
    numbers = summary(folder, key, f, mode)
    note = style.source_note(numbers["articles"], numbers["sources"], numbers["start"], numbers["end"])
    if mode == "duckdb":
        everything = shown = NotLoaded()
    else:
        everything, shown = load(folder, key), filtered(folder, key, f)
    return Context(
        everything,
        shown,
        f,
        folder,
        key,
        style.actor_colors(cat.actors),
        cat.topic_labels,
        note,
        describe(f),
        mode,
        numbers,
    )


def _init_from_query(cat: views.Catalog) -> None:
    """On a session's first run, seed the widgets from the URL (dropping values the corpus lacks)."""
    if st.session_state.get("_filters_seeded"):
        return
    st.session_state["_filters_seeded"] = True
    f = filters_from_query(st.query_params.to_dict())
    dates = (_date(f.start) or cat.first, _date(f.end) or cat.last)
    seeds = {
        "actors": [a for a in f.actors if a in cat.actors],
        "affiliations": [a for a in f.affiliations if a in cat.affiliations],
        "topics": [t for t in f.topics if t in cat.topics],
        "sources": [s for s in f.sources if s in cat.sources],
        "search": f.search,
        "dates": dates if cat.first and cat.last else (),
    }
    for name, value in seeds.items():
        # setdefault: a new session has no widget state, so the URL decides; tests may preset state
        st.session_state.setdefault(KEYS[name], value)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def sidebar() -> Filters:
    """Draw the global filters in the sidebar, mirror them in the URL and return them."""
    cat = catalog(str(data_dir()), stamp(), engine())
    _init_from_query(cat)
    with st.sidebar:
        st.subheader("Filters")
        st.multiselect("Actors", cat.actors, key=KEYS["actors"], placeholder="All actors")
        st.multiselect(
            "Acting for",
            cat.affiliations,
            key=KEYS["affiliations"],
            placeholder="Any affiliation",
            help="Everyone acting for these states or blocs (e.g. a minister for their state)",
        )
        st.multiselect(
            "Topics",
            cat.topics,
            key=KEYS["topics"],
            format_func=lambda t: cat.topic_labels.get(t, t),
            placeholder="All topics",
        )
        st.multiselect("Sources", cat.sources, key=KEYS["sources"], placeholder="All sources")
        if cat.first and cat.last and cat.first < cat.last:
            st.date_input("Published between", min_value=cat.first, max_value=cat.last, key=KEYS["dates"])
        st.text_input("Search sentences", key=KEYS["search"], placeholder="words in the text")
        st.button("Clear filters", on_click=clear_filters, width="stretch")
    f = current_filters(cat)
    st.query_params.from_dict(filters_to_query(f))
    return f


def current_filters(cat: views.Catalog) -> Filters:
    """The Filters the sidebar widgets hold (affiliations are the chosen names that are affiliations)."""
    ss = st.session_state
    dates = ss.get(KEYS["dates"]) or ()
    dates = tuple(dates) if isinstance(dates, (tuple, list)) else (dates,)  # a half-picked range is one date
    start = dates[0].isoformat() if len(dates) >= 1 and dates[0] != cat.first else None
    end = dates[1].isoformat() if len(dates) == 2 and dates[1] != cat.last else None
    return Filters(
        actors=tuple(ss.get(KEYS["actors"]) or ()),
        affiliations=tuple(ss.get(KEYS["affiliations"]) or ()),
        topics=tuple(ss.get(KEYS["topics"]) or ()),
        sources=tuple(ss.get(KEYS["sources"]) or ()),
        start=start,
        end=end,
        search=(ss.get(KEYS["search"]) or "").strip(),
    )


def clear_filters() -> None:
    for name in ("actors", "affiliations", "topics", "sources", "search"):
        st.session_state[KEYS[name]] = "" if name == "search" else []
    cat = catalog(str(data_dir()), stamp(), engine())
    st.session_state[KEYS["dates"]] = (cat.first, cat.last) if cat.first and cat.last else ()


def add_filter(name: str, value: str) -> None:
    """Widget callback: add `value` to filter `name` (a click on a bar or cell drills down)."""
    key = KEYS[name]
    current = list(st.session_state.get(key) or [])
    if value not in current:
        st.session_state[key] = current + [value]
