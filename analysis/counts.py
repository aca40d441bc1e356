"""Actor-mention and topic count tables: pure functions on the tables dict, tidy long frames.

Every function takes the tables as returned by `analysis.store.load_tables` and the dashboard's filters
as keyword arguments (`actors=(), affiliations=(), topics=(), sources=(), start=None, end=None,
search=""`), applied with `analysis.filters.apply_filters`. Inputs are never mutated.

| function | columns |
|---|---|
| `mentions_by_actor` | actor, actor_type, affiliation, linked, n, articles |
| `mentions_by_actor_source` | actor, source, n |
| `mentions_by_actor_article` | actor, article_id, title, source, published, n |
| `mentions_by_actor_day` | actor, date, n |
| `mentions_by_affiliation` | affiliation, n, actors |
| `cooccurrence` (level="sentence" or "article") | actor_a, actor_b, n |
| `topic_share_by_source` | source, topic, n, share |

`n` counts mentions (one per occurrence in the cleaned text), except in `cooccurrence` (sentences or
articles where both actors appear) and `topic_share_by_source` (sentences tagged with the topic).
Unknown sources and affiliations are shown as "(unknown)".

Example:
    >>> mentions_by_actor(tables, sources=("Reuters",)).head(3)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.filters import Filters, apply_filters
from analysis.grouping import count_by_article, distinct_per_group, join_articles

UNKNOWN = "(unknown)"
LEVELS = ("sentence", "article")


def _filtered(tables: dict[str, pd.DataFrame], filters: dict) -> dict[str, pd.DataFrame]:
    try:
        f = Filters(**filters)
    except TypeError:
        valid = ", ".join(Filters.__dataclass_fields__)
        raise TypeError(f"unknown filter in {sorted(filters)}; valid filters are {valid}") from None
    return apply_filters(tables, f)


def _with_articles(mentions: pd.DataFrame, articles: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Mentions joined with article columns, missing sources shown as (unknown)."""
    out = join_articles(mentions, articles, cols)
    if "source" in cols:
        out["source"] = out["source"].fillna("").replace("", UNKNOWN)
    return out


def _sorted(df: pd.DataFrame, by: list[str], ascending: list[bool]) -> pd.DataFrame:
    return df.sort_values(by, ascending=ascending, kind="stable").reset_index(drop=True)


def mentions_by_actor(tables: dict[str, pd.DataFrame], **filters) -> pd.DataFrame:
    """Mentions per actor: actor, actor_type, affiliation, linked, n (mentions), articles (distinct)."""
    m = _filtered(tables, filters)["mentions"]
    cols = ["actor", "actor_type", "affiliation", "linked", "n", "articles"]
    if m.empty:
        return pd.DataFrame(columns=cols).astype({"n": "int64", "articles": "int64"})
    actor, names = pd.factorize(m["actor"])  # integer codes: a groupby on strings costs several times more
    k = len(names)
    known = actor >= 0
    linked = m["linked"].astype("boolean")
    has_link = np.bincount(actor[known & linked.notna().to_numpy()], minlength=k) > 0
    out = pd.DataFrame(
        {
            "actor": pd.Series(names, dtype=m["actor"].dtype),
            "actor_type": _first_valid(m["actor_type"], actor, k),
            "affiliation": _first_valid(m["affiliation"], actor, k),
            "linked": pd.Series(
                np.bincount(actor[known & linked.fillna(False).to_numpy()], minlength=k) > 0, dtype="boolean"
            ).where(has_link),  # fmt: skip
            "n": pd.array(np.bincount(actor[known], minlength=k), dtype="Int64"),  # as groupby's size
            "articles": distinct_per_group(actor, pd.factorize(m["article_id"])[0], k),
        }
    )
    return _sorted(out[cols], ["n", "actor"], [False, True])


def _first_valid(column: pd.Series, group: np.ndarray, k: int) -> pd.Series:
    """The first non-missing value of `column` per group 0..k-1 (missing where a group has none), as a
    groupby's `first`."""
    rows = np.flatnonzero((group >= 0) & column.notna().to_numpy())
    first = np.full(k, len(column), dtype=np.int64)
    np.minimum.at(first, group[rows], rows)
    return pd.Series(column.array.take(np.where(first < len(column), first, -1), allow_fill=True))


def mentions_by_actor_source(tables: dict[str, pd.DataFrame], **filters) -> pd.DataFrame:
    """Mentions per actor and outlet: actor, source, n."""
    t = _filtered(tables, filters)
    out = count_by_article(t["mentions"], "actor", t["articles"], "source", missing=UNKNOWN)
    return _sorted(out, ["actor", "n", "source"], [True, False, True])


