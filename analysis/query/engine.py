"""The query engine: an in-process DuckDB over the tables, the Parquet store or in-memory pandas frames.

`Query(folder)` reads a data folder's Parquet files (the dashboard); `Query(tables)` reads a dict of
pandas frames (a notebook, a test); `as_query` gives either from what a caller holds. Every filter and
aggregation in `analysis.query` runs here, once, on integer keys: once per data version, narrow
compressed *keyed tables* (`Query.facts`, `sql.KEYED`) give every row its article's number and its
sentence's integer key, the statements and mentions also their article's outlet and date and
first-of-group flags (the fact tables the heaviest aggregations read); each filter set's key sets are
integer tables (`Query.prepared`), and a table's rows are read by position (docs/scale.md). Article ids
are unique (the build keeps one article per id): tables with a repeated id are refused.

Example:
    >>> q = Query(settings.get_path("data_dir"))
    >>> q.count("mentions", Filters(sources=("Reuters",)))
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.query import corrected
from analysis.query import sql as query_sql
from analysis.query.filters import Filters
from analysis.query.results import arrow_frame, pool, sql_list
from analysis.store import schema

log_ = logging.getLogger("parley.query")
PREPARED = 16  # filter sets whose key sets a Query keeps
# the keyed tables (`Query.facts`), in the order they are built (`_art` first: the others join it)
KEYED_TABLES = (
    "_art",
    "_snames",
    *dict.fromkeys(v for v in query_sql.KEYED.values() if v != "_art"),
    "_k_event_items",
)
_UNKEYED = ("_snames", "_k_event_items")  # built with the keyed tables, without article numbers


class Query:
    """An in-process DuckDB over the Parquet tables in a folder, or over in-memory frames; safe to share
    between threads.

    Over a folder, every query first checks the files: a query after a build sees the new tables.
    """

    def __init__(self, source: Path | str | Mapping[str, pd.DataFrame], *, materialize: bool = False,
                 memory_limit: str | None = None, threads: int | None = None,
                 corrections: Path | str | None = None) -> None:  # fmt: skip
        """Args:
        source: the data folder (one `<table>.parquet` per table), or the tables as pandas frames (as
            `store.load_tables` gives them; a missing table is empty), copied into DuckDB once.
        materialize: load the tables into DuckDB's in-memory storage; by default the Parquet files are
            queried directly, which measured as fast (bench/bench_query.py) and starts at once.
        memory_limit: DuckDB's limit (e.g. '1GB'); beyond it DuckDB spills to disk.
        threads: DuckDB threads per query (default one per core); the keyed tables are built with one per
            core either way.
        corrections: the analyst's corrections file; when it exists, `statements` are the automatic ones
            with its corrections applied (`corrected`), re-read when it changes.
        """
        import duckdb

        self.frames = dict(source) if isinstance(source, Mapping) else None
        self.folder = None if self.frames is not None else Path(source)
        self.materialize = materialize
        self.corrections = Path(corrections) if corrections else None
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
        if self.frames is not None:  # in-memory frames do not change
            return (0, 1)
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
                elif self.frames is not None:
                    self._load_frame(name)
                else:
                    as_name = "statements_built" if name == "statements" else name
                    self._con.execute(query_sql.table_sql(name, self.folder, materialize=self.materialize,
                                                          as_name=as_name))  # fmt: skip
                self._stamps[name] = stamp
                for f in list(self._sets):  # a table changed: the filters' key sets are stale
                    self._drop_set(f)
            stamp = (
                self._stamps["statements"],
                self._stamps["statements_auto"],
                corrected.stamp(self.corrections),
            )
            if self._stamps.get("corrected") != stamp:
                corrected.define_statements(self._con, self.corrections)
                self._stamps["corrected"] = stamp

    def _load_frame(self, name: str) -> None:
        """Table `name` from its frame (conformed to the table contract; `_row`: its position)."""
        as_name = "statements_built" if name == "statements" else name
        frame = self.frames.get(name)
        if frame is None:
            frame = schema.empty_table(name)
        frame = schema.conform(frame.reset_index(drop=True), name)
        frame = frame.assign(_row=np.arange(len(frame), dtype="int64"))
        view = f"_frame_{name}"
        self._con.register(view, frame)
        try:
            self._con.execute(f"CREATE OR REPLACE TABLE {as_name} AS SELECT * FROM {view}")
        finally:
            self._con.unregister(view)

    def facts(self, name: str) -> bool:
        """Build the keyed table `name` (`query_sql.KEYED`: `_art`, the fact tables `_sfacts` and `_mfacts`,
        `_k_<table>`) unless it is current (once per version of the data files and corrections); True.
        Articles with a repeated id are refused with a ValueError naming one (the build keeps one article
        per id)."""
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
                raise ValueError(self._repeated())
            if name not in KEYED_TABLES:
                raise KeyError(f"no keyed table {name!r}; they are {KEYED_TABLES}")
            if name not in self._facts:  # all together: no filter change pays for building one
                with self._all_cores():
                    for table in KEYED_TABLES:
                        self._build(table, stamp)
            return True

    def _repeated(self) -> str:
        row = self._con.execute("SELECT article_id, count(*) FROM articles GROUP BY 1 HAVING count(*) > 1 "
                                "ORDER BY 2 DESC, 1 LIMIT 1").fetchall()[0]  # fmt: skip
        where = f"{self.folder}/articles.parquet" if self.folder else "the articles table"
        return (f"{where}: article_id {row[0]!r} is on {row[1]} rows; article ids must be unique "
                "(rebuild the data folder with `python -m analysis build`)")  # fmt: skip

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
        return list(pool().map(lambda item: self.sql(*item), queries))

    def with_filters(
        self, f: Filters, body: str, tables: dict[str, str], *, affiliations: bool = False
    ) -> str:
        """`body` after the filter CTEs (`query_sql.keyed_with_filters`: integer keys), reading the filter's
        key sets from `prepared(f)` (and the actors acting for its affiliations as a list literal)."""
        if f.active:
            for table in tables.values():
                self.narrow(table)  # the keyed tables the filters read
                if table in ("events", "_k_events") and (f.actors or f.affiliations or f.topics):
                    self.facts("_k_event_items")
        prepared = self.prepared(f)
        sql = query_sql.keyed_with_filters(
            f, body, tables, prepared, affiliations=affiliations, complete=self.complete()
        )
        acting = self._acting.get(f)
        return sql.replace(query_sql.ACTING_LIST, sql_list(acting)) if acting is not None else sql

    def run(self, f: Filters, body: str, tables: dict[str, str], extra: dict | None = None,
            *, affiliations: bool = False) -> pd.DataFrame:  # fmt: skip
        """`body` after the filter CTEs of `f` (`with_filters`), with `extra` parameters besides the
        filters' own."""
        sql = self.with_filters(f, body, tables, affiliations=affiliations)
        return self.sql(sql, query_sql.params(f) | (extra or {}))

    def prepared(self, f: Filters) -> dict[str, str]:
        """The key sets a filter selects (its articles, the sentences naming its actors, tagged with its
        topics, containing its words), computed once per filter set into tables of their own, so the
        several queries of a page scan the big tables for them once: integer article numbers and sentence
        keys (`query_sql.keyed_ctes`). The last `PREPARED` filter sets are kept; a rebuild of any table
        drops them."""
        if not f.active:
            return {}
        self.keyed()
        with self._lock:
            if f in self._sets:
                self._sets[f] = self._sets.pop(f)  # most recent last
                return self._sets[f]
            self._serial += 1
            out, values = {}, query_sql.params(f)
            for name, body in query_sql.keyed_ctes(f):
                for done, made in out.items():  # a set read from an earlier one
                    body = re.sub(rf"\bFROM {done}\b", f"FROM {made}", body)
                table = f"_set{self._serial}_{name}"
                used = {k: v for k, v in values.items() if re.search(rf"\${k}\b", body)}
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
        if limit is not None and order is None and f.active and table != "problems":
            # the first rows' positions from the keyed table (integers), then only those rows
            key = self.narrow(table)
            body = (f"SELECT {cols} FROM {table} WHERE _row IN (SELECT _row FROM rows ORDER BY _row "
                    f"LIMIT {int(limit)}) ORDER BY _row")  # fmt: skip
            out = self.sql(self.with_filters(f, body, {"rows": key}), query_sql.params(f))
            return out if columns else schema.conform(out, table)
        if table == "articles" and limit is not None and f.active:
            # the first rows' positions first, then only their (long) texts: a third of the time at 100k
            by = f"{order}, _row" if order else "_row"
            body = (f"SELECT {cols} FROM articles WHERE _row IN (SELECT _row FROM rows ORDER BY {by} "
                    f"LIMIT {int(limit)}) ORDER BY {by}")  # fmt: skip
        out = self.sql(self.with_filters(f, body, {"rows": table}), query_sql.params(f))
        return out if columns else schema.conform(out, table)

    def count(self, table: str, filters: Filters | None = None) -> int:
        return self.counts([table], filters)[table]

    def counts(self, tables: list[str], filters: Filters | None = None) -> dict[str, int]:
        """The filtered number of rows of each of `tables` (`one_rows`)."""
        rows = self.one_rows(filters or Filters(), {t: f'SELECT count(*) AS "{t}" FROM t' for t in tables})
        return {t: int(row[t].iloc[0]) for row in rows for t in row.columns}

    def one_rows(self, f: Filters, parts: dict[str, str]) -> list[pd.DataFrame]:
        """The one-row results of `parts` (table -> SQL over `t`, the table filtered by `f`): one query per
        table side by side (`sql_many`) when queries get several threads, else all in one query
        (`sql_parts`; on one thread, a query's planning is most of a small corpus's time)."""
        groups = [parts] if self.threads == 1 else [{table: sql} for table, sql in parts.items()]
        return self.sql_many([self.sql_parts(f, group) for group in groups])

    def sql_parts(self, f: Filters, parts: dict[str, str]) -> tuple[str, dict]:
        """One query (and its parameters) giving the one-row results of `parts` (table -> SQL over `t`,
        the table filtered by `f`) side by side: one query's planning instead of several."""
        names = {table: f"t{i}" for i, table in enumerate(parts)}
        ctes = {cte: self.narrow(table) for table, cte in names.items()}
        selects = [re.sub(r"\bFROM t\b", f"FROM {names[table]}", sql) for table, sql in parts.items()]
        body = "SELECT * FROM " + ", ".join(f"({sql})" for sql in selects)
        return self.with_filters(f, body, ctes), query_sql.params(f)


Source = Query | Path | str | Mapping[str, pd.DataFrame]  # what every query function takes


def as_query(source: Source) -> Query:
    """`source` as a Query: itself, or a new one over a data folder or a dict of frames (the library API:
    every query function takes the tables, a folder or a Query)."""
    return source if isinstance(source, Query) else Query(source)


def apply_filters(
    tables: Mapping[str, pd.DataFrame], filters: Filters | None = None
) -> dict[str, pd.DataFrame]:
    """The rows of each table of `tables` (those of `analysis.store.schema`) that `filters` keep, conformed to
    the table contract, in their order; `problems` is never filtered."""
    q = Query(tables)
    return {name: q.filtered(name, filters) for name in tables if name in schema.TABLES}
