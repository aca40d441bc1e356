"""TIMEX3 (TimeML) values, and the resolvers of the expressions that are not plain calendar dates.

A `Resolution` has two readings of one expression: `date` / `precision`, the calendar period the timeline
plots (a week or a season as the month or year that holds it, nothing for a duration or "now"), and
`value` / `type`, its TIMEX3 normalisation: `2025-08-15`, `2025-W34`, `2025-W34-WE`, `2025-SU`, `2025-Q3`,
`2025-08-15TAF`, `2025-08-15T15:00Z`, `P3D`, `PT12H`, `PXY`, `PRESENT_REF`, `201` (the 2010s), `19` (the
20th century); type DATE, TIME, DURATION or SET.

Resolvers take (parts, published, paragraph, tense) like those of
`analysis.extract.time.expressions`; `published` and
`paragraph` are `analysis.extract.time.expressions.Anchor`s (a `day` date and a `precision`), or None.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from analysis.extract.time.lexicon import PARTS_OF_DAY, PREPOSITIONS, SEASON_CODES, UNITS


@dataclass(frozen=True)
class Resolution:
    """The calendar date of an expression (for the timeline) and its TIMEX3 value and type."""

    date: str | None
    precision: str | None
    anchor: str  # published | paragraph | none
    value: str | None = None
    type: str = "DATE"  # DATE | TIME | DURATION | SET


UNRESOLVED = Resolution(None, None, "none")


def direction(parts: dict, tense: str | None) -> str | None:
    """'past', 'future' or None: what the words around the expression say, else the clause's tense.

    "since February", "last June" look back; "until / through / by June", "next June" look forward, whatever
    the tense of the verb.

    >>> direction({"prep": "since"}, "future"), direction({"prep": "by"}, "past"), direction({}, "past")
    ('past', 'future', 'past')
    """
    modifier = parts.get("modifier")
    if (
        modifier in ("last", "past", "since", "previous")
        or PREPOSITIONS.get(parts.get("prep") or "") == "past"
    ):
        return "past"
    if modifier in ("next", "coming", "by", "until") or PREPOSITIONS.get(parts.get("prep") or "") == "future":
        return "future"
    return tense


def iso_week(day: date) -> str:
    """TIMEX3 week of a day: its ISO year and week ('2025-W01' for 2024-12-30).

    >>> iso_week(date(2024, 12, 30)), iso_week(date(2021, 1, 3))
    ('2025-W01', '2020-W53')
    """
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def with_part_of_day(resolution: Resolution, part: str | None) -> Resolution:
    """'Friday afternoon': the day's value with its part (2025-08-15TAF), type TIME."""
    code = PARTS_OF_DAY.get(part or "")
    if not code or resolution.precision != "day":
        return resolution
    return Resolution(resolution.date, "day", resolution.anchor, f"{resolution.date}T{code}", "TIME")


def duration_value(count: float | None, unit: str) -> str:
    """TIMEX3 duration: P3D, P2W, P6M, P4Y, P2Q, P2.5Y, PT12H, PT30M, P10Y for a decade, PXY unknown.

    >>> duration_value(2.5, "year"), duration_value(12, "hour"), duration_value(None, "decade")
    ('P2.5Y', 'PT12H', 'PXDE')
    """
    info = UNITS.get(unit, {"code": "D"})
    prefix = "PT" if info.get("time") else "P"
    if count is None:
        return f"{prefix}X{info.get('vague') or info['code']}"
    total = count * info.get("times", 1)
    return f"{prefix}{int(total) if float(total).is_integer() else round(total, 2)}{info['code']}"


def month_year(month: int, anchor: date, way: str | None) -> int:
    """The year of a year-less month seen from `anchor`: the latest one on or before it looking back, the
    next one on or after it looking forward, else the anchor's year."""
    if way == "past":
        return anchor.year - (month > anchor.month)
    if way == "future":
        return anchor.year + (month < anchor.month)
    return anchor.year


def _duration(parts: dict, published, paragraph, tense) -> Resolution:
    return Resolution(None, None, "none", duration_value(parts.get("count"), parts["unit"]), "DURATION")


def _set(parts: dict, published, paragraph, tense) -> Resolution:
    return Resolution(None, None, "none", parts["value"], "SET")


def _ref(parts: dict, published, paragraph, tense) -> Resolution:
    return Resolution(None, None, "none", parts["value"], "DATE")


def _decade(parts: dict, published, paragraph, tense) -> Resolution:
    return Resolution(None, None, "none", parts["value"], "DATE")


