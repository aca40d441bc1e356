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
and `q.sql(...)`. Filters run on integer keys: once per data version, narrow compressed *keyed tables*
(`Query.facts`, `query_sql.KEYED`) give every row its article's number and its sentence's integer key (as
`filters.RowKeys` does), the statements and mentions also their article's outlet and date and first-of-group
flags (the fact tables the heaviest aggregations read); each filter set's key sets are integer tables
(`Query.prepared`), and a table's rows are read by position. With a repeated article id (or `facts=False`,
a baseline for benchmarks) the plain SQL on string keys runs instead (docs/scale.md).
Filters are the keyword arguments of `analysis.filters.Filters` (`actors`,
`affiliations`, `topics`, `sources`, `start`, `end`, `search`).

Example:
    >>> q = Query(settings.get_path("data_dir"))
    >>> mentions_by_actor(q, sources=("Reuters",)).head(3)
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import logging
import os
import re
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis import query_sql, schema
from analysis.filters import Filters

UNKNOWN = "(unknown)"  # as counts.UNKNOWN
COVERAGE_BY = ("source", "actor", "topic")
log_ = logging.getLogger("parley.query")
PREPARED = 16  # filter sets whose key sets a Query keeps
LEVELS = ("actor", "affiliation")
# the keyed tables (`Query.facts`), in the order they are built (`_art` first: the others join it)
KEYED_TABLES = (
    "_art",
    "_snames",
    *dict.fromkeys(v for v in query_sql.KEYED.values() if v != "_art"),
    "_k_event_items",
)
_UNKEYED = ("_snames", "_k_event_items")  # built with the keyed tables, without article numbers


