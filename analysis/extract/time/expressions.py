"""Finding time expressions in English news text and normalising them (TimeML / TIMEX3).

Pure functions on strings: `find_timexes(text)` finds the expressions (with offsets and their parts),
`resolve(timex, published=..., paragraph=..., tense=...)` turns one into a `Resolution`: the calendar date
the timeline plots (date and precision) and the TIMEX3 value and type (see `analysis.extract.time.values`).

What is ours and what is dateparser's: dateparser reads *stated* dates (metadata fields, datelines,
"Published: ..." lines; see `analysis.ingest.dates.parse_date`). Inside running text
everything here is ours:
detection needs exact character offsets and must tell durations ("a three-and-a-half-year war",
"within 24 hours") from dates, which `dateparser.search.search_dates` does not; and resolution must be
against the article's publication date or a date the paragraph just established, follow the sentence's
direction ("since February" looks back, "will meet on Thursday" forward) and keep a named weekday
consistent with the year, none of which dateparser does (it resolves relative forms against the
machine's clock and has no "the next day"). The calendar patterns live in `temporal_rules.py`, the other
kinds in `temporal_kinds.py`, their vocabulary in `data/timex.yaml`.

Example:
    >>> [t.text for t in find_timexes("On Thursday, August 21, Trump posted twice. The next day he left.")]
    ['Thursday, August 21', 'The next day']
    >>> resolve(find_timexes("for two years")[0]).value
    'P2Y'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from analysis.extract.time import kinds as temporal_kinds
from analysis.extract.time import rules as temporal_rules
from analysis.extract.time.gates import closed
from analysis.extract.time.spans import days_for_clocks, trimmed, with_modifiers
from analysis.extract.time.values import (
    HANDLERS,
    UNRESOLVED,
    Resolution,
    direction,
    iso_week,
    month_year,
    season_value,
    season_year,
    with_part_of_day,
)
from analysis.extract.time.values import _clock as _clock_value

# Expressions that contain calendar dates come first, durations and references after the dates.
PATTERNS = temporal_kinds.BEFORE + temporal_rules.PATTERNS + temporal_kinds.AFTER
__all__ = ["Anchor", "Resolution", "Timex", "UNRESOLVED", "choose_year", "find_timexes", "resolve"]

PRECISIONS = ("year", "month", "day")


@dataclass(frozen=True)
class Anchor:
    """A date something can be resolved against, with how precise it is."""

    day: date
    precision: str  # year | month | day

    @classmethod
    def parse(cls, value: str | None) -> Anchor | None:
        """Anchor of an ISO string (YYYY, YYYY-MM, YYYY-MM-DD, optionally with a time); None if not a date.

        >>> Anchor.parse("2025-08"), Anchor.parse("")
        (Anchor(day=datetime.date(2025, 8, 1), precision='month'), None)
        """
        match = re.match(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", str(value or ""))
        if not match:
            return None
        year, month, day = match.groups()
        try:
            return cls(date(int(year), int(month or 1), int(day or 1)), PRECISIONS[bool(month) + bool(day)])
        except ValueError:
            return None

    def at_least(self, precision: str) -> bool:
        return PRECISIONS.index(self.precision) >= PRECISIONS.index(precision)


@dataclass(frozen=True)
class Timex:
    """One time expression found in a text; `parts` holds what the pattern read (year, month, unit...)."""

    start: int
    end: int
    text: str
    kind: str  # absolute | year | month | weekday | relative | time | period | duration | set | reference
    parts: dict = field(default_factory=dict, hash=False, compare=False)


def find_timexes(text: str) -> list[Timex]:
    """Every time expression in `text`, in order, without overlaps (earlier patterns win).

    Spans are drawn as TimeML draws them: without a leading preposition ("on Friday" is "Friday") or a
    possessive ("Friday's"), with a modifier ("early 2011", "the end of this year", "earlier today").
    Both ends of a range are returned ("2009-2010", "August 15-17"). A clock time without a day of its own
    ("at 18:00 UTC") takes the nearest day the same text names.
    """
    taken: list[tuple[int, int]] = []
    found: list[Timex] = []
    shut = closed(text.lower())
    for kind, pattern, reader in PATTERNS:
        if reader in shut:
            continue
        for match in pattern.finditer(text):
            span = match.span()
            if any(span[0] < e and s < span[1] for s, e in taken):
                continue
            parts = reader(match, text)
            if not parts:
                continue
            taken.append(span)
            for one in parts if isinstance(parts, list) else [parts]:
                start, end = one.pop("_span", None) or trimmed(match, text)
                found.append(Timex(start, end, text[start:end], kind, one))
    found = with_modifiers(sorted(found, key=lambda t: t.start), text)
    return days_for_clocks(found, text)


def resolve(
    timex: Timex,
    *,
    published: Anchor | None = None,
    paragraph: Anchor | None = None,
    tense: str | None = None,
) -> Resolution:
    """Date and precision of `timex`, against the publication date or a date the paragraph established.

    Args:
        timex: from `find_timexes`.
        published: the article's publication date (any precision), or None when unknown.
        paragraph: the latest, most precise date established earlier in the same paragraph, if any.
        tense: "past", "future" or None (unknown) for the clause the expression is in.
    """
    kind = timex.parts.get("rel") or timex.kind
    if kind == "clock":
        return _clock_value(
            timex.parts, published, paragraph, tense, _clock_day(timex, published, paragraph, tense)
        )
    handler = _HANDLERS.get(kind)
    res = handler(timex.parts, published, paragraph, tense) if handler else UNRESOLVED
    if res.value is None:
        value = res.date or _underspecified(timex.parts)
        res = Resolution(res.date, res.precision, res.anchor, value, res.type)
    return with_part_of_day(res, timex.parts.get("part_of_day"))


def _underspecified(parts: dict) -> str | None:
    """TIMEX3 value of a date with no year to be had: 'August 15' XXXX-08-15, 'Friday' XXXX-WXX-5."""
    if parts.get("rel"):
        return None
    if parts.get("month"):
        return f"XXXX-{parts['month']:02d}" + (f"-{parts['day']:02d}" if parts.get("day") else "")
    if parts.get("weekday") is not None:
        return f"XXXX-WXX-{parts['weekday'] + 1}"
    return None


def _clock_day(timex: Timex, published, paragraph, tense) -> Resolution | None:
    parts = timex.parts
    if "weekday" in parts:
        return _weekday({"weekday": parts["weekday"]}, published, paragraph, tense)
    if "day_shift" in parts:
        return _shift({"unit": "day", "count": parts["day_shift"]}, published, paragraph, tense)
    if parts.get("day_of") is not None:
        return resolve(parts["day_of"], published=published, paragraph=paragraph, tense=tense)
    if published is not None and published.at_least("day"):
        # The value counts from the publication day, but a clock time that names no day ("08:55 GMT", a
        # live page's entry) gives the timeline no date of its own.
        return Resolution(None, "day", "published", published.day.isoformat())
    return None


def _absolute(
    parts: dict, published: Anchor | None, paragraph: Anchor | None, tense: str | None
) -> Resolution:
    month, day, year = parts["month"], parts.get("day"), parts.get("year")
    if day is None:
        return Resolution(f"{year:04d}-{month:02d}", "month", "none") if year else UNRESOLVED
    if year:
        return Resolution(_safe_date(year, month, day), "day", "none")
    # A year-less date takes its year from the publication date, else from a date the paragraph gave.
    base, label = (published, "published") if published else (paragraph, "paragraph")
    if base is None:
        return UNRESOLVED
    if base.precision == "year":  # published some time in that year: its own year is the best reading
        day_iso = _safe_date(base.day.year, month, day)
        return Resolution(day_iso, "day", label) if day_iso else UNRESOLVED
    chosen = choose_year(month, day, base.day, weekday=parts.get("weekday"), tense=direction(parts, tense))
    return Resolution(chosen.isoformat(), "day", label) if chosen else UNRESOLVED


def _safe_date(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def choose_year(
    month: int, day: int, near: date, *, weekday: int | None = None, tense: str | None = None
) -> date | None:
    """The date (month, day) closest to `near` (in its year or the next to it), consistent with `weekday`.

    Past narration prefers dates on or before `near`, future tense dates after it. When the named weekday
    fits none of the three years it is taken for a slip and ignored: the day and month are more reliable
    than a weekday that would move the date years away from the publication date.

    >>> choose_year(12, 30, date(2025, 1, 3), tense="past")
    datetime.date(2024, 12, 30)
    """
    candidates = [d for y in (near.year - 1, near.year, near.year + 1) if (d := _make_date(y, month, day))]
    consistent = [d for d in candidates if weekday is None or d.weekday() == weekday]
    return min(consistent or candidates, key=lambda d: _distance(d, near, tense), default=None)


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _distance(candidate: date, near: date, tense: str | None) -> int:
    days = (candidate - near).days
    # Half a year's penalty for being on the wrong side of the anchor for the tense.
    wrong_side = (tense == "past" and days > 0) or (tense == "future" and days < 0)
    return abs(days) + (183 if wrong_side else 0)


def _year(parts: dict, published: Anchor | None, paragraph: Anchor | None, tense: str | None) -> Resolution:
    return Resolution(f"{parts['year']:04d}", "year", "none")


def _month(parts: dict, published: Anchor | None, paragraph: Anchor | None, tense: str | None) -> Resolution:
    if parts.get("year"):
        return Resolution(f"{parts['year']:04d}-{parts['month']:02d}", "month", "none")
    if published is None:
        return UNRESOLVED
    if parts.get("year_shift") is not None:
        return Resolution(
            f"{published.day.year + parts['year_shift']:04d}-{parts['month']:02d}", "month", "published"
        )
    month, modifier, way = parts["month"], parts.get("modifier"), direction(parts, tense)
    if not published.at_least("month") and modifier not in ("last", "next"):
        way = None  # published some time in that year: its own year is the best reading
    year = month_year(month, published.day, way)
    if modifier in ("last", "next") and month == published.day.month:
        year += 1 if modifier == "next" else -1  # "last August" in August is a year ago
    return Resolution(f"{year:04d}-{month:02d}", "month", "published")


def _weekday(
    parts: dict, published: Anchor | None, paragraph: Anchor | None, tense: str | None
) -> Resolution:
    if published is None or not published.at_least("day"):
        return UNRESOLVED
    modifier = parts.get("modifier")
    # "by Friday", "until Friday" are deadlines: they look forward whatever the tense.
    future = direction(parts, tense) == "future" and modifier not in ("last", "since")
    base = published.day
    if future:
        offset = (parts["weekday"] - base.weekday()) % 7 or (7 if modifier == "next" else 0)
        return Resolution((base + timedelta(days=offset)).isoformat(), "day", "published")
    offset = (base.weekday() - parts["weekday"]) % 7 or (7 if modifier == "last" else 0)
    return Resolution((base - timedelta(days=offset)).isoformat(), "day", "published")


def _shift(parts: dict, published: Anchor | None, paragraph: Anchor | None, tense: str | None) -> Resolution:
    """Offsets in days, weeks, months or years from the publication date or the paragraph's date."""
    source = parts.get("from")
    anchor, label = (paragraph, "paragraph") if source and paragraph else (published, "published")
    if source == "paragraph" and paragraph is None:
        return UNRESOLVED
    unit, count = parts["unit"], parts["count"]
    if anchor is None or not anchor.at_least("day" if unit in ("day", "week", "weekend") else unit):
        return UNRESOLVED
    if unit == "weekend":
        ahead = parts.get("modifier") == "this" and tense != "past"  # "this weekend" on a Thursday
        saturday = _saturday(anchor.day, count, "future" if ahead else tense)
        return _valued(_span(saturday, 2, label), f"{iso_week(saturday)}-WE")
    if unit == "day":
        return Resolution((anchor.day + timedelta(days=count)).isoformat(), "day", label)
    if unit == "week":
        day = anchor.day + timedelta(weeks=count)
        if parts.get("exact"):  # "a week ago": that day
            return Resolution(day.isoformat(), "day", label)
        return _valued(_week(day, label), iso_week(day))
    if unit == "month":
        total = anchor.day.year * 12 + anchor.day.month - 1 + count
        return Resolution(f"{total // 12:04d}-{total % 12 + 1:02d}", "month", label)
    return Resolution(f"{anchor.day.year + count:04d}", "year", label)


