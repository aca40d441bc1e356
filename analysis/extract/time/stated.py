"""Dates an article states about itself: a date line ("Published date: 8 October 2025 13:10 BST", a live
page's "Monday 24 November") and a dateline ("GENEVA, Nov 23 (Reuters) -").

Both are read only where news pages put them: date lines among the first or last lines, datelines at the
start of one of the first lines. A dateline without a year takes it from the text, with the evidence
`analysis.extract.time.dating` gathers: the year in which its day falls on the weekday the lead narrates, not
before the latest year the text names.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from analysis.extract.nlp import doc_text
from analysis.extract.time.background import background_reason
from analysis.extract.time.dating import (
    elapsed_estimate,
    load_anchors,
    lower_bound,
    narrated_expressions,
    safe_date,
)
from analysis.extract.time.expressions import find_timexes
from analysis.extract.time.rules import MONTHS

_LABEL = r"(?:(?:first\s+|last\s+)?(?:published|posted|updated|modified)(?:\s+(?:date|on|at))?|date|dated)"
_DATE_LINE = re.compile(rf"^\s*(?P<label>{_LABEL})?\s*[:\-–—|]?\s*(?P<rest>.{{6,80}})$", re.I)
# What may follow the date on a date line: a time, a time zone, a reading time, separators.
_TIME_TAIL = re.compile(
    r"^[\s,|·•\-–—/]*(?:T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"  # ISO: 2025-11-23T10:15Z
    r"|(?:at\s+)?\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?\s?m\.?)?\s*(?:[A-Z]{2,4}(?:[+-]\d{1,2})?)?"
    r"(?:\s*\(?(?:UTC|GMT)[+-]?\d{0,2}\)?)?)?[\s,|·•\-–—]*(?:\d+\s+min(?:ute)?s?\s+read)?\s*$",
    re.I,
)
# A byline may share the line: "By Jane Doe | 3 March 2024".
_BYLINE_HEAD = re.compile(r"^By\s+[^|·•\n]{2,60}?\s*[|·•–—,]\s*$")
# So may the place it was filed from: "Moscow, 3 December 2025", "GENEVA — Sunday 23 November 2025".
# Place names may hold a lower-case particle: "Rio de Janeiro", "Dar es Salaam", "Newcastle upon Tyne".
_PARTICLE = r"(?:(?:de|da|do|dos|del|della|des|du|es|el|al|la|le|upon|on|am|an|of|the)\s)?"
_PLACE_HEAD = re.compile(
    rf"^[A-Z][\w.'’-]*(?: {_PARTICLE}[A-Z][\w.'’-]*){{0,3}}(?:,\s*[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){{0,2}})?"
    r"\s*[,|·•–—-]\s*$"
)
_MON_NAME = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_WEEKDAY_NAME = (
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tue|Tues|Wed|Thu|Thurs|Fri|Sat|Sun)"
)
_WEEKDAY_TAIL = re.compile(rf"\b{_WEEKDAY_NAME}\.?,?\s*$")
# "GENEVA, Nov 23 (Reuters) -", "KYIV, Ukraine, Nov. 23, 2025 (AP) —", "Dec 19 (AFP) -": a place or an agency
# in brackets must be there, so a bare "25 Nov - ..." (a liveblog entry) is not read as the article's date.
_WORD = r"[A-Z][\w.'’&-]*"
_PLACE = rf"(?P<place>{_WORD}(?:[ /]{_WORD}){{0,3}}(?:,\s*{_WORD}(?:\s{_WORD}){{0,2}}){{0,2}}),\s*"
_DATELINE = re.compile(
    rf"^(?:{_PLACE})?(?P<date>(?:{_WEEKDAY_NAME},?\s+)?(?:(?P<mon>{_MON_NAME})\s+(?P<day>\d{{1,2}})"
    rf"|(?P<day2>\d{{1,2}})\s+(?P<mon2>{_MON_NAME}))(?:,?\s+(?P<year>(?:19|20)\d\d))?)"
    r"\s*(?:\((?P<src>[^()\n]{1,40})\))?\s*[-–—]+\s",
    re.M,
)


def date_line_parts(line: str) -> tuple[dict, str] | None:
    """(date parts, label) when the whole line only states a day, with or without a year: 'Published
    date: 8 October 2025 13:10 BST', 'Tuesday 25 November 2025', '23 Nov 14.05 GMT' (a live page's entry).
    """
    match = _DATE_LINE.match(line.strip()) if len(line.strip()) < 100 else None
    if not match:
        return None
    rest = match.group("rest")
    timexes = [t for t in find_timexes(rest) if t.kind != "time"]  # the date, not the clock time
    head = rest[: timexes[0].start] if timexes else ""
    if not timexes or not _date_line_head(head):
        return None
    parts = timexes[0].parts
    if not (parts.get("month") and parts.get("day")) or not _TIME_TAIL.match(rest[timexes[0].end :]):
        return None
    return parts, (match.group("label") or "").lower()


def _date_line_head(head: str) -> bool:
    """Only a time, a weekday, a byline or a place may come before the date: 'Updated 10:15 AM EST, Sun
    Nov 23, 2025', 'By Jane Doe | 3 March 2024', 'Moscow, 3 December 2025'."""
    head = _WEEKDAY_TAIL.sub("", head)
    return bool(_TIME_TAIL.match(head) or _BYLINE_HEAD.match(head) or _PLACE_HEAD.match(head))


