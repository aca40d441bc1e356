"""The one filter function: table-driven checks on a tiny hand-made corpus."""

from __future__ import annotations

import pytest

from analysis import schema
from analysis.filters import Filters, apply_filters, describe, filters_from_query, filters_to_query


@pytest.fixture()
def tables():
    arts = [
        {
            "article_id": "a1",
            "source": "Wire",
            "published": "2025-08-18",
            "title": "Summit",
            "text": "Putin met Trump.",
        },
        {
            "article_id": "a2",
            "source": "Daily",
            "published": "2025-08-25",
            "title": "Guarantees",
            "text": "Zelenskyy wants guarantees.",
        },
        {"article_id": "a3", "source": "Daily", "published": "", "title": "Undated", "text": "Trump spoke."},
    ]
    sents = [
        {"article_id": "a1", "sentence_id": 0, "text": "Putin met Trump."},
        {"article_id": "a2", "sentence_id": 0, "text": "Zelenskyy wants guarantees."},
        {"article_id": "a3", "sentence_id": 0, "text": "Trump spoke."},
    ]
    ments = [
        {"article_id": "a1", "sentence_id": 0, "actor": "Vladimir Putin", "affiliation": "Russia"},
        {"article_id": "a1", "sentence_id": 0, "actor": "Donald Trump", "affiliation": "United States"},
        {"article_id": "a2", "sentence_id": 0, "actor": "Volodymyr Zelenskyy", "affiliation": "Ukraine"},
        {"article_id": "a3", "sentence_id": 0, "actor": "Donald Trump", "affiliation": "United States"},
    ]
    tops = [
        {"article_id": "a1", "sentence_id": 0, "topic": "negotiations_summits"},
        {"article_id": "a2", "sentence_id": 0, "topic": "security_guarantees"},
    ]
    stmts = [
        {
            "article_id": "a2",
            "sentence_id": 0,
            "actor": "Volodymyr Zelenskyy",
            "topic": "security_guarantees",
            "stance": "support",
        },
    ]
    events = [
        {
            "article_id": "a1",
            "sentence_id": 0,
            "date": "2025-08-15",
            "actors": "Vladimir Putin; Donald Trump",
            "topics": "negotiations_summits",
        }
    ]
    rows = {
        "articles": arts,
        "sentences": sents,
        "mentions": ments,
        "topics": tops,
        "statements": stmts,
        "events": events,
    }
    return {name: schema.conform(rows.get(name), name) for name in schema.TABLES}


@pytest.mark.parametrize(
    "filters, table, expected",
    [
        (Filters(), "articles", ["a1", "a2", "a3"]),
        (Filters(sources=("Daily",)), "articles", ["a2", "a3"]),
        (Filters(start="2025-08-20"), "articles", ["a2"]),
        (Filters(end="2025-08-20"), "mentions", ["a1", "a1"]),
        (Filters(actors=("Donald Trump",)), "mentions", ["a1", "a3"]),
        (Filters(actors=("Donald Trump",)), "articles", ["a1", "a3"]),
        (Filters(affiliations=("Russia",)), "mentions", ["a1"]),
        (Filters(actors=("Donald Trump",)), "events", ["a1"]),
        (Filters(actors=("Donald Trump",)), "sentences", ["a1", "a3"]),
        (Filters(topics=("security_guarantees",)), "mentions", ["a2"]),
        (Filters(topics=("security_guarantees",)), "statements", ["a2"]),
        (Filters(topics=("negotiations_summits",)), "events", ["a1"]),
        (Filters(topics=("negotiations_summits",)), "articles", ["a1"]),
        (Filters(search="GUARANTEES"), "sentences", ["a2"]),
        (Filters(search="spoke"), "articles", ["a3"]),
        (Filters(sources=("Wire",), topics=("security_guarantees",)), "statements", []),
    ],
)
def test_apply_filters(tables, filters, table, expected):
    assert list(apply_filters(tables, filters)[table]["article_id"]) == expected


def test_filters_do_not_mutate_and_keep_problems(tables):
    before = {k: v.copy() for k, v in tables.items()}
    out = apply_filters(tables, Filters(actors=("Donald Trump",)))
    for name, frame in before.items():
        assert frame.equals(tables[name])
    assert out["problems"] is tables["problems"]


def test_query_round_trip_and_description():
    f = Filters(
        actors=("Donald Trump", "Vladimir Putin"), topics=("ceasefire",), start="2025-08-01", search="deal"
    )
    query = filters_to_query(f)
    assert query["actors"] == "Donald Trump|Vladimir Putin"
    assert filters_from_query(query) == f
    assert filters_from_query({}) == Filters()
    assert describe(Filters()) == "All articles"
    assert "Topics: ceasefire" in describe(f) and "2025-08-01" in describe(f)