def _valued(res: Resolution, value: str) -> Resolution:
    return Resolution(res.date, res.precision, res.anchor, value, res.type)


def _week(day: date, label: str) -> Resolution:
    """The Monday-to-Sunday week around `day`."""
    return _span(day - timedelta(days=day.weekday()), 7, label)


def _span(first: date, days: int, label: str) -> Resolution:
    """A run of days as the most precise date that contains all of it (a month, else a year)."""
    last = first + timedelta(days=days - 1)
    if (first.year, first.month) == (last.year, last.month):
        return Resolution(f"{first.year:04d}-{first.month:02d}", "month", label)
    if first.year == last.year:
        return Resolution(f"{first.year:04d}", "year", label)
    return UNRESOLVED


def _saturday(day: date, count: int, tense: str | None) -> date:
    """Saturday of the weekend meant: 'last weekend' (-1), 'this/over the weekend' (0), 'next weekend' (1)."""
    latest = day - timedelta(days=(day.weekday() - 5) % 7)  # latest Saturday on or before `day`
    in_weekend = day.weekday() >= 5
    if count < 0:
        return latest - timedelta(days=7 if in_weekend else 0)
    if count > 0 or (tense == "future" and not in_weekend):
        return latest + timedelta(days=7)
    return latest


def _season(parts: dict, published: Anchor | None, paragraph: Anchor | None, tense: str | None) -> Resolution:
    """A season: 'in the summer of 2024', 'last summer', 'this spring', 'by autumn'; the calendar date is
    the year it falls in (a winter's is the year it begins)."""
    season = parts["season"]
    if parts.get("year"):
        return Resolution(f"{parts['year']:04d}", "year", "none", season_value(season, parts["year"]))
    modifier = parts.get("modifier")
    if published is None or not published.at_least("month" if modifier or parts.get("prep") else "year"):
        return UNRESOLVED
    year = season_year(season, published.day, parts, tense)
    return Resolution(f"{year:04d}", "year", "published", season_value(season, year))


def _overnight(
    parts: dict, published: Anchor | None, paragraph: Anchor | None, tense: str | None
) -> Resolution:
    """The night that ends on the publication day: both days, as the month (or year) holding them."""
    if published is None or not published.at_least("day"):
        return UNRESOLVED
    night = published.day - timedelta(days=1)
    span = _span(night, 2, "published")
    return Resolution(span.date, span.precision, span.anchor, f"{night.isoformat()}TNI", "TIME")


_HANDLERS = {
    **HANDLERS,
    "absolute": _absolute,
    "year": _year,
    "month": _month,
    "weekday": _weekday,
    "shift": _shift,
    "season": _season,
    "overnight": _overnight,
}