class Query:
    """An in-process DuckDB over the Parquet tables in `folder`; safe to share between threads.

    Every query first checks the files: a query after a build sees the new tables.
    """

    def __init__(self, folder: Path | str, *, materialize: bool = False, memory_limit: str | None = None,
                 threads: int | None = None, corrections: Path | str | None = None,
                 facts: bool = True) -> None:  # fmt: skip
        """Args:
        folder: the data folder (one `<table>.parquet` per table).
        materialize: load the tables into DuckDB's in-memory storage; by default the Parquet files are
            queried directly, which measured as fast (bench/bench_query.py) and starts at once.
        memory_limit: DuckDB's limit (e.g. '1GB'); beyond it DuckDB spills to disk.
        threads: DuckDB threads per query (default one per core); the keyed tables are built with one per
            core either way.
        corrections: the analyst's corrections file; when it exists, `statements` are the automatic ones
            with its corrections applied (as `views.with_corrections` does), re-read when it changes.
        facts: use the fact tables (`facts`); False runs the plain SQL (a baseline for benchmarks).
        """
        import duckdb

        self.folder = Path(folder)
        self.materialize = materialize
        self.corrections = Path(corrections) if corrections else None
        self.use_facts = facts
        self._con = duckdb.connect(":memory:")
        if memory_limit:
            self._con.execute(f"SET memory_limit = '{memory_limit}'")
        self.threads = int(threads) if threads else None
        if self.threads:
            self._con.execute(f"SET threads = {self.threads}")
        self._con.execute("SET preserve_insertion_order = false")  # less memory; every result is sorted
        self._con.execute("ATTACH ':memory:' AS fx (COMPRESS)")  # the fact tables (see `facts`)
        self._lock = threading.RLock()
        self._stamps: dict[str, tuple] = {}
        self._sets: dict[Filters, dict[str, str]] = {}
        self._acting: dict[Filters, list[str]] = {}
        self._facts: dict[str, tuple] = {}
        self._serial = 0
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
                    as_name = "statements_built" if name == "statements" else name
                    sql = query_sql.table_sql(name, self.folder, materialize=self.materialize)
                    self._con.execute(sql.replace(f"TABLE {name} AS", f"TABLE {as_name} AS", 1)
                                      .replace(f"VIEW {name} AS", f"VIEW {as_name} AS", 1))  # fmt: skip
                self._stamps[name] = stamp
                for f in list(self._sets):  # a table changed: the filters' key sets are stale
                    self._drop_set(f)
            stamp = (self._stamps["statements"], self._stamps["statements_auto"], self._corrections_stamp())
            if self._stamps.get("corrected") != stamp:
                self._correct_statements()
                self._stamps["corrected"] = stamp

    def facts(self, name: str) -> bool:
        """Build the keyed table `name` (`query_sql.KEYED`: `_art`, the fact tables `_sfacts` and `_mfacts`,
        `_k_<table>`) unless it is current (once per version of the data files and corrections); False when
        it cannot stand in for its table (articles with a repeated id), so the caller uses the plain SQL."""
        if not self.use_facts:
            return False
        self.sync()
        with self._lock:
            stamp = tuple(sorted(self._stamps.items()))
            if self._facts.get("_base", (None,))[0] != stamp:
                self._facts.clear()
                for f in list(self._sets):  # key sets of the previous numbering
                    self._drop_set(f)
                self._con.execute(query_sql.SOURCES_TABLE)
                top = " UNION ALL ".join(
                    f"SELECT max(sentence_id) AS m FROM {t}" for t in query_sql.SPAN_TABLES
                )
                unique, n_sources, top = self._con.execute(
                    "SELECT (SELECT count(*) = count(DISTINCT article_id) FROM articles), "
                    f"(SELECT count(*) FROM _sources), (SELECT coalesce(max(m), 0) FROM ({top}))"
                ).fetchall()[0]
                self._facts["_base"] = (stamp, bool(unique), int(n_sources), max(int(top), 0) + 2)
            if not self._facts["_base"][1]:
                return False
            if name not in KEYED_TABLES:
                raise KeyError(f"no keyed table {name!r}; they are {KEYED_TABLES}")
            if name not in self._facts:  # all together: no filter change pays for building one
                with self._all_cores():
                    for table in KEYED_TABLES:
                        self._build(table, stamp)
            return True

    @contextlib.contextmanager
    def _all_cores(self):
        """DuckDB's default threads (one per core) meanwhile: the keyed tables scan every row once, where
        parallel scans pay, unlike a page's small filtered queries (`threads`)."""
        if self.threads:
            self._con.execute("RESET threads")
        try:
            yield
        finally:
            if self.threads:
                self._con.execute(f"SET threads = {self.threads}")

    def _build(self, name: str, stamp: tuple) -> None:
        import duckdb

        self._con.execute(self._key_sql(name, self._facts["_base"][3]))
        try:
            self._con.execute("CHECKPOINT fx")  # compresses the new table
        except duckdb.Error as exc:  # e.g. a concurrent write: it stays uncompressed, still correct
            log_.info("keyed table %s not compressed: %s", name, exc)
        self._con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM fx.{name}")
        orphans = (
            name in _UNKEYED
            or self._con.execute(f"SELECT count(*) FROM {name} WHERE a IS NULL").fetchall()[0][0]
        )
        self._facts[name] = (stamp, not orphans)

    def complete(self) -> frozenset[str]:
        """The keyed tables built so far whose every row has a known article."""
        with self._lock:
            return frozenset(name for name, v in self._facts.items() if name != "_base" and v[1])

    @staticmethod
    def _key_sql(name: str, span: int) -> str:
        if name == "_art":
            return query_sql.ARTICLE_KEYS
        if name == "_mfacts":
            return query_sql.mention_facts(span)
        if name == "_sfacts":
            return query_sql.statement_facts(span)
        if name == "_k_event_items":
            return query_sql.EVENT_ITEMS
        if name == "_snames":
            return query_sql.STATEMENT_NAMES
        return query_sql.key_table(query_sql.FACTS[name], span)

    def keyed(self) -> bool:
        """Whether the filters run on integer keys (the keyed tables can stand in for the tables)."""
        return self.facts("_art")

    def narrow(self, table: str) -> str:
        """The keyed table standing in for `table` (one row per row, filtered alike) when only its key
        columns are read (counts, the columns `query_sql.KEYED` tables carry), else `table`."""
        name = query_sql.KEYED.get(table)
        return name if name and self.facts(name) else table

    def distinct_sources(self, column: str = "src") -> str:
        """SQL counting the distinct outlet codes of `column`: a bit count while they fit in 64 bits."""
        if self._facts["_base"][2] <= 64:
            return f"coalesce(bit_count(bit_or(1::UBIGINT << {column})), 0)"
        return f"count(DISTINCT {column})"

    def _corrections_stamp(self) -> tuple:
        try:
            stat = self.corrections.stat() if self.corrections else None
        except OSError:
            return (0, 0)
        return (stat.st_mtime_ns, stat.st_size) if stat else (0, 0)

    def _correct_statements(self) -> None:
        """Define `statements`: the built ones, or, with a corrections file, the automatic statements with
        the corrections applied. Only the statements a correction touches are read into pandas."""
        plain = "CREATE OR REPLACE VIEW statements AS SELECT * FROM statements_built"
        if self.corrections is None or not self.corrections.exists():
            self._con.execute(plain)
            return
        from analysis import corrections as corr

        try:
            log = corr.load_corrections(self.corrections)
            auto = self._con.execute("SELECT count(*) FROM statements_auto").fetchall()[0][0]
            base = "statements_auto" if auto else "statements_built"
            ids = sorted(set(corr.active_corrections(log)["statement_id"].dropna().astype(str)))
            touched = self._con.execute(f"SELECT * FROM {base} WHERE list_contains($ids, statement_id)",
                                        {"ids": ids}).fetchdf()  # fmt: skip
            rows = touched.pop("_row")
            fixed = corr.apply_corrections(schema.conform(touched, "statements").set_index(rows.index), log)
            top = self._con.execute(f"SELECT coalesce(max(_row), -1) FROM {base}").fetchall()[0][0]
            kept = (
                fixed["statement_id"].astype(str).map(dict(zip(touched["statement_id"], rows, strict=True)))
            )
            extra = pd.Series(range(top + 1, top + 1 + len(fixed)), index=fixed.index)
            fixed = schema.conform(fixed, "statements").assign(
                _row=kept.fillna(extra).astype("int64").to_numpy()
            )
            self._con.register("_fixed", fixed)
            self._con.execute("CREATE OR REPLACE TABLE statements_fixed AS SELECT * FROM _fixed")
            self._con.unregister("_fixed")
            self._con.execute(
                # the untouched rows with the defaults `apply_corrections` gives every row
                f"""CREATE OR REPLACE VIEW statements AS
                SELECT * REPLACE (coalesce(origin, 'auto') AS origin, coalesce(note, '') AS note) FROM {base}
                WHERE statement_id IS NULL OR NOT list_contains({_sql_list(ids)}, statement_id)
                UNION ALL BY NAME SELECT * FROM statements_fixed"""
            )
        except Exception as exc:  # noqa: BLE001 - as views.with_corrections: keep the built statements
            log_.warning("corrections not applied: %s", exc)
            self._con.execute(plain)

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
            return arrow_frame(cursor.sql(sql, params=used).to_arrow_table())
        finally:
            cursor.close()

    def sql_many(self, queries: list[tuple[str, dict | None]]) -> list[pd.DataFrame]:
        """`sql` of each (sql, params), run side by side on a pool of one thread per core (DuckDB releases
        the GIL): a page's several small queries, each on `threads` threads, then take about the time of the
        longest rather than the sum."""
        if len(queries) < 2 or (os.cpu_count() or 1) < 2:
            return [self.sql(sql, params) for sql, params in queries]
        return list(_pool().map(lambda item: self.sql(*item), queries))

    def with_filters(
        self, f: Filters, body: str, tables: dict[str, str], *, affiliations: bool = False
    ) -> str:
        """`body` after the filter CTEs (`query_sql.keyed_with_filters` on integer keys when the keyed tables
        stand in, else `query_sql.with_filters`), reading the filter's key sets from `prepared(f)` (and the
        actors acting for its affiliations as a list literal)."""
        if f.active and self.keyed():
            for table in tables.values():
                self.narrow(table)  # the keyed tables the filters read
                if table in ("events", "_k_events") and (f.actors or f.affiliations or f.topics):
                    self.facts("_k_event_items")
            prepared = self.prepared(f)
            sql = query_sql.keyed_with_filters(
                f, body, tables, prepared, affiliations=affiliations, complete=self.complete()
            )
        else:
            prepared = self.prepared(f)
            sql = query_sql.with_filters(f, body, tables, affiliations=affiliations, prepared=prepared)
        acting = self._acting.get(f)
        return sql.replace(query_sql.ACTING_LIST, _sql_list(acting)) if acting is not None else sql

    def prepared(self, f: Filters) -> dict[str, str]:
        """The key sets a filter selects (its articles, the sentences naming its actors, tagged with its
        topics, containing its words), computed once per filter set into tables of their own, so the
        several queries of a page scan the big tables for them once: integer article numbers and sentence
        keys (`query_sql.keyed_ctes`) when the keyed tables stand in, else article ids and (article id,
        sentence id) pairs. The last `PREPARED` filter sets are kept; a rebuild of any table drops them."""
        if not f.active:
            return {}
        keyed = self.keyed()
        with self._lock:
            if f in self._sets:
                self._sets[f] = self._sets.pop(f)  # most recent last
                return self._sets[f]
            self._serial += 1
            out, params = {}, _params(f)
            if keyed:
                for name in ("_mfacts", "_k_topics", "_k_sentences"):
                    self.facts(name)
                ctes = query_sql.keyed_ctes(f)
            else:
                ctes = [cte.split(" AS ", 1) for cte in query_sql.filter_ctes(f)]
                ctes = [
                    (n, b.strip()[1:-1]) for n, b in ctes if n != "ids" or query_sql.article_conditions(f)
                ]
            for name, body in ctes:
                for done, made in out.items():  # a set read from an earlier one
                    body = re.sub(rf"\bFROM {done}\b", f"FROM {made}", body)
                table = f"_set{self._serial}_{name}"
                used = {k: v for k, v in params.items() if re.search(rf"\${k}\b", body)}
                self._con.execute(f"CREATE OR REPLACE TABLE {table} AS {body}", used)
                out[name] = table
                if name == "acting":
                    rows = self._con.execute(f"SELECT DISTINCT actor FROM {table} ORDER BY 1").fetchall()
                    self._acting[f] = [r[0] for r in rows]
            self._sets[f] = out
            while len(self._sets) > PREPARED:
                self._drop_set(next(iter(self._sets)))
            return out

    def _drop_set(self, f: Filters) -> None:
        self._acting.pop(f, None)
        for table in self._sets.pop(f).values():
            self._con.execute(f"DROP TABLE IF EXISTS {table}")

    def filtered(self, table: str, filters: Filters | None = None, *, columns: list[str] | None = None,
                 order: str | None = None, limit: int | None = None) -> pd.DataFrame:  # fmt: skip
        """Rows of `table` the filters keep (as `apply_filters`), conformed to the table contract when all
        columns are asked for; `order` is an SQL ORDER BY list, `limit` caps the rows fetched."""
        f = filters or Filters()
        cols = ", ".join(columns) if columns else "* EXCLUDE (_row)"
        body = f"SELECT {cols} FROM rows" + (f" ORDER BY {order}" if order else " ORDER BY _row")
        body += f" LIMIT {int(limit)}" if limit is not None else ""
        if limit is not None and order is None and f.active and table != "problems" and self.keyed():
            # the first rows' positions from the keyed table (integers), then only those rows
            key = self.narrow(table)
            body = (f"SELECT {cols} FROM {table} WHERE _row IN (SELECT _row FROM rows ORDER BY _row "
                    f"LIMIT {int(limit)}) ORDER BY _row")  # fmt: skip
            out = self.sql(self.with_filters(f, body, {"rows": key}), _params(f))
            return out if columns else schema.conform(out, table)
        if table == "articles" and limit is not None and f.active:
            # the first rows' positions first, then only their (long) texts: a third of the time at 100k
            by = f"{order}, _row" if order else "_row"
            body = (f"SELECT {cols} FROM articles WHERE _row IN (SELECT _row FROM rows ORDER BY {by} "
                    f"LIMIT {int(limit)}) ORDER BY {by}")  # fmt: skip
        out = self.sql(self.with_filters(f, body, {"rows": table}), _params(f))
        return out if columns else schema.conform(out, table)

    def count(self, table: str, filters: Filters | None = None) -> int:
        return self.counts([table], filters)[table]

    def counts(self, tables: list[str], filters: Filters | None = None) -> dict[str, int]:
        """The filtered number of rows of each of `tables`, counted side by side (`sql_many`)."""
        f = filters or Filters()
        queries = [
            (self.with_filters(f, "SELECT count(*) AS n FROM rows", {"rows": self.narrow(t)}), _params(f))
            for t in tables
        ]
        return {t: int(df["n"].iloc[0]) for t, df in zip(tables, self.sql_many(queries), strict=True)}


