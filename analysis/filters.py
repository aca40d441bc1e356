"""The one filter every view and count function applies: actors (or affiliations), topics, sources,
publication-date range and a free-text search.

Semantics, identical for every table:
- sources / start / end select articles (by `articles.source` and `articles.published`; an article with no
  known date is kept only while no date bound is set);
- actors / affiliations keep rows about those actors: rows of `mentions` by their actor or the mention's
  affiliation, rows of `statements` by their actor or an actor acting for a chosen affiliation
  (`analysis.affiliation`), `events` whose actors include one of those, and for sentence-level tables
  (`sentences`, `topics`, `time_expressions`) the sentences that mention one; `articles` that mention one;
- topics keep rows of `topics` and `statements` by their topic, `events` whose topics include one, the
  sentences tagged with one for the other sentence-level tables (`mentions`, `sentences`, …), and articles
  that have such a sentence;
- search keeps sentences whose text contains the words (case-insensitive), and articles whose title or
  text do.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from dataclasses import field as _field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis import affiliation
from analysis.grouping import unique

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


def article_positions(values: pd.Series, ids: pd.Series) -> np.ndarray:
    """Position of each of `values` among the distinct `ids`, as int64; `len(ids)` when absent or NA."""
    n = len(ids)
    try:
        arr = pa.array(values, from_pandas=True)
        found = pc.index_in(arr, value_set=pa.array(ids, type=arr.type, from_pandas=True))
        return found.fill_null(n).to_numpy(zero_copy_only=False).astype(np.int64)
    except (pa.ArrowException, TypeError, ValueError):  # mixed or unusual types: the slower pandas way
        pos = pd.Index(ids).get_indexer(values.astype(object).where(values.notna(), None))
        return np.where(pos < 0, n, pos).astype(np.int64)


@dataclass
class RowKeys:
    """Integer keys of the rows of `tables`, computed once per table and reused by every `apply_filters`.

    `article(name, frame)` is the position of each row's article among the distinct article ids of
    `articles` (`n_articles` when the article is not there); `sentence(name, frame)` an int64 per
    (article, sentence) pair, equal across tables for the same pair. The dashboard keeps one per loaded
    data version. Keys are used only for the very frames they were computed on (`frame is tables[name]`),
    so any other frame (e.g. a table with an added column) is keyed afresh.
    """

    tables: dict[str, pd.DataFrame]
    _cache: dict = _field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        ids = self.tables["articles"]["article_id"]
        self.ids = pd.Series(ids.dropna().unique())
        self.n_articles = len(self.ids)
        top = [
            frame["sentence_id"].max(skipna=True)
            for frame in self.tables.values()
            if frame is not None and "sentence_id" in frame and frame["sentence_id"].notna().any()
        ]
        top = int(max(top, default=0))
        self.span = top + 2  # sentence ids 0..top, and one value for a missing id

    def covers(self, tables: dict[str, pd.DataFrame]) -> bool:
        """Whether these keys can key `tables`: the same articles, and no sentence id beyond the span."""
        if self.tables.get("articles") is not tables.get("articles"):
            return False
        return all(
            self._known(name, frame)
            or "sentence_id" not in frame
            or not (frame["sentence_id"] >= self.span - 1).any()
            for name, frame in tables.items()
            if frame is not None
        )

    def _known(self, name: str, frame: pd.DataFrame) -> bool:
        return self.tables.get(name) is frame

    def article(self, name: str, frame: pd.DataFrame) -> np.ndarray:
        if self._known(name, frame) and ("a", name) in self._cache:
            return self._cache[("a", name)]
        out = article_positions(frame["article_id"], self.ids)
        if self._known(name, frame):
            self._cache[("a", name)] = out
        return out

    def items(self, name: str, frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray, pd.Index]:
        """`list_items` of a list column (e.g. the actors of `events`)."""
        if self._known(name, frame) and ("l", name, column) in self._cache:
            return self._cache[("l", name, column)]
        out = list_items(frame[column])
        if self._known(name, frame):
            self._cache[("l", name, column)] = out
        return out

    def sentence(self, name: str, frame: pd.DataFrame) -> np.ndarray:
        if self._known(name, frame) and ("s", name) in self._cache:
            return self._cache[("s", name)]
        sid = frame["sentence_id"].astype("Int64").fillna(-1).to_numpy(dtype=np.int64)
        out = self.article(name, frame) * self.span + (sid + 1)
        if self._known(name, frame):
            self._cache[("s", name)] = out
        return out


def _article_mask(articles: pd.DataFrame, f: Filters) -> np.ndarray:
    """Articles rows passing the source, date and search filters."""
    keep = np.ones(len(articles), dtype=bool)
    if f.sources:
        keep &= as_mask(articles["source"].fillna("").isin(f.sources))
    published = articles["published"].fillna("")
    if f.start or f.end:
        day = published.str.slice(0, 10)
        # a month or year precision date counts as its first day
        if f.start:
            keep &= as_mask((published != "") & (day >= f.start[:10]))
        if f.end:
            keep &= as_mask((published != "") & (day <= f.end[:10]))
    if f.search:
        keep &= as_mask(_text_contains(articles, f.search))
    return keep


def _text_contains(articles: pd.DataFrame, search: str) -> pd.Series:
    """Title or text contains `search` (as `title + "\n" + text` does), case-insensitive."""
    title, text = articles["title"].fillna(""), articles["text"].fillna("")
    if "\n" in search:  # only then can a match span the title and the text
        return (title + "\n" + text).str.contains(search, case=False, regex=False)
    return title.str.contains(search, case=False, regex=False) | text.str.contains(
        search, case=False, regex=False
    )


def as_mask(mask: pd.Series) -> np.ndarray:
    """A boolean Series as a NumPy mask, missing values False."""
    return mask.to_numpy(dtype=bool, na_value=False)


def _actor_rows(frame: pd.DataFrame, f: Filters, acting: frozenset[str] = frozenset()) -> np.ndarray:
    """Rows by a chosen actor, or by the chosen affiliations: the row's own `affiliation` when the table
    has one, else its actor acting for one (`acting`)."""
    keep = np.zeros(len(frame), dtype=bool)
    if f.actors:
        keep |= as_mask(frame["actor"].isin(f.actors))
    if f.affiliations and "affiliation" in frame:
        keep |= as_mask(frame["affiliation"].isin(f.affiliations))
    elif acting:
        keep |= as_mask(frame["actor"].isin(acting))
    return keep


def list_items(column: pd.Series) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """The items of a '; '-joined list column: each item's row position, its code, and the distinct items."""
    parts = pd.Series(column.fillna("").to_numpy(dtype=object)).str.split("; ").explode()
    codes, uniques = pd.factorize(parts)
    return parts.index.to_numpy(dtype=np.int64), codes, uniques


