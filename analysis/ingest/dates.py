"""Parsing a stated date (metadata, dateline, 'Published: …' line) to ISO with its precision."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

_TIME = re.compile(
    r"\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4})?\s*$", re.I
)
_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?\s*$")


def parse_date(value: str) -> str | None:
    """ISO date (YYYY-MM-DD, YYYY-MM or YYYY) of a stated date, or None when it is not a full date.

    >>> parse_date("2025-08-21T10:00:00Z"), parse_date("21 August 2025"), parse_date("soon")
    ('2025-08-21', '2025-08-21', None)
    """
    if value is None or not str(value).strip():
        return None
    value = str(value).strip()
    match = _ISO.match(value)
    if match:
        year, month, day = match.groups()
        try:
            if day:
                return date(int(year), int(month), int(day)).isoformat()
            if month:
                return f"{int(year):04d}-{int(month):02d}" if 1 <= int(month) <= 12 else None
            return f"{int(year):04d}"
        except ValueError:
            return None
    import dateparser

    value = _TIME.sub("", value[:80]).strip(" ,|-")  # "8 October 2025 13:10 BST": the day is what counts
    parsed = dateparser.parse(
        value,
        languages=["en"],
        settings={
            "STRICT_PARSING": True,
            "REQUIRE_PARTS": ["day", "month", "year"],
            "PREFER_DAY_OF_MONTH": "first",
        },
    )
    return parsed.date().isoformat() if isinstance(parsed, datetime) else None


def body_only_date(value: str, text: str, html: str) -> bool:
    """True when the date trafilatura found (YYYY-MM-DD) is written in the article's running text, not on a
    short top or bottom line ("Mehmet Kaya | ANKARA | 29.11.2025 14:20") nor in a markup field (a meta tag's
    content, a time element's datetime, a link, JSON-LD): a date the body mentions ("a report dated
    2021-05-04") is a background reference, not the publication date."""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value or "")
    if not match:
        return False
    y, m, d = match.groups()
    forms = [rf"{y}[-/.]{m}[-/.]{d}", rf"{d}[-/.]{m}[-/.]{y}", rf"{m}/{d}/{y}"]
    if not any(re.search(rf"(?<!\d){f}(?!\d)", html) for f in forms) and not _named_day(y, m, d, html):
        return True  # written nowhere in full: guessed from a year or a month the text names
    lines = [ln for ln in text.splitlines() if ln.strip()]
    in_text = [ln for ln in lines if any(re.search(rf"(?<!\d){f}(?!\d)", ln) for f in forms)]
    if not in_text:
        return False
    # a byline or date line states it: short, near the top or bottom, not a sentence
    edges = [ln for ln in (*lines[:8], *lines[-3:]) if len(ln) < 100 and not re.search(r"[.!?\"”]\s*$", ln)]
    if any(ln in edges for ln in in_text):
        return False
    attribute = r"""(?:content|datetime|href|value|data-[\w-]+)\s*=\s*["'][^"']*"""
    in_markup = any(re.search(attribute + f, html) for f in forms)
    in_json = any(re.search(rf'"\w*date\w*"\s*:\s*"{f}', html, re.I) for f in forms)
    return not (in_markup or in_json or f"{y}/{m}/{d}" in html or f"{y}{m}{d}" in html)


def _named_day(y: str, m: str, d: str, html: str) -> bool:
    """'29 November 2025', 'Nov. 29, 2025' in the page."""
    month = calendar.month_name[int(m)][:3] if 1 <= int(m) <= 12 else "?"
    day = str(int(d))
    return bool(
        re.search(
            rf"(?<!\d){day}(?:st|nd|rd|th)?\s+{month}\w*\.?,?\s+{y}|{month}\w*\.?\s+{day}\b\W+{y}", html
        )
    )
