"""The query engine over the Parquet store and over frames: the same results, rows by filter, rebuilds and
corrections followed, missing files and bad arguments handled."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import analysis.query as aq
from analysis.query import Filters, Query, apply_filters, rows, views
from analysis.query.results import arrow_frame
from analysis.store import corrections, schema
from analysis.store import tables as store
from analysis.store.build import build

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
def q(built) -> Query:
    return Query(built[0])


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


AGGREGATIONS = [
    (aq.mentions_by_actor, {}),
    (aq.mentions_by_actor_source, {}),
    (aq.mentions_by_actor_article, {}),
    (aq.mentions_by_actor_day, {}),
    (aq.mentions_by_affiliation, {}),
    (aq.position_matrix, {}),
    (aq.position_matrix, {"level": "affiliation"}),
    (aq.coverage_over_time, {"by": "actor", "freq": "W"}),
    (aq.topic_share_by_source, {}),
    (aq.cooccurrence, {"level": "article"}),
    (aq.positions_over_time, {"level": "affiliation", "freq": "W"}),
    (aq.events_in_order, {"include_background": False}),
    (aq.actor_first_last, {}),
    (aq.events_per_actor, {}),
]


@pytest.mark.parametrize(("fn", "options"), AGGREGATIONS, ids=lambda x: getattr(x, "__name__", str(x)))
def test_the_store_and_the_frames_give_the_same_results(built, q, fn, options):
    """One implementation, two sources: the Parquet store (the dashboard) and the loaded frames (a
    notebook), under every kind of filter."""
    tables = built[1]
    for filters in filter_sets(tables):
        got, expected = fn(q, **options, **filters), fn(tables, **options, **filters)
        assert got.attrs == expected.attrs, filters
        pd.testing.assert_frame_equal(got, expected, obj=f"{fn.__name__} {filters}")


def test_the_unfiltered_aggregations_are_not_trivial(built, q):
    assert len(aq.mentions_by_actor(q)) > 10
    assert aq.position_matrix(q)["n"].sum() == len(built[1]["statements"])


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
    q = Query(tmp_path)
    assert q.filtered("mentions").empty and list(q.filtered("mentions").columns)[0] == "article_id"
    assert aq.mentions_by_actor(q).empty


def test_unknown_filters_and_options_are_refused(q):
    with pytest.raises(TypeError, match="valid filters"):
        aq.mentions_by_actor(q, actor=("x",))
    with pytest.raises(ValueError):
        aq.coverage_over_time(q, by="weather")


def test_affiliations_follow_a_rewritten_mentions_file(tmp_path):
    def write(affiliation: str) -> None:
        mentions = [{"article_id": "a1", "sentence_id": 0, "actor": "Jane Roe", "affiliation": affiliation}]
        statements = [{"statement_id": "s1", "article_id": "a1", "sentence_id": 0, "actor": "Jane Roe",
                       "topic": "ceasefire", "stance": "support"}]  # fmt: skip
        tables = {"articles": [{"article_id": "a1", "source": "Wire", "published": "2025-01-02"}],
                  "mentions": mentions, "statements": statements}  # fmt: skip
        store.write_tables({k: schema.conform(v, k) for k, v in tables.items()}, tmp_path, {})

    write("Freedonia")
    q = Query(tmp_path)
    assert aq.position_matrix(q, level="affiliation")["actor"].tolist() == ["Freedonia"]
    write("Sylvania")
    assert aq.position_matrix(q, level="affiliation")["actor"].tolist() == ["Sylvania"]
    assert aq.position_matrix(q, affiliations=("Sylvania",))["support"].tolist() == [1]


def _busiest_cell(tables) -> tuple[str, str]:
    st_ = tables["statements"]
    pair = st_.groupby(["actor", "topic"]).size().sort_values(ascending=False).index[0]
    return str(pair[0]), str(pair[1])


def test_evidence_from_the_store_and_the_frames(built, q):
    tables = built[1]
    actor, topic = _busiest_cell(tables)
    for filters in filter_sets(tables):
        for got, expected in [
            (aq.cell_evidence(q, actor, topic, **filters), aq.cell_evidence(tables, actor, topic, **filters)),
            (
                aq.key_evidence(q, actor=actor, n=20, **filters),
                aq.key_evidence(tables, actor=actor, n=20, **filters),
            ),
        ]:
            pd.testing.assert_frame_equal(got, expected, obj=str(filters))
    cell = aq.cell_evidence(tables, actor, topic)
    assert len(cell) > 0 and set(cell["actor"]) == {actor} and set(cell["topic"]) == {topic}
    ranked = aq.key_evidence(tables, n=20)
    polar = (ranked["stance"] != "neutral").tolist()
    assert polar == sorted(polar, reverse=True)  # support and oppose before neutral


def test_latest_events_are_the_tail_of_the_timeline(built, q):
    everything = aq.events_in_order(built[1])
    latest = aq.events_in_order(q, latest=3)
    assert len(everything) > 3 and latest.attrs["total"] == len(everything)
    pd.testing.assert_frame_equal(latest, everything.tail(3).reset_index(drop=True), check_dtype=False)


def test_row_views_from_the_store_and_the_frames(built, q):
    tables = built[1]
    mem = Query(tables)
    actor = tables["mentions"]["actor"].value_counts().index[0]
    event = tables["events"]["event_id"].iloc[0]
    for filters in filter_sets(tables):
        f = Filters(**filters)
        summary = rows.corpus_summary(q, f)
        assert summary == rows.corpus_summary(mem, f), filters
        assert summary["articles"] == len(apply_filters(tables, f)["articles"])
        keys = ("articles", "sources", "start", "end", "undated")
        assert rows.article_summary(q, f) == {k: summary[k] for k in keys}
        assert rows.catalog_topics(q, f) == rows.catalog_topics(mem, f), filters
        some = apply_filters(tables, f)["statements"].head(4)[["article_id", "actor"]]
        for name, args, kw in [
            ("article_list", (), {"limit": 5}),
            ("actor_sentences", (actor,), {}),
            ("event_rows", (event,), {}),
            ("unresolved_times", (), {}),
            ("with_article_meta", (some,), {}),
        ]:
            fn = getattr(rows, name)
            pd.testing.assert_frame_equal(fn(q, f, *args, **kw), fn(mem, f, *args, **kw), obj=f"{name} {f}")
    assert rows.catalog(q) == rows.catalog(mem) and len(rows.catalog(q).actors) > 5
    first = tables["articles"]["article_id"].iloc[0]
    one = rows.article_tables(q, first)
    assert views.article(one, first) == views.article(tables, first)
    for name in ("sentences", "mentions", "statements", "events", "time_expressions"):
        expected = tables[name][tables[name]["article_id"] == first].reset_index(drop=True)
        pd.testing.assert_frame_equal(one[name], expected, obj=name)


def test_corrections_apply_in_the_engine_as_on_loaded_tables(tmp_path):
    from dashboard import synthetic

    tables = synthetic.make_tables(6)
    tables["statements_auto"] = tables["statements"].copy()
    store.write_tables(tables, tmp_path, {})
    path = tmp_path / "corrections.jsonl"
    q = Query(tmp_path, corrections=path)
    st_ = tables["statements"]
    pd.testing.assert_frame_equal(q.filtered("statements"), store.load_tables(tmp_path)["statements"])
    corrections.add_correction(path, action="change", statement_id=st_["statement_id"][0], stance="oppose")
    corrections.add_correction(path, action="delete", statement_id=st_["statement_id"][2])
    corrections.add_correction(path, action="add", article_id=st_["article_id"][1], sentence_id=0,
                               actor="Zora Quill", topic="ceasefire", stance="support")  # fmt: skip
    auto = store.load_tables(tmp_path)["statements_auto"]
    expected = corrections.apply_corrections(auto, corrections.load_corrections(path))
    got = q.filtered("statements")
    pd.testing.assert_frame_equal(got, expected)
    assert set(got["origin"]) == {"auto", "corrected", "added"} and len(got) == len(st_)
    corrections.undo(path)  # the add is undone: the next query sees it
    assert "added" not in set(q.filtered("statements")["origin"])


def test_arrow_results_have_the_dtypes_and_values_of_fetchdf():
    """`Query.sql` reads results through Arrow: each column as DuckDB's fetchdf would give it."""
    import duckdb

    con = duckdb.connect()
    sql = """SELECT 1::INTEGER i, NULL::INTEGER j, 1::BIGINT k, true b, NULL::BOOLEAN nb, 3::UTINYINT u,
        DATE '2025-01-01' d, TIMESTAMP '2025-01-01 10:00' ts, 1.5::DOUBLE f, NULL::DOUBLE nf, 'a' s,
        NULL::VARCHAR ns, 2::HUGEINT h, 1.5::DECIMAL(5, 2) dec, sum(7) total
        UNION ALL SELECT 2, 3, 2, false, false, 4, NULL, NULL, NULL, NULL, NULL, 'x', 5, NULL, 8"""
    pd.testing.assert_frame_equal(arrow_frame(con.sql(sql).to_arrow_table()), con.execute(sql).fetchdf())
    empty = arrow_frame(con.sql("SELECT 1 AS x, 'a' AS s WHERE false").to_arrow_table())
    assert list(empty.columns) == ["x", "s"] and empty.empty


