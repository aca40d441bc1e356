"""How TimeML draws the span of a time expression, and what a span borrows from its neighbours.

`trimmed` cuts a leading preposition (a pattern's `prep` group: "on Friday" is "Friday") and a possessive
("Friday's"); `with_modifiers` takes in the modifier before a date ("early 2011", "late last July", "the end
of this year", "earlier today"); `days_for_clocks` gives a clock time without a day of its own ("at 18:00
UTC") the nearest day-level expression on its line. They work on
`analysis.extract.time.expressions.Timex` objects.
"""

from __future__ import annotations

import re
from dataclasses import replace


def trimmed(match: re.Match, text: str) -> tuple[int, int]:
    """The match without its `prep` group (and the spaces after it) and without a trailing possessive."""
    start, end = match.span()
    if match.re.groupindex.get("prep") and match.group("prep"):
        start = match.end("prep")
        while start < end and text[start].isspace():
            start += 1
    if text[end - 2 : end] in ("'s", "’s"):
        end -= 2
    return start, end


# Modifiers TimeML keeps in the span of the date they modify ("early 2011", "late last July").
_MODIFIER_BEFORE = re.compile(
    r"(?i:\b(?:early|late|mid|the\s+(?:very\s+)?(?:end|beginning|start|middle|close|turn|rest|remainder)\s+of"
    r"|(?:earlier|later|late|early)\s+in|earlier|later))(?:[^\S\n]+|-)$"
)
_MODIFIABLE = ("absolute", "year", "month", "weekday", "relative", "period")


def with_modifiers(found: list, text: str) -> list:
    out: list = []
    for tx in found:
        floor = out[-1].end if out else 0
        match = (
            _MODIFIER_BEFORE.search(text[max(floor, tx.start - 30) : tx.start])
            if tx.kind in _MODIFIABLE
            else None
        )
        if match and tx.parts.get("rel") not in ("clock", "duration", "set", "ref"):
            start = max(floor, tx.start - 30) + match.start()
            frame = re.sub(r"\s+", " ", match.group(0).strip(" -").lower())
            tx = replace(tx, start=start, text=text[start : tx.end], parts={**tx.parts, "frame": frame})
        out.append(tx)
    return out


_DAY_LEVEL = ("absolute", "weekday")


def days_for_clocks(found: list, text: str) -> list:
    """A clock time with no day of its own takes the nearest day-level expression on its line."""
    days = [t for t in found if (t.kind in _DAY_LEVEL and t.parts.get("day", True)) or _is_day_word(t)]
    out = []
    for tx in found:
        own = "weekday" in tx.parts or "day_shift" in tx.parts
        line = [d for d in days if "\n" not in text[min(d.start, tx.start) : max(d.end, tx.end)]]
        if tx.parts.get("rel") == "clock" and not own and line:
            nearest = min(line, key=lambda d: min(abs(d.start - tx.end), abs(tx.start - d.end)))
            tx = replace(tx, parts={**tx.parts, "day_of": nearest})
        out.append(tx)
    return out


def _is_day_word(tx) -> bool:
    return tx.parts.get("rel") == "shift" and tx.parts.get("unit") == "day" and "from" not in tx.parts
