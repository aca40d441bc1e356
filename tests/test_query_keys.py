"""The integer keys of the DuckDB layer (`Query.keyed`: article numbers, sentence keys, integer key sets)
filter every table as `apply_filters` does, under many random filter sets on a small generated corpus
with the awkward cases: rows of unknown articles, missing sentence ids, undated and outlet-less articles,
events naming several actors, searches with regular-expression characters or spanning title and text, and
the analyst's corrections applied to the statements."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import corrections, counts, positions, query, query_views, schema, store, timeline_tables, views
from analysis.filters import Filters, apply_filters, row_count
from tests.twins import assert_twin

ACTORS = ["Jane Roe", "Max Mux", "Ukraine", "Bob Poe", "Ann Lee"]
AFFILIATION = {"Jane Roe": "Freedonia", "Max Mux": "Freedonia", "Ukraine": None, "Bob Poe": "Sylvania",
               "Ann Lee": None}  # fmt: skip
TOPICS = ["ceasefire", "sanctions", "energy", "trade"]
WORDS = ["peace", "talks", "Ceasefire", "a.b", "50% off", "axb", "oil", "TALKS", "grain"]
SOURCES = ["Wire", "Daily", "Post", ""]


def corpus(seed: int = 3, n: int = 30) -> dict[str, pd.DataFrame]:
    """Articles with 0-6 sentences each and rows in every sentence-level table, plus rows of two articles
    that are not in `articles` and rows without a sentence id."""
    rng = np.random.default_rng(seed)
    pick = lambda seq: seq[int(rng.integers(len(seq)))]  # noqa: E731
    ids = [f"art{i:03d}" for i in range(n)]
    articles, sentences, mentions, topics, statements, events, times = [], [], [], [], [], [], []
    for i, aid in enumerate(ids):
        day = f"2025-0{1 + i % 6}-{10 + i % 18}"
        published = ["", "2025-03", day, day, day][i % 5]
        title = f"{pick(WORDS)} report" + (" talks" if i % 7 == 0 else "")
        text = ("peace " if i % 7 == 0 else "") + " ".join(pick(WORDS) for _ in range(4))
        articles.append({"article_id": aid, "title": title, "text": text, "source": pick(SOURCES),
                         "published": published, "file": f"f{i}.txt"})  # fmt: skip
    for aid in [*ids, "ghost1", "ghost2"]:  # rows of articles that are not in `articles`
        for j in range(int(rng.integers(0, 7))):
            sid = None if rng.random() < 0.05 else j
            sentences.append({"article_id": aid, "sentence_id": sid,
                              "text": " ".join(pick(WORDS) for _ in range(3))})  # fmt: skip
            for _ in range(int(rng.integers(0, 3))):
                actor = pick(ACTORS)
                aff = "Sylvania" if rng.random() < 0.1 else AFFILIATION[actor]
                mentions.append({"article_id": aid, "sentence_id": None if rng.random() < 0.05 else sid,
                                 "actor": actor, "surface": actor, "affiliation": aff})  # fmt: skip
            if rng.random() < 0.6:
                topics.append({"article_id": aid, "sentence_id": sid, "topic": pick(TOPICS)})
            if rng.random() < 0.7:
                statements.append({"statement_id": f"s{len(statements)}", "article_id": aid,
                                   "sentence_id": sid,
                                   "actor": pick(ACTORS), "topic": pick(TOPICS),
                                   "stance": pick(["support", "oppose", "neutral"]),
                                   "confidence": float(rng.random()), "origin": "auto"})  # fmt: skip
            if rng.random() < 0.3:
                names = "; ".join(sorted({pick(ACTORS), pick(ACTORS + ["Freedonia"])}))
                events.append({"event_id": f"e{len(events)}", "article_id": aid, "sentence_id": sid,
                               "date": pick(["2025-01-02", "2025-02", "2025", ""]), "actors": names,
                               "topics": pick(TOPICS), "date_precision": "day"})  # fmt: skip
            if rng.random() < 0.3:
                times.append({"article_id": aid, "sentence_id": sid, "expression": "on Monday",
                              "date": pick(["", "2025-01-06"])})  # fmt: skip
    tables = {"articles": articles, "sentences": sentences, "mentions": mentions, "topics": topics,
              "statements": statements, "events": events, "time_expressions": times}  # fmt: skip
    out = {k: schema.conform(pd.DataFrame(v), k) for k, v in tables.items()}
    out["statements_auto"] = out["statements"].copy()
    return out


def random_filters(seed: int, k: int) -> list[Filters]:
    """`k` random filter sets: each kind of filter present with probability 0.35, values from the corpus
    vocabulary (some matching nothing)."""
    rng = np.random.default_rng(seed)

    def some(values: list[str]) -> tuple[str, ...]:
        chosen = rng.choice(values, size=int(rng.integers(1, 3)), replace=False)
        return tuple(str(v) for v in chosen)

    out = []
    for _ in range(k):
        kw: dict = {}
        if rng.random() < 0.35:
            kw["actors"] = some(ACTORS + ["Nobody"])
        if rng.random() < 0.35:
            kw["affiliations"] = some(["Freedonia", "Sylvania", "Ukraine", "Ann Lee"])
        if rng.random() < 0.35:
            kw["topics"] = some(TOPICS)
        if rng.random() < 0.35:
            kw["sources"] = some(SOURCES)
        if rng.random() < 0.3:
            kw["start"] = str(rng.choice(["2025-02-01", "2025-03-01", "2025-05-15"]))
        if rng.random() < 0.3:
            kw["end"] = str(rng.choice(["2025-03-31", "2025-06-30"]))
        if rng.random() < 0.35:
            kw["search"] = str(
                rng.choice(["talks", "CEASEFIRE", "a.b", "50%", "peace", "report talks", "oil"])
            )
        out.append(Filters(**kw))
    return out


FILTERS = [
    Filters(actors=("Jane Roe",)),
    Filters(affiliations=("Freedonia",)),
    Filters(topics=("energy",), search="talks"),
    Filters(search="talks\npeace"),  # spans the title and the text
    Filters(search="a.b"),  # a literal, not a pattern: "axb" does not match
    *random_filters(7, 45),
]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    store.write_tables(corpus(), folder, {})
    path = folder / "corrections.jsonl"
    st_ = store.load_tables(folder)["statements"]
    corrections.add_correction(path, action="change", statement_id=st_["statement_id"][0], stance="oppose",
                               actor="Bob Poe")  # fmt: skip
    corrections.add_correction(path, action="delete", statement_id=st_["statement_id"][3])
    corrections.add_correction(path, action="add", article_id="art001", sentence_id=0, actor="Ann Lee",
                               topic="trade", stance="support")  # fmt: skip
    tables = views.with_corrections(store.load_tables(folder), path)
    q = query.Query(folder, corrections=path)
    assert q.keyed()  # the keyed tables stand in: what is tested here is the integer path
    return q, tables


def test_the_corpus_has_the_awkward_cases(data):
    _, tables = data
    known = set(tables["articles"]["article_id"])
    assert not set(tables["mentions"]["article_id"]) <= known  # rows of unknown articles
    assert tables["sentences"]["sentence_id"].isna().any() and tables["mentions"]["sentence_id"].isna().any()
    assert set(tables["statements"]["origin"]) == {"auto", "corrected", "added"}
    hits = [f for f in FILTERS if f.search]
    assert len(hits) >= 8 and len({f for f in FILTERS if f.actors or f.affiliations}) >= 10


@pytest.mark.parametrize("table", ["articles", "sentences", "mentions", "topics", "statements", "events",
                                   "time_expressions", "statements_auto"])  # fmt: skip
def test_keyed_rows_and_counts_equal_apply_filters(data, table):
    q, tables = data
    nonempty = 0
    for f in FILTERS:
        expected = apply_filters(tables, f)[table]
        got = q.filtered(table, f)
        pd.testing.assert_frame_equal(got, expected, obj=f"{table} {f}")
        assert q.count(table, f) == len(expected), (table, f)
        pd.testing.assert_frame_equal(q.filtered(table, f, limit=3), expected.head(3), obj=f"{table} {f}")
        nonempty += len(expected) > 0
    assert nonempty >= len(FILTERS) // 3  # the filters leave rows to compare


def test_counts_of_several_tables_side_by_side_equal_apply_filters(data):
    q, tables = data
    names = list(schema.TABLES)
    for f in FILTERS[:10]:
        shown = apply_filters(tables, f, lazy=True)
        assert q.counts(names, f) == {name: row_count(shown, name) for name in names}, f


def test_a_search_is_literal_and_case_insensitive(data):
    q, tables = data
    arts = tables["articles"]
    both = (arts["title"] + "\n" + arts["text"]).str.lower()
    for word in ("a.b", "50%", "CEASEFIRE"):
        got = set(q.filtered("articles", Filters(search=word))["article_id"])
        assert got and got == set(arts.loc[both.str.contains(word.lower(), regex=False), "article_id"]), word
    pattern_only = both.str.contains("axb", regex=False) & ~both.str.contains("a.b", regex=False)
    assert pattern_only.any()  # "a.b" as a pattern would match these
    assert not set(arts.loc[pattern_only, "article_id"]) & set(
        q.filtered("articles", Filters(search="a.b"))["article_id"]
    )


TWINS = [
    (counts.mentions_by_actor, query.mentions_by_actor, {}),
    (counts.mentions_by_actor_source, query.mentions_by_actor_source, {}),
    (counts.topic_share_by_source, query.topic_share_by_source, {}),
    (positions.position_matrix, query.position_matrix, {}),
    (positions.position_matrix, query.position_matrix, {"level": "affiliation"}),
    (positions.positions_over_time, query.positions_over_time, {"freq": "W"}),
    (positions.positions_over_time, query.positions_over_time, {"level": "affiliation", "freq": "M"}),
    (timeline_tables.coverage_over_time, query.coverage_over_time, {}),
    (timeline_tables.coverage_over_time, query.coverage_over_time, {"by": "actor", "freq": "W"}),
    (timeline_tables.coverage_over_time, query.coverage_over_time, {"by": "topic"}),
    (timeline_tables.events_in_order, query.events_in_order, {}),
    (timeline_tables.events_in_order, query.events_in_order, {"include_background": False}),
    (timeline_tables.actor_first_last, query.actor_first_last, {}),
]


@pytest.mark.parametrize(
    ("pandas_fn", "duck_fn", "options"), TWINS, ids=lambda x: getattr(x, "__name__", str(x))
)
def test_keyed_aggregations_equal_the_pandas_ones(data, pandas_fn, duck_fn, options):
    q, tables = data
    compared = 0
    for f in FILTERS[:25]:
        kw = {k: getattr(f, k) for k in Filters.__dataclass_fields__}
        compared += assert_twin(
            duck_fn(q, **options, **kw), pandas_fn(tables, **options, **kw), f"{duck_fn.__name__} {f}"
        )
    assert compared >= 8


def test_latest_events_and_summaries_equal_the_pandas_ones(data):
    q, tables = data
    for f in FILTERS[:25]:
        shown = apply_filters(tables, f)
        summary = views.corpus_summary(shown)
        assert query_views.corpus_summary(q, f) == summary, f
        assert query_views.row_summary(q, f) == views.row_summary(shown), f
        assert query_views.article_summary(q, f) == {
            k: summary[k] for k in ("articles", "sources", "start", "end")
        }
        kw = {k: getattr(f, k) for k in Filters.__dataclass_fields__}
        everything = timeline_tables.events_in_order(tables, **kw)
        latest = query.events_in_order(q, latest=2, **kw)
        assert latest.attrs["total"] == len(everything), f
        pd.testing.assert_frame_equal(
            latest, everything.tail(2).reset_index(drop=True), check_dtype=False, obj=str(f)
        )


def test_article_tables_by_number_equal_the_rows_by_id(data):
    q, tables = data
    for aid in ("art001", "art007", "ghost1"):  # ghost1: not in `articles`, found by its id
        one = query_views.article_tables(q, aid)
        for name in ("sentences", "mentions", "statements", "events", "time_expressions"):
            expected = tables[name][tables[name]["article_id"] == aid].reset_index(drop=True)
            pd.testing.assert_frame_equal(one[name], expected, obj=f"{name} {aid}")
        assert len(one["sentences"]) == (tables["sentences"]["article_id"] == aid).sum()


def test_key_sets_follow_a_rebuild(tmp_path):
    store.write_tables(corpus(seed=4, n=10), tmp_path, {})
    q = query.Query(tmp_path)
    f = Filters(actors=("Jane Roe",), search="talks")
    before = q.count("sentences", f)
    tables = corpus(seed=5, n=14)
    store.write_tables(tables, tmp_path, {})
    loaded = store.load_tables(tmp_path)
    assert q.count("sentences", f) == len(apply_filters(loaded, f)["sentences"])
    assert q.keyed() and before >= 0
