"""Parsing a stated date (metadata, dateline, 'Published: …' line) to ISO with its precision."""

from __future__ import annotations

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
