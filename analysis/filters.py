"""The one filter every view and count function applies: actors (or affiliations), topics, sources,
publication-date range and a free-text search.

Semantics, identical for every table:
- sources / start / end select articles (by `articles.source` and `articles.published`; an article with no
  known date is kept only while no date bound is set);
- actors / affiliations keep rows about those actors: rows of `mentions` and `statements` by their actor,
  `events` whose actors include one, and for sentence-level tables (`sentences`, `topics`,
  `time_expressions`) the sentences that mention one; `articles` that mention one;
- topics keep rows of `topics` and `statements` by their topic, `events` whose topics include one, the
  sentences tagged with one for the other sentence-level tables (`mentions`, `sentences`, …), and articles
  that have such a sentence;
- search keeps sentences whose text contains the words (case-insensitive), and articles whose title or
  text do.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd

SENTENCE_KEY = ["article_id", "sentence_id"]


@dataclass(frozen=True)
class Filters:
    actors: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    start: str | None = None  # ISO date, inclusive
    end: str | None = None  # ISO date, inclusive
    search: str = ""

    def __post_init__(self) -> None:
        for name in ("actors", "affiliations", "topics", "sources"):
            object.__setattr__(self, name, tuple(getattr(self, name) or ()))

    @property
    def active(self) -> bool:
        return self != Filters()


def _article_ids(articles: pd.DataFrame, f: Filters) -> pd.Series:
    keep = pd.Series(True, index=articles.index)
    if f.sources:
        keep &= articles["source"].fillna("").isin(f.sources)
    published = articles["published"].fillna("")
    if f.start:
        keep &= (published != "") & (published.str.slice(0, 10) >= f.start[:10])
    if f.end:
        # a month or year precision date counts as its first day
        keep &= (published != "") & (published.str.slice(0, 10) <= f.end[:10])
    if f.search:
        text = articles["title"].fillna("") + "\n" + articles["text"].fillna("")
        keep &= text.str.contains(f.search, case=False, regex=False)
    return articles.loc[keep, "article_id"]


def _actor_rows(frame: pd.DataFrame, f: Filters) -> pd.Series:
    keep = pd.Series(False, index=frame.index)
    if f.actors:
        keep |= frame["actor"].isin(f.actors)
    if f.affiliations and "affiliation" in frame:
        keep |= frame["affiliation"].isin(f.affiliations)
    return keep


def _contains_any(column: pd.Series, values: tuple[str, ...]) -> pd.Series:
    parts = column.fillna("").str.split("; ")
    wanted = set(values)
    return parts.map(lambda items: bool(wanted.intersection(items)))


def _keys(frame: pd.DataFrame) -> pd.MultiIndex:
    return pd.MultiIndex.from_frame(frame[SENTENCE_KEY].astype({"sentence_id": "Int64"}))


def _in_sentences(frame: pd.DataFrame, sentences: pd.MultiIndex) -> pd.Series:
    return pd.Series(_keys(frame).isin(sentences), index=frame.index)


def apply_filters(tables: dict[str, pd.DataFrame], filters: Filters | None = None) -> dict[str, pd.DataFrame]:
    """Filtered copies of `tables` (the tables of `analysis.schema`); `problems` is never filtered."""
    f = filters or Filters()
    if not f.active:
        return dict(tables)
    out = dict(tables)
    articles = tables["articles"]
    ids = set(_article_ids(articles, f))
    mentions, topics = tables["mentions"], tables["topics"]
    actor_sentences = _keys(mentions[_actor_rows(mentions, f)]) if (f.actors or f.affiliations) else None
    topic_sentences = _keys(topics[topics["topic"].isin(f.topics)]) if f.topics else None
    search_sentences = None
    if f.search:
        sents = tables["sentences"]
        search_sentences = _keys(
            sents[sents["text"].fillna("").str.contains(f.search, case=False, regex=False)]
        )

    for name, frame in tables.items():
        if name == "problems" or frame is None or "article_id" not in frame:
            continue
        keep = frame["article_id"].isin(ids)
        if name == "articles":
            keep = _article_level(frame, keep, f, actor_sentences, topic_sentences)
            if f.search:
                keep &= frame["article_id"].isin(ids)
        else:
            keep &= _row_level(name, frame, f, actor_sentences, topic_sentences, search_sentences)
        out[name] = frame[keep].reset_index(drop=True)
    return out


def _article_level(frame, keep, f, actor_sentences, topic_sentences) -> pd.Series:
    for sentences in (actor_sentences, topic_sentences):
        if sentences is not None:
            keep &= frame["article_id"].isin(set(sentences.get_level_values(0)))
    return keep


def _row_level(name, frame, f, actor_sentences, topic_sentences, search_sentences) -> pd.Series:
    keep = pd.Series(True, index=frame.index)
    has_sentence = "sentence_id" in frame
    if f.actors or f.affiliations:
        if "actor" in frame:
            keep &= _actor_rows(frame, f)
        elif name == "events":
            keep &= _contains_any(frame["actors"], f.actors + f.affiliations)
        elif has_sentence:
            keep &= _in_sentences(frame, actor_sentences)
    if f.topics:
        if "topic" in frame:
            keep &= frame["topic"].isin(f.topics)
        elif name == "events":
            keep &= _contains_any(frame["topics"], f.topics)
        elif has_sentence:
            keep &= _in_sentences(frame, topic_sentences)
    if f.search and has_sentence:
        keep &= _in_sentences(frame, search_sentences)
    return keep


def filters_to_query(f: Filters) -> dict[str, str]:
    """Query parameters (`st.query_params`) for `f`: lists joined with '|', empty values left out."""
    out = {}
    for field in fields(Filters):
        value = getattr(f, field.name)
        if isinstance(value, tuple):
            if value:
                out[field.name] = "|".join(value)
        elif value:
            out[field.name] = str(value)
    return out


def filters_from_query(params: dict) -> Filters:
    """Inverse of `filters_to_query`; unknown keys are ignored."""
    kw = {}
    for field in fields(Filters):
        raw = params.get(field.name)
        if raw in (None, ""):
            continue
        raw = raw if isinstance(raw, str) else "|".join(raw)
        kw[field.name] = tuple(v for v in raw.split("|") if v) if field.type.startswith("tuple") else raw
    return Filters(**kw)


def describe(f: Filters) -> str:
    """Human description of the filters, for figure subtitles ('All articles' when none)."""
    parts = []
    for label, values in (
        ("Actors", f.actors + f.affiliations),
        ("Topics", f.topics),
        ("Sources", f.sources),
    ):
        if values:
            parts.append(f"{label}: {', '.join(values)}")
    if f.start or f.end:
        parts.append(f"Dates: {f.start or '…'} to {f.end or '…'}")
    if f.search:
        parts.append(f'Search: "{f.search}"')
    return " · ".join(parts) if parts else "All articles"
