"""Page state: the global filters (sidebar widgets mirrored in the URL) and the page context built from them.

Session state holds the widget values (so filters survive page switches); the URL's query parameters
are written from them on every run, and read back only when a session starts, so a copied address
reproduces the exact view. Data access is in `dashboard.loaders`, the context in `dashboard.context`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import streamlit as st

from analysis.query import views
from analysis.query.filters import Filters, describe, filters_from_query, filters_to_query
from dashboard import display, style
from dashboard.context import Context
from dashboard.loaders import catalog, corpus_dirs, corrections_path, data_dir, stamp, summary, uploads_dir

__all__ = ["Context", "context", "corpus_dirs", "corrections_path", "data_dir", "stamp", "uploads_dir"]

KEYS = {
    "actors": "f_actors",
    "affiliations": "f_affiliations",
    "topics": "f_topics",
    "sources": "f_sources",
    "dates": "f_dates",
    "search": "f_search",
}
LISTS = ("actors", "affiliations", "topics", "sources")  # the filters that are lists of catalogue values


def context() -> Context:
    """The page context for the current filters (read from the sidebar widgets' session state)."""
    folder, key = str(data_dir()), stamp()
    return build_context(folder, key, current_filters(catalog(folder, key)))


def build_context(folder: str, key: tuple[float, float], f: Filters) -> Context:
    """The page context of the data in `folder` (version `key`) under the filters `f`: actor colours, topic
    labels, the source note and the filters in words, with topic labels instead of ids."""
    cat = catalog(folder, key)
    numbers = summary(folder, key, f)
    note = style.source_note(
        numbers["articles"], numbers["sources"], numbers["start"], numbers["end"], numbers.get("undated", 0)
    )
    labelled = replace(f, topics=tuple(cat.topic_labels.get(t, t) for t in f.topics))
    return Context(
        f, folder, key, style.actor_colors(cat.actors), cat.topic_labels, note, describe(labelled), numbers
    )


def _init_from_query(cat: views.Catalog) -> None:
    """On a session's first run, seed the widgets from the URL (dropping values the corpus lacks)."""
    if st.session_state.get("_filters_seeded"):
        return
    st.session_state["_filters_seeded"] = True
    f = filters_from_query(st.query_params.to_dict())
    dates = (_date(f.start) or cat.first, _date(f.end) or cat.last)
    seeds = {name: [v for v in getattr(f, name) if v in getattr(cat, name)] for name in LISTS}
    seeds |= {"search": f.search, "dates": dates if cat.first and cat.last else ()}
    for name, value in seeds.items():
        # setdefault: a new session has no widget state, so the URL decides; tests may preset state
        st.session_state.setdefault(KEYS[name], value)


def _follow_span(cat: views.Catalog) -> None:
    """A date range left at the corpus's whole span follows the span when a rebuild changes it: an article
    dated (or re-dated) by a correction or an upload is then inside it, not filtered out."""
    span = (cat.first, cat.last) if cat.first and cat.last else ()
    old = st.session_state.get("_dates_span")
    st.session_state["_dates_span"] = span
    if old is not None and old != span and tuple(st.session_state.get(KEYS["dates"]) or ()) == tuple(old):
        st.session_state[KEYS["dates"]] = span


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def sidebar() -> Filters:
    """Draw the global filters in the sidebar, mirror them in the URL and return them."""
    cat = catalog(str(data_dir()), stamp())
    _init_from_query(cat)
    _follow_span(cat)
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
    # the reader's own parameters (article, sentence) are the reader page's to keep: remember what the
    # address asked for before the filters rewrite it (`reader_request`, `share_reader`)
    st.session_state[_READER_URL] = _reader_params(st.query_params.to_dict())
    st.query_params.from_dict(filters_to_query(f))
    return f


_READER_URL = "_reader_url"  # the (article, sentence) the address held at the start of this run
_READER_SHOWN = "_reader_shown"  # the (article, sentence) the reader last wrote into the address


def _reader_params(params: dict) -> tuple[str, int | None] | None:
    article = str(params.get("article") or "").strip()
    return (article, display.parse_sentence(params.get("sentence"))) if article else None


def reader_request() -> tuple[str, int | None] | None:
    """The (article, sentence) a link or a pasted address asks the reader to open, when it asks for one the
    reader is not already showing (its own address, written back on every run, is no request)."""
    asked = st.session_state.get(_READER_URL)
    return asked if asked and asked != st.session_state.get(_READER_SHOWN) else None


def share_reader(article_id: str, sentence_id: int | None) -> None:
    """Put the reader's article and sentence into the address beside the filters, so it can be shared."""
    params = {k: v for k, v in st.query_params.to_dict().items() if k not in display.READER_PARAMS}
    params["article"] = article_id
    if sentence_id is not None:
        params["sentence"] = str(sentence_id)
    st.query_params.from_dict(params)  # one change of the address, not one per parameter
    st.session_state[_READER_SHOWN] = (article_id, sentence_id)


def current_filters(cat: views.Catalog) -> Filters:
    """The Filters the sidebar widgets hold (affiliations are the chosen names that are affiliations)."""
    ss = st.session_state
    dates = ss.get(KEYS["dates"]) or ()
    dates = tuple(dates) if isinstance(dates, (tuple, list)) else (dates,)  # a half-picked range is one date
    start = dates[0].isoformat() if len(dates) >= 1 and dates[0] != cat.first else None
    end = dates[1].isoformat() if len(dates) == 2 and dates[1] != cat.last else None
    return Filters(
        **{name: tuple(ss.get(KEYS[name]) or ()) for name in LISTS},
        start=start,
        end=end,
        search=(ss.get(KEYS["search"]) or "").strip(),
    )


def clear_filters() -> None:
    for name in LISTS:
        st.session_state[KEYS[name]] = []
    st.session_state[KEYS["search"]] = ""
    cat = catalog(str(data_dir()), stamp())
    st.session_state[KEYS["dates"]] = (cat.first, cat.last) if cat.first and cat.last else ()


def add_filter(name: str, value: str) -> None:
    """Widget callback: add `value` to filter `name` (a click on a bar or cell drills down)."""
    key = KEYS[name]
    current = list(st.session_state.get(key) or [])
    if value not in current:
        st.session_state[key] = current + [value]