_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default text dtype, as DuckDB's fetchdf gives
_TEXT_TYPES = {pa.string(): _TEXT, pa.large_string(): _TEXT, pa.string_view(): _TEXT}
_NULLABLE = {  # what fetchdf gives for an integer or boolean column with a missing value
    pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(), pa.uint8(): pd.UInt8Dtype(), pa.uint16(): pd.UInt16Dtype(),
    pa.uint32(): pd.UInt32Dtype(), pa.uint64(): pd.UInt64Dtype(), pa.bool_(): pd.BooleanDtype(),
}  # fmt: skip


def arrow_frame(table: pa.Table) -> pd.DataFrame:
    """A query result as DuckDB's `fetchdf` gives it (text as pandas' string dtype, integers and booleans
    with a missing value as nullable dtypes, dates and timestamps as datetime64[us], decimals and HUGEINT
    sums as floats), from its Arrow table: text is handed over as Arrow strings, without a Python string
    per cell (a 66,000-row result: 50 -> 27 ms)."""
    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        kind = column.type
        if pa.types.is_decimal(kind):
            column = column.cast(pa.float64())
        elif pa.types.is_date(kind):
            column = column.cast(pa.timestamp("us"))
        nullable = _NULLABLE.get(column.type) if column.null_count else None
        types = (lambda _, dtype=nullable: dtype) if nullable else _TEXT_TYPES.get
        columns[name] = column.to_pandas(types_mapper=types)
    return pd.DataFrame(columns) if columns else pd.DataFrame(index=range(table.num_rows))


