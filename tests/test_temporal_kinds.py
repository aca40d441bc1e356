"""TIMEX3 values and types of every kind of time expression, on fixed anchors (no spaCy needed).

Sentences written for these tests. Anchors chosen for the edges: year ends, leap days, weekdays on the
anchor day itself, ISO weeks that belong to the next or the previous year.
"""

import pytest

from analysis.extract.time.expressions import Anchor, find_timexes, resolve


def values(text: str, published: str | None, tense: str | None = None) -> list[tuple]:
    """(expression, value, type, date) of every expression, chaining day dates like the timeline does."""
    anchor, paragraph, out = Anchor.parse(published), None, []
    for timex in find_timexes(text):
        res = resolve(timex, published=anchor, paragraph=paragraph, tense=tense)
        if res.precision == "day" and res.date:
            paragraph = Anchor.parse(res.date)
        out.append((timex.text, res.value, res.type, res.date))
    return out


def one(text: str, published: str | None = "2025-08-21", tense: str | None = None) -> tuple:
    (found,) = values(text, published, tense)
    return found


# 2025-08-21 is a Thursday.
@pytest.mark.parametrize(
    "text, expression, value",
    [
        ("The war has lasted two years.", "two years", "P2Y"),
        ("They have 90 days to respond.", "90 days", "P90D"),
        ("Prices doubled over the past decade.", "the past decade", "P10Y"),
        ("The ceasefire held for a month.", "a month", "P1M"),
        ("Shares hit a twelve-year low.", "twelve-year", "P12Y"),
        ("It is two and a half years behind schedule.", "two and a half years", "P2.5Y"),
        ("The index fell 900 points in thirty minutes.", "thirty minutes", "PT30M"),
        ("After a 12-hour flight they landed.", "12-hour", "PT12H"),
        ("Growth shrank for two consecutive quarters.", "two consecutive quarters", "P2Q"),
        ("The best gain in nearly five months.", "nearly five months", "P5M"),
        ("The plan was delayed several years.", "several years", "PXY"),
        ("A dispute decades in the making.", "decades", "PXDE"),
        ("Thanks for your work over the years.", "the years", "PXY"),
        ("It has been shipping for more than a week.", "more than a week", "P1W"),
    ],
)
def test_durations(text, expression, value):
    assert one(text) == (expression, value, "DURATION", None)


@pytest.mark.parametrize(
    "text, published, value, date",
    [
        ("Talks resumed this week.", "2025-08-21", "2025-W34", "2025-08"),
        # 2024-12-30 is the Monday of ISO week 1 of 2025: the week spans two years, no calendar date
        ("Talks resumed this week.", "2024-12-30", "2025-W01", None),
        # 2021-01-06 is in 2021-W01; the week before it is week 53 of 2020
        ("They met last week.", "2021-01-06", "2020-W53", None),
        ("They meet next week.", "2026-12-30", "2027-W01", "2027-01"),
        ("Drones struck over the weekend.", "2025-08-18", "2025-W33-WE", "2025-08"),
        ("Leaders meet this weekend.", "2025-08-21", "2025-W34-WE", "2025-08"),
    ],
)
def test_weeks_and_weekends(text, published, value, date):
    expression, got, kind, got_date = one(text, published, "past" if "last" in text else None)
    assert (got, kind, got_date) == (value, "DATE", date)


@pytest.mark.parametrize(
    "text, expression, value",
    [
        ("Talks are now under way.", "now", "PRESENT_REF"),
        ("He is currently in Kyiv.", "currently", "PRESENT_REF"),
        ("Nothing works like that in today's world.", "today", "PRESENT_REF"),
        ("She recently left office.", "recently", "PAST_REF"),
        ("That may change in the future.", "the future", "FUTURE_REF"),
        ("A deal could come very soon.", "very soon", "FUTURE_REF"),
    ],
)
def test_references_to_now_past_and_future(text, expression, value):
    assert one(text) == (expression, value, "DATE", None)


def test_today_that_dates_the_report_is_the_anchor_day():
    assert one("Ministers met today.") == ("today", "2025-08-21", "DATE", "2025-08-21")


def test_a_now_reference_is_not_a_hyphenated_word():
    assert values("the now-cancelled deal, the soon-to-open terminal", "2025-08-21") == []