def stated_date_line(line: str) -> tuple[str, str] | None:
    """(ISO date, label) when the whole line only states a full date (see `date_line_parts`); else None."""
    found = date_line_parts(line)
    if found is None or not found[0].get("year"):
        return None
    day = safe_date(found[0]["year"], found[0]["month"], found[0]["day"])
    return (day.isoformat(), found[1]) if day else None


def stated_published(value: str) -> str | None:
    """ISO date of a stated publication date written as news pages write it, when it holds a full date:
    a date line ('Moscow, 3 December 2025', 'By Jane Doe | 3 March 2024') or a wire dateline with its year
    ('KYIV, Dec. 3, 2025 (Reuters) -'); None otherwise ('KYIV, Dec 3 (Reuters) -' has no year to give)."""
    value = str(value or "").strip()
    stated = stated_date_line(value)
    if stated:
        return stated[0]
    match = find_dateline(value if value[-1:].isspace() else value + " ")
    if match is None or not match.group("year"):
        return None
    month = MONTHS.get((match.group("mon") or match.group("mon2") or "").lower().rstrip(".")[:3])
    day = int(match.group("day") or match.group("day2"))
    found = safe_date(int(match.group("year")), month, day) if month else None
    return found.isoformat() if found else None


def header_date(text: str) -> tuple[str, str] | None:
    """(ISO date, reason) from a date line among the first 8 or last 3 lines: 'published' lines win over
    bare dates, which win over 'updated' lines."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    found = []
    for i, line in enumerate([*lines[:8], *lines[-3:]]):
        stated = stated_date_line(line)
        if stated:
            later = any(w in stated[1] for w in ("updated", "modified"))
            rank = 2 if later else 0 if stated[1] else 1
            found.append((rank, i, stated[0], line.strip()))
    if not found:
        return None
    _, _, iso, line = min(found)
    return iso, f"date line in the text: '{line}'"


def find_dateline(text: str, *, within: int = 2000) -> re.Match | None:
    """The dateline ('GENEVA, Nov 23 (Reuters) -') at the start of one of the first lines, or None."""
    match = _DATELINE.search(text[:within])
    if match is None or not (match.group("place") or match.group("src")):
        return None
    return match


def dateline_date(
    doc, found: list, *, anchors=None, today: date | None = None
) -> tuple[str, str, str] | None:
    """(ISO date, "text" | "inferred", reason) of the article's dateline; None without one.

    A dateline without a year takes it from the text: the year in which its day falls on the weekday the
    lead narrates ("GENEVA, Nov 23 (Reuters) - officials said on Sunday"), not before the latest year the
    text names or the known events it refers to, and nearest the elapsed-time estimate when there is one.
    """
    text = doc_text(doc)
    match = find_dateline(text)
    if match is None:
        return None
    month = MONTHS[(match.group("mon") or match.group("mon2")).rstrip(".").lower()]
    day, line = int(match.group("day") or match.group("day2")), match.group(0).strip()
    if match.group("year"):
        stated = safe_date(int(match.group("year")), month, day)
        return (stated.isoformat(), "text", f"dateline: '{line}'") if stated else None
    anchors = load_anchors() if anchors is None else anchors
    today = today or date.today()
    lower, lower_why = lower_bound(text, narrated_expressions(doc, found), anchors, today)
    chosen = _dateline_year(month, day, _lead_weekday(text, found, match.end()), lower, lower_why,
                            elapsed_estimate(text, anchors), today)  # fmt: skip
    return (chosen[0].isoformat(), "inferred", f"dateline '{line}'; {chosen[1]}") if chosen else None


def _lead_weekday(text: str, found: list, after: int) -> int | None:
    """The weekday the dateline's paragraph narrates first ('said on Sunday'), if any."""
    paragraph = len(re.findall(r"\n+", text[:after]))  # numbered as `analysis.extract.time.events.scan` does
    for f in found:
        parts = f.timex.parts
        if f.start < after or f.paragraph != paragraph or parts.get("weekday") is None:
            continue
        if f.tense != "future" and parts.get("modifier") not in ("next", "by", "until"):
            return parts["weekday"]
    return None


