"""Count tables on a tiny hand-made corpus: whole-frame assertions, with and without filters."""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from analysis.query import counts
from analysis.store.schema import TABLES, conform


def _mention(aid, sid, actor, kind="state", affiliation=None, linked=True):
    return {
        "article_id": aid,
        "sentence_id": sid,
        "actor": actor,
        "actor_type": kind,
        "affiliation": actor if affiliation is None else affiliation,
        "surface": actor,
        "start_char": 0,
        "end_char": 1,
        "linked": linked,
    }


@pytest.fixture()
def tables():
    articles = [
        {"article_id": "a1", "source": "Outlet A", "published": "2025-08-18", "title": "One", "text": "x"},
        {"article_id": "a2", "source": "Outlet B", "published": "2025-08-19", "title": "Two", "text": "y"},
        {"article_id": "a3", "source": "", "published": "", "title": "Three", "text": "z"},
    ]
    mentions = [
        _mention("a1", 0, "Donald Trump", "person", "United States"),
        _mention("a1", 0, "Russia"),
        _mention("a1", 1, "Donald Trump", "person", "United States"),
        _mention("a2", 0, "Donald Trump", "person", "United States"),
        _mention("a2", 0, "Ukraine"),
        _mention("a2", 2, "Peter Doran", "person", "", linked=False),
        _mention("a3", 0, "Russia"),
    ]
    topics = [
        {"article_id": "a1", "sentence_id": 0, "topic": "ceasefire", "terms": "truce"},
        {"article_id": "a1", "sentence_id": 1, "topic": "sanctions", "terms": "sanctions"},
        {"article_id": "a2", "sentence_id": 0, "topic": "ceasefire", "terms": "ceasefire"},
    ]
    sentences = [
        {"article_id": a, "sentence_id": s, "text": f"{a} {s}"}
        for a, s in [("a1", 0), ("a1", 1), ("a2", 0), ("a2", 2)]
    ]
    out = {name: conform(None, name) for name in TABLES}
    out.update(
        articles=conform(articles, "articles"),
        mentions=conform(mentions, "mentions"),
        topics=conform(topics, "topics"),
        sentences=conform(sentences, "sentences"),
    )
    return out


def frame(rows, columns):
    return pd.DataFrame(rows, columns=columns)


def loose(df):
    """Compare values, not the nullable dtypes pandas carries through groupby."""
    return df.astype(object).reset_index(drop=True)


def test_by_actor(tables):
    got = counts.mentions_by_actor(tables)
    assert got[["actor", "n", "articles"]].values.tolist() == [
        ["Donald Trump", 3, 2],
        ["Russia", 2, 2],
        ["Peter Doran", 1, 1],
        ["Ukraine", 1, 1],
    ]
    assert got.set_index("actor").loc["Peter Doran", "linked"] == False  # noqa: E712


def test_by_actor_with_source_filter(tables):
    got = counts.mentions_by_actor(tables, sources=("Outlet A",))
    assert got[["actor", "n"]].values.tolist() == [["Donald Trump", 2], ["Russia", 1]]


def test_by_actor_source(tables):
    got = counts.mentions_by_actor_source(tables, actors=("Russia", "Donald Trump"))
    want = frame(
        [
            ["Donald Trump", "Outlet A", 2],
            ["Donald Trump", "Outlet B", 1],
            ["Russia", "(unknown)", 1],
            ["Russia", "Outlet A", 1],
        ],
        ["actor", "source", "n"],
    )
    assert_frame_equal(loose(got), loose(want))


def test_by_actor_article(tables):
    got = counts.mentions_by_actor_article(tables, actors=("Donald Trump",))
    assert got[["actor", "article_id", "title", "n"]].values.tolist() == [
        ["Donald Trump", "a1", "One", 2],
        ["Donald Trump", "a2", "Two", 1],
    ]


def test_by_actor_day_skips_undated_and_respects_dates(tables):
    got = counts.mentions_by_actor_day(tables)
    assert "" not in set(got["date"])
    assert got[["actor", "date", "n"]].values.tolist() == [
        ["Donald Trump", "2025-08-18", 2],
        ["Russia", "2025-08-18", 1],
        ["Donald Trump", "2025-08-19", 1],
        ["Peter Doran", "2025-08-19", 1],
        ["Ukraine", "2025-08-19", 1],
    ]
    later = counts.mentions_by_actor_day(tables, start="2025-08-19")
    assert set(later["date"]) == {"2025-08-19"}


def test_by_affiliation(tables):
    got = counts.mentions_by_affiliation(tables)
    assert got.values.tolist() == [
        ["United States", 3, 1],
        ["Russia", 2, 1],
        ["(unknown)", 1, 1],
        ["Ukraine", 1, 1],
    ]


def test_cooccurrence_sentence_and_article(tables):
    sent = counts.cooccurrence(tables, level="sentence")
    assert sent.values.tolist() == [["Donald Trump", "Russia", 1], ["Donald Trump", "Ukraine", 1]]
    art = counts.cooccurrence(tables, level="article")
    assert art.values.tolist() == [
        ["Donald Trump", "Peter Doran", 1],
        ["Donald Trump", "Russia", 1],
        ["Donald Trump", "Ukraine", 1],
        ["Peter Doran", "Ukraine", 1],
    ]


def test_cooccurrence_actor_filter_keeps_partners(tables):
    got = counts.cooccurrence(tables, level="article", actors=("Peter Doran",))
    assert got.values.tolist() == [["Donald Trump", "Peter Doran", 1], ["Peter Doran", "Ukraine", 1]]


def test_cooccurrence_bad_level(tables):
    with pytest.raises(ValueError, match="sentence, article"):
        counts.cooccurrence(tables, level="paragraph")


def test_topic_share_by_source(tables):
    got = counts.topic_share_by_source(tables)
    assert got.values.tolist() == [
        ["Outlet A", "ceasefire", 1, 0.5],
        ["Outlet A", "sanctions", 1, 0.5],
        ["Outlet B", "ceasefire", 1, 1.0],
    ]
    only = counts.topic_share_by_source(tables, topics=("sanctions",))
    assert only.values.tolist() == [["Outlet A", "sanctions", 1, 1.0]]


def test_topic_filter_restricts_mentions_to_tagged_sentences(tables):
    got = counts.mentions_by_actor(tables, topics=("sanctions",))
    assert got[["actor", "n"]].values.tolist() == [["Donald Trump", 1]]


def test_unknown_filter_is_a_clear_error(tables):
    with pytest.raises(TypeError, match="valid filters are"):
        counts.mentions_by_actor(tables, actor=("Russia",))


def test_empty_mentions_give_empty_frames(tables):
    empty = {**tables, "mentions": conform(None, "mentions")}
    assert counts.mentions_by_actor(empty).empty
    assert list(counts.cooccurrence(empty).columns) == ["actor_a", "actor_b", "n"]
    assert counts.mentions_by_actor_source(empty).empty
