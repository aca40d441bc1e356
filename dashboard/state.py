"""Cached loaders, the global filters (sidebar widgets mirrored in the URL) and the page context.

Session state holds the widget values (so filters survive page switches); the URL's query parameters
are written from them on every run, and read back only when a session starts, so a copied address
reproduces the exact view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis import settings, store, views
from analysis.filters import Filters, apply_filters, describe, filters_from_query, filters_to_query
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


# cache_resource, not cache_data: cache_data would unpickle a copy of every table on every hit (about
# 100 ms even for five articles). The frames are shared, so everything downstream must treat them as
# read-only, which the analysis functions already promise (they never mutate their inputs).
@st.cache_resource(show_spinner=False, max_entries=4)
def load(folder: str, key: tuple[float, float]) -> dict[str, pd.DataFrame]:
    """All tables of `folder`, with the analyst's corrections applied (cache keyed by `key`)."""
    tables = store.load_tables(Path(folder))
    return views.with_corrections(tables, Path(folder) / "corrections.jsonl")


@st.cache_resource(show_spinner=False, max_entries=64)
def filtered(folder: str, key: tuple[float, float], filters: Filters) -> dict[str, pd.DataFrame]:
    """`apply_filters` on the cached tables; cached per filter set so going back is instant."""
    return apply_filters(load(folder, key), filters)


@st.cache_resource(show_spinner=False, max_entries=4)
def catalog(folder: str, key: tuple[float, float]) -> views.Catalog:
    """Filter options and the actor colour ranking of the whole (unfiltered) corpus."""
    return views.catalog(load(folder, key))


@st.cache_resource(show_spinner=False, max_entries=256)
def aggregated(
    folder: str,
    key: tuple[float, float],
    filters: Filters,
    module: str,
    func: str,
    options: tuple[tuple[str, object], ...],
) -> pd.DataFrame | None:
    """An aggregation of the filtered tables, cached per data version, filters and options."""
    from dashboard.charts import aggregate

    return aggregate(module, func, filtered(folder, key, filters), **dict(options))


@dataclass(frozen=True)
class Context:
    """What every page needs: the tables (all and filtered), the filters and presentation helpers."""

    all: dict[str, pd.DataFrame]
    tables: dict[str, pd.DataFrame]
    filters: Filters
    folder: str
    key: tuple[float, float]
    colors: dict[str, str]
    labels: dict[str, str]
    note: str
    subtitle: str

    @property
    def kw(self) -> dict:
        """The filter fields as keyword arguments for the aggregation functions."""
        f = self.filters
        return dict(
            actors=f.actors,
            affiliations=f.affiliations,
            topics=f.topics,
            sources=f.sources,
            start=f.start,
            end=f.end,
            search=f.search,
        )


def context() -> Context:
    """The page context for the current filters (read from the sidebar widgets' session state)."""
    folder, key = str(data_dir()), stamp()
    cat = catalog(folder, key)
    f = current_filters(cat)
    shown = filtered(folder, key, f)
    summary = views.corpus_summary(shown)
    note = style.source_note(summary["articles"], summary["sources"], summary["start"], summary["end"])
    return Context(
        load(folder, key),
        shown,
        f,
        folder,
        key,
        style.actor_colors(cat.actors),
        cat.topic_labels,
        note,
        describe(f),
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
    cat = catalog(str(data_dir()), stamp())
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
    dates = tuple(ss.get(KEYS["dates"]) or ())
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
    cat = catalog(str(data_dir()), stamp())
    st.session_state[KEYS["dates"]] = (cat.first, cat.last) if cat.first and cat.last else ()


def add_filter(name: str, value: str) -> None:
    """Widget callback: add `value` to filter `name` (a click on a bar or cell drills down)."""
    key = KEYS[name]
    current = list(st.session_state.get(key) or [])
    if value not in current:
        st.session_state[key] = current + [value]
