"""The query layer: filtered aggregations computed by DuckDB over the Parquet store, returned as pandas.

For a large corpus the dashboard should not load every mention into pandas to draw one chart. `Query`
opens an embedded, in-process DuckDB over the data folder's Parquet files; each function below applies
the dashboard filters (the semantics of `analysis.filters`) and aggregates in SQL, and returns the same
columns, dtypes and order as its pandas twin:

| here | pandas twin |
|---|---|
| `mentions_by_actor(q, **filters)` | `counts.mentions_by_actor` |
| `mentions_by_actor_source(q, **filters)` | `counts.mentions_by_actor_source` |
| `mentions_by_actor_day(q, **filters)` | `counts.mentions_by_actor_day` |
| `position_matrix(q, level=, **filters)` | `positions.position_matrix` |
| `coverage_over_time(q, by=, freq=, **filters)` | `timeline_tables.coverage_over_time` |

plus `q.filtered(table, filters, columns=, limit=)` (the rows of one table a view shows), `q.count(...)`
and `q.sql(...)`. Filters are the keyword arguments of `analysis.filters.Filters` (`actors`,
`affiliations`, `topics`, `sources`, `start`, `end`, `search`).

Example:
    >>> q = Query(settings.get_path("data_dir"))
    >>> mentions_by_actor(q, sources=("Reuters",)).head(3)
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pandas as pd

from analysis import query_sql, schema
from analysis.filters import Filters

UNKNOWN = "(unknown)"  # as counts.UNKNOWN
COVERAGE_BY = ("source", "actor", "topic")
LEVELS = ("actor", "affiliation")


class Query:
    """An in-process DuckDB over the Parquet tables in `folder`; safe to share between threads.

    Every query first checks the files: a query after a build sees the new tables.
    """

    def __init__(self, folder: Path | str, *, materialize: bool = False, memory_limit: str | None = None,
                 threads: int | None = None) -> None:  # fmt: skip
        """Args:
        folder: the data folder (one `<table>.parquet` per table).
        materialize: load the tables into DuckDB's in-memory storage; by default the Parquet files are
            queried directly, which measured as fast (bench/bench_query.py) and starts at once.
        memory_limit: DuckDB's limit (e.g. '1GB'); beyond it DuckDB spills to disk.
        """
        import duckdb

        self.folder = Path(folder)
        self.materialize = materialize
        self._con = duckdb.connect(":memory:")
        if memory_limit:
            self._con.execute(f"SET memory_limit = '{memory_limit}'")
        if threads:
            self._con.execute(f"SET threads = {int(threads)}")
        self._con.execute("SET preserve_insertion_order = false")  # less memory; every result is sorted
        self._lock = threading.Lock()
        self._stamps: dict[str, tuple] = {}
        self.sync()

    def _stamp(self, name: str) -> tuple:
        path = self.folder / f"{name}.parquet"
        try:
            stat = path.stat()
        except OSError:
            return (0, 0)
        return (stat.st_mtime_ns, stat.st_size)

    def sync(self) -> None:
        """(Re)load every table whose Parquet file changed since it was loaded (a build replaced it), and
        the actor -> affiliation table with the mentions; cheap when nothing changed (one stat per table)."""
        with self._lock:
            for name in (*schema.TABLES, "actor_affiliation"):
                stamp = self._stamp("mentions" if name == "actor_affiliation" else name)
                if self._stamps.get(name) == stamp:
                    continue
                if name == "actor_affiliation":
                    self._con.execute(query_sql.AFFILIATION_TABLE)
                else:
                    self._con.execute(query_sql.table_sql(name, self.folder, materialize=self.materialize))
                self._stamps[name] = stamp

    def refresh(self) -> None:
        """Reload every table now."""
        self._stamps.clear()
        self.sync()

    def sql(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        """Run `sql` with named `$parameters` (those it does not use are dropped) into a pandas frame."""
        used = {k: v for k, v in (params or {}).items() if re.search(rf"\${k}\b", sql)}
        self.sync()
        cursor = self._con.cursor()  # one cursor per call: DuckDB connections are not shared across threads
        try:
            return cursor.execute(sql, used).fetchdf()
        finally:
            cursor.close()

    def filtered(self, table: str, filters: Filters | None = None, *, columns: list[str] | None = None,
                 order: str | None = None, limit: int | None = None) -> pd.DataFrame:  # fmt: skip
        """Rows of `table` the filters keep (as `apply_filters`), conformed to the table contract when all
        columns are asked for; `order` is an SQL ORDER BY list, `limit` caps the rows fetched."""
        f = filters or Filters()
        cols = ", ".join(columns) if columns else "* EXCLUDE (_row)"
        body = f"SELECT {cols} FROM rows" + (f" ORDER BY {order}" if order else " ORDER BY _row")
        body += f" LIMIT {int(limit)}" if limit is not None else ""
        out = self.sql(query_sql.with_filters(f, body, {"rows": table}), _params(f))
        return out if columns else schema.conform(out, table)

    def count(self, table: str, filters: Filters | None = None) -> int:
        f = filters or Filters()
        sql = query_sql.with_filters(f, "SELECT count(*) AS n FROM rows", {"rows": table})
        return int(self.sql(sql, _params(f))["n"].iloc[0])


def _params(f: Filters) -> dict:
    out = query_sql.params(f)
    if f.actors or f.affiliations:
        out["actors_or_affiliations"] = list(f.actors + f.affiliations)
    return out


def _run(
    q: Query, filters: dict, body: str, tables: dict[str, str], *, affiliations: bool = False
) -> pd.DataFrame:
    f = _filters(filters)
    return q.sql(query_sql.with_filters(f, body, tables, affiliations=affiliations), _params(f))


def _filters(kw: dict) -> Filters:
    try:
        return Filters(**kw)
    except TypeError:
        valid = ", ".join(Filters.__dataclass_fields__)
        raise TypeError(f"unknown filter in {sorted(kw)}; valid filters are {valid}") from None


def _typed(df: pd.DataFrame, types: dict[str, str]) -> pd.DataFrame:
    return df.astype(types)[list(types)]


def _sorted(df: pd.DataFrame, by: list[str], ascending: list[bool]) -> pd.DataFrame:
    return df.sort_values(by, ascending=ascending, kind="stable").reset_index(drop=True)


def mentions_by_actor(q: Query, **filters) -> pd.DataFrame:
    """Mentions per actor: actor, actor_type, affiliation, linked, n (mentions), articles (distinct)."""
    body = """SELECT actor,
        arg_min(actor_type, _row) FILTER (WHERE actor_type IS NOT NULL) AS actor_type,
        arg_min(affiliation, _row) FILTER (WHERE affiliation IS NOT NULL) AS affiliation,
        max(linked) AS linked, count(*) AS n, count(DISTINCT article_id) AS articles
        FROM m WHERE actor IS NOT NULL GROUP BY actor"""
    out = _run(q, filters, body, {"m": "mentions"})
    types = {"actor": "string", "actor_type": "string", "affiliation": "string", "linked": "boolean",
             "n": "int64", "articles": "int64"}  # fmt: skip
    return _sorted(_typed(out, types), ["n", "actor"], [False, True])


def mentions_by_actor_source(q: Query, **filters) -> pd.DataFrame:
    """Mentions per actor and outlet: actor, source ('(unknown)' when not known), n."""
    body = f"""SELECT m.actor, coalesce(nullif(a.source, ''), '{UNKNOWN}') AS source, count(*) AS n
        FROM m LEFT JOIN a USING (article_id) WHERE m.actor IS NOT NULL GROUP BY ALL"""
    out = _run(q, filters, body, {"m": "mentions", "a": "articles"})
    out = _typed(out, {"actor": "string", "source": "string", "n": "int64"})
    return _sorted(out, ["actor", "n", "source"], [True, False, True])


def mentions_by_actor_day(q: Query, **filters) -> pd.DataFrame:
    """Mentions per actor and publication date: actor, date (ISO, as precise as known), n."""
    body = """SELECT m.actor, a.published AS date, count(*) AS n FROM m JOIN a USING (article_id)
        WHERE coalesce(a.published, '') <> '' AND m.actor IS NOT NULL GROUP BY ALL"""
    out = _run(q, filters, body, {"m": "mentions", "a": "articles"})
    out = _typed(out, {"actor": "string", "date": "string", "n": "int64"})
    return _sorted(out, ["date", "actor"], [True, True])


def position_matrix(q: Query, *, level: str = "actor", **filters) -> pd.DataFrame:
    """Actor (or affiliation) x topic: actor, topic, support, oppose, neutral, n, net, n_sources,
    n_articles."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    body = f"""SELECT actor, topic, support, oppose, neutral, support + oppose + neutral AS n,
        CASE WHEN support + oppose > 0 THEN (support - oppose) / (support + oppose) ELSE 0.0 END AS net,
        n_sources, n_articles FROM (
          SELECT s.{level} AS actor, s.topic,
            count(*) FILTER (WHERE stance = 'support') AS support,
            count(*) FILTER (WHERE stance = 'oppose') AS oppose,
            count(*) FILTER (WHERE stance = 'neutral') AS neutral,
            count(DISTINCT nullif(a.source, '')) AS n_sources, count(DISTINCT s.article_id) AS n_articles
          FROM s LEFT JOIN articles a USING (article_id)
          WHERE s.{level} IS NOT NULL AND s.topic IS NOT NULL AND s.stance IN ('support', 'oppose', 'neutral')
          GROUP BY ALL)"""
    out = _run(q, filters, body, {"s": "statements_aff"}, affiliations=True)
    types = {"actor": "string", "topic": "string", "support": "int64", "oppose": "int64", "neutral": "int64",
             "n": "int64", "net": "float64", "n_sources": "int64", "n_articles": "int64"}  # fmt: skip
    return _sorted(_typed(out, types), ["actor", "topic"], [True, True])


def coverage_over_time(q: Query, *, by: str = "source", freq: str = "D", **filters) -> pd.DataFrame:
    """Articles and mentions per day or week (Monday), by source, actor or topic: period, `by`, articles,
    mentions. Only articles with a day-precise publication date count."""
    if by not in COVERAGE_BY:
        raise ValueError(f"by must be one of {COVERAGE_BY}; got {by!r}")
    if freq not in ("D", "W"):
        raise ValueError(f"freq must be 'D' or 'W'; got {freq!r}")
    day = "try_strptime(substr(published, 1, 10), '%Y-%m-%d')::DATE"
    period = day if freq == "D" else f"date_trunc('week', {day})::DATE"
    dated = f"dated AS (SELECT article_id, source, {period} AS period FROM a WHERE length(published) >= 10)"
    if by == "source":
        body = """SELECT period, source, count(*) AS articles, sum(k) AS mentions FROM (
            SELECT d.period, d.source, (SELECT count(*) FROM m WHERE m.article_id = d.article_id) AS k
            FROM dated d WHERE d.period IS NOT NULL AND d.source IS NOT NULL) GROUP BY ALL"""
    else:
        table, column = ("m", "actor") if by == "actor" else ("t", "topic")
        body = f"""SELECT d.period, x.{column}, count(DISTINCT x.article_id) AS articles, count(*) AS mentions
            FROM {table} x JOIN dated d USING (article_id)
            WHERE d.period IS NOT NULL AND x.{column} IS NOT NULL GROUP BY ALL"""
    sql_tables = {"a": "articles", "m": "mentions", "t": "topics"}
    f = _filters(filters)
    sql = query_sql.with_filters(f, "", sql_tables).rstrip() + f",\n{dated}\n{body}"
    out = q.sql(sql, _params(f))
    out["period"] = pd.to_datetime(out["period"].astype("string").str.slice(0, 10), format="%Y-%m-%d")
    out = _typed(out, {"period": out["period"].dtype, by: "string", "articles": "int64", "mentions": "int64"})
    return out.sort_values(["period", by]).reset_index(drop=True)
