"""Time expressions on plain strings, resolved against fixed anchor dates (no spaCy needed)."""

from datetime import date

import pytest

from analysis.extract.time.expressions import Anchor, choose_year, find_timexes, resolve


def resolved(
    text: str, published: str | None, tense: str | None = None
) -> list[tuple[str, str | None, str | None]]:
    """(expression, date, precision) of every expression, chaining paragraph dates like the timeline does."""
    anchor, paragraph, out = Anchor.parse(published), None, []
    for timex in find_timexes(text):
        res = resolve(timex, published=anchor, paragraph=paragraph, tense=tense)
        if res.precision == "day":
            paragraph = Anchor.parse(res.date)
        out.append((timex.text, res.date, res.precision))
    return out


# 2025-08-21 is a Thursday.
@pytest.mark.parametrize(
    "text, published, tense, expected",
    [
        # absolute dates, with and without year and weekday
        ("It happened on 15 August 2025.", None, None, [("15 August 2025", "2025-08-15", "day")]),
        ("Talks resumed Sept. 3, 2024, in Geneva.", None, None, [("Sept. 3, 2024", "2024-09-03", "day")]),
        (
            "By the 3rd of March 2023 it was over.",
            None,
            None,
            [("the 3rd of March 2023", "2023-03-03", "day")],
        ),
        ("Signed 2024-11-05 in Rome.", None, None, [("2024-11-05", "2024-11-05", "day")]),
        (
            "On Thursday, August 21, he posted.",
            "2025-08-22",
            "past",
            [("Thursday, August 21", "2025-08-21", "day")],
        ),
        ("They met on August 14.", "2025-08-22", "past", [("August 14", "2025-08-14", "day")]),
        ("They met on 29 September.", "2025", "past", [("29 September", "2025-09-29", "day")]),
        # year boundaries: the year comes from the publication date, moved by tense
        ("They met on December 30.", "2025-01-03", "past", [("December 30", "2024-12-30", "day")]),
        ("They will meet on January 5.", "2025-12-28", "future", [("January 5", "2026-01-05", "day")]),
        # the weekday must agree with the year: August 21, 2026 is a Friday, 2025 a Thursday
        (
            "On Thursday, August 21, he posted.",
            "2026-01-15",
            "past",
            [("Thursday, August 21", "2025-08-21", "day")],
        ),
        # years
        ("Crimea, which Russia seized in 2014, is disputed.", None, None, [("2014", "2014", "year")]),
        ("a repeat of the 2022 invasion", None, None, [("2022", "2022", "year")]),
        ("growth since mid-2024", None, None, [("mid-2024", "2024", "year")]),
        # months
        ("In October, Russia attacked.", "2025-08-22", "past", [("October", "2024-10", "month")]),
        ("The summit is in October.", "2025-08-22", "future", [("October", "2025-10", "month")]),
        ("The summit is in October.", "2025-08-22", None, [("October", "2025-10", "month")]),
        ("They spoke in March 2025.", None, None, [("March 2025", "2025-03", "month")]),
        ("He called last month.", "2025-01-10", "past", [("last month", "2024-12", "month")]),
        ("He visited earlier this year.", "2025-08-22", "past", [("earlier this year", "2025", "year")]),
        ("He visited last year.", "2025-08", "past", [("last year", "2024", "year")]),
        # weekdays: past narration looks back (same day included), future looks forward
        ("They met on Monday.", "2025-08-21", "past", [("Monday", "2025-08-18", "day")]),
        ("They will meet on Monday.", "2025-08-21", "future", [("Monday", "2025-08-25", "day")]),
        ("They met on Friday.", "2025-08-21", "past", [("Friday", "2025-08-15", "day")]),
        ("They will meet on Friday.", "2025-08-21", "future", [("Friday", "2025-08-22", "day")]),
        ("He spoke on Thursday.", "2025-08-21", "past", [("Thursday", "2025-08-21", "day")]),
        ("He spoke last Thursday.", "2025-08-21", "past", [("last Thursday", "2025-08-14", "day")]),
        ("He speaks next Thursday.", "2025-08-21", None, [("next Thursday", "2025-08-28", "day")]),
        ("The vote on Sunday", "2025-01-02", "past", [("Sunday", "2024-12-29", "day")]),
        # relative days and weeks
        ("He said yesterday.", "2025-03-01", "past", [("yesterday", "2025-02-28", "day")]),
        ("He said this morning.", "2025-03-01", "past", [("this morning", "2025-03-01", "day")]),
        ("They met this past weekend.", "2025-09-01", "past", [("this past weekend", "2025-08", "month")]),
        ("An envoy goes to Moscow next week.", "2025-08-21", "future", [("next week", "2025-08", "month")]),
        ("They met last week.", "2025-08-06", "past", [("last week", "2025", "year")]),  # Jul 28 - Aug 3
        (
            "Three days ago the talks broke down.",
            "2025-08-21",
            "past",
            [("Three days ago", "2025-08-18", "day")],
        ),
        # weekends (2025-08-18 is a Monday, 2025-08-23 a Saturday) and seasons
        ("Drones struck over the weekend.", "2025-08-18", "past", [("the weekend", "2025-08", "month")]),
        ("They met last weekend.", "2025-08-23", "past", [("last weekend", "2025-08", "month")]),
        ("They met last weekend.", "2025-09-01", "past", [("last weekend", "2025-08", "month")]),
        ("They meet this weekend.", "2025-08-29", "future", [("this weekend", "2025-08", "month")]),
        (
            "They meet this weekend.",
            "2025-05-29",
            "future",
            [("this weekend", "2025", "year")],
        ),  # May 31-Jun 1
        ("The offensive began last summer.", "2025-08-22", "past", [("last summer", "2024", "year")]),
        ("The offensive began last summer.", "2025-10-02", "past", [("last summer", "2025", "year")]),
        ("It began in the spring of 2023.", None, None, [("the spring of 2023", "2023", "year")]),
        # deadlines look forward even in past narration
        ("Trump gave Putin until Friday.", "2025-08-19", "past", [("Friday", "2025-08-22", "day")]),
        ("Later that night, sirens sounded.", None, None, [("Later that night", None, None)]),
        # overnight: the night that ends on the publication day (2025-12-01 straddles a month end)
        (
            "Drones hit Kyiv overnight, killing two.",
            "2025-11-25",
            "past",
            [("overnight", "2025-11", "month")],
        ),
        ("Overnight strikes killed six.", "2025-12-01", "past", [("Overnight", "2025", "year")]),
        # a weekday that names a deadline looks forward even in past narration (2025-11-26 is a Wednesday)
        ("Trump has set Thursday as a deadline.", "2025-11-26", "past", [("Thursday", "2025-11-27", "day")]),
        (
            "He said his Thursday deadline was flexible.",
            "2025-11-26",
            "past",
            [("Thursday", "2025-11-27", "day")],
        ),
        ("They gave a deadline of Friday.", "2025-11-26", "past", [("Friday", "2025-11-28", "day")]),
        ("The deadline passed on Monday.", "2025-11-26", "past", [("Monday", "2025-11-24", "day")]),
        # "the same evening" is the day the paragraph established, not the day before
        (
            "He spoke on Friday. Putin replied the same evening.",
            "2025-11-23",
            "past",
            [("Friday", "2025-11-21", "day"), ("the same evening", "2025-11-21", "day")],
        ),
        # chains: "the next day" counts from the date the paragraph established
        (
            "On Monday, A spoke. The next day, B replied. Two days later, C left.",
            "2025-08-21",
            "past",
            [
                ("Monday", "2025-08-18", "day"),
                ("The next day", "2025-08-19", "day"),
                ("Two days later", "2025-08-21", "day"),
            ],
        ),
        (
            "On March 3, 2024, A spoke. The day before, B had left.",
            None,
            "past",
            [("March 3, 2024", "2024-03-03", "day"), ("The day before", "2024-03-02", "day")],
        ),
    ],
)
def test_resolution(text, published, tense, expected):
    assert resolved(text, published, tense) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("They met on Monday.", [("Monday", None, None)]),  # no publication date: no invented date
        ("The next day, B replied.", [("The next day", None, None)]),  # no date established before it
        ("He called last month.", [("last month", None, None)]),
        ("They met on August 14.", [("August 14", None, None)]),
    ],
)
def test_without_anchor_stays_unresolved(text, expected):
    assert resolved(text, None, "past") == expected


