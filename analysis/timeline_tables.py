"""Timeline tables for the dashboard: events in date order, coverage over time, first and last mention of
each actor, events per actor.

Every function takes the tables dict (as from `analysis.store.load_tables`) and the dashboard's filters as
keyword arguments (`actors`, `affiliations`, `topics`, `sources`, `start`, `end`, `search`; see
`analysis.filters`), applies them through `analysis.filters.apply_filters` and returns a tidy DataFrame.
Inputs are never modified.

Dates: an article's date is its `published` date. Coverage and first/last mention need a day, so
articles whose publication date is unknown or only a month or a year are left out of them (their counts
still appear in `events_per_actor` and the `articles`/`mentions` columns of `actor_first_last`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.filters import Filters, apply_filters
from analysis.grouping import distinct_per_group, join_articles

PRECISION_ORDER = {"day": 0, "month": 1, "year": 2}
COVERAGE_BY = ("source", "actor", "topic")
FREQUENCIES = {"D": "day", "W": "week (Monday to Sunday)"}


def _filtered(tables: dict[str, pd.DataFrame], filters: dict) -> dict[str, pd.DataFrame]:
    return apply_filters(tables, Filters(**filters))


def _parse_unique(iso: pd.Series, parse) -> pd.Series:
    """`parse` applied to the distinct values of `iso` only (a corpus has few distinct dates)."""
    text = iso.fillna("").astype(str).str.slice(0, 10)
    uniq = pd.Series(text.unique())
    parsed = pd.Series(parse(uniq).to_numpy(), index=uniq.to_numpy())
    return pd.Series(parsed.reindex(text.to_numpy()).to_numpy(), index=iso.index)


def _period_start(iso: pd.Series) -> pd.Series:
    """First day of an ISO date of any precision ('2025' -> 2025-01-01), NaT when empty."""

    def parse(text: pd.Series) -> pd.Series:
        padded = text.where(text.str.len() != 4, text + "-01-01")
        padded = padded.where(padded.str.len() != 7, padded + "-01")
        return pd.to_datetime(padded.where(padded != ""), errors="coerce", format="%Y-%m-%d")

    return _parse_unique(iso, parse)


def _day(iso: pd.Series) -> pd.Series:
    """The day of day-precise ISO dates; NaT for month, year or unknown precision."""

    def parse(text: pd.Series) -> pd.Series:
        return pd.to_datetime(text.where(text.str.len() == 10), errors="coerce", format="%Y-%m-%d")

    return _parse_unique(iso, parse)


def events_in_order(
    tables: dict[str, pd.DataFrame], *, include_background: bool = True, **filters
) -> pd.DataFrame:
    """Events sorted by date (a month or year sorts at its first day, before that period's days), with the
    article's source and title.

    Columns: date, date_precision, period_start, time_expression, actors, topics, evidence, background,
    source, title, article_id, sentence_id, event_id.
    """
    t = _filtered(tables, filters)
    events = t["events"]
    if not include_background:
        events = events[~events["background"].fillna(False).astype(bool)]
    out = join_articles(events, t["articles"], ["source", "title"])
    out["period_start"] = _period_start(out["date"])
    out["_rank"] = out["date_precision"].map(PRECISION_ORDER).fillna(3)
    out = out.sort_values(
        ["period_start", "_rank", "article_id", "sentence_id"], na_position="last", kind="stable"
    )
    columns = ["date", "date_precision", "period_start", "time_expression", "actors", "topics", "evidence",
               "background", "source", "title", "article_id", "sentence_id", "event_id"]  # fmt: skip
    return out[columns].reset_index(drop=True)


def _periods(days: pd.Series, freq: str) -> pd.Series:
    if freq not in FREQUENCIES:
        raise ValueError(f"freq must be one of {sorted(FREQUENCIES)} ({FREQUENCIES}); got {freq!r}")
    return days if freq == "D" else days.dt.to_period("W-SUN").dt.start_time


def coverage_over_time(
    tables: dict[str, pd.DataFrame], *, by: str = "source", freq: str = "D", **filters
) -> pd.DataFrame:
    """Articles and mentions per day or week, by source, actor or topic.

    For `by="source"`, `mentions` counts actor mentions in that source's articles; for `by="actor"`,
    `articles` counts the articles mentioning the actor; for `by="topic"`, `mentions` counts the
    sentences tagged with the topic.

    Returns:
        Columns period (Timestamp: the day, or the Monday of the week), the `by` column, articles, mentions;
        sorted by period then `by`.
    """
    if by not in COVERAGE_BY:
        raise ValueError(f"by must be one of {COVERAGE_BY}; got {by!r}")
    t = _filtered(tables, filters)
    articles = t["articles"][["article_id", "source", "published"]].copy()
    articles["period"] = _periods(_day(articles["published"]), freq)
    articles = articles.dropna(subset=["period"])
    if by == "source":  # per article its mentions, then per day and source (articles: one row each)
        per_article = t["mentions"]["article_id"].value_counts()
        articles = articles.assign(mentions=articles["article_id"].map(per_article).fillna(0))
        grouped = articles.groupby(["period", "source"])
        out = pd.concat([grouped.size().rename("articles"), grouped["mentions"].sum()], axis=1)
    else:
        table, column = ("mentions", "actor") if by == "actor" else ("topics", "topic")
        rows = join_articles(t[table][["article_id", column]], articles, ["period"]).dropna(subset=["period"])
        grouped = rows.groupby(["period", column])
        out = pd.concat(
            [grouped["article_id"].nunique().rename("articles"), grouped.size().rename("mentions")], axis=1
        )
    out = out.reset_index()
    out[["articles", "mentions"]] = out[["articles", "mentions"]].astype("int64")
    return out[["period", by, "articles", "mentions"]].sort_values(["period", by]).reset_index(drop=True)


def actor_first_last(tables: dict[str, pd.DataFrame], **filters) -> pd.DataFrame:
    """The first and last publication day on which each actor is mentioned, with counts.

    Returns:
        Columns actor, first, last (Timestamp, NaT when none of its articles has a day-precise date),
        articles, mentions; sorted by first mention, then actor.
    """
    t = _filtered(tables, filters)
    days = t["articles"][["article_id", "published"]].assign(day=lambda a: _day(a["published"]))
    rows = join_articles(t["mentions"][["article_id", "actor"]], days, ["day"])
    actor, names = pd.factorize(rows["actor"], sort=True)  # integer codes: no groupby on the strings
    k, known = len(names), actor >= 0
    stamps = pd.to_datetime(rows["day"]).to_numpy()  # datetime64 of the column's unit
    day = stamps.view(np.int64)
    none = np.iinfo(np.int64).min  # NaT: no day-precise date
    dated = known & (day != none)
    first = np.full(k, np.iinfo(np.int64).max)
    last = np.full(k, none)
    np.minimum.at(first, actor[dated], day[dated])
    np.maximum.at(last, actor[dated], day[dated])
    out = pd.DataFrame(
        {
            "actor": pd.Series(names, dtype=rows["actor"].dtype),
            "first": np.where(last == none, none, first).view(stamps.dtype),
            "last": last.view(stamps.dtype),
            "articles": distinct_per_group(actor, pd.factorize(rows["article_id"])[0], k),
            "mentions": np.bincount(actor[known], minlength=k).astype("int64"),
        }
    )
    return out.sort_values(["first", "actor"], na_position="last").reset_index(drop=True)


def events_per_actor(
    tables: dict[str, pd.DataFrame], *, include_background: bool = True, **filters
) -> pd.DataFrame:
    """How many events each actor takes part in (is named in the event's sentence), with the date range.

    Returns:
        Columns actor, events, first_event, last_event (ISO strings as in `events.date`); sorted by
        events (descending), then actor.
    """
    t = _filtered(tables, filters)
    events = t["events"]
    if not include_background:
        events = events[~events["background"].fillna(False).astype(bool)]
    rows = events[["event_id", "actors", "date"]].assign(actor=events["actors"].fillna("").str.split("; "))
    rows = rows.explode("actor")
    rows = rows[rows["actor"].fillna("") != ""]
    if rows.empty:
        dtypes = {"actor": "string", "events": "int64", "first_event": "string", "last_event": "string"}
        return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in dtypes.items()})
    rows = rows.assign(start=_period_start(rows["date"]))
    grouped = rows.sort_values("start").groupby("actor")
    out = pd.DataFrame(
        {
            "events": grouped["event_id"].nunique().astype("int64"),
            "first_event": grouped["date"].first(),
            "last_event": grouped["date"].last(),
        }
    ).reset_index()
    return out.sort_values(["events", "actor"], ascending=[False, True]).reset_index(drop=True)