def _clock(parts: dict, published, paragraph, tense, day: Resolution | None = None) -> Resolution:
    """'15:00 GMT Saturday', 'at 08:30 UTC': the day the sentence names (else the publication day) at
    that time, 2025-08-16T15:00Z."""
    clock = f"T{parts['hour']:02d}:{parts['minute']:02d}{parts.get('zone') or ''}"
    if day is None or day.precision != "day":
        return Resolution(None, None, "none", f"XXXX-XX-XX{clock}", "TIME")
    if day.date is None:  # the publication day, implied only: a value, no date for the timeline
        return Resolution(None, None, day.anchor, f"{day.value}{clock}", "TIME")
    return Resolution(day.date, "day", day.anchor, f"{day.date}{clock}", "TIME")


def _quarter(parts: dict, published, paragraph, tense) -> Resolution:
    """'the fourth quarter of 2005' 2005-Q4, 'the last quarter' (the one before the anchor's), 'the first
    half' 2025-H1; the calendar date is the year."""
    per_year, letter = (4, "Q") if parts["size"] == "quarter" else (2, "H")
    ordinal, number = parts.get("ordinal") or "", parts.get("number")
    year, shift = parts.get("year"), parts.get("year_shift")
    base = published if published is not None and published.at_least("month") else None
    if ordinal == "final" or (ordinal == "last" and (year is not None or shift is not None)):
        number = per_year
    if number is None or number == -1:  # last / previous / this / current / next quarter
        if base is None:
            return UNRESOLVED
        step = {"last": -1, "previous": -1, "past": -1, "next": 1, "coming": 1}.get(ordinal, 0)
        index = base.day.year * per_year + _part_of_year(base.day, per_year) - 1 + step
        return Resolution(f"{index // per_year:04d}", "year", "published",
                          f"{index // per_year:04d}-{letter}{index % per_year + 1}")  # fmt: skip
    if number > per_year:
        return UNRESOLVED
    label = "none"
    if year is None:
        if published is None:
            return UNRESOLVED
        year, label = published.day.year + (shift or 0), "published"
        if shift is None and base is not None:
            # A present tense says little about a quarter ("our third-quarter results show"): only past
            # narration or a preposition moves it out of the anchor's year.
            way, current = (
                direction(parts, tense if tense == "past" else None),
                _part_of_year(base.day, per_year),
            )
            year += (way == "future" and number < current) - (way == "past" and number > current)
    return Resolution(f"{year:04d}", "year", label, f"{year:04d}-{letter}{number}")


def _part_of_year(day: date, per_year: int) -> int:
    return (day.month - 1) * per_year // 12 + 1


def _week_of_month(parts: dict, published, paragraph, tense) -> Resolution:
    """'the last week of March': the ISO week whose Thursday is in that month (first, ..., last)."""
    month, year = parts["month"], parts.get("year")
    if year is None:
        if published is None or not published.at_least("month"):
            return UNRESOLVED
        year = month_year(month, published.day, direction(parts, tense))
    last_day = calendar.monthrange(year, month)[1]
    if parts["ordinal"] == -1:
        thursday = _thursday_of(date(year, month, last_day) - timedelta(days=3))
    else:
        thursday = _thursday_of(date(year, month, 1) + timedelta(days=3)) + timedelta(
            weeks=parts["ordinal"] - 1
        )
    label = "none" if parts.get("year") else "published"
    return Resolution(f"{year:04d}-{month:02d}", "month", label, iso_week(thursday))


def _thursday_of(day: date) -> date:
    return day - timedelta(days=day.weekday()) + timedelta(days=3)


def season_value(season: str, year: int) -> str:
    return f"{year:04d}-{SEASON_CODES[season]['code']}"


def season_year(season: str, published: date, parts: dict, tense: str | None) -> int:
    """The year a year-less season begins in: 'last summer' the latest one that has ended, 'next spring'
    the next one to begin, 'this autumn' and the plain season by the sentence's direction (the one under way
    or the latest begun looking back, the one under way or the next looking forward, else the one under way
    or the one of the anchor's year). A winter is the year of its December."""
    first, last = SEASON_CODES[season]["months"]
    wraps = first > last
    now = published.year * 12 + published.month - 1
    years = range(published.year - 2, published.year + 3)
    begins = {y: y * 12 + first - 1 for y in years}
    ends = {y: (y + wraps) * 12 + last - 1 for y in years}
    modifier, way = parts.get("modifier"), direction(parts, tense)
    if modifier in ("last", "the past"):
        return max(y for y in years if ends[y] < now)
    if modifier in ("next", "the coming"):
        return min(y for y in years if begins[y] > now)
    current = [y for y in years if begins[y] <= now <= ends[y]]
    if current:
        return current[0]
    if way == "past":
        return max(y for y in years if begins[y] <= now)
    if way == "future":
        return min(y for y in years if begins[y] > now)
    return published.year


HANDLERS = {
    "duration": _duration,
    "set": _set,
    "ref": _ref,
    "decade": _decade,
    "century": _decade,
    "quarter": _quarter,
    "week_of_month": _week_of_month,
}