@functools.cache
def _pool() -> concurrent.futures.ThreadPoolExecutor:
    """Threads for `Query.sql_many`, one per core, shared by every Query of the process."""
    return concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 1, thread_name_prefix="parley-sql")


def _sql_list(values: list[str]) -> str:
    """A DuckDB list literal of strings (quotes doubled)."""
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]::VARCHAR[]"


def _params(f: Filters) -> dict:
    out = query_sql.params(f)
    if f.actors or f.affiliations:
        out["actors_or_affiliations"] = list(f.actors + f.affiliations)
    return out


def _run(
    q: Query, filters: dict, body: str, tables: dict[str, str], *, affiliations: bool = False
) -> pd.DataFrame:
    f = _filters(filters)
    return q.sql(q.with_filters(f, body, tables, affiliations=affiliations), _params(f))


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


def _mention_facts(q: Query, f: Filters) -> bool:
    """Whether the mention facts stand in for the mentions under `f`: with the string keys not with a
    search (the facts carry every article's outlet and date, the plain queries join the articles the
    search keeps); with the integer keys always (a kept mention's article is a kept article)."""
    return (not f.search or q.keyed()) and q.facts("_mfacts")


def _distinct_articles(q: Query, f: Filters, alias: str = "") -> str:
    """SQL counting the distinct articles of filtered rows: their integer numbers under active filters
    with the integer keys (every kept row has one), else the ids."""
    column = "a" if f.active and q.keyed() else "article_id"
    return f"count(DISTINCT {alias}{column})"


def _first_articles(q: Query, f: Filters) -> str:
    """Distinct articles of the filtered mention facts: the rows flagged first of their (actor, article)
    when the filters keep such groups whole (articles, actors), else a distinct count."""
    if f.affiliations or f.topics or f.search:  # they keep single mentions or sentences
        return _distinct_articles(q, f)
    return "count(*) FILTER (WHERE first AND article_id IS NOT NULL)"


def mentions_by_actor(q: Query, **filters) -> pd.DataFrame:
    """Mentions per actor: actor, actor_type, affiliation, linked, n (mentions), articles (distinct)."""
    f = _filters(filters)
    facts = _mention_facts(q, f)
    articles = _first_articles(q, f) if facts else "count(DISTINCT article_id)"
    body = f"""SELECT actor,
        arg_min(actor_type, _row) FILTER (WHERE actor_type IS NOT NULL) AS actor_type,
        arg_min(affiliation, _row) FILTER (WHERE affiliation IS NOT NULL) AS affiliation,
        max(linked) AS linked, count(*) AS n, {articles} AS articles
        FROM m WHERE actor IS NOT NULL GROUP BY actor"""
    out = q.sql(q.with_filters(f, body, {"m": "_mfacts" if facts else "mentions"}), _params(f))
    types = {"actor": "string", "actor_type": "string", "affiliation": "string", "linked": "boolean",
             "n": "int64", "articles": "int64"}  # fmt: skip
    return _sorted(_typed(out, types), ["n", "actor"], [False, True])


