"""The rows a page shows, through the query engine: each takes the tables (a dict of frames), a data folder
or a `Query`, and the filters, and fetches only the rows it shows.

| function | what |
|---|---|
| `corpus_summary(q, f)` | articles, sources, start, end, undated, actors, mentions, statements, events… |
| `article_summary(q, f)` | its articles, sources, start, end and undated (every page's source note) |
| `row_summary(q, f)` | the rest of `corpus_summary` |
| `catalog(q)` | the filter options of the whole corpus (`views.Catalog`) |
| `catalog_topics(q, f)` | topics with a support or oppose statement, most first |
| `article_list(q, f, limit=)` | articles newest first with their picker label |
| `actor_sentences(q, f, actor, limit=)` | the sentences mentioning an actor, with their article's details |
| `key_evidence(q, actor=, topic=, n=, **filters)` | the statements to quote first |
| `event_rows(q, f, event_id)` | one event with its article's details |
| `unresolved_times(q, f, limit=)` | time expressions without a date |
| `with_article_meta(q, f, rows)` | rows plus their article's title, source, published date and URL |
| `article_tables(q, article_id)` | every table's rows about one article (`views.article`, `reader.spans`) |
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.query import periods, views
from analysis.query.engine import Query, Source, as_query
from analysis.query.filters import Filters
from analysis.query.results import conform_with, to_filters
from analysis.store import schema

META = ("title", "source", "published", "url")


def _run(q: Source, f: Filters, body: str, tables: dict[str, str], extra: dict | None = None) -> pd.DataFrame:
    return as_query(q).run(f or Filters(), body, tables, extra)


def _strings(df: pd.DataFrame) -> pd.DataFrame:
    return df.astype({c: "string" for c in df.columns if df[c].dtype == object})


ARTICLE_SUMMARY = """SELECT count(*) AS articles,
    count(DISTINCT source) FILTER (WHERE coalesce(source, '') <> '') AS sources,
    min(published) FILTER (WHERE coalesce(published, '') <> '') AS start,
    max(published) FILTER (WHERE coalesce(published, '') <> '') AS "end",
    count(*) FILTER (WHERE coalesce(published, '') = '') AS undated FROM t"""
ROW_SUMMARY = {  # the rest of `corpus_summary`, one query per table
    "mentions": "SELECT count(DISTINCT actor) AS actors, count(*) AS mentions FROM t",
    "statements": "SELECT count(*) AS statements FROM t",
    "events": "SELECT count(*) AS events FROM t",
}


def article_summary(q: Query, f: Filters) -> dict:
    """The article part of `corpus_summary` (articles, sources, start, end, undated: without a
    publication date): what every page's source note needs, from the articles alone."""
    return _summary([_run(q, f, ARTICLE_SUMMARY, {"t": q.narrow("articles")})])


def corpus_summary(q: Query, f: Filters) -> dict:
    """articles, sources, start, end, actors, mentions,
    statements, events, problems (`_summaries`)."""
    return _summaries(q, f, {"articles": ARTICLE_SUMMARY, **ROW_SUMMARY})


def row_summary(q: Query, f: Filters) -> dict:
    """actors, mentions, statements, events, problems."""
    return _summaries(q, f, ROW_SUMMARY)


def _summaries(q: Query, f: Filters, parts: dict[str, str]) -> dict:
    """The one-row `parts` (table -> SQL over `t`) and the problems' count (`Query.one_rows`)."""
    return _summary(q.one_rows(f, {**parts, "problems": "SELECT count(*) AS problems FROM t"}))


def _summary(rows: list[pd.DataFrame]) -> dict:
    """One dict of the one-row results: dates as ISO strings (None when unknown), counts as int."""
    out = {}
    for key, value in (item for row in rows for item in row.iloc[0].to_dict().items()):
        out[key] = (None if pd.isna(value) else str(value)) if key in ("start", "end") else int(value)
    return out


