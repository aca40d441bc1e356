"""The DuckDB query layer equals the pandas aggregations it stands in for, under every kind of filter."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import counts, positions, query, schema, store, timeline_tables
from analysis.build import build
from analysis.filters import Filters, apply_filters

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict[str, pd.DataFrame]]:
    corpus = tmp_path_factory.mktemp("corpus")
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        shutil.copy(path, corpus)
    out = tmp_path_factory.mktemp("out")
    build(corpus, out)
    return out, store.load_tables(out)


@pytest.fixture(scope="module")
def q(built) -> query.Query:
    return query.Query(built[0])


def filter_sets(tables: dict[str, pd.DataFrame]) -> list[dict]:
    """One filter of each kind, with values picked from the data (the busiest actor, topic, source …)."""
    m, t, a = tables["mentions"], tables["topics"], tables["articles"]
    actor = m["actor"].value_counts().index[0]
    affiliation = m.loc[m["affiliation"].fillna("") != "", "affiliation"].value_counts().index[0]
    topic = t["topic"].value_counts().index[0]
    source = a["source"].value_counts().index[0]
    days = sorted(a["published"].dropna().str.slice(0, 10))
    return [
        {},
        {"actors": (actor,)},
        {"affiliations": (affiliation,)},
        {"topics": (topic,)},
        {"sources": (source,)},
        {"start": days[len(days) // 2]},
        {"end": days[len(days) // 2]},
        {"search": "CEASEFIRE"},
        {"actors": (actor,), "topics": (topic,), "search": "the"},
        {"actors": ("Nobody At All",)},
    ]


TWINS = [
    (counts.mentions_by_actor, query.mentions_by_actor, {}),
    (counts.mentions_by_actor_source, query.mentions_by_actor_source, {}),
    (counts.mentions_by_actor_day, query.mentions_by_actor_day, {}),
    (positions.position_matrix, query.position_matrix, {}),
    (positions.position_matrix, query.position_matrix, {"level": "affiliation"}),
    (timeline_tables.coverage_over_time, query.coverage_over_time, {}),
    (timeline_tables.coverage_over_time, query.coverage_over_time, {"by": "actor", "freq": "W"}),
    (timeline_tables.coverage_over_time, query.coverage_over_time, {"by": "topic"}),
]


@pytest.mark.parametrize(
    ("pandas_fn", "duck_fn", "options"), TWINS, ids=lambda x: getattr(x, "__name__", str(x))
)
def test_duckdb_aggregations_equal_the_pandas_ones(built, q, pandas_fn, duck_fn, options):
    tables = built[1]
    for filters in filter_sets(tables):
        expected = pandas_fn(tables, **options, **filters)
        got = duck_fn(q, **options, **filters)
        if expected.empty:
            assert got.empty and list(got.columns) == list(expected.columns), filters
            continue
        pd.testing.assert_frame_equal(
            got, expected.reset_index(drop=True), obj=f"{duck_fn.__name__} {filters}", check_dtype=False
        )


def test_the_unfiltered_aggregations_are_not_trivial(built, q):
    assert len(query.mentions_by_actor(q)) > 10
    assert query.position_matrix(q)["n"].sum() == len(built[1]["statements"])


@pytest.mark.parametrize("table", ["articles", "sentences", "mentions", "topics", "statements", "events",
                                   "time_expressions"])  # fmt: skip
def test_filtered_rows_equal_apply_filters(built, q, table):
    tables = built[1]
    for filters in filter_sets(tables):
        f = Filters(**filters)
        expected = apply_filters(tables, f)[table]
        pd.testing.assert_frame_equal(q.filtered(table, f), expected, obj=f"{table} {filters}")
        assert q.count(table, f) == len(expected)


def test_limit_columns_and_order(q, built):
    top = q.filtered("mentions", Filters(), columns=["actor", "start_char"], order="start_char DESC", limit=3)
    assert list(top.columns) == ["actor", "start_char"] and len(top) == 3
    assert top["start_char"].tolist() == sorted(built[1]["mentions"]["start_char"], reverse=True)[:3]


def test_a_missing_table_file_reads_as_empty(tmp_path):
    q = query.Query(tmp_path)
    assert q.filtered("mentions").empty and list(q.filtered("mentions").columns)[0] == "article_id"
    assert query.mentions_by_actor(q).empty


def test_unknown_filters_and_options_are_refused(q):
    with pytest.raises(TypeError, match="valid filters"):
        query.mentions_by_actor(q, actor=("x",))
    with pytest.raises(ValueError):
        query.coverage_over_time(q, by="weather")


def test_affiliations_follow_a_rewritten_mentions_file(tmp_path):
    def write(affiliation: str) -> None:
        mentions = [{"article_id": "a1", "sentence_id": 0, "actor": "Jane Roe", "affiliation": affiliation}]
        statements = [{"statement_id": "s1", "article_id": "a1", "sentence_id": 0, "actor": "Jane Roe",
                       "topic": "ceasefire", "stance": "support"}]  # fmt: skip
        tables = {"articles": [{"article_id": "a1", "source": "Wire", "published": "2025-01-02"}],
                  "mentions": mentions, "statements": statements}  # fmt: skip
        store.write_tables({k: schema.conform(v, k) for k, v in tables.items()}, tmp_path, {})

    write("Freedonia")
    q = query.Query(tmp_path)
    assert query.position_matrix(q, level="affiliation")["actor"].tolist() == ["Freedonia"]
    write("Sylvania")
    assert query.position_matrix(q, level="affiliation")["actor"].tolist() == ["Sylvania"]
    assert query.position_matrix(q, affiliations=("Sylvania",))["support"].tolist() == [1]