def mentions_by_actor_source(q: Query, **filters) -> pd.DataFrame:
    """Mentions per actor and outlet: actor, source ('(unknown)' when not known), n."""
    f = _filters(filters)
    if _mention_facts(q, f):  # grouped by the outlet's integer code, named after
        body = f"""SELECT m.actor, coalesce(x.source, '{UNKNOWN}') AS source, m.n FROM (
            SELECT actor, src, count(*) AS n FROM m WHERE actor IS NOT NULL GROUP BY ALL) m
            LEFT JOIN _sources x USING (src)"""
        out = q.sql(q.with_filters(f, body, {"m": "_mfacts"}), _params(f))
    else:
        body = f"""SELECT m.actor, coalesce(nullif(a.source, ''), '{UNKNOWN}') AS source, count(*) AS n
            FROM m LEFT JOIN a USING (article_id) WHERE m.actor IS NOT NULL GROUP BY ALL"""
        out = q.sql(q.with_filters(f, body, {"m": "mentions", "a": "articles"}), _params(f))
    out = _typed(out, {"actor": "string", "source": "string", "n": "int64"})
    return _sorted(out, ["actor", "n", "source"], [True, False, True])


def mentions_by_actor_day(q: Query, **filters) -> pd.DataFrame:
    """Mentions per actor and publication date: actor, date (ISO, as precise as known), n."""
    f = _filters(filters)
    if _mention_facts(q, f):
        body = """SELECT actor, published AS date, count(*) AS n FROM m
            WHERE coalesce(published, '') <> '' AND actor IS NOT NULL GROUP BY ALL"""
        out = q.sql(q.with_filters(f, body, {"m": "_mfacts"}), _params(f))
    else:
        body = """SELECT m.actor, a.published AS date, count(*) AS n FROM m JOIN a USING (article_id)
            WHERE coalesce(a.published, '') <> '' AND m.actor IS NOT NULL GROUP BY ALL"""
        out = q.sql(q.with_filters(f, body, {"m": "mentions", "a": "articles"}), _params(f))
    out = _typed(out, {"actor": "string", "date": "string", "n": "int64"})
    return _sorted(out, ["date", "actor"], [True, True])


def _statements_table(level: str) -> tuple[str, bool]:
    """The statements relation for `level` and whether it needs the affiliation CTE: at actor level the
    plain statements (the filters reach the affiliation through `acting`), else `statements_aff`."""
    return ("statements", False) if level == "actor" else ("statements_aff", True)


