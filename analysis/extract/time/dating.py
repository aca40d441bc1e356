"""Inferring an article's publication date from its content when no metadata or dateline gives it.

Evidence, strongest first:
1. day-precise dated references in past narration ("On Thursday, August 21", "15 August 2025"): the
   article was published on or after the latest of them. A year-less date takes its year from the
   weekday it names (the first weekday-consistent year not before the latest year the text names or the
   latest known event it refers to, or the consistent year nearest an elapsed-time estimate), or from a
   full date the text also gives;
2. an elapsed-time phrase counted from a known start date (`data/anchors.yaml`): "a three-and-a-half-
   year war" in a story about Ukraine is about 2022-02-24 + 3.5 years;
3. month-precise references ("in August 2025"): published on or after the latest.
Bare years ("in 2014") are background and never date an article on their own.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from analysis.datafile import load_yaml
from analysis.extract.nlp import doc_text
from analysis.extract.time.background import is_background
from analysis.extract.time.expressions import choose_year
from analysis.extract.time.rules import NUMBERS

ANCHORS_PATH = Path(__file__).resolve().parents[2] / "data" / "anchors.yaml"
_ORDINAL_WORDS = "first second third fourth fifth sixth seventh eighth ninth tenth"
ORDINALS = {w: i + 1 for i, w in enumerate(_ORDINAL_WORDS.split())}
_NUM = r"(?P<n>\d{1,2}|" + "|".join(k for k in NUMBERS if k not in ("a", "an")) + ")"
_NOUN = r"(?P<noun>(?:civil\s+)?war|conflict|invasion|fighting|pandemic)"
_HALF = r"(?P<half>[- ]and[- ]a[- ]half)?"
_ELAPSED = [
    re.compile(rf"\b{_NUM}{_HALF}[- ](?P<unit>year|month)s?(?:[- ](?:old|long))?\s+{_NOUN}\b", re.I),
    re.compile(
        rf"\b{_NUM}{_HALF}\s+(?P<unit>year|month)s?\s+(?:of|into|since the start of|since)\s+"
        rf"(?:the\s+|a\s+|Russia's\s+|Russia’s\s+)?(?:full-scale\s+)?{_NOUN}\b",
        re.I,
    ),
    re.compile(rf"\b{_NOUN}\b[^.;]{{0,40}}?\bin\s+its\s+(?P<ord>{'|'.join(ORDINALS)})\s+year\b", re.I),
]


@lru_cache(maxsize=8)
def load_anchors(path: str | None = None) -> tuple[dict, ...]:
    """The known start dates of `anchors.yaml` (or the file at `path`), with `date` parsed."""
    file = Path(path) if path else ANCHORS_PATH
    data = load_yaml(file.read_text(encoding="utf-8")) or {}
    anchors = []
    for entry in data.get("anchors", []):
        if "id" not in entry or "date" not in entry:
            raise ValueError(f"{file}: every anchor needs an id and a date; got {entry!r}")
        start = entry["date"] if isinstance(entry["date"], date) else date.fromisoformat(str(entry["date"]))
        anchors.append({**entry, "date": start})
    return tuple(anchors)


def _has_word(text: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.I) is not None


def referenced_anchors(text: str, anchors) -> list[dict]:
    """Anchors the text refers to by one of their `mentions` (with a `context` word where they have any)."""
    return [
        a
        for a in anchors
        if any(_has_word(text, m) for m in a.get("mentions", []))
        and (not a.get("context") or any(_has_word(text, c) for c in a["context"]))
    ]


_AFTER = re.compile(
    rf"\b(?:{_NUM}|(?P<a>an?)){_HALF}[\s-]+(?P<unit>year|month)s?\s+(?:after|since|on from)\s+", re.I
)


def _elapsed_after_mention(text: str, anchors) -> tuple[date, str, str] | None:
    """'two years after the October 7 attack', 'a year since the annexation of Crimea': counted from the
    known event the phrase names by one of its `mentions`."""
    for match in _AFTER.finditer(text):
        rest = text[match.end() : match.end() + 80]
        for anchor in anchors:
            for mention in anchor.get("mentions", []):
                named = re.match(rf"(?:the\s+|\w+['’]s\s+)?{re.escape(mention)}\b", rest, re.I)
                if named:
                    years, precise = _elapsed_years({**match.groupdict(), "n": match.group("n") or "1"})
                    estimate = anchor["date"] + timedelta(days=round(years * 365.25))
                    phrase = text[match.start() : match.end() + named.end()]
                    reason = f"'{phrase}' counted from {anchor['label']} ({anchor['date'].isoformat()})"
                    return estimate, "month" if precise else "year", reason
    return None


def elapsed_estimate(text: str, anchors) -> tuple[date, str, str] | None:
    """(estimated date, precision, reason) from an elapsed-time phrase counted from a known start date."""
    after = _elapsed_after_mention(text, anchors)
    if after:
        return after
    for pattern in _ELAPSED:
        match = pattern.search(text)
        if not match:
            continue
        groups = match.groupdict()
        noun = re.sub(r"\s+", " ", groups["noun"].lower())
        fitting = [
            a for a in anchors if noun in a.get("durations", []) or noun.split()[-1] in a.get("durations", [])
        ]
        scored = [(sum(_has_word(text, c) for c in a.get("context", [])), a["date"], a) for a in fitting]
        scored = [s for s in scored if s[0] > 0]
        if not scored:
            continue
        _, _, anchor = max(scored, key=lambda s: (s[0], s[1]))
        years, precise = _elapsed_years(groups)
        estimate = anchor["date"] + timedelta(days=round(years * 365.25))
        reason = f"'{match.group(0)}' counted from {anchor['label']} ({anchor['date'].isoformat()})"
        return estimate, "month" if precise else "year", reason
    return None


def _elapsed_years(groups: dict) -> tuple[float, bool]:
    if groups.get("ord"):
        return ORDINALS[groups["ord"].lower()] - 0.5, False
    n = groups["n"].lower()
    count = int(n) if n.isdigit() else NUMBERS[n]
    count += 0.5 if groups.get("half") else 0
    if groups["unit"].lower() == "month":
        return count / 12, True
    return count, bool(groups.get("half"))


def infer_from_text(doc, found: list, *, anchors=None, today: date | None = None) -> tuple[str, str] | None:
    """(ISO date, reason) of the publication date the content implies, or None without evidence.

    Args:
        doc: the article's Doc.
        found: `analysis.extract.time.events.scan(doc)`: time expressions with tense.
        anchors: known start dates (default `data/anchors.yaml`).
        today: the latest possible publication date (default: the machine's date).
    """
    anchors = load_anchors() if anchors is None else anchors
    today = today or date.today()
    narrated = narrated_expressions(doc, found)
    text = doc_text(doc)
    # Every narrated year bounds the date from below; only references that date the reporting can give it.
    lower, lower_why = lower_bound(text, narrated, anchors, today)
    estimate = elapsed_estimate(text, anchors)
    reporting = [f for f in narrated if not is_background(doc, f, anchors)]
    days = _day_references(reporting, lower, lower_why, estimate, today)
    # Dates older than what the text narrates elsewhere are history too: only days in the latest narrated
    # year, and near the elapsed-time estimate, count.
    days = [d for d in days if (lower is None or d[0].year >= lower)]
    days = [d for d in days if not estimate or (estimate[0] - d[0]).days < 366]
    if days:
        day, reason = max(days, key=lambda d: d[0])
        return day.isoformat(), reason
    months = [(_month_iso(f.timex.parts), f) for f in reporting if _is_past_month(f.timex.parts, today)]
    # News told relative to its own day ("said on Thursday", "this week") is not dated by a month it names
    # beside it ("a proposal presented in May 2024"): that month is context, not the day it counts from.
    if months and not any(_relative_day(f.timex.parts) for f in reporting):
        iso, f = max(months, key=lambda m: m[0])
        # A month before a year the text also narrates ("In 2024, ...") would date the article too early.
        if lower is None or int(iso[:4]) >= lower:
            return iso, f"latest dated reference in the text: '{f.timex.text}' (sentence {f.sentence_id})"
    return None


def narrated_expressions(doc, found: list) -> list:
    """Expressions in past narration: with a parser, clauses in the past tense; without one, every clause
    without a future marker. Questions ("What happens in 2026?") never count."""
    parsed = doc.has_annotation("DEP")
    sentences = list(doc.sents)
    return [
        f
        for f in found
        if (f.tense == "past" if parsed else f.tense != "future")
        and not sentences[f.sentence_id].text.strip().endswith("?")
    ]


def _relative_day(parts: dict) -> bool:
    """A reference counted from the day of writing: a weekday, 'yesterday', 'today', 'this week'."""
    if parts.get("weekday") is not None and not parts.get("month"):
        return True
    return parts.get("rel") == "shift" and parts.get("unit") in ("day", "week")


def _month_iso(parts: dict) -> str:
    return f"{parts['year']:04d}-{parts['month']:02d}"


def _is_past_month(parts: dict, today: date) -> bool:
    return bool(
        parts.get("year") and parts.get("month") and not parts.get("day") and parts["year"] <= today.year
    )


def lower_bound(text: str, narrated: list, anchors, today: date) -> tuple[int | None, str]:
    """The latest year the article must be from: years it narrates, known events it refers to."""
    years = [f.timex.parts["year"] for f in narrated if f.timex.parts.get("year")]
    bounds = [(year, f"the text names {year}") for year in years if year <= today.year]
    bounds += [
        (a["date"].year, f"it refers to {a['label']}, {a['date'].isoformat()}")
        for a in referenced_anchors(text, anchors)
    ]
    return max(bounds, key=lambda b: b[0], default=(None, ""))


def _day_references(narrated: list, lower, lower_why: str, estimate, today: date) -> list[tuple[date, str]]:
    full = [f for f in narrated if f.timex.parts.get("day") and f.timex.parts.get("year")]
    refs = []
    for f in narrated:
        parts = f.timex.parts
        if not parts.get("day") or not parts.get("month"):
            continue
        where = f"'{f.timex.text}' (sentence {f.sentence_id})"
        if parts.get("year"):
            day = safe_date(parts["year"], parts["month"], parts["day"])
            if day and day <= today:
                refs.append((day, f"latest dated event in the text: {where}"))
        elif parts.get("weekday") is not None:
            found = _weekday_year(parts, lower, lower_why, estimate, today)
            if found:
                refs.append((found[0], f"latest dated event in the text: {where}; {found[1]}"))
        elif full:
            near = max(
                safe_date(g.timex.parts["year"], g.timex.parts["month"], g.timex.parts["day"]) or today
                for g in full
            )
            day = choose_year(parts["month"], parts["day"], near)
            if day and day <= today:
                refs.append(
                    (day, f"latest dated event in the text: {where}, in the year of the full dates beside it")
                )
    return refs


def safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _weekday_year(parts: dict, lower, lower_why: str, estimate, today: date) -> tuple[date, str] | None:
    """The year in which a year-less day and month fall on the weekday the text names."""
    month, day, weekday = parts["month"], parts["day"], parts["weekday"]
    first = lower if lower is not None else (estimate[0].year - 1 if estimate else None)
    if first is None:
        return None  # weekday-date pairs repeat every few years: without a bound the year is a guess
    options = [
        d for y in range(first, today.year + 1) if (d := safe_date(y, month, day)) and d.weekday() == weekday
    ]
    options = [d for d in options if d <= today]
    if not options:
        return None
    names = f"{calendar.month_name[month]} {day} fell on a {calendar.day_name[weekday]}"
    if estimate:
        chosen = min(options, key=lambda d: abs((d - estimate[0]).days))
        return (
            chosen,
            f"{names} in {chosen.year}, the such year nearest {estimate[0].isoformat()} ({estimate[2]})",
        )
    chosen = options[0]
    others = ", ".join(str(d.year) for d in options[1:])
    also = f"; also consistent, later: {others}" if others else ""
    return chosen, f"{names} in {chosen.year}, the first such year not before {lower} ({lower_why}){also}"
