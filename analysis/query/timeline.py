"""Timeline tables for the dashboard: events in date order, coverage over time, first and last mention of
each actor, events per actor; counted by DuckDB.

Every function takes the tables (a dict of frames), a data folder or a `Query`, and the dashboard's
filters as keyword arguments (`actors`, `affiliations`, `topics`, `sources`, `start`, `end`, `search`;
see `analysis.query.filters`) and returns a tidy DataFrame. Inputs are never modified.

Dates: an article's date is its `published` date. Coverage and first/last mention need a day, so
articles whose publication date is unknown or only a month or a year are left out of them (their counts
still appear in `events_per_actor` and the `articles`/`mentions` columns of `actor_first_last`). What the
day-based views leave out is counted by `dating` (month- and year-only dates, by period, and the undated),
so every time chart can draw a partial date as its period and say what it cannot place
(`analysis.query.periods` holds the rule), and `undated_articles` lists those articles.
"""

from __future__ import annotations

import pandas as pd

from analysis.query import periods
from analysis.query import sql as query_sql
from analysis.query.engine import Source, as_query
from analysis.query.results import first_articles, to_filters, typed
from analysis.store import schema

COVERAGE_BY = ("source", "actor", "topic")
DATING_UNITS = ("articles", "mentions", "statements", "events")


def precision_sql(column: str) -> str:
    """SQL of `periods.precision` of an ISO date column: 'day', 'month', 'year', NULL when undated."""
    v = f"trim({column})"
    return (f"CASE WHEN regexp_full_match({v}, '\\d{{4}}-\\d{{2}}-\\d{{2}}([^0-9].*)?') "
            f"AND try_strptime(substr({v}, 1, 10), '%Y-%m-%d') IS NOT NULL THEN 'day' "
            f"WHEN regexp_full_match({v}, '\\d{{4}}-(0[1-9]|1[0-2])') THEN 'month' "
            f"WHEN regexp_full_match({v}, '\\d{{4}}') THEN 'year' END")  # fmt: skip


# the stored dates of each unit, grouped before they are classified (a few thousand distinct values); the
# day-dated rows of the keyed tables (a `day` or `week` there) are counted without their dates
_DAY = "'~day'"
_DATING_PARTS = {  # unit -> (cte, its keyed table, the SELECT of its dates)
    "articles": ("a", "_art", "SELECT 'articles' AS unit, CASE WHEN day IS NULL THEN published ELSE {day} "
                 "END AS date, false AS background, count(*) AS n FROM a GROUP BY ALL"),
    "mentions": ("m", "_mfacts", "SELECT 'mentions' AS unit, CASE WHEN day IS NULL THEN published ELSE {day} "
                 "END AS date, false AS background, count(*) AS n FROM m GROUP BY ALL"),
    "statements": ("s", "_sfacts", "SELECT 'statements' AS unit, CASE WHEN week IS NULL THEN published ELSE "
                   "{day} END AS date, false AS background, count(*) AS n FROM s {topic} GROUP BY ALL"),
    "events": ("e", "_k_events", "SELECT 'events' AS unit, date, coalesce(background, false) AS background, "
               "count(*) AS n FROM e GROUP BY ALL"),
}  # fmt: skip


def dating(source: Source, *, unit: str | None = None, topic: str | None = None, **filters) -> pd.DataFrame:
    """How precisely the filtered articles, mentions, statements and events are dated: what the day-based
    time charts can place and what they cannot (`analysis.query.periods`).

    Returns:
        Columns unit (articles | mentions | statements | events; a mention or statement is dated by its
        article, an event by its own date), precision (day | month | year | none), date (the month or
        year, ISO; empty for day and none), background (events), n, excluded (True: undated rows the
        date filter leaves out, counted without the date bounds, since an undated item has no date to
        be in or out of them). Sorted by unit, precision, date. `unit`: only that unit's rows (what one
        chart needs: each unit reads a table of its own); `topic`: only the statements on that topic
        count (a chart of one topic's positions).
    """
    if unit is not None and unit not in DATING_UNITS:
        raise ValueError(f"unit must be one of {DATING_UNITS}; got {unit!r}")
    q, f = as_query(source), to_filters(filters)
    q.keyed()
    units = [unit] if unit else list(DATING_UNITS)
    tables = {_DATING_PARTS[u][0]: _DATING_PARTS[u][1] for u in units}
    where = "WHERE topic = $dating_topic" if topic is not None else ""
    body = " UNION ALL ".join(_DATING_PARTS[u][2].format(day=_DAY, topic=where) for u in units)
    extra = {"dating_topic": topic} if topic is not None else {}
    rows = _classified(q.run(f, body, tables, extra), excluded=False)
    if f.start or f.end:
        unbounded = to_filters({**filters, "start": None, "end": None})
        dropped = _classified(q.run(unbounded, body, tables, extra), excluded=True)
        rows = {k: v for k, v in rows.items() if k[1] != "none"} | {
            k: v for k, v in dropped.items() if k[1] == "none"
        }
    order = {"day": 0, "month": 1, "year": 2, "none": 3}
    keys = sorted(rows, key=lambda k: (DATING_UNITS.index(k[0]), order[k[1]], k[2] or "", k[3]))
    columns = {"unit": "string", "precision": "string", "date": "string", "background": "boolean",
               "n": "int64", "excluded": "boolean"}  # fmt: skip
    values = [[*k, *rows[k]] for k in keys]
    return pd.DataFrame(
        {c: pd.Series([v[i] for v in values], dtype=t) for i, (c, t) in enumerate(columns.items())}
    )