def position_matrix(q: Query, *, level: str = "actor", **filters) -> pd.DataFrame:
    """Actor (or affiliation) x topic: actor, topic, support, oppose, neutral, n, net, n_sources,
    n_articles. As `positions._tally`: a group is listed when one of its statements has a stance, and its
    outlets and articles are those of all its statements."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    f = _filters(filters)
    if q.facts("_sfacts"):
        return _sorted(_fact_tally(q, f, level), ["actor", "topic"], [True, True])
    articles, sources = "count(DISTINCT s.article_id)", "count(DISTINCT nullif(a.source, ''))"
    source, tables = "LEFT JOIN articles a USING (article_id)", {"s": _statements_table(level)[0]}
    body = f"""SELECT actor, topic, support, oppose, neutral, support + oppose + neutral AS n,
        CASE WHEN support + oppose > 0 THEN (support - oppose) / (support + oppose) ELSE 0.0 END AS net,
        n_sources, n_articles FROM (
          SELECT s.{level} AS actor, s.topic,
            count(*) FILTER (WHERE stance = 'support') AS support,
            count(*) FILTER (WHERE stance = 'oppose') AS oppose,
            count(*) FILTER (WHERE stance = 'neutral') AS neutral,
            {sources} AS n_sources, {articles} AS n_articles
          FROM s {source}
          WHERE s.{level} IS NOT NULL AND s.topic IS NOT NULL
          GROUP BY ALL HAVING count(s.stance) > 0)"""
    out = q.sql(q.with_filters(f, body, tables, affiliations="statements_aff" in tables.values()), _params(f))
    return _sorted(_typed(out, _MATRIX_TYPES), ["actor", "topic"], [True, True])


def _fact_tally(q: Query, f: Filters, level: str, *, freq: str | None = None, topic: str | None = None
                ) -> pd.DataFrame:  # fmt: skip
    """The position matrix on the statement facts (integer codes, first-of-group flags): per (holder,
    topic), or per (period, holder, topic) with `freq` (`period`: the ISO first day, as
    `positions.tally_periods`; the statements without one counted in `attrs["undated"]`); `topic`: only
    the statements about it."""
    # the first statement of each (holder, topic, article) is flagged: counting those is the distinct
    # articles whenever the filters keep such a group whole (not a search, which keeps sentences; not
    # an actor filter on affiliation rows, which splits an affiliation's group; an article has one period)
    whole = not f.search and (level == "actor" or not f.actors)
    articles = (f"count(*) FILTER (WHERE first_{level} AND article_id IS NOT NULL)" if whole
                else _distinct_articles(q, f))  # fmt: skip
    code = "ac" if level == "actor" else "fc"
    stance = {k: f"count(*) FILTER (WHERE st = {v})" for k, v in query_sql.STANCE_CODE.items()}
    period = {"W": "week", "M": "month"}[freq] if freq else "NULL::DATE"
    only = "AND topic = $only_topic" if topic else ""
    body = f"""SELECT strftime(g.period, '%Y-%m-%d') AS period, h.name AS actor, t.name AS topic, support,
        oppose, neutral, support + oppose + neutral AS n,
        CASE WHEN support + oppose > 0 THEN (support - oppose) / (support + oppose) ELSE 0.0 END AS net,
        n_sources, n_articles{", undated" if freq else ""} FROM (
          SELECT period, {code} AS hc, tc, {stance["support"]} AS support, {stance["oppose"]} AS oppose,
            {stance["neutral"]} AS neutral, {q.distinct_sources()} AS n_sources, {articles} AS n_articles
          FROM p WHERE {code} IS NOT NULL AND tc IS NOT NULL {"AND period IS NOT NULL" if freq else ""}
          GROUP BY ALL HAVING count(st) > 0) g
        JOIN _snames h ON h.kind = 'holder' AND h.c = g.hc
        JOIN _snames t ON t.kind = 'topic' AND t.c = g.tc"""
    if freq:  # and the undated statements' number (on a row of its own when nothing is dated)
        body += "\nRIGHT JOIN (SELECT count(*) FILTER (WHERE period IS NULL) AS undated FROM p) u ON true"
    rows = f"p AS (SELECT *, {period} AS period FROM s WHERE true {only})"
    sql = q.with_filters(f, "", {"s": "_sfacts"}).rstrip() + f",\n{rows}\n{body}"
    out = q.sql(sql, _params(f) | ({"only_topic": topic} if topic else {}))
    if not freq:
        return _typed(out, _MATRIX_TYPES)
    undated = int(out["undated"].iloc[0])
    out = _typed(out.dropna(subset=["actor"]), {"period": "string"} | _MATRIX_TYPES)
    out.attrs["undated"] = undated
    return out


_MATRIX_TYPES = {"actor": "string", "topic": "string", "support": "int64", "oppose": "int64",
                 "neutral": "int64", "n": "int64", "net": "float64", "n_sources": "int64",
                 "n_articles": "int64"}  # fmt: skip


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
    f = _filters(filters)
    sql_tables = {"a": q.narrow("articles"), "m": "mentions", "t": "topics"}
    if by == "source" and _mention_facts(q, f):
        # the mention facts carry their article's date and outlet: mentions per (date, outlet) without
        # visiting each article (every filtered mention's article is among the filtered articles)
        sql_tables["m"] = "_mfacts"
        body = f"""SELECT d.period, d.source, d.articles, coalesce(k.mentions, 0)::BIGINT AS mentions FROM (
              SELECT period, source, count(*) AS articles FROM dated
              WHERE period IS NOT NULL AND source IS NOT NULL GROUP BY ALL) d
            LEFT JOIN (SELECT {period} AS period, source, sum(k) AS mentions FROM (
              SELECT published, source, count(*) AS k FROM m WHERE length(published) >= 10 GROUP BY ALL)
              GROUP BY ALL) k USING (period, source)"""
    elif by == "source":
        body = """SELECT period, source, count(*) AS articles, sum(k) AS mentions FROM (
            SELECT d.period, d.source, (SELECT count(*) FROM m WHERE m.article_id = d.article_id) AS k
            FROM dated d WHERE d.period IS NOT NULL AND d.source IS NOT NULL) GROUP BY ALL"""
    else:
        table, column = ("m", "actor") if by == "actor" else ("t", "topic")
        key = "article_id"
        if sql_tables["a"] == "_art":  # keyed: joined on the article numbers
            sql_tables |= {"m": q.narrow("mentions"), "t": q.narrow("topics")}
            dated, key = dated.replace("SELECT article_id,", "SELECT a,"), "a"
        body = f"""SELECT d.period, x.{column}, count(DISTINCT x.{key}) AS articles, count(*) AS mentions
            FROM {table} x JOIN dated d USING ({key})
            WHERE d.period IS NOT NULL AND x.{column} IS NOT NULL GROUP BY ALL"""
    sql = q.with_filters(f, "", sql_tables).rstrip() + f",\n{dated}\n{body}"
    out = q.sql(sql, _params(f))
    out["period"] = pd.to_datetime(out["period"].astype("string").str.slice(0, 10), format="%Y-%m-%d")
    out = _typed(out, {"period": out["period"].dtype, by: "string", "articles": "int64", "mentions": "int64"})
    return out.sort_values(["period", by]).reset_index(drop=True)


def _run_with(q: Query, f: Filters, body: str, tables: dict[str, str], extra: dict | None = None,
              *, affiliations: bool = False) -> pd.DataFrame:  # fmt: skip
    """`body` after the filter CTEs of `f`, with `extra` parameters besides the filters' own."""
    return q.sql(q.with_filters(f, body, tables, affiliations=affiliations), _params(f) | (extra or {}))


def topic_share_by_source(q: Query, **filters) -> pd.DataFrame:
    """Topic tags per outlet: source, topic, n (sentences tagged), share (of the outlet's tags)."""
    if q.narrow("topics") != "topics":  # the keyed topics carry their outlet's code: no join per row
        # (a filtered tag's article passes the filters: the filtered articles' outlets are its outlet)
        body = f"""SELECT coalesce(x.source, '{UNKNOWN}') AS source, t.topic, t.n FROM (
            SELECT src, topic, count(*) AS n FROM t WHERE topic IS NOT NULL GROUP BY ALL) t
            LEFT JOIN _sources x USING (src)"""
        tables = {"t": "_k_topics"}
    else:
        body = f"""SELECT coalesce(nullif(a.source, ''), '{UNKNOWN}') AS source, t.topic, count(*) AS n
            FROM t LEFT JOIN a USING (article_id) WHERE t.topic IS NOT NULL GROUP BY ALL"""
        tables = {"t": "topics", "a": "articles"}
    out = _typed(_run(q, filters, body, tables), {"source": "string", "topic": "string", "n": "int64"})
    out["share"] = out["n"] / out.groupby("source")["n"].transform("sum")
    return _sorted(out, ["source", "n", "topic"], [True, False, True])