def _ranked(q: Query, sql: str) -> tuple[str, ...]:
    """Values of `sql` (columns v, k) ranked by count k, most first, ties by value."""
    out = q.sql(f"SELECT v FROM ({sql}) WHERE v IS NOT NULL AND v <> '' GROUP BY v ORDER BY sum(k) DESC, v")
    return tuple(out["v"].astype(str))


def catalog(q: Query, *, taxonomy_path: Path | None = None) -> views.Catalog:
    """The filter options of the whole corpus: actors ranked by mentions, affiliations, topics, sources,
    date span; counted in DuckDB."""
    actors = _ranked(q, "SELECT actor AS v, count(*) AS k FROM mentions GROUP BY 1 "
                        "UNION ALL SELECT actor AS v, count(*) AS k FROM statements GROUP BY 1")  # fmt: skip
    topics = q.sql(
        "SELECT DISTINCT topic FROM topics WHERE topic IS NOT NULL "
        "UNION SELECT DISTINCT topic FROM statements WHERE topic IS NOT NULL"
    )["topic"]
    published = q.sql("SELECT DISTINCT published FROM articles WHERE published IS NOT NULL")["published"]
    days = [span[0].date() for span in map(periods.span, published) if span]  # a period by its first day
    return views.Catalog(
        actors=actors,
        affiliations=_ranked(q, "SELECT affiliation AS v, count(*) AS k FROM mentions GROUP BY 1"),
        topics=tuple(sorted(topics.astype(str))),
        sources=_ranked(q, "SELECT source AS v, count(*) AS k FROM articles GROUP BY 1"),
        first=min(days) if days else None,
        last=max(days) if days else None,
        topic_labels=views.topic_labels(taxonomy_path),
    )


def catalog_topics(q: Query, f: Filters) -> list[str]:
    """topics with a support or oppose statement, most such statements first."""
    body = """SELECT topic FROM s WHERE stance IN ('support', 'oppose') AND coalesce(topic, '') <> ''
        GROUP BY topic ORDER BY count(*) DESC, topic"""
    return list(_run(q, f, body, {"s": q.narrow("statements")})["topic"].astype(str))


def article_list(q: Query, f: Filters, *, limit: int | None = None) -> pd.DataFrame:
    """articles newest first with their picker label; `limit` caps the rows."""
    body = """SELECT article_id, file, title, source, published FROM a
        ORDER BY published DESC NULLS LAST, title NULLS LAST, _row""" + (
        f" LIMIT {int(limit)}" if limit is not None else ""
    )
    return views.label_articles(_strings(_run(q, f, body, {"a": "articles"})))


def actor_sentences(q: Query, f: Filters, actor: str, *, limit: int = 200) -> pd.DataFrame:
    """the sentences mentioning `actor`, with the article's details."""
    body = f"""SELECT k.article_id, k.sentence_id, k.surface, s.text, a.title, a.source, a.published, a.url
        FROM (SELECT article_id, sentence_id, arg_min(surface, _row) AS surface, min(_row) AS _first
              FROM m WHERE actor = $sent_actor GROUP BY article_id, sentence_id) k
        JOIN s USING (article_id, sentence_id) LEFT JOIN articles a USING (article_id)
        ORDER BY a.published NULLS LAST, k.article_id NULLS LAST, k.sentence_id NULLS LAST, k._first, s._row
        LIMIT {int(limit)}"""
    out = _run(q, f, body, {"m": "mentions", "s": "sentences"}, {"sent_actor": actor})
    return _strings(out).astype({"sentence_id": "Int64"})