def test_weekday_needs_a_day_precise_anchor():
    assert resolved("They met on Monday.", "2025-08", "past") == [("Monday", None, None)]


@pytest.mark.parametrize(
    "text",
    [
        "nearly 2000 drones and missiles",
        "They may agree, and march on.",
        "Black Friday sales",
        "the day after the summit",
        "he told the Sunday Times",
        "the Good Friday Agreement",
        "UN Resolution 2231",
        "a spring offensive",
        "after the fall of Bakhmut",
        "the central bank's overnight rate",
        "the Russell 2000 Index fell",
        "Windows 2000 Server",
        "a quarter of its dealers",
        "This is a difficult day for us",
    ],
)
def test_lookalikes_are_not_time_expressions(text):
    assert find_timexes(text) == []


@pytest.mark.parametrize(
    "text, value",
    [
        ("ending a three-and-a-half-year war", "P3.5Y"),
        ("a deal within 24 hours", "PT24H"),
        ("a hotbed of conflict for over a decade", "P10Y"),
        ("prices rose over the last year", "P1Y"),
        ("a hundred in the 2020s", "202"),
        ("for two weeks", "P2W"),
        ("the strike at 1900 GMT", "2025-08-21T19:00Z"),
    ],
)
def test_durations_and_clock_times_are_not_calendar_dates(text, value):
    (timex,) = find_timexes(text)
    res = resolve(timex, published=Anchor.parse("2025-08-21"), tense="past")
    assert (res.date, res.value) == (None, value)


