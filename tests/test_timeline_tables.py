"""Timeline tables on a tiny hand-made set of tables."""

import pandas as pd
import pytest

from analysis.query.timeline import actor_first_last, coverage_over_time, events_in_order, events_per_actor
from analysis.store.schema import conform


def _event(eid, aid, sid, date, precision, actors, topics="", background=False):
    return {"event_id": eid, "article_id": aid, "sentence_id": sid, "date": date, "date_precision": precision,
            "time_expression": "x", "actors": actors, "topics": topics, "evidence": f"evidence {eid}",
            "background": background}  # fmt: skip


@pytest.fixture
def tables():
    articles = [
        {"article_id": "a1", "source": "Wire", "published": "2025-08-18", "title": "One", "text": "t"},
        {"article_id": "a2", "source": "Wire", "published": "2025-08-21", "title": "Two", "text": "t"},
        {"article_id": "a3", "source": "Daily", "published": "2025-08-21", "title": "Three", "text": "t"},
        {"article_id": "a4", "source": "Daily", "published": "2025-08", "title": "Four", "text": "t"},
    ]
    mentions = [
        {"article_id": "a1", "sentence_id": 0, "actor": "Russia"},
        {"article_id": "a1", "sentence_id": 1, "actor": "Russia"},
        {"article_id": "a2", "sentence_id": 0, "actor": "Ukraine"},
        {"article_id": "a3", "sentence_id": 0, "actor": "Russia"},
        {"article_id": "a4", "sentence_id": 0, "actor": "NATO"},
    ]
    topics = [
        {"article_id": "a1", "sentence_id": 0, "topic": "ceasefire"},
        {"article_id": "a3", "sentence_id": 0, "topic": "ceasefire"},
        {"article_id": "a3", "sentence_id": 1, "topic": "sanctions"},
    ]
    events = [
        _event("e1", "a2", 0, "2025-08-21", "day", "Ukraine; Russia", "ceasefire"),
        _event("e2", "a1", 0, "2014", "year", "Russia", background=True),
        _event("e3", "a3", 0, "2025-08", "month", "Russia"),
        _event("e4", "a1", 1, "2025-08-15", "day", ""),
    ]
    sentences = [
        {"article_id": m["article_id"], "sentence_id": m["sentence_id"], "text": "s"} for m in mentions
    ]
    return {
        "articles": conform(articles, "articles"),
        "mentions": conform(mentions, "mentions"),
        "topics": conform(topics, "topics"),
        "events": conform(events, "events"),
        "sentences": conform(sentences, "sentences"),
    }


def test_events_in_date_order(tables):
    out = events_in_order(tables)
    assert list(out["event_id"]) == ["e2", "e3", "e4", "e1"]  # a month sorts at its first day
    assert list(out["source"]) == ["Wire", "Daily", "Wire", "Wire"]
    assert out.loc[0, "period_start"] == pd.Timestamp("2014-01-01")


def test_events_without_background(tables):
    assert list(events_in_order(tables, include_background=False)["event_id"]) == ["e3", "e4", "e1"]


def test_events_filtered_by_actor_and_source(tables):
    assert list(events_in_order(tables, actors=("Ukraine",))["event_id"]) == ["e1"]
    assert list(events_in_order(tables, sources=("Daily",))["event_id"]) == ["e3"]


def test_tables_are_not_modified(tables):
    before = {name: frame.copy() for name, frame in tables.items()}
    events_in_order(tables, include_background=False)
    coverage_over_time(tables, by="actor", freq="W")
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, before[name])


def test_coverage_by_source_per_day(tables):
    out = coverage_over_time(tables, by="source", freq="D")
    expected = pd.DataFrame(
        {
            "period": pd.to_datetime(["2025-08-18", "2025-08-21", "2025-08-21"]),
            "source": ["Wire", "Daily", "Wire"],
            "articles": [1, 1, 1],
            "mentions": [2, 1, 1],
        }
    )
    pd.testing.assert_frame_equal(out, expected, check_dtype=False)


def test_coverage_by_actor_per_week(tables):
    # 2025-08-18 is a Monday: both articles fall in the same week; a4 has only a month and is left out.
    out = coverage_over_time(tables, by="actor", freq="W")
    assert out.to_dict("records") == [
        {"period": pd.Timestamp("2025-08-18"), "actor": "Russia", "articles": 2, "mentions": 3},
        {"period": pd.Timestamp("2025-08-18"), "actor": "Ukraine", "articles": 1, "mentions": 1},
    ]


def test_coverage_by_topic(tables):
    out = coverage_over_time(tables, by="topic")
    assert [(str(r.period.date()), r.topic, r.articles, r.mentions) for r in out.itertuples()] == [
        ("2025-08-18", "ceasefire", 1, 1),
        ("2025-08-21", "ceasefire", 1, 1),
        ("2025-08-21", "sanctions", 1, 1),
    ]


@pytest.mark.parametrize("kw, word", [({"by": "outlet"}, "source"), ({"freq": "M"}, "'D'")])
def test_coverage_rejects_bad_options(tables, kw, word):
    with pytest.raises(ValueError, match=word):
        coverage_over_time(tables, **kw)


def test_actor_first_and_last_mention(tables):
    out = actor_first_last(tables)
    assert list(out["actor"]) == ["Russia", "Ukraine", "NATO"]
    russia = out.iloc[0]
    assert (russia["first"], russia["last"]) == (pd.Timestamp("2025-08-18"), pd.Timestamp("2025-08-21"))
    assert (russia["articles"], russia["mentions"]) == (2, 3)
    assert pd.isna(out.iloc[2]["first"])  # NATO's only article has no day-precise date


def test_events_per_actor(tables):
    out = events_per_actor(tables)
    assert out.to_dict("records") == [
        {"actor": "Russia", "events": 3, "first_event": "2014", "last_event": "2025-08-21"},
        {"actor": "Ukraine", "events": 1, "first_event": "2025-08-21", "last_event": "2025-08-21"},
    ]
    assert list(events_per_actor(tables, include_background=False)["events"]) == [2, 1]


def test_events_per_actor_empty(tables):
    assert events_per_actor(tables, actors=("Nobody",)).empty
