"""Actor-mention and topic count tables: tidy long frames, counted by DuckDB.

Every function takes the tables (a dict of frames as `analysis.store.tables.load_tables` returns them), a data
folder or a `Query`, and the dashboard's filters as keyword arguments (`actors=(), affiliations=(),
topics=(), sources=(), start=None, end=None, search=""`, the semantics of `analysis.query.filters`).
Inputs are never mutated.

| function | columns |
|---|---|
| `mentions_by_actor` | actor, actor_type, affiliation, linked, n, articles |
| `mentions_by_actor_source` | actor, source, n |
| `mentions_by_actor_article` | actor, article_id, title, source, published, n |
| `mentions_by_actor_day` | actor, date (ISO day), n |
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

import pandas as pd

from analysis.query.engine import Source, as_query
from analysis.query.results import UNKNOWN, first_articles, sorted_by, to_filters, typed
from analysis.query.sql import params

LEVELS = ("sentence", "article")


def mentions_by_actor(source: Source, **filters) -> pd.DataFrame:
    """Mentions per actor: actor, actor_type, affiliation, linked, n (mentions), articles (distinct)."""
    f = to_filters(filters)
    body = f"""SELECT actor,
        arg_min(actor_type, _row) FILTER (WHERE actor_type IS NOT NULL) AS actor_type,
        arg_min(affiliation, _row) FILTER (WHERE affiliation IS NOT NULL) AS affiliation,
        max(linked) AS linked, count(*) AS n, {first_articles(f)} AS articles
        FROM m WHERE actor IS NOT NULL GROUP BY actor"""
    out = _mention_facts(source).run(f, body, {"m": "_mfacts"})
    types = {"actor": "string", "actor_type": "string", "affiliation": "string", "linked": "boolean",
             "n": "int64", "articles": "int64"}  # fmt: skip
    return sorted_by(typed(out, types), ["n", "actor"], [False, True])


def _mention_facts(source: Source):
    q = as_query(source)
    q.facts("_mfacts")
    return q


def mentions_by_actor_source(source: Source, **filters) -> pd.DataFrame:
    """Mentions per actor and outlet: actor, source ('(unknown)' when not known), n."""
    # grouped by the outlet's integer code, named after (a kept mention's article is a kept article)
    body = f"""SELECT m.actor, coalesce(x.source, '{UNKNOWN}') AS source, m.n FROM (
        SELECT actor, src, count(*) AS n FROM m WHERE actor IS NOT NULL GROUP BY ALL) m
        LEFT JOIN _sources x USING (src)"""
    out = _mention_facts(source).run(to_filters(filters), body, {"m": "_mfacts"})
    out = typed(out, {"actor": "string", "source": "string", "n": "int64"})
    return sorted_by(out, ["actor", "n", "source"], [True, False, True])


def mentions_by_actor_article(source: Source, **filters) -> pd.DataFrame:
    """Mentions per actor and article: actor, article_id, title, source, published, n."""
    body = f"""SELECT m.actor, m.article_id, a.title, coalesce(nullif(a.source, ''), '{UNKNOWN}') AS source,
        a.published, count(*) AS n FROM m LEFT JOIN a USING (article_id) GROUP BY ALL"""
    out = as_query(source).run(to_filters(filters), body, {"m": "mentions", "a": "articles"})
    types = {"actor": "string", "article_id": "string", "title": "string", "source": "string",
             "published": "string", "n": "int64"}  # fmt: skip
    return sorted_by(typed(out, types), ["actor", "n", "article_id"], [True, False, True])


def mentions_by_actor_day(source: Source, **filters) -> pd.DataFrame:
    """Mentions per actor and publication day: actor, date (ISO day), n. Only articles dated to the day
    count, as in coverage over time; those dated only to a month or a year, and the undated, are counted
    by `timeline.dating` (the charts draw a month or a year as its period: `analysis.query.periods`)."""
    body = """SELECT actor, strftime(day, '%Y-%m-%d') AS date, n FROM (SELECT actor, day, count(*) AS n
        FROM m WHERE day IS NOT NULL AND actor IS NOT NULL GROUP BY ALL)"""  # a date per group, not per row
    out = _mention_facts(source).run(to_filters(filters), body, {"m": "_mfacts"})
    out = typed(out, {"actor": "string", "date": "string", "n": "int64"})
    return sorted_by(out, ["date", "actor"], [True, True])


def mentions_by_affiliation(source: Source, **filters) -> pd.DataFrame:
    """Mentions per affiliation (the state or bloc an actor acts for): affiliation, n, actors (distinct)."""
    body = f"""SELECT coalesce(nullif(affiliation, ''), '{UNKNOWN}') AS affiliation, count(*) AS n,
        count(DISTINCT actor) AS actors FROM m GROUP BY ALL"""
    out = as_query(source).run(to_filters(filters), body, {"m": "mentions"})
    out = typed(out, {"affiliation": "string", "n": "int64", "actors": "int64"})
    return sorted_by(out, ["n", "affiliation"], [False, True])


def cooccurrence(source: Source, *, level: str = "sentence", **filters) -> pd.DataFrame:
    """Pairs of actors named in the same sentence (or article): actor_a, actor_b (a < b), n.

    With an `actors`/`affiliations` filter, the pairs are those that involve at least one selected
    actor (the partner may be any actor); the other filters select the sentences and articles.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    chosen = list(filters.pop("actors", ()) or ())
    chosen_aff = list(filters.pop("affiliations", ()) or ())
    f = to_filters(filters)
    q = as_query(source)
    unit = ["article_id", "sentence_id"] if level == "sentence" else ["article_id"]
    known = " AND ".join(f"{c} IS NOT NULL" for c in [*unit, "actor"])
    ctes = [f"u AS (SELECT DISTINCT {', '.join(unit)}, actor FROM m WHERE {known})"]
    keep, extra = "", {}
    if chosen or chosen_aff:  # the chosen actors, and the actors acting for a chosen affiliation
        extra = {"chosen": chosen, "chosen_aff": chosen_aff}
        ctes.append(
            "chosen AS (SELECT unnest($chosen::VARCHAR[]) AS actor UNION "
            "SELECT actor FROM m WHERE list_contains($chosen_aff::VARCHAR[], affiliation))"
        )
        keep = "WHERE actor_a IN (SELECT actor FROM chosen) OR actor_b IN (SELECT actor FROM chosen)"
    body = f"""SELECT * FROM (SELECT x.actor AS actor_a, y.actor AS actor_b, count(*) AS n
        FROM u x JOIN u y USING ({", ".join(unit)}) WHERE x.actor < y.actor GROUP BY ALL) {keep}"""
    sql = q.with_filters(f, "", {"m": "mentions"}).rstrip() + ",\n" + ",\n".join(ctes) + "\n" + body
    out = q.sql(sql, params(f) | extra)
    out = typed(out, {"actor_a": "string", "actor_b": "string", "n": "int64"})
    return sorted_by(out, ["n", "actor_a", "actor_b"], [False, True, True])


def topic_share_by_source(source: Source, **filters) -> pd.DataFrame:
    """Topic tags per outlet: source, topic, n (sentences tagged), share (of the outlet's tags, 0..1)."""
    q = as_query(source)
    q.facts("_k_topics")
    # the keyed topics carry their outlet's code: no join per row (a filtered tag's article passes the
    # filters: the filtered articles' outlets are its outlet)
    body = f"""SELECT coalesce(x.source, '{UNKNOWN}') AS source, t.topic, t.n FROM (
        SELECT src, topic, count(*) AS n FROM t WHERE topic IS NOT NULL GROUP BY ALL) t
        LEFT JOIN _sources x USING (src)"""
    out = q.run(to_filters(filters), body, {"t": "_k_topics"})
    out = typed(out, {"source": "string", "topic": "string", "n": "int64"})
    out["share"] = out["n"] / out.groupby("source")["n"].transform("sum")
    return sorted_by(out, ["source", "n", "topic"], [True, False, True])