def test_repeated_article_ids_are_refused_with_the_id(tmp_path):
    from dashboard import synthetic

    tables = synthetic.make_tables(4)
    tables["articles"] = pd.concat([tables["articles"], tables["articles"].head(1)], ignore_index=True)
    with pytest.raises(ValueError, match=tables["articles"]["article_id"].iloc[0]):
        aq.mentions_by_actor(tables)
    store.write_tables(tables, tmp_path, {})
    with pytest.raises(ValueError, match="articles.parquet"):
        aq.position_matrix(Query(tmp_path), actors=("Aldora",))


def test_keyed_tables_and_key_sets_follow_a_rebuild(tmp_path):
    from dashboard import synthetic

    store.write_tables(synthetic.make_tables(6), tmp_path, {})
    q = Query(tmp_path)
    f = Filters(actors=("Aldora",), search="proposal")
    before = (int(aq.mentions_by_actor(q)["n"].sum()), q.count("sentences", f))
    store.write_tables(synthetic.make_tables(12), tmp_path, {})
    loaded = store.load_tables(tmp_path)
    assert int(aq.mentions_by_actor(q)["n"].sum()) == len(loaded["mentions"]) > before[0]
    assert q.count("sentences", f) == len(apply_filters(loaded, f)["sentences"]) > before[1]