@pytest.mark.parametrize(
    "text, published, tense, value, date",
    [
        ("It was hot last summer.", "2025-08-21", "past", "2024-SU", "2024"),
        ("They meet next spring.", "2025-08-21", "future", "2026-SP", "2026"),
        ("Elections are due in the autumn.", "2025-08-21", "future", "2025-FA", "2025"),
        # a winter is the year of its December; in January the winter under way began last year
        ("Fighting slowed this winter.", "2025-01-10", "past", "2024-WI", "2024"),
        ("Fighting slowed last winter.", "2025-08-21", "past", "2024-WI", "2024"),
        ("It began in the spring of 2023.", None, None, "2023-SP", "2023"),
        ("Profits rose in the fourth quarter of 2005.", None, None, "2005-Q4", "2005"),
        # the quarter before the anchor's, across a year end
        ("Profits rose in the last quarter.", "2007-01-18", "past", "2006-Q4", "2006"),
        ("Profits rose in the third quarter.", "2025-02-10", "past", "2024-Q3", "2024"),
        ("Its first-half profits rose.", "2025-08-21", None, "2025-H1", "2025"),
        ("Sales fell in Q3 2024.", None, None, "2024-Q3", "2024"),
        ("In the first quarter of last year, sales fell.", "2009-05-07", "past", "2008-Q1", "2008"),
        ("Sales rebounded in the last week of March.", "2009-04-01", "past", "2009-W13", "2009-03"),
        # leap year: the last week of February 2024 holds Thursday the 29th
        ("It fell in the last week of February 2024.", None, None, "2024-W09", "2024-02"),
    ],
)
def test_seasons_quarters_and_weeks_of_a_month(text, published, tense, value, date):
    (found,) = values(text, published, tense)
    assert found[1:] == (value, "DATE", date)


@pytest.mark.parametrize(
    "text, published, tense, expression, value, date",
    [
        (
            "Apple spoke on Friday afternoon.",
            "2025-08-21",
            "past",
            "Friday afternoon",
            "2025-08-15TAF",
            "2025-08-15",
        ),
        ("Voting ends tonight.", "2025-08-21", None, "tonight", "2025-08-21TNI", "2025-08-21"),
        (
            "They talked yesterday morning.",
            "2025-01-01",
            "past",
            "yesterday morning",
            "2024-12-31TMO",
            "2024-12-31",
        ),
        (
            "They meet at 15:00 GMT Saturday.",
            "2025-08-21",
            "future",
            "15:00 GMT Saturday",
            "2025-08-23T15:00Z",
            "2025-08-23",
        ),
        (
            "The session opens at 6 p.m. EST.",
            "2025-08-21",
            None,
            "6 p.m. EST",
            "2025-08-21T18:00-05:00",
            None,
        ),
        ("At 0800 UTC the banks acted.", "2025-08-21", "past", "0800 UTC", "2025-08-21T08:00Z", None),
    ],
)
def test_times_and_parts_of_days(text, published, tense, expression, value, date):
    assert one(text, published, tense) == (expression, value, "TIME", date)


def test_a_clock_time_takes_the_day_its_line_names():
    got = values("The jet made its first flight Tuesday at 18:00 UTC.", "2009-12-16", "past")
    assert got == [
        ("Tuesday", "2009-12-15", "DATE", "2009-12-15"),
        ("18:00 UTC", "2009-12-15T18:00Z", "TIME", "2009-12-15"),
    ]


@pytest.mark.parametrize(
    "text, expression, value",
    [
        ("Cars of the 1990s were heavier.", "the 1990s", "199"),
        ("Music of the '80s returned.", "the '80s", "198"),
        ("The Taurus was a hit in the 70s.", "the 70s", "197"),
        ("The 20th century ended badly.", "The 20th century", "19"),
        ("A twenty-first century war.", "twenty-first century", "20"),
    ],
)
def test_decades_and_centuries(text, expression, value):
    assert one(text) == (expression, value, "DATE", None)


def test_an_age_is_not_a_decade():
    assert values("The minister, in his early 70s, resigned.", "2025-08-21") == []


@pytest.mark.parametrize(
    "text, expression, value",
    [
        ("The summit is held every year.", "every year", "P1Y"),
        ("The report is published annually.", "annually", "P1Y"),
        ("Ministers meet twice a week.", "twice a week", "P1W"),
        ("It delivers 15 a year.", "a year", "P1Y"),
        ("Weekly jobless claims rose.", "Weekly", "P1W"),
    ],
)
def test_sets(text, expression, value):
    assert one(text) == (expression, value, "SET", None)


@pytest.mark.parametrize(
    "text, published, tense, expression, value",
    [
        ("Growth resumed in early 2011.", None, None, "early 2011", "2011"),
        ("It was signed late last July.", "2025-08-21", "past", "late last July", "2025-07"),
        ("Talks begin in mid-August.", "2025-08-21", "future", "mid-August", "2025-08"),
        ("Plants close by the end of this year.", "2025-08-21", "future", "the end of this year", "2025"),
        ("Markets fell earlier today.", "2025-08-21", "past", "earlier today", "2025-08-21"),
        (
            "Sales rose at the beginning of the year.",
            "2025-08-21",
            "past",
            "the beginning of the year",
            "2025",
        ),
    ],
)
def test_modifiers_stay_in_the_span(text, published, tense, expression, value):
    assert one(text, published, tense)[:2] == (expression, value)


