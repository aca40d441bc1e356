"""What every query function shares: a DuckDB result as pandas (`arrow_frame`), and the typing and
ordering of result frames."""

from __future__ import annotations

import concurrent.futures
import functools
import os

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.query.filters import Filters
from analysis.store import schema

UNKNOWN = "(unknown)"  # an outlet or affiliation that is not known
LEVELS = ("actor", "affiliation")

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
def pool() -> concurrent.futures.ThreadPoolExecutor:
    """Threads for `Query.sql_many`, one per core, shared by every Query of the process."""
    return concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 1, thread_name_prefix="parley-sql")


def sql_list(values: list[str]) -> str:
    """A DuckDB list literal of strings (quotes doubled)."""
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]::VARCHAR[]"


def to_filters(kw: dict) -> Filters:
    """`Filters(**kw)`, or a TypeError naming the unknown filter and the valid ones."""
    try:
        return Filters(**kw)
    except TypeError:
        valid = ", ".join(Filters.__dataclass_fields__)
        raise TypeError(f"unknown filter in {sorted(kw)}; valid filters are {valid}") from None


def typed(df: pd.DataFrame, types: dict[str, str]) -> pd.DataFrame:
    """Only the columns of `types`, in its order, with its dtypes."""
    return df.astype(types)[list(types)]


def conform_with(df: pd.DataFrame, table: str, columns: tuple[str, ...]) -> pd.DataFrame:
    """`df` conformed to the contract of `table`, plus its `columns` as text (empty when it lacks one)."""
    base = schema.conform(df, table)
    for col in columns:
        base[col] = df[col].astype("string").to_numpy() if col in df else pd.Series(dtype="string")
    return base


def sorted_by(df: pd.DataFrame, by: list[str], ascending: list[bool]) -> pd.DataFrame:
    return df.sort_values(by, ascending=ascending, kind="stable").reset_index(drop=True)


def check_level(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")


def distinct_articles(f: Filters, alias: str = "") -> str:
    """SQL counting the distinct articles of filtered rows: their integer numbers under active filters
    (every kept row has one), else the ids."""
    return f"count(DISTINCT {alias}{'a' if f.active else 'article_id'})"


def first_articles(f: Filters) -> str:
    """Distinct articles of the filtered mention facts: the rows flagged first of their (actor, article)
    when the filters keep such groups whole (articles, actors), else a distinct count."""
    if f.affiliations or f.topics or f.search:  # they keep single mentions or sentences
        return distinct_articles(f)
    return "count(*) FILTER (WHERE first AND article_id IS NOT NULL)"