def key_evidence(source: Source, *, actor: str | None = None, topic: str | None = None, n: int = 8,
                 **filters) -> pd.DataFrame:  # fmt: skip
    """The `n` statements to quote first (of one actor and/or topic): support/oppose before neutral, then
    the most confident, then by date, article and sentence; with their article's title, source,
    published date and URL."""
    where, extra = [], {}
    if actor is not None:
        where.append("s.actor = $ke_actor")
        extra["ke_actor"] = actor
    if topic is not None:
        where.append("s.topic = $ke_topic")
        extra["ke_topic"] = topic
    body = f"""SELECT s.* EXCLUDE (_row), a.title, a.source, a.published, a.url FROM s
        LEFT JOIN a USING (article_id) {"WHERE " + " AND ".join(where) if where else ""}
        ORDER BY (s.stance IS DISTINCT FROM 'neutral') DESC, s.confidence DESC NULLS LAST,
          a.published NULLS LAST, s.article_id NULLS LAST, s.sentence_id NULLS LAST, s._row
        LIMIT {int(n)}"""
    out = _run(source, to_filters(filters), body, {"s": "statements", "a": "articles"}, extra)
    return conform_with(out, "statements", META)


def event_rows(q: Query, f: Filters, event_id: str) -> pd.DataFrame:
    """one event with its article's title, source, date and URL."""
    body = """SELECT e.* EXCLUDE (_row), a.title, a.source, a.published, a.url FROM e
        LEFT JOIN articles a USING (article_id) WHERE e.event_id = $row_event ORDER BY e._row"""
    return conform_with(_run(q, f, body, {"e": "events"}, {"row_event": event_id}), "events", META)


def unresolved_times(q: Query, f: Filters, *, limit: int | None = None) -> pd.DataFrame:
    """time expressions without a date, with their article's details."""
    body = """SELECT t.expression, t.kind, a.title, a.source, a.published, t.article_id, t.sentence_id FROM t
        LEFT JOIN a USING (article_id) WHERE coalesce(t.date, '') = '' ORDER BY t._row""" + (
        f" LIMIT {int(limit)}" if limit is not None else ""
    )
    return _strings(_run(q, f, body, {"t": "time_expressions", "a": "articles"})).astype(
        {"sentence_id": "Int64"}
    )


def with_article_meta(q: Query, f: Filters, rows: pd.DataFrame) -> pd.DataFrame:
    """`rows` (with `article_id`) plus their article's title, source, published date and URL."""
    want = [c for c in META if c not in rows]
    if not want:
        return rows
    if rows.empty:
        meta = schema.empty_table("articles")[["article_id", *want]]
    else:
        ids = sorted(set(rows["article_id"].dropna().astype(str)))
        body = f"SELECT article_id, {', '.join(want)} FROM a WHERE list_contains($ids, article_id) " \
            "ORDER BY _row"  # fmt: skip
        meta = _strings(_run(q, f, body, {"a": "articles"}, {"ids": ids}))
    return rows.merge(meta, on="article_id", how="left")


def article_tables(q: Query, article_id: str) -> dict[str, pd.DataFrame]:
    """Every table's rows about one article (problems: those about its file), conformed to the contract,
    for the helpers that show one article (`views.article`, `views.article_rows`, `reader.spans`, ...)."""
    out, number = {}, None
    if q.keyed():  # the article's number: its rows are found in the keyed tables, then read by position
        found = q.sql("SELECT a FROM _art WHERE article_id = $aid AND a IS NOT NULL", {"aid": article_id})
        number = int(found["a"].iloc[0]) if len(found) else None
    names = [n for n, cols in schema.TABLES.items() if "article_id" in {c.name for c in cols}]
    queries = []
    for name in names:
        where = "article_id = $aid"
        if number is not None and (key := q.narrow(name)) != name:
            where = f"_row IN (SELECT _row FROM {key} WHERE a = {number})"
        sql = f"SELECT * EXCLUDE (_row) FROM {name} WHERE {where} ORDER BY _row"
        queries.append((sql, {"aid": article_id}))
    for name, rows in zip(names, q.sql_many(queries), strict=True):
        out[name] = schema.conform(rows, name)
    files = out["articles"]["file"].dropna().astype(str).tolist()
    names = sorted({f for f in files} | {f.split("#")[0] for f in files})
    problems = q.sql("SELECT * EXCLUDE (_row) FROM problems WHERE list_contains($files, file) ORDER BY _row",
                     {"files": names})  # fmt: skip
    out["problems"] = schema.conform(problems, "problems")
    return out