def _contains_any(
    column: pd.Series, values: tuple[str, ...], items: tuple[np.ndarray, np.ndarray, pd.Index]
) -> np.ndarray:
    """Rows of a '; '-joined list column that name one of `values` (`items`: its `list_items`)."""
    rows, codes, uniques = items
    wanted = uniques.get_indexer(list(values))
    hit = np.isin(codes, wanted[wanted >= 0])
    out = np.zeros(len(column), dtype=bool)
    out[rows[hit]] = True
    return out


@dataclass(frozen=True)
class _Selection:
    """What the filters select, as integer keys: passing articles and the chosen sentences."""

    articles: np.ndarray  # bool per article position (+1 slot, always False, for unknown articles)
    actor_sentences: np.ndarray | None  # sorted unique sentence keys, or None when no actor filter
    actor_articles: np.ndarray | None  # bool per article position
    topic_sentences: np.ndarray | None
    topic_articles: np.ndarray | None
    search_sentences: np.ndarray | None
    acting: frozenset[str] = frozenset()  # actors acting for a chosen affiliation


def _chosen(keys: RowKeys, name: str, frame: pd.DataFrame, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sentences = unique(keys.sentence(name, frame)[rows])
    articles = np.zeros(keys.n_articles + 1, dtype=bool)
    articles[keys.article(name, frame)[rows]] = True
    articles[keys.n_articles] = False
    return sentences, articles


def _select(tables: dict[str, pd.DataFrame], f: Filters, keys: RowKeys) -> _Selection:
    articles = tables["articles"]
    passing = np.zeros(keys.n_articles + 1, dtype=bool)
    passing[keys.article("articles", articles)[_article_mask(articles, f)]] = True
    passing[keys.n_articles] = False
    mentions, topics = tables["mentions"], tables["topics"]
    actor = topic = (None, None)
    if f.actors or f.affiliations:
        actor = _chosen(keys, "mentions", mentions, _actor_rows(mentions, f))
    if f.topics:
        topic = _chosen(keys, "topics", topics, as_mask(topics["topic"].isin(f.topics)))
    search = None
    if f.search:
        sents = tables["sentences"]
        hit = as_mask(sents["text"].fillna("").str.contains(f.search, case=False, regex=False))
        search = unique(keys.sentence("sentences", sents)[hit])
    acting = frozenset(affiliation.acting_for(tables, f.affiliations)) if f.affiliations else frozenset()
    return _Selection(passing, *actor, *topic, search, acting)


def apply_filters(
    tables: Mapping[str, pd.DataFrame],
    filters: Filters | None = None,
    *,
    keys: RowKeys | None = None,
    lazy: bool = False,
) -> Mapping[str, pd.DataFrame]:
    """Filtered copies of `tables` (the tables of `analysis.schema`); `problems` is never filtered.

    `keys`: the tables' `RowKeys`, to reuse across calls (computed here when not given). `lazy`: a
    `Filtered` mapping that filters each table when it is first read (a dashboard page reads a few);
    otherwise a dict of them all.
    """
    f = filters or Filters()
    if not f.active:
        return tables if isinstance(tables, Filtered) else dict(tables)
    keys = keys if keys is not None and keys.covers(tables) else RowKeys(tables)
    out = Filtered(tables, f, keys)
    return out if lazy else {name: out[name] for name in out}


class Filtered(Mapping):
    """`tables` under filters `f`: what the filters select is worked out once, each table is filtered
    when first read. Read-only, like the tables it holds."""

    def __init__(self, tables: Mapping[str, pd.DataFrame], f: Filters, keys: RowKeys) -> None:
        self._tables, self._f, self._keys = tables, f, keys
        self._sel = _select(tables, f, keys)
        self._done: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._done:  # two threads may both filter a table: same result, no harm
            frame = self._tables[name]
            keep = _keep(name, frame, self._f, self._sel, self._keys)
            self._done[name] = frame if keep is None else frame[keep].reset_index(drop=True)
        return self._done[name]

    def count(self, name: str) -> int:
        """The number of rows of table `name` under the filters, without copying the rows."""
        if name in self._done:
            return len(self._done[name])
        frame = self._tables[name]
        keep = _keep(name, frame, self._f, self._sel, self._keys)
        return len(frame) if keep is None else int(np.count_nonzero(keep))

    def __contains__(self, name: object) -> bool:
        return name in self._tables

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)