def _classified(out: pd.DataFrame, *, excluded: bool) -> dict[tuple, list]:
    """(unit, precision, date, background) -> [n, excluded] of the grouped stored dates (`periods`: the
    rule; the day-dated rows come counted as `_DAY`). A handful of rows: plain Python."""
    rows: dict[tuple, list] = {}
    for unit, date, background, n in zip(out["unit"], out["date"], out["background"], out["n"], strict=True):
        text = date if isinstance(date, str) else ""
        kind = "day" if text == _DAY.strip("'") else periods.precision(text) or "none"
        key = (unit, kind, text.strip() if kind in ("month", "year") else None, bool(background))
        rows.setdefault(key, [0, excluded])[0] += int(n)
    return rows


def undated_articles(source: Source, *, limit: int | None = None, **filters) -> pd.DataFrame:
    """The filtered articles no time chart can put on a day: those without a date first, then those
    dated only to a year or a month (then by date and corpus order); the date bounds are ignored (an
    undated article has no date to filter by). Columns: title, source, published, precision (none |
    year | month), published_from, published_reason, file, article_id; `attrs["total"]`: all of them,
    when `limit` keeps fewer."""
    f = to_filters({**filters, "start": None, "end": None})
    q = as_query(source)
    q.keyed()
    keep = f" LIMIT {int(limit)}" if limit is not None else ""
    # the dates from the narrow keyed articles; only the rows listed are read in full
    body = f"""SELECT t.title, t.source, k.published, coalesce(k.p, 'none') AS precision, t.published_from,
          t.published_reason, t.file, t.article_id, count(*) OVER () AS _total
        FROM (SELECT _row, published, {precision_sql("published")} AS p FROM a) k
        JOIN articles t USING (_row) WHERE k.p IS DISTINCT FROM 'day'
        ORDER BY CASE coalesce(k.p, 'none') WHEN 'none' THEN 0 WHEN 'year' THEN 1 ELSE 2 END,
          coalesce(k.published, ''), k._row{keep}"""
    out = q.run(f, body, {"a": "_art"})
    total = int(out["_total"].iloc[0]) if len(out) else 0
    cols = ["title", "source", "published", "precision", "published_from", "published_reason", "file",
            "article_id"]  # fmt: skip
    out = out[cols].astype("string")
    out.attrs["total"] = total
    return out


def coverage_over_time(source: Source, *, by: str = "source", freq: str = "D", **filters) -> pd.DataFrame:
    """Articles and mentions per day or week (Monday), by source, actor or topic: period, `by`, articles,
    mentions. Only articles with a day-precise publication date count."""
    if by not in COVERAGE_BY:
        raise ValueError(f"by must be one of {COVERAGE_BY}; got {by!r}")
    if freq not in ("D", "W"):
        raise ValueError(f"freq must be 'D' or 'W'; got {freq!r}")
    day = "try_strptime(substr(published, 1, 10), '%Y-%m-%d')::DATE"
    period = day if freq == "D" else f"date_trunc('week', {day})::DATE"
    dated = f"dated AS (SELECT article_id, source, {period} AS period FROM a WHERE length(published) >= 10)"
    f, q = to_filters(filters), as_query(source)
    q.keyed()
    sql_tables = {"a": "_art", "m": "mentions", "t": "topics"}
    if by == "source":
        # the mention facts carry their article's date and outlet: mentions per (date, outlet) without
        # visiting each article (every filtered mention's article is among the filtered articles)
        sql_tables["m"] = "_mfacts"
        body = f"""SELECT d.period, d.source, d.articles, coalesce(k.mentions, 0)::BIGINT AS mentions FROM (
              SELECT period, source, count(*) AS articles FROM dated
              WHERE period IS NOT NULL AND source IS NOT NULL GROUP BY ALL) d
            LEFT JOIN (SELECT {period} AS period, source, sum(k) AS mentions FROM (
              SELECT published, source, count(*) AS k FROM m WHERE length(published) >= 10 GROUP BY ALL)
              GROUP BY ALL) k USING (period, source)"""
    else:
        table, column = ("m", "actor") if by == "actor" else ("t", "topic")
        sql_tables |= {"m": q.narrow("mentions"), "t": q.narrow("topics")}  # joined on article numbers
        dated = dated.replace("SELECT article_id,", "SELECT a,")
        body = f"""SELECT d.period, x.{column}, count(DISTINCT x.a) AS articles, count(*) AS mentions
            FROM {table} x JOIN dated d USING (a)
            WHERE d.period IS NOT NULL AND x.{column} IS NOT NULL GROUP BY ALL"""
    sql = q.with_filters(f, "", sql_tables).rstrip() + f",\n{dated}\n{body}"
    out = q.sql(sql, query_sql.params(f))
    out["period"] = pd.to_datetime(out["period"].astype("string").str.slice(0, 10), format="%Y-%m-%d")
    out = typed(out, {"period": out["period"].dtype, by: "string", "articles": "int64", "mentions": "int64"})
    return out.sort_values(["period", by]).reset_index(drop=True)