def test_a_search_is_literal_and_case_insensitive():
    from dashboard import synthetic

    tables = synthetic.make_tables(6)
    arts = tables["articles"].copy()
    arts.loc[0, "text"] = "a.b and 50% AXB"
    arts.loc[1, "text"] = "axb only"
    tables["articles"] = arts
    q = Query(tables)
    assert set(q.filtered("articles", Filters(search="A.B"))["article_id"]) == {arts["article_id"][0]}
    assert set(q.filtered("articles", Filters(search="axb"))["article_id"]) == set(arts["article_id"][:2])
    assert set(q.filtered("articles", Filters(search="50%"))["article_id"]) == {arts["article_id"][0]}


def test_counts_and_summaries_in_one_query_equal_those_side_by_side(built, q):
    one = Query(built[0], threads=1)  # one thread: all in one query
    names = list(schema.TABLES)
    for filters in filter_sets(built[1]):
        f = Filters(**filters)
        assert one.counts(names, f) == q.counts(names, f), filters
        assert rows.corpus_summary(one, f) == rows.corpus_summary(q, f), filters
        assert rows.row_summary(one, f) == rows.row_summary(q, f), filters


def test_a_repeated_text_is_one_article_in_the_store(tmp_path):
    """The build resolves a repeated article (same cleaned text, hence id) to one row, so the engine's
    keys are unique: across files and across corpus folders."""
    text = "Ministers from Aldora and Belmark met in Geneva on Monday to discuss a ceasefire proposal.\n"
    first, second = tmp_path / "corpus", tmp_path / "uploads"
    for folder in (first, second):
        folder.mkdir()
    (first / "a.txt").write_text(text, encoding="utf-8")
    (first / "b.txt").write_text(text, encoding="utf-8")
    (second / "c.txt").write_text(text, encoding="utf-8")
    (second / "d.txt").write_text("A different article about sanctions talks in Vienna.\n", encoding="utf-8")
    out = tmp_path / "out"
    build([first, second], out)
    tables = store.load_tables(out)
    assert tables["articles"]["article_id"].is_unique and len(tables["articles"]) == 2
    warned = tables["problems"][tables["problems"]["message"].str.contains("counted once")]
    assert sorted(warned["file"]) == ["b.txt", "c.txt"]
    assert aq.mentions_by_actor(Query(out)).equals(aq.mentions_by_actor(tables))