def row_count(tables: Mapping[str, pd.DataFrame], name: str) -> int:
    """`len(tables[name])`; of `Filtered` tables, counted without filtering the table's columns."""
    return tables.count(name) if isinstance(tables, Filtered) else len(tables[name])


def _keep(
    name: str, frame: pd.DataFrame | None, f: Filters, sel: _Selection, keys: RowKeys
) -> np.ndarray | None:
    """The rows of table `name` the filters keep; None: the table is not filtered."""
    if name == "problems" or frame is None or "article_id" not in frame:
        return None
    keep = sel.articles[keys.article(name, frame)]
    if name == "articles":
        for chosen in (sel.actor_articles, sel.topic_articles):
            if chosen is not None:
                keep &= chosen[keys.article(name, frame)]
    else:
        keep &= _row_level(name, frame, f, sel, keys)
    return keep


def _in(keys: RowKeys, name: str, frame: pd.DataFrame, sentences: np.ndarray) -> np.ndarray:
    return np.isin(keys.sentence(name, frame), sentences)


def _row_level(name: str, frame: pd.DataFrame, f: Filters, sel: _Selection, keys: RowKeys) -> np.ndarray:
    keep = np.ones(len(frame), dtype=bool)
    has_sentence = "sentence_id" in frame
    if f.actors or f.affiliations:
        if "actor" in frame:
            keep &= _actor_rows(frame, f, sel.acting)
        elif name == "events":
            chosen = f.actors + f.affiliations + tuple(sorted(sel.acting))
            keep &= _contains_any(frame["actors"], chosen, keys.items(name, frame, "actors"))
        elif has_sentence:
            keep &= _in(keys, name, frame, sel.actor_sentences)
    if f.topics:
        if "topic" in frame:
            keep &= as_mask(frame["topic"].isin(f.topics))
        elif name == "events":
            keep &= _contains_any(frame["topics"], f.topics, keys.items(name, frame, "topics"))
        elif has_sentence:
            keep &= _in(keys, name, frame, sel.topic_sentences)
    if f.search and has_sentence:
        keep &= _in(keys, name, frame, sel.search_sentences)
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
