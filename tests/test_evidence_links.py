"""Evidence one click away: tables as a person reads them (labels, dates as dates, ids last, whole
sentences), links to the reader at a sentence (the address round-trips with the filters), the reader's
focus mark (escaped), and the filters in words. The browser side is in tests/e2e/test_evidence_e2e.py."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import pytest

from analysis.query.filters import Filters, describe, filters_from_query, filters_to_query
from analysis.store import tables as store
from dashboard import display, reader, serve, synthetic

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


# --- dates as dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (pd.Timestamp("2025-08-21"), "2025-08-21"),
        (pd.Timestamp("2025-08-21 14:30"), "2025-08-21 14:30"),
        (dt.datetime(2024, 2, 29), "2024-02-29"),
        (dt.date(2024, 2, 29), "2024-02-29"),
        ("2025-08-21 00:00:00", "2025-08-21"),
        ("2025-08-21T00:00:00Z", "2025-08-21"),
        ("2025-08-21", "2025-08-21"),
        ("2025-11", "2025-11"),  # a month stays a month
        ("2025-08-21 09:15:00", "2025-08-21 09:15:00"),  # a real time of day is kept
        ("no date here", "no date here"),
    ],
)
def test_day_shows_a_date_without_a_midnight(value, shown):
    assert display.day(value) == shown


def test_dates_as_days_formats_datetime_columns_and_midnight_texts_only():
    frame = pd.DataFrame(
        {
            "first": pd.to_datetime(["2025-08-21", None]),
            "published": ["2025-07-01 00:00:00", "2025"],
            "n": [3, 4],
        }
    )
    out = display.dates_as_days(frame)
    assert out["first"].tolist()[0] == "2025-08-21" and pd.isna(out["first"].tolist()[1])
    assert out["published"].tolist() == ["2025-07-01", "2025"]
    assert out["n"].tolist() == [3, 4]
    assert "00:00:00" not in out.to_string()
    assert frame["published"].iloc[0] == "2025-07-01 00:00:00"  # the input (and the downloads) kept raw


# --- ids last, labels ----------------------------------------------------------------------------------


def test_for_screen_puts_ids_last_and_topics_as_labels():
    frame = pd.DataFrame(
        {
            "statement_id": ["9f3a"],
            "article_id": ["c0ffee"],
            "sentence_id": [2],
            "actor": ["Aldora"],
            "topic": ["weapons_aid"],
            "evidence": ["Aldora backed more arms."],
        }
    )
    out = display.for_screen(frame, {"weapons_aid": "Weapons and aid"})
    assert list(out.columns[:3]) == ["actor", "topic", "evidence"]
    assert set(out.columns[3:]) == {"statement_id", "article_id", "sentence_id"}
    assert out["topic"].iloc[0] == "Weapons and aid"
    assert frame["topic"].iloc[0] == "weapons_aid"


# --- links to the reader -------------------------------------------------------------------------------


def test_reader_link_carries_the_filters_and_round_trips():
    f = Filters(
        actors=("Dana Holt",), affiliations=("Aldora",), topics=("ceasefire",), search="truce & talks"
    )
    href = display.reader_href("ab12cd", 7, filters_to_query(f))
    parts = urlsplit(href)
    assert parts.path == display.READER_PAGE and not parts.scheme and not parts.netloc  # relative
    params = dict(parse_qsl(parts.query))
    assert params["article"] == "ab12cd" and params["sentence"] == "7"
    assert filters_from_query(params) == f
    assert display.parse_sentence(params["sentence"]) == 7


def test_reader_link_replaces_the_reader_parameters_it_is_given():
    params = display.reader_query("new", None, {"article": "old", "sentence": "3", "topics": "x"})
    assert params == {"topics": "x", "article": "new"}


@pytest.mark.parametrize(("raw", "number"), [("3", 3), (" 0 ", 0), ("-1", None), ("x", None), (None, None)])
def test_parse_sentence(raw, number):
    assert display.parse_sentence(raw) == number


def test_with_reader_links_links_each_row_to_its_own_sentence():
    rows = pd.DataFrame({"article_id": ["a1", "a2", None], "sentence_id": pd.array([4, None, 1], "Int64")})
    links = display.with_reader_links(rows, {"sources": "Metro Wire"})["read"].tolist()
    assert dict(parse_qsl(urlsplit(links[0]).query)) == {
        "sources": "Metro Wire",
        "article": "a1",
        "sentence": "4",
    }
    assert dict(parse_qsl(urlsplit(links[1]).query)) == {"sources": "Metro Wire", "article": "a2"}
    assert pd.isna(links[2])  # a row without an article has no link


# --- whole sentences -----------------------------------------------------------------------------------


def test_wrap_height_grows_with_the_longest_sentence():
    short = pd.Series(["A short line."])
    one_long = pd.Series(["word " * 60, "short"])
    longer = pd.Series(["word " * 120])
    assert display.wrap_height(short, 460) is None  # one line: the grid's own height
    h1, h2 = display.wrap_height(one_long, 460), display.wrap_height(longer, 460)
    assert h1 > 64  # Streamlit wraps only above 4rem
    assert h2 > h1
    lines = -(-len("word " * 60) // int((460 - 18) / display.CHAR_PX))
    assert h1 >= lines * display.LINE_PX  # room for every line of it
    assert display.wrap_height(pd.Series([], dtype="string"), 460) is None


# --- the reader's focused sentence ---------------------------------------------------------------------

TEXT = "Aldora met <b>Belmark</b>. They agreed a truce.\n\nLater, talks <script>x</script> stalled."


def test_article_html_marks_the_focused_sentence_once_and_escapes_everything():
    start = TEXT.index("They")
    end = TEXT.index("truce.") + len("truce.")
    marks = [{"start": 0, "end": 6, "kind": "actor", "label": "Aldora"}]
    out = reader.article_html(TEXT, marks, (start, end), label="sentence 1")
    assert out.count(f'id="{reader.FOCUS_ID}"') == 1
    assert focused(out) == "They agreed a truce."
    assert "<script>" not in out and "&lt;script&gt;" in out and "&lt;b&gt;Belmark&lt;/b&gt;" in out
    assert out.count("<p>") == 2
    assert '<mark class="actor" title="Aldora"' in out  # other marks stay


def test_article_html_focus_across_a_paragraph_break_is_one_id_and_valid_nesting():
    marks = [{"start": 30, "end": 52, "kind": "actor", "label": "X"}]  # crosses the focus start
    out = reader.article_html(TEXT, marks, (27, 60))
    assert out.count(f'id="{reader.FOCUS_ID}"') == 1
    assert out.count('class="parley-focus"') == 2  # one per paragraph it covers
    assert out.count("<mark") == out.count("</mark>")
    assert reader.article_html(TEXT, marks) == reader.article_html(TEXT, marks, None)
    assert reader.FOCUS_ID not in reader.article_html(TEXT, marks)


def test_sentence_span_finds_the_offsets_or_none():
    tables = {
        "sentences": pd.DataFrame(
            {
                "article_id": ["a", "a", "b"],
                "sentence_id": pd.array([0, 1, 0], "Int64"),
                "start_char": pd.array([0, 27, 0], "Int64"),
                "end_char": pd.array([26, 47, 9], "Int64"),
            }
        )
    }
    assert reader.sentence_span(tables, "a", 1) == (27, 47)
    assert reader.sentence_span(tables, "a", 5) is None
    assert reader.sentence_span(tables, "a", None) is None


def test_scroll_script_keeps_the_token_inside_its_comment():
    script = reader.scroll_script("x --><script>alert(1)</script>")
    assert "<script>alert" not in script and script.count("-->") == 1


# --- the filters in words ------------------------------------------------------------------------------


def test_describe_says_what_each_filter_keeps():
    assert describe(Filters(affiliations=("Russia",))) == "Acting for: Russia"
    assert describe(Filters(actors=("Vladimir Putin",))) == "Actors: Vladimir Putin"
    both = describe(Filters(actors=("Dana Holt",), affiliations=("Aldora",)))
    assert "Actors: Dana Holt" in both and "Acting for: Aldora" in both
    dated = describe(Filters(start="2025-08-01", end="2025-08-31"))
    assert "2025-08-01 to 2025-08-31" in dated and "undated" in dated
    assert "from 2025-08-01" in describe(Filters(start="2025-08-01"))
    assert "until 2025-08-31" in describe(Filters(end="2025-08-31"))
    assert '"truce"' in describe(Filters(search="truce"))
    assert describe(Filters()) == "All articles"


# --- the reader page opened from an address ------------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("evidence_data")
    tables = synthetic.make_tables(12)
    store.write_tables(tables, folder, {"counts": {k: len(v) for k, v in tables.items()}, "built_at": "test"})
    return folder


def _html(at) -> str:
    return "".join(el.proto.body for el in at.get("html"))


class _Focused(HTMLParser):
    """The text inside the element with the reader's focus id (nested marks included)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.text = 0, ""

    def handle_starttag(self, tag, attrs):
        if self.depth or dict(attrs).get("id") == reader.FOCUS_ID:
            self.depth += 1

    def handle_endtag(self, tag):
        self.depth = max(0, self.depth - 1) if self.depth else 0

    def handle_data(self, data):
        if self.depth:
            self.text += data