def events_in_order(source: Source, *, include_background: bool = True, latest: int | None = None,
                    **filters) -> pd.DataFrame:  # fmt: skip
    """Events sorted by date (a month or year sorts at its first day, before that period's days, then
    by article and sentence), with the article's source and title; `latest` keeps only the last so many
    (still in date order; `attrs["total"]`: all the filtered events).

    Columns: date, date_precision, period_start, time_expression, actors, topics, evidence, background,
    source, title, article_id, sentence_id, event_id.
    """
    q = as_query(source)
    q.facts("_k_events")
    bg = "" if include_background else "WHERE NOT coalesce(e.background, false)"
    # the keyed events carry their position in the timeline's order (`o`): the last `latest` of the
    # filtered ones by that position, then only those rows read in full, with their article's outlet and
    # title (of the filtered articles)
    keep = f"ORDER BY o DESC LIMIT {int(latest)}" if latest is not None else ""
    body = f"""SELECT x.date, x.date_precision, {query_sql.event_start("x.")} AS period_start,
          x.time_expression, x.actors, x.topics, x.evidence, x.background, fa.source, t.title, x.article_id,
          x.sentence_id, x.event_id, (SELECT count(*) FROM e {bg}) AS _total
        FROM (SELECT _row, a, o FROM e {bg} {keep}) k JOIN events x USING (_row)
        LEFT JOIN a fa ON fa.a = k.a LEFT JOIN articles t ON t._row = fa._row
        ORDER BY k.o"""
    return _events_frame(q.run(to_filters(filters), body, {"e": "_k_events", "a": "_art"}))


def _events_frame(out: pd.DataFrame) -> pd.DataFrame:
    total = int(out["_total"].iloc[0]) if len(out) else 0
    out = out.drop(columns=["_total"])
    out["period_start"] = pd.to_datetime(out["period_start"])
    types = {c.name: c.dtype for c in schema.TABLES["events"]} | {"source": "string", "title": "string"}
    out = out.astype({c: t for c, t in types.items() if c in out})
    out.attrs["total"] = total  # all the filtered events, when `latest` kept fewer
    return out


def actor_first_last(source: Source, **filters) -> pd.DataFrame:
    """The first and last publication day on which each actor is mentioned, with counts.

    Returns:
        Columns actor, first, last (Timestamp, NaT when none of its articles has a day-precise date),
        articles, mentions; sorted by first mention, then actor.
    """
    f, q = to_filters(filters), as_query(source)
    q.facts("_mfacts")
    body = f"""SELECT actor, min(day) AS first, max(day) AS last, {first_articles(f)} AS articles,
        count(*) AS mentions FROM m WHERE actor IS NOT NULL GROUP BY actor ORDER BY first NULLS LAST, actor"""
    out = q.run(f, body, {"m": "_mfacts"})
    for col in ("first", "last"):
        out[col] = pd.to_datetime(out[col])
    return out.astype({"actor": "string", "articles": "int64", "mentions": "int64"})


def events_per_actor(source: Source, *, include_background: bool = True, **filters) -> pd.DataFrame:
    """How many events each actor takes part in (is named in the event's sentence), with the date range.

    Returns:
        Columns actor, events, first_event, last_event (ISO strings as in `events.date`: of the earliest
        and the latest event by period start); sorted by events (descending), then actor.
    """
    bg = "" if include_background else "AND NOT coalesce(background, false)"
    order = f"{query_sql.event_start()} NULLS LAST, _row"
    body = f"""SELECT actor, count(DISTINCT event_id) AS events,
        first(date ORDER BY {order}) FILTER (WHERE date IS NOT NULL) AS first_event,
        last(date ORDER BY {order}) FILTER (WHERE date IS NOT NULL) AS last_event
        FROM (SELECT *, unnest(string_split(coalesce(actors, ''), '; ')) AS actor FROM e WHERE true {bg})
        WHERE actor <> '' GROUP BY actor ORDER BY events DESC, actor"""
    out = as_query(source).run(to_filters(filters), body, {"e": "events"})
    return typed(out, {"actor": "string", "events": "int64", "first_event": "string", "last_event": "string"})
