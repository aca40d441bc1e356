"""The honest time views: the partial-date rule, the axis window, the undated counts, and the charts that
use them (on small hand-made tables and frames; the dates and names are made up)."""

from __future__ import annotations

from types import SimpleNamespace

import duckdb
import pandas as pd
import pytest

from analysis.query import periods, timeline
from analysis.store.schema import TABLES, conform
from dashboard import charts, figures, style, time_axis

DAY = pd.Timedelta(days=1)


# --- the partial-date rule --------------------------------------------------------------------------------

VALUES = {
    "2025-08-21": "day",
    "2025-08-21T10:30:00Z": "day",
    " 2025-08-21 ": "day",
    "2024-02-29": "day",
    "2025-02-29": None,  # no such day
    "2025-08": "month",
    "2025-13": None,
    "2025": "year",
    "": None,
    "sometime": None,
    "2025-W34": None,
    "20250821": None,
}


@pytest.mark.parametrize(("value", "expected"), VALUES.items())
def test_precision_of_stored_dates(value, expected):
    assert periods.precision(value) == expected


def test_precision_of_missing_values():
    assert periods.precision(None) is None and periods.precision(float("nan")) is None


def test_the_sql_rule_is_the_python_rule():
    """The query engine classifies dates in SQL (`timeline.precision_sql`); it must agree with the rule."""
    con = duckdb.connect()
    sql = f"SELECT v, {timeline.precision_sql('v')} AS p FROM (SELECT unnest($values) AS v)"
    got = dict(con.execute(sql, {"values": list(VALUES)}).fetchall())
    assert got == VALUES


def test_a_partial_date_is_its_period():
    assert periods.span("2025-08") == (pd.Timestamp("2025-08-01"), pd.Timestamp("2025-08-31"))
    assert periods.span("2024-02") == (pd.Timestamp("2024-02-01"), pd.Timestamp("2024-02-29"))
    assert periods.span("2014") == (pd.Timestamp("2014-01-01"), pd.Timestamp("2014-12-31"))
    assert periods.span("2025-08-21") == (pd.Timestamp("2025-08-21"),) * 2
    assert periods.span("") is None and periods.midpoint("junk") is None
    assert periods.midpoint("2025-08") == pd.Timestamp("2025-08-16")


def test_labels_say_how_precise_a_date_is():
    assert [periods.label(v) for v in ("2025-03-03", "2025-03", "2025", "")] == [
        "3 Mar 2025",
        "Mar 2025",
        "2025",
        "undated",
    ]


# --- the axis window -------------------------------------------------------------------------------------


def _days(*values):
    return [pd.Timestamp(v) for v in values]


def test_one_early_article_does_not_stretch_the_window():
    dense = list(pd.date_range("2025-03-03", periods=20, freq="D"))
    w = periods.dense_window([pd.Timestamp("2021-05-01"), *dense])
    assert (w.start, w.end) == (dense[0], dense[-1]) and w.trimmed
    assert (w.first, w.last) == (pd.Timestamp("2021-05-01"), dense[-1])
    assert periods.outside([pd.Timestamp("2021-05-01"), *dense], [1] * 21, w) == (1, 0)


def test_an_even_spread_is_shown_whole():
    days = list(pd.date_range("2024-01-01", periods=24, freq="MS"))  # one a month for two years
    w = periods.dense_window(days)
    assert not w.trimmed and (w.start, w.end) == (days[0], days[-1])


def test_a_short_spread_is_never_trimmed():
    days = _days("2025-03-01", "2025-03-02", "2025-03-03", "2025-03-15")  # within three weeks
    assert not periods.dense_window(days).trimmed


def test_weights_decide_where_most_of_the_corpus_is():
    days = _days("2020-01-10", "2025-06-01", "2025-06-03")
    heavy_early = periods.dense_window(days, [100, 1, 1])
    assert heavy_early.start == pd.Timestamp("2020-01-10") and heavy_early.end == pd.Timestamp("2020-01-10")
    assert periods.dense_window(days, [1, 50, 50]).start == pd.Timestamp("2025-06-01")


def test_a_near_neighbour_is_no_outlier():
    dense = list(pd.date_range("2025-03-01", periods=30, freq="D"))
    late = pd.Timestamp("2025-04-05")  # five days after the dense month, beyond its 90%
    w = periods.dense_window([pd.Timestamp("2019-01-01"), *dense, late, late + DAY])
    assert w.end == late + DAY and w.start == dense[0]


def test_no_days_no_window():
    assert periods.dense_window([]) is None
    assert periods.dense_window(_days("2025-01-01"), [0]) is None


