"""The DuckDB query layer equals the pandas aggregations it stands in for, under every kind of filter."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import corrections, counts, positions, query, query_views, schema, store, timeline_tables, views
from analysis.build import build
from analysis.filters import Filters, apply_filters
from tests.twins import assert_twin

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
    (counts.topic_share_by_source, query.topic_share_by_source, {}),
    (counts.cooccurrence, query.cooccurrence, {}),
    (counts.cooccurrence, query.cooccurrence, {"level": "article"}),
    (positions.positions_over_time, query.positions_over_time, {}),
    (positions.positions_over_time, query.positions_over_time, {"level": "affiliation", "freq": "W"}),
    (timeline_tables.events_in_order, query.events_in_order, {}),
    (timeline_tables.events_in_order, query.events_in_order, {"include_background": False}),
    (timeline_tables.actor_first_last, query.actor_first_last, {}),
]


@pytest.mark.parametrize(
    ("pandas_fn", "duck_fn", "options"), TWINS, ids=lambda x: getattr(x, "__name__", str(x))
)
def test_duckdb_aggregations_equal_the_pandas_ones(built, q, pandas_fn, duck_fn, options):
    tables = built[1]
    for filters in filter_sets(tables):
        assert_twin(
            duck_fn(q, **options, **filters),
            pandas_fn(tables, **options, **filters),
            f"{duck_fn.__name__} {filters}",
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


def _busiest_cell(tables) -> tuple[str, str]:
    st_ = tables["statements"]
    pair = st_.groupby(["actor", "topic"]).size().sort_values(ascending=False).index[0]
    return str(pair[0]), str(pair[1])


def test_evidence_twins_equal_the_pandas_ones(built, q):
    tables = built[1]
    actor, topic = _busiest_cell(tables)
    for filters in filter_sets(tables):
        f = Filters(**filters)
        shown = apply_filters(tables, f)
        pairs = [
            (
                positions.cell_evidence(tables, actor, topic, **filters),
                query.cell_evidence(q, actor, topic, **filters),
            ),
            (views.key_evidence(shown), query.key_evidence(q, **filters)),
            (
                views.key_evidence(shown, actor=actor, n=20),
                query.key_evidence(q, actor=actor, n=20, **filters),
            ),
        ]
        for expected, got in pairs:
            assert len(got) == len(expected), filters
            if len(expected):
                pd.testing.assert_frame_equal(got, expected, check_dtype=False, obj=str(filters))
    assert len(positions.cell_evidence(tables, actor, topic)) > 0


def test_latest_events_are_the_tail_of_the_timeline(built, q):
    everything = timeline_tables.events_in_order(built[1])
    latest = query.events_in_order(q, latest=3)
    assert len(everything) > 3 and latest.attrs["total"] == len(everything)
    pd.testing.assert_frame_equal(latest, everything.tail(3).reset_index(drop=True), check_dtype=False)


def test_row_views_equal_the_pandas_ones(built, q):
    tables = built[1]
    actor = tables["mentions"]["actor"].value_counts().index[0]
    event = tables["events"]["event_id"].iloc[0]
    for filters in filter_sets(tables):
        f = Filters(**filters)
        shown = apply_filters(tables, f)
        summary = views.corpus_summary(shown)
        assert query_views.corpus_summary(q, f) == summary, filters
        assert query_views.article_summary(q, f) == {
            k: summary[k] for k in ("articles", "sources", "start", "end")
        }
        assert query_views.catalog_topics(q, f) == views.catalog_topics(shown), filters
        rows = shown["statements"].head(4)[["article_id", "actor"]]
        for got, expected in [
            (query_views.article_list(q, f, limit=5), views.article_list(shown, limit=5)),
            (query_views.actor_sentences(q, f, actor), views.actor_sentences(shown, actor)),
            (query_views.event_rows(q, f, event), views.event_rows(shown, event)),
            (query_views.unresolved_times(q, f), views.unresolved_times(shown)),
            (query_views.with_article_meta(q, f, rows), views.with_article_meta(rows, shown)),
        ]:
            assert len(got) == len(expected), filters
            if len(expected):
                pd.testing.assert_frame_equal(got, expected, check_dtype=False, obj=str(filters))
    assert query_views.catalog(q) == views.catalog(tables)
    first = tables["articles"]["article_id"].iloc[0]
    one = query_views.article_tables(q, first)
    assert views.article(one, first) == views.article(tables, first)
    for name in ("sentences", "mentions", "statements", "events", "time_expressions"):
        pd.testing.assert_frame_equal(
            views.article_rows(one, first, name), views.article_rows(tables, first, name)
        )


def test_corrections_apply_in_duckdb_as_in_pandas(tmp_path):
    from dashboard import synthetic

    tables = synthetic.make_tables(6)
    tables["statements_auto"] = tables["statements"].copy()
    store.write_tables(tables, tmp_path, {})
    path = tmp_path / "corrections.jsonl"
    q = query.Query(tmp_path, corrections=path)
    st_ = tables["statements"]
    pd.testing.assert_frame_equal(q.filtered("statements"), store.load_tables(tmp_path)["statements"])
    corrections.add_correction(path, action="change", statement_id=st_["statement_id"][0], stance="oppose")
    corrections.add_correction(path, action="delete", statement_id=st_["statement_id"][2])
    corrections.add_correction(path, action="add", article_id=st_["article_id"][1], sentence_id=0,
                               actor="Zora Quill", topic="ceasefire", stance="support")  # fmt: skip
    expected = views.with_corrections(store.load_tables(tmp_path), path)["statements"]
    got = q.filtered("statements")
    pd.testing.assert_frame_equal(got, expected)
    assert set(got["origin"]) == {"auto", "corrected", "added"} and len(got) == len(st_)
    corrections.undo_last(path)  # the add is undone: the next query sees it
    assert "added" not in set(q.filtered("statements")["origin"])


def test_arrow_results_have_the_dtypes_and_values_of_fetchdf():
    """`Query.sql` reads results through Arrow: each column as DuckDB's fetchdf would give it."""
    import duckdb

    con = duckdb.connect()
    sql = """SELECT 1::INTEGER i, NULL::INTEGER j, 1::BIGINT k, true b, NULL::BOOLEAN nb, 3::UTINYINT u,
        DATE '2025-01-01' d, TIMESTAMP '2025-01-01 10:00' ts, 1.5::DOUBLE f, NULL::DOUBLE nf, 'a' s,
        NULL::VARCHAR ns, 2::HUGEINT h, 1.5::DECIMAL(5, 2) dec, sum(7) total
        UNION ALL SELECT 2, 3, 2, false, false, 4, NULL, NULL, NULL, NULL, NULL, 'x', 5, NULL, 8"""
    pd.testing.assert_frame_equal(
        query.arrow_frame(con.sql(sql).to_arrow_table()), con.execute(sql).fetchdf()
    )
    empty = query.arrow_frame(con.sql("SELECT 1 AS x, 'a' AS s WHERE false").to_arrow_table())
    assert list(empty.columns) == ["x", "s"] and empty.empty