@pytest.mark.parametrize(
    "text, published, tense, expected",
    [
        ("The 2009-2010 season was long.", None, None, [("2009", "2009"), ("2010", "2010")]),
        ("Jets arrive from 2009 to 2011.", None, None, [("2009", "2009"), ("2011", "2011")]),
        (
            "The fair runs August 15-17.",
            "2025-08-01",
            "future",
            [("August 15", "2025-08-15"), ("17", "2025-08-17")],
        ),
        (
            "The fair ran 15-17 August 2024.",
            None,
            None,
            [("15", "2024-08-15"), ("17 August 2024", "2024-08-17")],
        ),
        (
            "Sales fell between April and June.",
            "2025-08-21",
            "past",
            [("April", "2025-04"), ("June", "2025-06")],
        ),
        (
            "They met between Monday and Wednesday.",
            "2025-08-21",
            "past",
            [("Monday", "2025-08-18"), ("Wednesday", "2025-08-20")],
        ),
    ],
)
def test_ranges_give_both_ends(text, published, tense, expected):
    assert [(e, v) for e, v, _, _ in values(text, published, tense)] == expected


@pytest.mark.parametrize(
    "text, expression",
    [
        ("They met on Friday.", "Friday"),
        ("Friday's talks failed.", "Friday"),
        ("Prices rose since February.", "February"),
        ("Nothing changed in 2024.", "2024"),
        ("Strikes hit Kyiv over the weekend.", "the weekend"),
        ("The deal holds until Sept. 30.", "Sept. 30"),
    ],
)
def test_spans_leave_out_prepositions_and_possessives(text, expression):
    assert [t.text for t in find_timexes(text)] == [expression]


@pytest.mark.parametrize(
    "text, tense, value",
    [
        # "since" looks back whatever the clause's tense: never next year's February
        ("Prices are rising since February.", "future", "2025-02"),
        ("Sanctions stay until June.", "past", "2026-06"),
        ("The offer stands through June.", None, "2026-06"),
        ("Kyiv must reply by Friday.", "past", "2025-08-22"),
        ("They will meet next Monday.", "future", "2025-08-25"),
        # a past-tense bare weekday: the latest one on or before the anchor, the anchor day included
        ("They met on Thursday.", "past", "2025-08-21"),
        ("They met on Friday.", "past", "2025-08-15"),
        ("They will meet on Thursday.", "future", "2025-08-21"),
    ],
)
def test_direction_comes_from_the_sentence(text, tense, value):
    assert one(text, "2025-08-21", tense)[1] == value


def test_a_day_earlier_counts_back_from_the_paragraph():
    got = values("On Monday, A spoke. A day earlier, B had left.", "2025-08-21", "past")
    assert [(e, v) for e, v, _, _ in got] == [("Monday", "2025-08-18"), ("A day earlier", "2025-08-17")]


@pytest.mark.parametrize(
    "text, published, tense, value",
    [
        ("It happened on December 30.", "2025-01-03", "past", "2024-12-30"),
        ("They meet again next month.", "2025-12-15", "future", "2026-01"),
        ("Talks resume in January.", "2025-12-10", "future", "2026-01"),
        ("The deal was signed on February 29.", "2025-03-01", "past", "2024-02-29"),
        ("The deal was signed on February 29.", "2024-03-10", "past", "2024-02-29"),
        ("He left three days ago.", "2024-03-02", "past", "2024-02-28"),
        ("He left a week ago.", "2025-01-03", "past", "2024-12-27"),
        ("Shares fell yesterday.", "2025-01-01", "past", "2024-12-31"),
    ],
)
def test_year_ends_and_leap_days(text, published, tense, value):
    assert one(text, published, tense)[1] == value


@pytest.mark.parametrize(
    "text, value",
    [
        ("The talks ended on August 15.", "XXXX-08-15"),
        ("They met on Friday.", "XXXX-WXX-5"),
        ("Shipping resumes in October.", "XXXX-10"),
    ],
)
def test_without_a_year_to_be_had_the_value_is_underspecified(text, value):
    assert one(text, None, "past") == (find_timexes(text)[0].text, value, "DATE", None)


@pytest.mark.parametrize(
    "text, value",
    [("The jet was unveiled on 7/8/07.", "2007-07-08"), ("It was the crash of '82.", "1982")],
)
def test_numeric_and_short_dates(text, value):
    assert one(text)[1] == value


@pytest.mark.parametrize(
    "text",
    ["the iLife '11 software suite", "The Russell 2000 Index fell", "about a quarter of its 3,200 dealers"],
)
def test_numbers_inside_names_and_fractions_are_not_dates(text):
    assert find_timexes(text) == []