def test_outside_note_wording():
    w = periods.Window(*_days("2025-03-03", "2025-04-20", "2021-01-01", "2025-05-01"))
    assert periods.outside_note(2, 0, w, "article") == "2 articles before 3 Mar 2025 not shown"
    assert (
        periods.outside_note(2, 1, w, "article")
        == "2 articles before 3 Mar 2025 and 1 after 20 Apr 2025 not shown"
    )
    assert periods.outside_note(0, 1, w, "mention") == "1 mention after 20 Apr 2025 not shown"
    assert periods.outside_note(0, 0, w, "article") == ""
    assert periods.count_words(3, "entry") == "3 entries" and periods.count_words(2, "day") == "2 days"


# --- what the engine counts ---------------------------------------------------------------------------------


@pytest.fixture()
def tables():
    articles = [
        {"article_id": "d1", "title": "Day one", "source": "Wire", "published": "2025-08-18", "text": "a"},
        {"article_id": "d2", "title": "Day two", "source": "Wire", "published": "2025-08-19", "text": "b"},
        {"article_id": "m1", "title": "Month", "source": "Post", "published": "2025-08", "text": "c"},
        {"article_id": "y1", "title": "Year", "source": "Post", "published": "2024", "text": "d"},
        {"article_id": "u1", "title": "", "source": "Post", "published": "", "text": "e",
         "published_reason": "no date in metadata or text"},
        {"article_id": "u2", "title": "Lost", "source": "Wire", "published": None, "text": "f"},
    ]  # fmt: skip
    mentions = [
        {"article_id": a, "sentence_id": 0, "actor": actor, "start_char": 0, "end_char": 1}
        for a, actor in [("d1", "Aldora"), ("d1", "Belmark"), ("m1", "Aldora"), ("y1", "Aldora"),
                         ("u1", "Aldora"), ("u1", "Belmark"), ("u2", "Corvia")]
    ]  # fmt: skip
    statements = [
        {"article_id": "u1", "sentence_id": 0, "actor": "Aldora", "topic": "ceasefire", "stance": "support"},
        {"article_id": "d2", "sentence_id": 0, "actor": "Aldora", "topic": "ceasefire", "stance": "oppose"},
    ]
    events = [
        {"event_id": e, "article_id": a, "sentence_id": i, "date": d, "date_precision": p, "background": b}
        for e, a, i, d, p, b in [
            ("e1", "d1", 0, "2025-08-17", "day", False),
            ("e2", "d1", 1, "2014", "year", True),
            ("e3", "u1", 0, "2025-09", "month", False),
        ]
    ]
    out = {name: conform(None, name) for name in TABLES}
    out.update(
        articles=conform(articles, "articles"),
        mentions=conform(mentions, "mentions"),
        statements=conform(statements, "statements"),
        events=conform(events, "events"),
    )
    return out


def _counts(df, unit):
    rows = df[df["unit"] == unit]
    triples = zip(rows["precision"], rows["date"], rows["n"], strict=True)
    return {(p, d if isinstance(d, str) else ""): int(n) for p, d, n in triples}


def test_dating_counts_every_unit_by_precision(tables):
    df = timeline.dating(tables)
    assert _counts(df, "articles") == {
        ("day", ""): 2,
        ("month", "2025-08"): 1,
        ("year", "2024"): 1,
        ("none", ""): 2,
    }
    assert _counts(df, "mentions") == {
        ("day", ""): 2,
        ("month", "2025-08"): 1,
        ("year", "2024"): 1,
        ("none", ""): 3,
    }
    assert _counts(df, "statements") == {("day", ""): 1, ("none", ""): 1}
    assert _counts(df, "events") == {("day", ""): 1, ("month", "2025-09"): 1, ("year", "2014"): 1}
    assert not df["excluded"].any()
    assert df.loc[(df["unit"] == "events") & (df["date"] == "2014"), "background"].tolist() == [True]


def test_dating_follows_the_filters(tables):
    df = timeline.dating(tables, sources=("Wire",))
    assert _counts(df, "articles") == {("day", ""): 2, ("none", ""): 1}
    assert _counts(df, "mentions") == {("day", ""): 2, ("none", ""): 1}


def test_a_date_filter_is_said_to_leave_out_the_undated(tables):
    df = timeline.dating(tables, start="2025-08-19")
    assert _counts(df, "articles") == {("day", ""): 1, ("none", ""): 2}
    undated = df[(df["unit"] == "articles") & (df["precision"] == "none")]
    assert undated["excluded"].all()
    assert periods.dating_summary(df) == {"undated": 2, "partial": 0, "excluded": True}