def cooccurrence(q: Query, *, level: str = "sentence", **filters) -> pd.DataFrame:
    """Pairs of actors named in the same sentence (or article): actor_a < actor_b, n (as
    `counts.cooccurrence`: an actor filter keeps the pairs that involve a chosen actor)."""
    if level not in ("sentence", "article"):
        raise ValueError(f"level must be one of sentence, article, got {level!r}")
    chosen = list(filters.pop("actors", ()) or ())
    chosen_aff = list(filters.pop("affiliations", ()) or ())
    f = _filters(filters)
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
    out = q.sql(sql, _params(f) | extra)
    out = _typed(out, {"actor_a": "string", "actor_b": "string", "n": "int64"})
    return _sorted(out, ["n", "actor_a", "actor_b"], [False, True, True])


def statements_view(q: Query, *, level: str = "actor", columns: str = "s.*", where: str = "",
                    extra: dict | None = None, order: str = "s._row", limit: int | None = None,
                    **filters) -> pd.DataFrame:  # fmt: skip
    """The filtered statements as `positions.statements_in_view` gives them (affiliation, source,
    published, holder), only `columns` of them (SQL over `s`, the statements, and `a`, the articles),
    optionally restricted by `where`, ordered and limited."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    body = (f"SELECT {columns}, a.source, a.published, s.{level} AS holder FROM s "
            "LEFT JOIN articles a USING (article_id)" + (f" WHERE {where}" if where else "")
            + f" ORDER BY {order}" + (f" LIMIT {int(limit)}" if limit is not None else ""))  # fmt: skip
    out = _run_with(q, _filters(filters), body, {"s": "statements_aff"}, extra, affiliations=True)
    return out.drop(columns=["_row"], errors="ignore")


def positions_over_time(q: Query, *, level: str = "actor", freq: str = "M", topic: str | None = None,
                        **filters) -> pd.DataFrame:  # fmt: skip
    """As `positions.positions_over_time` (on the statements about `topic` only, when given). Without the
    statement facts, DuckDB selects the filtered statements' few columns and pandas tallies the periods."""
    from analysis import positions

    if freq not in positions.FREQS:
        raise ValueError(f"freq must be one of {sorted(positions.FREQS)}, got {freq!r}")
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    if q.facts("_sfacts"):  # tallied in DuckDB on the statement facts (they carry the article's date)
        return _sorted(_fact_tally(q, _filters(filters), level, freq=freq, topic=topic),
                       ["period", "actor", "topic"], [True, True, True])  # fmt: skip
    where, extra = ("s.topic = $only_topic", {"only_topic": topic}) if topic else ("", None)
    view = statements_view(q, level=level, columns="s.article_id, s.topic, s.stance", where=where,
                           extra=extra, **filters)  # fmt: skip
    view = view.astype({"article_id": "string", "topic": "string", "stance": "string", "source": "string",
                        "published": "string", "holder": "string"})  # fmt: skip
    return positions.tally_periods(view, freq)


def cell_evidence(q: Query, actor: str, topic: str, *, level: str = "actor", **filters) -> pd.DataFrame:
    """As `positions.cell_evidence`: the statements behind one cell, support/oppose first, then the most
    confident."""
    order = "CASE WHEN s.stance IN ('support', 'oppose') THEN 0 WHEN s.stance = 'neutral' THEN 1 END " \
            "NULLS LAST, s.confidence DESC NULLS LAST, s._row"  # fmt: skip
    where = f"s.{level} = $cell_holder AND s.topic = $cell_topic"
    extra = {"cell_holder": actor, "cell_topic": topic}
    out = statements_view(q, level=level, where=where, extra=extra, order=order, **filters)
    return _conform_view(out)


def _conform_view(out: pd.DataFrame) -> pd.DataFrame:
    base = schema.conform(out, "statements")
    for col in ("affiliation", "source", "published", "holder"):
        base[col] = out[col].astype("string").to_numpy() if col in out else pd.Series(dtype="string")
    return base


def key_evidence(q: Query, *, actor: str | None = None, topic: str | None = None, n: int = 8,
                 **filters) -> pd.DataFrame:  # fmt: skip
    """As `views.key_evidence`: the `n` statements to quote first, with their article's details."""
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
    out = _run_with(q, _filters(filters), body, {"s": "statements", "a": "articles"}, extra)
    base = schema.conform(out, "statements")
    for col in ("title", "source", "published", "url"):
        base[col] = out[col].astype("string").to_numpy()
    return base


def events_in_order(q: Query, *, include_background: bool = True, latest: int | None = None,
                    **filters) -> pd.DataFrame:  # fmt: skip
    """As `timeline_tables.events_in_order`; `latest` keeps only the last so many (still in date order)."""
    bg = "" if include_background else "WHERE NOT coalesce(e.background, false)"
    if q.narrow("events") != "events":
        return _events_keyed(q, bg, latest, filters)
    body = f"""SELECT * EXCLUDE (_k, _n) FROM (
        SELECT e.date, e.date_precision, {query_sql.event_start("e.")} AS period_start, e.time_expression,
          e.actors, e.topics, e.evidence, e.background, a.source, a.title, e.article_id, e.sentence_id,
          e.event_id, row_number() OVER (ORDER BY {query_sql.event_order("e.")}) AS _k, 1 AS _n,
          count(*) OVER () AS _total
        FROM e LEFT JOIN a USING (article_id) {bg})
        {f"WHERE _k > _total - {int(latest)}" if latest is not None else ""} ORDER BY _k"""
    return _events_frame(_run(q, filters, body, {"e": "events", "a": "articles"}))