def focused(markup: str) -> str:
    parser = _Focused()
    parser.feed(markup)
    return parser.text


def test_reader_opens_an_address_at_its_sentence(synthetic_dir, monkeypatch):
    monkeypatch.setenv("PARLEY_DATA_DIR", str(synthetic_dir))
    sentences = pd.read_parquet(synthetic_dir / "sentences.parquet")
    row = sentences.iloc[len(sentences) // 2]
    at = serve.app_test(APP, "articles", {})
    at.query_params.update({"article": row["article_id"], "sentence": str(int(row["sentence_id"]))})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    body = _html(at)
    assert focused(body) == str(row["text"])
    assert at.query_params["article"] == row["article_id"]
    assert at.query_params["sentence"] == str(int(row["sentence_id"]))
    # the reader's own address is no new request: picking another article is kept
    other = next(a for a in sentences["article_id"] if a != row["article_id"])
    at.selectbox(key="article_pick").select(other).run()
    assert at.query_params["article"] == other and "sentence" not in at.query_params
    assert reader.FOCUS_ID not in _html(at)


def test_reader_warns_on_an_unknown_article(synthetic_dir, monkeypatch):
    monkeypatch.setenv("PARLEY_DATA_DIR", str(synthetic_dir))
    at = serve.app_test(APP, "articles", {})
    at.query_params.update({"article": "no-such-article", "sentence": "2"})
    at.run()
    assert not at.exception
    assert any("no-such-article" in w.value.replace("\\", "") for w in at.warning)  # md-escaped


def test_article_picker_labels_name_what_is_missing():
    """An empty date, source or title is said in words (not ' · · '), the file standing in for the title."""
    from analysis.query.views import label_articles

    arts = pd.DataFrame(
        {
            "article_id": ["a", "b"],
            "file": ["one.txt", "two.txt"],
            "title": ["", "Talks resume"],
            "source": [None, " "],
            "published": ["", "2025-03-04"],
        }
    )
    assert label_articles(arts)["label"].tolist() == [
        "undated · no source · one.txt",
        "2025-03-04 · no source · Talks resume",
    ]


def test_unresolved_time_expressions_link_to_their_sentence():
    """The timeline's table of time expressions without a date opens the reader at each one's sentence."""
    from analysis.query import rows
    from analysis.query.engine import Query

    tables = synthetic.make_tables(20)
    times = tables["time_expressions"]
    times.loc[times.index[:3], "date"] = ""
    found = rows.unresolved_times(Query(tables), Filters())
    assert len(found) >= 3 and {"article_id", "sentence_id"} <= set(found)
    linked = display.with_reader_links(found)
    first = found.iloc[0]
    query = dict(parse_qsl(urlsplit(linked["read"].iloc[0]).query))
    assert query == {"article": first["article_id"], "sentence": str(int(first["sentence_id"]))}