def test_undated_articles_list_the_undated_first_with_the_reason(tables):
    got = timeline.undated_articles(tables)
    assert got["article_id"].tolist()[:2] == ["u1", "u2"] and set(got["article_id"]) == {
        "u1",
        "u2",
        "y1",
        "m1",
    }
    assert got["precision"].tolist() == ["none", "none", "year", "month"]
    shown = periods.undated_table(got)
    assert shown["Title"].iloc[0] == "(no title)" and shown["Why"].iloc[0] == "no date in metadata or text"
    assert shown["Date known"].tolist()[2:] == ["2024", "Aug 2025"]
    assert got.attrs["total"] == 4
    assert len(timeline.undated_articles(tables, limit=1)) == 1
    # the date bounds are ignored (an undated article has no date to be in or out of them)
    assert set(timeline.undated_articles(tables, start="2025-08-19")["article_id"]) == set(got["article_id"])
    assert set(timeline.undated_articles(tables, sources=("Post",))["article_id"]) == {"u1", "y1", "m1"}


def test_mentions_over_time_count_day_dated_articles_only(tables):
    from analysis.query import counts

    got = counts.mentions_by_actor_day(tables)
    assert got[["actor", "date", "n"]].values.tolist() == [
        ["Aldora", "2025-08-18", 1],
        ["Belmark", "2025-08-18", 1],
    ]


# --- the charts ---------------------------------------------------------------------------------------------


def _texts(fig) -> str:
    return (
        " | ".join(a.text for a in fig.layout.annotations or ()).replace("\u00a0", " ").replace("<br>", " ")
    )


def _range(fig):
    return [pd.Timestamp(x) for x in fig.layout.xaxis.range]


COVERAGE = pd.DataFrame(
    {
        "period": pd.to_datetime(["2021-06-10", *pd.date_range("2025-08-04", periods=14, freq="2D")]),
        "source": ["Wire"] * 15,
        "articles": [1] * 15,
    }
)


def test_coverage_opens_on_the_dense_period_and_says_what_is_outside():
    fig = figures.coverage_chart(COVERAGE, date="period", value="articles", stack="source")
    lo, hi = _range(fig)
    assert pd.Timestamp("2025-08-04") > lo > pd.Timestamp("2025-07-01")
    assert hi >= pd.Timestamp("2025-08-30")
    assert "1 article before 4 Aug 2025 not shown" in _texts(fig)
    whole = figures.coverage_chart(COVERAGE, date="period", value="articles", stack="source", whole=True)
    assert _range(whole)[0] < pd.Timestamp("2021-06-10") and "not shown" not in _texts(whole)


def test_coverage_shades_partial_dates_and_counts_the_undated():
    partial = pd.DataFrame({"date": ["2025-08", "2025"], "n": [3, 1]})
    undated = ("2 undated articles not shown",)
    fig = figures.coverage_chart(
        COVERAGE.iloc[1:], date="period", value="articles", partial=partial, notes=undated
    )
    bands = {(pd.Timestamp(s.x0), pd.Timestamp(s.x1)) for s in fig.layout.shapes}
    assert bands == {(pd.Timestamp("2025-08-01"), pd.Timestamp("2025-09-01")),
                     (pd.Timestamp("2025-01-01"), pd.Timestamp("2026-01-01"))}  # fmt: skip
    text = _texts(fig)
    assert "3 articles in Aug 2025" in text and "1 article in 2025" in text and "2 undated articles" in text
    only = figures.coverage_chart(None, date="period", value="articles", partial=partial)
    assert len(only.layout.shapes) == 2  # only partial dates: still drawn, not "no dated articles"


def test_coverage_with_nothing_dated_says_what_is_undated():
    fig = figures.coverage_chart(None, notes=("4 undated articles not shown",))
    assert "No dated articles" in _texts(fig) and "4 undated articles not shown" in _texts(fig)


@pytest.mark.parametrize("seed", range(6))
def test_the_axis_holds_every_point_it_opens_on(seed):
    """The clipped 'Mentions over time': whatever the dates, every drawn point of the opening window (and
    of the whole period when widened) is inside the axis, with room for its marker."""
    rng = pd.Series(range(40)).sample(frac=1, random_state=seed)
    days = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.head(8 + seed) * (seed + 1), unit="D")
    actors = (["A", "B"] * 10)[: len(days)]
    df = pd.DataFrame({"date": days.dt.strftime("%Y-%m-%d"), "actor": actors, "n": 1})
    for whole in (False, True):
        fig = figures.lines_over_time(df, whole=whole)
        lo, hi = _range(fig)
        drawn = [pd.Timestamp(x) for t in fig.data for x in t.x]
        window = periods.dense_window(list(pd.to_datetime(df["date"])))
        inside = drawn if whole else [d for d in drawn if window.start <= d <= window.end]
        assert inside and all(lo < d < hi for d in inside)
        assert lo <= min(inside) - pd.Timedelta(hours=12) and hi >= max(inside) + pd.Timedelta(hours=12)