def _events_keyed(q: Query, bg: str, latest: int | None, filters: dict) -> pd.DataFrame:
    """`events_in_order` on the keyed events, which carry their position in the timeline's order (`o`):
    the last `latest` of the filtered ones by that position, then only those rows read in full, with
    their article's outlet and title (of the filtered articles, as the pandas join does)."""
    keep = f"ORDER BY o DESC LIMIT {int(latest)}" if latest is not None else ""
    body = f"""SELECT x.date, x.date_precision, {query_sql.event_start("x.")} AS period_start,
          x.time_expression, x.actors, x.topics, x.evidence, x.background, fa.source, t.title, x.article_id,
          x.sentence_id, x.event_id, (SELECT count(*) FROM e {bg}) AS _total
        FROM (SELECT _row, a, o FROM e {bg} {keep}) k JOIN events x USING (_row)
        LEFT JOIN a fa ON fa.a = k.a LEFT JOIN articles t ON t._row = fa._row
        ORDER BY k.o"""
    return _events_frame(_run(q, filters, body, {"e": "_k_events", "a": "_art"}))


def _events_frame(out: pd.DataFrame) -> pd.DataFrame:
    total = int(out["_total"].iloc[0]) if len(out) else 0
    out = out.drop(columns=["_total"])
    out["period_start"] = pd.to_datetime(out["period_start"])
    types = {c.name: c.dtype for c in schema.TABLES["events"]} | {"source": "string", "title": "string"}
    out = out.astype({c: t for c, t in types.items() if c in out})
    out.attrs["total"] = total  # all the filtered events, when `latest` kept fewer
    return out


def actor_first_last(q: Query, **filters) -> pd.DataFrame:
    """As `timeline_tables.actor_first_last`: actor, first, last (day-precise publication dates),
    articles, mentions."""
    f = _filters(filters)
    if _mention_facts(q, f):
        body = f"""SELECT actor, min(day) AS first, max(day) AS last, {_first_articles(q, f)} AS articles,
            count(*) AS mentions FROM m WHERE actor IS NOT NULL GROUP BY actor
            ORDER BY first NULLS LAST, actor"""
        out = q.sql(q.with_filters(f, body, {"m": "_mfacts"}), _params(f))
    else:
        day = ("CASE WHEN length(substr(published, 1, 10)) = 10 "
               "THEN try_strptime(substr(published, 1, 10), '%Y-%m-%d') END")  # fmt: skip
        body = f"""SELECT m.actor, min(d.day) AS first, max(d.day) AS last,
            count(DISTINCT m.article_id) AS articles, count(*) AS mentions
            FROM m LEFT JOIN (SELECT article_id, {day} AS day FROM a) d USING (article_id)
            WHERE m.actor IS NOT NULL GROUP BY m.actor ORDER BY first NULLS LAST, m.actor"""
        out = q.sql(q.with_filters(f, body, {"m": "mentions", "a": "articles"}), _params(f))
    for col in ("first", "last"):
        out[col] = pd.to_datetime(out[col])
    return out.astype({"actor": "string", "articles": "int64", "mentions": "int64"})


ENGINES = ("auto", "pandas", "duckdb")


def article_count(folder: Path | str) -> int:
    """Articles in the data folder: from the manifest's counts, else the Parquet file's metadata (no
    table is read)."""
    from analysis import store

    counts = store.read_manifest(Path(folder)).get("counts") or {}
    if isinstance(counts.get("articles"), int):
        return counts["articles"]
    path = Path(folder) / "articles.parquet"
    if not path.exists():
        return 0
    import pyarrow.parquet as pq

    return int(pq.read_metadata(path).num_rows)


def choose_engine(folder: Path | str, choice: str | None = None, min_articles: int | None = None) -> str:
    """'pandas' or 'duckdb' for the dashboard, from the `query_engine` setting (auto: duckdb from
    `duckdb_min_articles` articles on)."""
    from analysis import settings

    choice = (choice if choice is not None else settings.get("query_engine")).strip().lower()
    if choice not in ENGINES:
        raise ValueError(
            f"setting query_engine ({settings.env_var('query_engine')}) must be one of {', '.join(ENGINES)}; "
            f"got {choice!r}"
        )
    if choice != "auto":
        return choice
    threshold = min_articles if min_articles is not None else settings.get_int("duckdb_min_articles")
    return "duckdb" if article_count(folder) >= threshold else "pandas"


ONE_THREAD_BELOW = 50_000  # articles: below, a dashboard query runs on one DuckDB thread (`threads_for`)


def threads_for(folder: Path | str, choice: str | None = None) -> int | None:
    """DuckDB threads per dashboard query from the `duckdb_threads` setting: a number, 0 (None: DuckDB's
    one per core) or auto: one below `ONE_THREAD_BELOW` articles, where a page's queries are small and took
    0.81-0.97x the wall time on one thread as on two (bench/bench_query.py --cores, 10,000 articles), one per
    core from there, where scans pay (0.65-0.77x the wall time of one thread at 100,000)."""
    from analysis import settings

    choice = (choice if choice is not None else settings.get("duckdb_threads")).strip().lower()
    if choice == "auto":
        return 1 if article_count(folder) < ONE_THREAD_BELOW else None
    try:
        return int(choice) or None
    except ValueError:
        raise ValueError(
            f"setting duckdb_threads ({settings.env_var('duckdb_threads')}) must be auto or a whole number; "
            f"got {choice!r}"
        ) from None