def test_offsets_point_at_the_expression():
    text = "Lavrov spoke on Thursday, and in 2022 talks failed."
    for timex in find_timexes(text):
        assert text[timex.start : timex.end] == timex.text
    assert [t.kind for t in find_timexes(text)] == ["weekday", "year"]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2025-08-21", Anchor(date(2025, 8, 21), "day")),
        ("2025-08-21T10:00:00Z", Anchor(date(2025, 8, 21), "day")),
        ("2025-08", Anchor(date(2025, 8, 1), "month")),
        ("2025", Anchor(date(2025, 1, 1), "year")),
        ("", None),
        (None, None),
        ("soon", None),
        ("2025-02-30", None),
    ],
)
def test_anchor_parse(value, expected):
    assert Anchor.parse(value) == expected


def test_choose_year_keeps_weekday_consistent():
    # June 12 is a Thursday in 2025 (and 2014), a Wednesday in 2024, a Friday in 2026.
    assert choose_year(6, 12, date(2026, 1, 1), weekday=3) == date(2025, 6, 12)
    assert choose_year(6, 12, date(2025, 12, 1), weekday=3) == date(2025, 6, 12)
    assert choose_year(6, 12, date(2025, 12, 1), weekday=4) == date(2026, 6, 12)


def test_choose_year_ignores_a_weekday_no_nearby_year_has():
    # No year from 2018 to 2020 has June 12 on a Thursday: keep the publication year.
    assert choose_year(6, 12, date(2019, 8, 1), weekday=3, tense="past") == date(2019, 6, 12)


def test_choose_year_handles_february_29():
    assert choose_year(2, 29, date(2025, 3, 1), tense="past") == date(2024, 2, 29)