def test_timeline_has_no_none_row_and_counts_the_nameless():
    events = pd.DataFrame(
        {
            "event_id": ["e1", "e2", "e3"],
            "date": ["2025-03-02", "2025-03-04", "2025-03"],
            "actors": ["Aldora", "", None],
            "evidence": ["talks", "a meeting", "a month"],
            "background": [False, False, False],
        }
    )
    fig = figures.event_timeline(events)
    rows = {y for t in fig.data for y in t.y if y is not None}
    assert rows == {"Aldora"} and "(none)" not in rows
    assert "2 events naming no actor not drawn" in _texts(fig)


def test_timeline_draws_a_month_as_a_bar_over_the_month():
    events = pd.DataFrame(
        {"event_id": ["e1", "e2"], "date": ["2025-03-02", "2025-03"], "actors": ["Aldora", "Belmark"],
         "evidence": ["talks", "in March"], "background": [False, False]}
    )  # fmt: skip
    fig = figures.event_timeline(events)
    bar = next(t for t in fig.data if t.mode == "lines+markers")
    assert list(bar.x) == ["2025-03-01", "2025-03-31", None] and bar.y[0] == "Belmark"
    assert "Mar 2025" in bar.text[0] and list(fig.data[0].x) == ["2025-03-02"]


def _ctx(dating):
    return SimpleNamespace(agg=lambda func, **options: dating)


def test_charts_read_partial_and_undated_counts_per_unit(tables):
    df = timeline.dating(tables)
    partial, note = charts.dating(_ctx(df), "mentions")
    assert dict(zip(partial["date"], partial["n"], strict=True)) == {"2024": 1, "2025-08": 1}
    assert note == "3 undated mentions not shown"
    events, note = charts.dating(_ctx(df), "events", background=False)
    assert events["date"].tolist() == ["2025-09"] and note == ""
    _, note = charts.dating(_ctx(timeline.dating(tables, start="2025-08-19")), "articles")
    assert note == "2 undated articles left out by the date filter"


def test_notes_keep_the_title_on_top_and_grow_the_figure():
    layout, height = time_axis.with_notes({}, ["one", "", "<b>two</b>"], height=300, title="T")
    assert height > 300 and layout["margin"]["t"] > 50 and layout["title"]["yref"] == "container"
    assert layout["annotations"][0]["text"] == "one<br>&lt;b&gt;two&lt;/b&gt;"
    assert time_axis.with_notes({}, ["", ""], height=300) == ({}, 300)


def test_the_source_note_counts_the_undated():
    assert style.source_note(39, 3, "2025-08-01", "2025-09-10", 18).startswith("39 articles (18 undated)")
    assert style.source_note(2, 1, None, None, 2) == "2 articles (all undated) from 1 source · Parley"
    assert "undated" not in style.source_note(5, 1, "2025-01-01", "2025-01-02")


def test_dating_of_one_topics_statements(tables):
    assert _counts(timeline.dating(tables, topic="ceasefire"), "statements") == {
        ("day", ""): 1,
        ("none", ""): 1,
    }
    assert _counts(timeline.dating(tables, topic="sanctions"), "statements") == {}
    assert _counts(timeline.dating(tables, topic="sanctions"), "articles") == _counts(
        timeline.dating(tables), "articles"
    )


def test_lines_with_only_partial_dates_draw_their_periods():
    partial = pd.DataFrame({"date": ["2025-08"], "n": [5]})
    fig = figures.lines_over_time(None, partial=partial, notes=("3 undated mentions not shown",))
    assert len(fig.layout.shapes) == 1 and "5 mentions in Aug 2025" in _texts(fig)
    lo, hi = _range(fig)
    assert lo <= pd.Timestamp("2025-08-01") and hi >= pd.Timestamp("2025-09-01")
    assert "No dated" in _texts(figures.lines_over_time(None, empty="No dated mentions."))


def test_dating_of_one_unit_is_that_units_rows(tables):
    whole = timeline.dating(tables)
    for unit in timeline.DATING_UNITS:
        one = timeline.dating(tables, unit=unit)
        expected = whole[whole["unit"] == unit].reset_index(drop=True)
        pd.testing.assert_frame_equal(one, expected)
    with pytest.raises(ValueError, match="unit must be one of"):
        timeline.dating(tables, unit="sentences")