def mentions_by_actor_article(tables: dict[str, pd.DataFrame], **filters) -> pd.DataFrame:
    """Mentions per actor and article: actor, article_id, title, source, published, n."""
    t = _filtered(tables, filters)
    m = _with_articles(t["mentions"], t["articles"], ["title", "source", "published"])
    keys = ["actor", "article_id", "title", "source", "published"]
    out = m.groupby(keys, dropna=False).size().reset_index(name="n")
    return _sorted(out, ["actor", "n", "article_id"], [True, False, True])


def mentions_by_actor_day(tables: dict[str, pd.DataFrame], **filters) -> pd.DataFrame:
    """Mentions per actor and publication date: actor, date (ISO, as precise as known), n.

    Articles without a known publication date are left out.
    """
    t = _filtered(tables, filters)
    out = count_by_article(t["mentions"], "actor", t["articles"], "published")
    out = out.rename(columns={"published": "date"})
    return _sorted(out, ["date", "actor"], [True, True])


def mentions_by_affiliation(tables: dict[str, pd.DataFrame], **filters) -> pd.DataFrame:
    """Mentions per affiliation (the state or bloc an actor acts for): affiliation, n, actors (distinct)."""
    m = _filtered(tables, filters)["mentions"].copy()
    m["affiliation"] = m["affiliation"].fillna("").replace("", UNKNOWN)
    out = m.groupby("affiliation").agg(n=("actor", "size"), actors=("actor", "nunique")).reset_index()
    return _sorted(out, ["n", "affiliation"], [False, True])


def cooccurrence(tables: dict[str, pd.DataFrame], *, level: str = "sentence", **filters) -> pd.DataFrame:
    """Pairs of actors named in the same sentence (or article): actor_a, actor_b (a < b), n.

    With an `actors`/`affiliations` filter, the pairs are those that involve at least one selected
    actor (the partner may be any actor); the other filters select the sentences and articles.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    chosen_actors = tuple(filters.pop("actors", ()) or ())
    chosen_affiliations = tuple(filters.pop("affiliations", ()) or ())
    m = _filtered(tables, filters)["mentions"]
    keys = ["article_id", "sentence_id"] if level == "sentence" else ["article_id"]
    out = pair_counts(m, keys)
    if chosen_actors or chosen_affiliations:
        chosen = set(chosen_actors) | set(m.loc[m["affiliation"].isin(chosen_affiliations), "actor"])
        out = out[out["actor_a"].isin(chosen) | out["actor_b"].isin(chosen)]
    return _sorted(out, ["n", "actor_a", "actor_b"], [False, True, True])


def pair_counts(mentions: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """actor_a < actor_b, n: the number of units (distinct values of `keys`; units with a missing key are
    left out) that name both actors. Vectorised: a self-join of the distinct (unit, actor) rows on the
    unit, over integer codes, after dropping the units that name a single actor."""
    m = mentions.dropna(subset=[*keys, "actor"])
    empty = pd.DataFrame({"actor_a": pd.Series(dtype="string"), "actor_b": pd.Series(dtype="string"),
                          "n": pd.Series(dtype="int64")})  # fmt: skip
    if m.empty:
        return empty
    unit = m.groupby(keys, sort=False).ngroup().to_numpy()
    codes, names = pd.factorize(m["actor"], sort=True)  # code order = name order, so a < b by code
    pairs = pd.DataFrame({"u": unit, "a": codes}).drop_duplicates()
    pairs = pairs[pairs.groupby("u")["a"].transform("size").to_numpy() > 1]
    both = pairs.merge(pairs, on="u")
    both = both[both["a_x"].to_numpy() < both["a_y"].to_numpy()]
    if both.empty:
        return empty
    n = both.groupby(["a_x", "a_y"]).size()
    a, b = n.index.get_level_values(0), n.index.get_level_values(1)
    return pd.DataFrame(
        {
            "actor_a": pd.Series(names.take(a), dtype="string"),
            "actor_b": pd.Series(names.take(b), dtype="string"),
            "n": n.to_numpy(dtype="int64"),
        }  # fmt: skip
    )


def topic_share_by_source(tables: dict[str, pd.DataFrame], **filters) -> pd.DataFrame:
    """Topic tags per outlet: source, topic, n (sentences tagged), share (of the outlet's tags, 0..1)."""
    t = _filtered(tables, filters)
    tp = _with_articles(t["topics"], t["articles"], ["source"])
    out = tp.groupby(["source", "topic"]).size().reset_index(name="n")
    out["share"] = out["n"] / out.groupby("source")["n"].transform("sum")
    return _sorted(out, ["source", "n", "topic"], [True, False, True])
