"""The fact tables of the DuckDB layer (`Query.facts`: statements and mentions with their article's outlet
and date and first-occurrence flags) give what the pandas functions give, under every kind of filter,
including the cases where the flags cannot count distinct articles (search, affiliation rows)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import counts, positions, query, schema, store, timeline_tables
from analysis.filters import Filters
from tests.twins import assert_twin

ACTORS = ["Jane Roe", "Max Mux", "Ukraine", "Bob Poe"]
AFFILIATION = {"Jane Roe": "Freedonia", "Max Mux": "Freedonia", "Ukraine": "", "Bob Poe": "Sylvania"}
TOPICS = ["ceasefire", "sanctions", "energy"]
STANCES = ["support", "oppose", "neutral", "support", None]


def corpus(n_articles: int = 12, repeat_id: bool = False) -> dict[str, pd.DataFrame]:
    """Articles whose actors speak several times on the same topic (so first-of-group flags matter),
    some undated, one without an outlet, sentences with the searched word in a few of them."""
    articles, sentences, mentions, statements, topics = [], [], [], [], []
    for i in range(n_articles):
        aid = f"a{i:02d}"
        published = "" if i % 5 == 4 else (f"2025-0{1 + i % 3}-1{i % 9}" if i % 4 else "2025-02")
        source = "" if i == 3 else f"Outlet {i % 3}"
        text = "talks" if i % 2 else "x"
        articles.append({"article_id": aid, "source": source, "published": published, "title": f"Title {i}",
                         "text": text})  # fmt: skip
        for j in range(6):
            sentences.append(
                {"article_id": aid, "sentence_id": j, "text": "peace talks" if j == 2 else "text"}
            )
            actor = ACTORS[(i + j) % len(ACTORS)]
            affiliation = "Sylvania" if (i, j) == (1, 1) else AFFILIATION[actor]  # one odd mention
            for k in range(1 + (j % 2)):
                mentions.append({"article_id": aid, "sentence_id": j, "actor": actor, "surface": actor,
                                 "affiliation": affiliation or None, "start_char": k})  # fmt: skip
            statements.append({"statement_id": f"s{i}-{j}", "article_id": aid, "sentence_id": j,
                               "actor": actor, "topic": TOPICS[(i * j) % 3],
                               "stance": STANCES[(i + 2 * j) % 5]})  # fmt: skip
            topics.append({"article_id": aid, "sentence_id": j, "topic": TOPICS[j % 3]})
    if repeat_id:
        articles.append(dict(articles[0], source="Outlet 9"))
    tables = {"articles": articles, "sentences": sentences, "mentions": mentions, "statements": statements,
              "topics": topics}  # fmt: skip
    return {k: schema.conform(pd.DataFrame(v), k) for k, v in tables.items()}


FILTERS = [
    {},
    {"actors": ("Jane Roe",)},
    {"affiliations": ("Freedonia",)},
    {"affiliations": ("Sylvania",), "actors": ("Ukraine",)},
    {"topics": ("ceasefire",)},
    {"sources": ("Outlet 1",)},
    {"start": "2025-02-01"},
    {"search": "talks"},
    {"actors": ("Max Mux",), "search": "peace"},
]
TWINS = [
    (counts.mentions_by_actor, query.mentions_by_actor, {}),
    (counts.mentions_by_actor_source, query.mentions_by_actor_source, {}),
    (counts.mentions_by_actor_day, query.mentions_by_actor_day, {}),
    (positions.position_matrix, query.position_matrix, {}),
    (positions.position_matrix, query.position_matrix, {"level": "affiliation"}),
    (timeline_tables.actor_first_last, query.actor_first_last, {}),
    (timeline_tables.coverage_over_time, query.coverage_over_time, {}),
    (timeline_tables.coverage_over_time, query.coverage_over_time, {"freq": "W"}),
    (positions.positions_over_time, query.positions_over_time, {"freq": "W", "topic": "ceasefire"}),
]


def _equal(tables, q, pandas_fn, duck_fn, options):
    compared = sum(
        assert_twin(
            duck_fn(q, **options, **filters),
            pandas_fn(tables, **options, **filters),
            f"{duck_fn.__name__} {filters}",
        )
        for filters in FILTERS
    )
    assert compared >= len(FILTERS) // 2  # the filters leave rows to compare


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("facts")
    tables = corpus()
    store.write_tables(tables, folder, {})
    return folder, store.load_tables(folder)


@pytest.mark.parametrize(
    ("pandas_fn", "duck_fn", "options"), TWINS, ids=lambda x: getattr(x, "__name__", str(x))
)
def test_fact_tables_give_the_pandas_results(built, pandas_fn, duck_fn, options):
    folder, tables = built
    q = query.Query(folder)
    _equal(tables, q, pandas_fn, duck_fn, options)
    assert q.facts("_sfacts") and q.facts("_mfacts")  # the facts were usable, so they were what ran


def test_first_flags_count_distinct_articles(built):
    folder, tables = built
    q = query.Query(folder)
    by_actor = query.mentions_by_actor(q).set_index("actor")
    assert (by_actor["articles"] < by_actor["n"]).all()  # repeated mentions per article: flags matter
    expected = tables["mentions"].groupby("actor")["article_id"].nunique()
    assert by_actor["articles"].to_dict() == expected.to_dict()


def test_counts_through_the_facts_equal_the_rows(built):
    folder, _ = built
    q = query.Query(folder)
    for filters in FILTERS:
        f = Filters(**filters)
        for table in ("mentions", "statements"):
            assert q.count(table, f) == len(q.filtered(table, f)), (table, filters)


def test_repeated_article_ids_fall_back_to_the_plain_sql(tmp_path):
    tables = corpus(repeat_id=True)
    store.write_tables(tables, tmp_path, {})
    q = query.Query(tmp_path)
    assert not q.facts("_mfacts")
    loaded = store.load_tables(tmp_path)
    _equal(loaded, q, counts.mentions_by_actor_source, query.mentions_by_actor_source, {})
    _equal(loaded, q, positions.position_matrix, query.position_matrix, {})


def test_facts_follow_a_rebuild(tmp_path):
    store.write_tables(corpus(6), tmp_path, {})
    q = query.Query(tmp_path)
    before = int(query.mentions_by_actor(q)["n"].sum())
    store.write_tables(corpus(9), tmp_path, {})
    after = query.mentions_by_actor(q)
    assert int(after["n"].sum()) > before
    assert int(after["n"].sum()) == len(store.load_tables(tmp_path)["mentions"])


def test_the_first_rows_of_each_table_are_those_of_apply_filters(built):
    from analysis.filters import apply_filters

    folder, tables = built
    q = query.Query(folder)
    for filters in FILTERS:
        expected = apply_filters(tables, Filters(**filters))
        for name in ("articles", "sentences", "mentions", "statements"):
            got = q.filtered(name, Filters(**filters), limit=3)
            pd.testing.assert_frame_equal(got, expected[name].head(3), obj=f"{name} {filters}")
            ordered = q.filtered(name, Filters(**filters), order="sentence_id DESC" if name != "articles"
                                 else "published DESC", limit=2)  # fmt: skip
            assert len(ordered) == min(2, len(expected[name])), (name, filters)


@pytest.mark.parametrize("freq", sorted(positions.FREQS))
def test_sql_period_starts_are_those_of_pandas(freq):
    """The SQL period of a publication date (`query_sql.period_start`) is `positions._period_start`'s, on
    days, months, years, times, impossible days and text."""
    import duckdb

    from analysis import query_sql

    days = [
        "2025-08-13",
        "2025-08-17",
        "2025-08-18",
        "2024-02-29",
        "2025-02-29",
        "2025-13-01",
        "2025-08",
        "2025-00",
        "2025",
        "2025-08-13T10:00:00",
        " 2025-08-13",
        "13 August 2025",
        "",
        "2025-8-1",
    ]
    got = duckdb.sql(
        f"SELECT strftime({query_sql.period_start('d', freq)}, '%Y-%m-%d') FROM unnest($days) AS t(d)",
        params={"days": days},
    ).fetchall()
    assert [row[0] for row in got] == [positions._period_start(day, freq) for day in days]