def _dateline_year(month, day, weekday, lower, lower_why, estimate, today) -> tuple[date, str] | None:
    """The year of a year-less dateline: the one year between the lower bound and today in which the day
    falls on the weekday the lead narrates (of several, the one nearest the elapsed-time estimate, within a
    year of it). Without a weekday that settles it the year is not guessed. Without any bound, only the
    lead's weekday can place it: the latest year, not after today, in which the day falls on it."""
    first = lower if lower is not None else (estimate[0].year - 1 if estimate else None)
    if first is None:
        return _latest_weekday_year(month, day, weekday, today)
    if weekday is None:
        return None
    options = [d for y in range(first, today.year + 1) if (d := safe_date(y, month, day)) and d <= today]
    agreeing = [d for d in options if d.weekday() == weekday]
    why = f"it falls on the {calendar.day_name[weekday]} the lead names"
    if estimate and agreeing:
        chosen = min(agreeing, key=lambda d: abs((d - estimate[0]).days))
        if abs((chosen - estimate[0]).days) <= 366:
            return chosen, f"year {chosen.year}: {why}, nearest {estimate[0].isoformat()} ({estimate[2]})"
    if len(agreeing) != 1:
        return None
    only = f"the only such year from {first} ({lower_why}) to today"
    return agreeing[0], f"year {agreeing[0].year}: {why}, {only}"


def _latest_weekday_year(month: int, day: int, weekday: int | None, today: date) -> tuple[date, str] | None:
    # A day falls on the same weekday only every five to eleven years, so the latest fitting year of the
    # last seven is the one a recent article means; without a weekday there is nothing to go on.
    if weekday is None:
        return None
    fitting = (
        d for y in range(today.year, today.year - 7, -1) if (d := safe_date(y, month, day)) and d <= today
    )
    chosen = next((d for d in fitting if d.weekday() == weekday), None)
    if chosen is None:
        return None
    why = f"it falls on the {calendar.day_name[weekday]} the lead names; the text names no year"
    return chosen, f"year {chosen.year}: {why}, latest such year not after {today.isoformat()}"


def undated_reason(doc, found: list, *, anchors=None) -> str:
    """Why an article stays undated: what it has (a year-less dateline, background dates, an elapsed-time
    phrase) and why none of it dates the reporting."""
    anchors = load_anchors() if anchors is None else anchors
    text = doc_text(doc)
    why = ["no date in metadata or text, and nothing that dates the reporting"]
    dateline = find_dateline(text)
    if dateline is not None and not dateline.group("year"):
        line = dateline.group(0).strip()
        why.append(f"the dateline '{line}' gives no year and the text does not settle it")
    background = [f for f in narrated_expressions(doc, found) if f.timex.parts.get("year")]
    ignored = [(f, r) for f in background if (r := background_reason(doc, f, anchors))]
    if ignored:
        listed = "; ".join(f"'{f.timex.text}' ({r})" for f, r in ignored[:3])
        why.append(f"background dates ignored: {listed}")
    estimate = elapsed_estimate(text, anchors)
    if estimate:
        why.append(f"an elapsed-time phrase suggests about {estimate[0].isoformat()[:7]} ({estimate[2]}), "
                   "too rough to date it")  # fmt: skip
    return "; ".join(why)
