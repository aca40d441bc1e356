"""Patterns for the time expressions that are not plain calendar dates, each with its reader.

Clock times ("15:00 GMT Saturday", "6 p.m."), quarters and halves ("the fourth quarter of 2005",
"third-quarter"), weeks of a month ("the last week of March"), decades and centuries ("the 1990s", "70s",
"the 20th century"), ranges whose both ends are dates ("2009-2010", "from 2009 to 2011", "August 15-17",
"between April and June"), numeric dates ("7/8/07", "'82"), durations ("two years", "90 days", "the past
decade", "a 12-year contract", "nearly five months"), recurring times ("annual", "every week", "15 a year"),
references to the present, past and future ("now", "currently", "recently", "the future") and "the day" of
market reports ("ended the day at 8,017").

`BEFORE` are tried before the calendar patterns of `analysis.extract.time.rules` (they contain dates and must
win the overlap), `AFTER` once those have taken their spans ("two years ago" is a date, not a duration).
A reader returns the parts (with `rel` naming the resolver in `analysis.extract.time.values`), a list of
parts with their own `_span` for a range, or None to refuse the match. A `prep` group is a preposition
TimeML leaves out of the span.
"""

from __future__ import annotations

import re

from analysis.extract.time.lexicon import (
    DURATION_MODIFIERS,
    NUMBER_WORDS,
    ORDINALS,
    REFERENCES,
    SETS,
    TIME_ZONES,
    UNIT_ADJECTIVES,
    VAGUE_COUNTS,
    alternation,
    number,
)
from analysis.extract.time.rules import (
    _DAY,
    _FULL_MONTH,
    _MON,
    _WD,
    _YEAR,
    MONTHS,
    WEEKDAYS,
    _c,
    in_a_name,
    previous_word,
)

_ZONE = rf"(?P<zone>{alternation(TIME_ZONES)})(?![\w])"
_AMPM = r"(?P<ampm>[ap]\.m\.|[ap]m\b)"
_DAY_AFTER = rf"(?:\s+(?:on\s+)?(?P<dayword>(?i:today|yesterday|tomorrow)|{_WD}))?"
_ORD = (
    r"(?P<ord>(?i:first|second|third|fourth|final|last|1st|2nd|3rd|4th|current|previous|past|next|coming"
    r"|this))"
)
_YEAR_OF = (
    rf"(?:\s+of\s+(?:{_YEAR}|(?P<ymod>(?i:this|last|next))\s+year"
    r"|the\s+(?P<ythe>(?i:previous\s+|same\s+|current\s+)?year)))"
)
_WORD_NUM = alternation(k for k in NUMBER_WORDS if k.isalpha())
_TENS = alternation("twenty thirty forty fifty sixty seventy eighty ninety".split())  # noqa: SIM905
_ONES = alternation("one two three four five six seven eight nine".split())  # noqa: SIM905
_COUNT = (
    rf"(?P<num>\d+(?:\.\d+)?|(?:{_TENS}[\s-]{_ONES}|{_WORD_NUM}(?:\s+(?i:hundred|dozen))?)"
    rf"(?:[\s-]+and[\s-]+a[\s-]+half)?|{alternation(VAGUE_COUNTS)})"
)
_UNIT = (
    r"(?P<unit>(?i:seconds?|minutes?|hours?|days?|nights?|weeks?|fortnights?|months?|quarters?|years?"
    r"|decades?|century|centuries))"
)
_FRAME = (
    r"(?P<frame>(?i:(?:the\s+)?(?:past|last|next|coming|previous|following|first|final|remaining|recent)))"
)
_MODS = rf"(?P<dmod>{alternation(DURATION_MODIFIERS)})"
_ADJ = rf"(?:{alternation(UNIT_ADJECTIVES)}[\s-]+)?"
_CENTURY_WORDS = {"fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
                  "twentieth": 20, "twenty-first": 21, "twenty first": 21}  # fmt: skip
# A count before "a year" makes it a rate ("15 a year", "twice a week", "$5 a day"), not a duration.
_RATE_BEFORE = re.compile(r"(?:\d[\d,.]*%?|\b(?:once|twice|times|dollars?|euros?|pounds?|cents?))\s*$", re.I)
# After these a duration is a modifier of a noun or a count ("a day in history" is not one).
_ARTICLE_DURATION_BEFORE = frozenset(
    "for within in over after than nearly almost about around just only once half every each".split()  # noqa: SIM905
)
_ARTICLE_DURATION_AFTER = re.compile(
    r"\s*(?:-|after|before|later|earlier|ago|long|old|of|now|or|and)\b", re.I
)
_OVER_THE_YEARS = frozenset(["over", "through", "across", "down", "during", "throughout"])
_PLURAL_UNIT_BEFORE = frozenset(
    "for in within over after just only recent past coming take took".split()  # noqa: SIM905
)
_POSSESSIVES = frozenset(["his", "her", "their", "its", "my", "our", "your", "mid", "early", "late"])


def _clock(match: re.Match, text: str) -> dict | None:
    g = match.groupdict()
    hour, minute = int(g["hour"]), int(g.get("minute") or 0)
    ampm = (g.get("ampm") or "").lower()
    if ampm and not 1 <= hour <= 12:
        return None
    if ampm.startswith("p") and hour < 12:
        hour += 12
    elif ampm.startswith("a") and hour == 12:
        hour = 0
    if not (ampm or g.get("zone") or previous_word(text, match.start()) in ("at", "by", "until", "from")):
        return None  # "12:30" alone may be a score or a ratio
    zone = TIME_ZONES.get(re.sub(r"\s+", " ", (g.get("zone") or "").upper()), "")
    parts = {"rel": "clock", "hour": hour, "minute": minute, "zone": zone}
    word = (g.get("dayword") or "").lower()
    if word in WEEKDAYS:
        parts["weekday"] = WEEKDAYS[word]
    elif word:
        parts["day_shift"] = {"yesterday": -1, "today": 0, "tomorrow": 1}[word]
    return parts


_RESULTS_AFTER = re.compile(r"[\s-]+(?:results|profits?|loss(?:es)?|sales|earnings|revenues?)\b")


def _quarter(match: re.Match, text: str) -> dict | None:
    g = match.groupdict()
    if g.get("q"):
        return {"rel": "quarter", "size": "quarter", "number": int(g["q"]), "year": _int(g.get("year"))}
    size, ordinal = g["qh"].lower(), g["ord"].lower()
    explicit = g.get("year") or g.get("ymod") or g.get("ythe")
    if re.match(r"\s+of\b", text[match.end() :]) and not explicit:
        return None  # "the first half of the match", "a quarter of its dealers"
    adjective = re.search(r"-(?i:half)$", match.group(0)) or _RESULTS_AFTER.match(text, match.end())
    if size == "half" and not explicit and not adjective:
        return None  # "the second half" of a game
    return {"rel": "quarter", "size": size, "ordinal": ordinal, "number": ORDINALS.get(ordinal),
            "year": _int(g.get("year")), "year_shift": _year_shift(g)}  # fmt: skip


def _year_shift(g: dict) -> int | None:
    word = (g.get("ymod") or g.get("ythe") or "").lower().split()
    if not word:
        return None
    return {"this": 0, "last": -1, "next": 1, "previous": -1}.get(word[0], 0)


def _int(value) -> int | None:
    return int(value) if value else None


def _month_of_year(match: re.Match, text: str) -> dict:
    """'October of next year', 'March of this year'."""
    shift = {"this": 0, "last": -1, "next": 1}[match.group("ymod").lower()]
    return {"month": MONTHS[match.group("mon").rstrip(".").lower()], "year_shift": shift, "modifier": ""}


def _week_of_month(match: re.Match, text: str) -> dict:
    month = MONTHS[match.group("mon").rstrip(".").lower()]
    ordinal = ORDINALS.get(match.group("ord").lower(), 1)
    return {"rel": "week_of_month", "ordinal": ordinal, "month": month, "year": _int(match.group("year"))}


def _decade(match: re.Match, text: str) -> dict | None:
    full, short = match.group("full"), match.group("short")
    if short and not match.group(0).startswith(("'", "’", "the", "The")):
        words = text[max(0, match.start() - 25) : match.start()].lower().split()
        if any(w.strip(",") in _POSSESSIVES for w in words[-2:]):
            return None  # "in his early 70s": an age
    digits = full[:3] if full else ("20" if short[0] in "01" else "19") + short[0]
    return {"rel": "decade", "value": digits}


def _century(match: re.Match, text: str) -> dict | None:
    word = match.group("ord").lower()
    nth = int(re.sub(r"\D", "", word)) if word[0].isdigit() else _CENTURY_WORDS.get(word)
    return {"rel": "century", "value": f"{nth - 1:02d}"} if nth and 1 <= nth <= 30 else None


def _numeric_date(match: re.Match, text: str) -> dict | None:
    if re.match(r"/\d", text[match.end() :]) or text[max(0, match.start() - 1) : match.start()] in ("/", "$"):
        return None
    first, second, year = (int(g) for g in match.groups())
    month, day = (first, second) if first <= 12 else (second, first)  # month first, as in US news
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return {
        "month": month,
        "day": day,
        "year": year if year > 99 else 2000 + year if year <= 30 else 1900 + year,
    }


def _short_year(match: re.Match, text: str) -> dict | None:
    if in_a_name(text, match.start(), match.end()):
        return None  # a version: "iLife '11"
    yy = int(match.group("yy"))
    return {"year": 2000 + yy if yy <= 30 else 1900 + yy}


def _year_range(match: re.Match, text: str) -> list[dict] | None:
    y1, y2 = int(match.group("y1")), int(match.group("y2"))
    if y2 <= y1 or y2 - y1 > 50:
        return None
    return [{"year": y1, "_span": match.span("y1")}, {"year": y2, "_span": match.span("y2")}]


def _month_range(match: re.Match, text: str) -> list[dict]:
    year = _int(match.group("year"))
    first, second = (MONTHS[match.group(g).lower()] for g in ("m1", "m2"))
    end = match.end("year") if year else match.end("m2")
    return [{"month": first, "year": year if year and first <= second else None, "modifier": "",
             "_span": match.span("m1")},
            {"month": second, "year": year, "modifier": "", "_span": (match.start("m2"), end)}]  # fmt: skip


def _day_range(match: re.Match, text: str) -> list[dict] | None:
    g = match.groupdict()
    month = MONTHS[g["mon"].rstrip(".").lower()]
    day1, day2, year = int(g["day"]), int(g["day2"]), _int(g.get("year"))
    if not 1 <= day1 < day2 <= 31:
        return None
    first, second = (match.start(), match.end("day")), (match.start("day2"), match.end())
    return [{"month": month, "day": day1, "year": year, "_span": first},
            {"month": month, "day": day2, "year": year, "_span": second}]  # fmt: skip


def _duration(match: re.Match, text: str) -> dict | None:
    g = match.groupdict()
    raw = (g.get("num") or "").lower()
    unit = re.sub(r"(?:ies|s)$", "", g["unit"].lower())
    unit = "century" if unit == "centur" else unit
    if raw in ("a", "an") and unit == "quarter":
        return None  # a fraction: "about a quarter of its dealers"
    if raw in ("a", "an") and not (g.get("dmod") or g.get("frame")):
        before, after = previous_word(text, match.start()), text[match.end() :]
        if _RATE_BEFORE.search(text[: match.start()]):
            return None  # a rate: "15 a year" is left to the sets
        if (before not in _ARTICLE_DURATION_BEFORE or unit == "second") and not _ARTICLE_DURATION_AFTER.match(
            after
        ):
            return None  # "a day in history", "a difficult day", "a second consecutive day"
    count = number(raw) if raw and raw not in VAGUE_COUNTS else None
    if count is None and raw and raw not in VAGUE_COUNTS:
        return None
    return {"rel": "duration", "count": count, "unit": unit}


def _bare_duration(match: re.Match, text: str) -> dict | None:
    """'in years', 'decades-long', 'the past decade', 'over the last year': durations without a count."""
    g = match.groupdict()
    unit = re.sub(r"(?:ies|s)$", "", g["unit"].lower())
    unit = "century" if unit == "centur" else unit
    plural = g["unit"].lower().endswith("s")
    over_the = previous_word(text, match.start()) in _OVER_THE_YEARS
    if (g.get("frame") or "").lower() == "the" and not (plural and over_the):
        return None
    if g.get("frame"):
        return {"rel": "duration", "count": None if plural else 1, "unit": unit}
    if plural and unit in ("decade", "century"):
        return {"rel": "duration", "count": None, "unit": unit}  # "decades in the making"
    if not plural or not (g.get("suffix") or previous_word(text, match.start()) in _PLURAL_UNIT_BEFORE):
        return None
    return {"rel": "duration", "count": None, "unit": unit}


def _set(match: re.Match, text: str) -> dict | None:
    phrase = re.sub(r"\s+", " ", match.group("set").lower())
    if phrase.split()[0] in ("a", "an") and not _RATE_BEFORE.search(text[: match.start()]):
        return None  # "a year" is a rate only after a count: "15 a year", "twice a week"
    if re.match(r"-", text[match.end() :]):
        return None
    return {"rel": "set", "value": SETS[phrase]}


def _reference(match: re.Match, text: str) -> dict | None:
    phrase = re.sub(r"\s+", " ", match.group("ref").lower())
    after = text[match.end() : match.end() + 2]
    before = previous_word(text, match.start())
    if (
        after[:1] in ("-", "–")
        or (phrase == "soon" and before == "as")
        or (phrase == "recent" and before in ("most", "more"))
    ):
        return None  # "now-cancelled", "as soon as", "the most recent model"  # fmt: skip
    if phrase == "later" and _LATER_NOT_ALONE.match(text, match.end()):
        return None  # "later than planned"; "later today" is one date
    return {"rel": "ref", "value": REFERENCES[phrase]}


_LATER_NOT_ALONE = re.compile(
    rf"\s+(?:than\b|(?i:today|tonight|yesterday|tomorrow|this|that|next|last)\b|{_WD}|(?:{_FULL_MONTH})\b)"
)
# Verbs and prepositions after which "the day" is the trading (or reported) day: "ended the day at 8,017".
_THE_DAY_BEFORE = re.compile(
    r"\b(?:end|ends|ended|ending|finish|finishes|finished|finishing|close|closes|closed|closing|start|starts|"
    r"started|starting|begin|begins|began|beginning|open|opens|opened|opening|for|in|during|throughout|of)\s+$",
    re.I,
)


def _the_day(match: re.Match, text: str) -> dict | None:
    if not _THE_DAY_BEFORE.search(text[max(0, match.start() - 15) : match.start()]):
        return None
    return {"rel": "shift", "unit": "day", "count": 0, "from": "paragraph_or_published"}


def _frame_of_unit(match: re.Match, text: str) -> dict:
    """'the beginning of the year', 'the end of the month', 'the start of the day': the current one."""
    unit = match.group("unit").lower()
    return {"rel": "shift", "unit": unit, "count": 0, "frame": match.group("frame").lower(),
            **({"from": "paragraph_or_published"} if unit == "day" else {})}  # fmt: skip


_SETS_RE = alternation(SETS)
_REFS_RE = alternation(REFERENCES)

_CLOCK_COLON = rf"\b(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)(?:\s*{_AMPM})?(?:\s*{_ZONE})?{_DAY_AFTER}"
_CLOCK_MILITARY = rf"\b(?P<hour>[01]\d|2[0-3])(?P<minute>[0-5]\d)\s*{_ZONE}{_DAY_AFTER}"
_CLOCK_AMPM = rf"\b(?P<hour>1[0-2]|0?[1-9])(?:\.(?P<minute>[0-5]\d))?\s*{_AMPM}(?:\s*{_ZONE})?{_DAY_AFTER}"
_QUARTER = rf"\b(?:the\s+)?{_ORD}[\s-]+(?P<qh>(?i:quarter|half))\b{_YEAR_OF}?"
_WEEK_OF_MONTH = (
    rf"\b(?i:the)\s+(?P<ord>(?i:first|second|third|fourth|last|final))\s+week\s+of\s+{_MON}(?:,?\s+{_YEAR})?"
)
_DECADE = r"(?<![\w$])(?:(?i:the)\s+)?(?:(?P<full>(?:1[5-9]|20)\d0)s|['’]?(?P<short>\d0)s)(?!\w)"
_CENTURY = (
    r"\b(?:(?i:the)\s+)?(?P<ord>\d{1,2}(?:st|nd|rd|th)|(?i:fifteenth|sixteenth|seventeenth|eighteenth|"
    r"nineteenth|twentieth|twenty[\s-]first))[\s-]+(?i:century)\b"
)
_FRAME_OF_UNIT = (
    r"\b(?i:the\s+(?:very\s+)?(?P<frame>beginning|start|end|middle|rest|remainder|close)\s+of\s+the\s+"
    r"(?P<unit>year|month|week|day))\b"
)
_Y4 = r"(?:19|20)\d\d"
_YEAR_RANGE = rf"\b(?P<y1>{_Y4})\s*[-–]\s*(?P<y2>{_Y4})(?![\d%])"
_YEAR_SPAN = (
    rf"\b(?P<prep>(?i:from|between))\s+(?P<y1>{_Y4})\s+(?i:to|and|until|through|till)\s+"
    rf"(?P<y2>{_Y4})(?![\d%])"
)
_MONTH_SPAN = (
    rf"\b(?P<prep>(?i:from|between))\s+(?P<m1>{_FULL_MONTH})\s+(?i:to|and|until|through|till|-)\s+"
    rf"(?P<m2>{_FULL_MONTH})(?:,?\s+{_YEAR})?"
)
_DAY2 = r"(?P<day2>3[01]|[12]\d|0?[1-9])"
_MONTH_DAY_RANGE = rf"\b{_MON}\s+{_DAY}\s*[-–]\s*{_DAY2}(?!\d)(?:,?\s+{_YEAR})?"
_DAY_MONTH_RANGE = rf"\b{_DAY}\s*[-–]\s*{_DAY2}(?:st|nd|rd|th)?\s+{_MON}(?:,?\s+{_YEAR})?"

BEFORE: list[tuple[str, re.Pattern, object]] = [
    ("time", _c(_CLOCK_COLON), _clock),
    ("time", _c(_CLOCK_MILITARY), _clock),
    ("time", _c(_CLOCK_AMPM), _clock),
    ("period", _c(_QUARTER), _quarter),
    ("period", _c(rf"\bQ(?P<q>[1-4])\b(?:\s+{_YEAR})?"), _quarter),
    ("relative", _c(_WEEK_OF_MONTH), _week_of_month),
    ("period", _c(_DECADE), _decade),
    ("period", _c(_CENTURY), _century),
    ("relative", _c(_FRAME_OF_UNIT), _frame_of_unit),
    ("month", _c(rf"\b{_MON}\s+of\s+(?P<ymod>(?i:this|last|next))\s+year\b"), _month_of_year),
    ("absolute", _c(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b"), _numeric_date),
    ("year", _c(r"(?<![\w'’])['’](?P<yy>\d\d)(?![\w'’%])"), _short_year),
    ("year", _c(_YEAR_RANGE), _year_range),
    ("year", _c(_YEAR_SPAN), _year_range),
    ("month", _c(_MONTH_SPAN), _month_range),
    ("absolute", _c(_MONTH_DAY_RANGE), _day_range),
    ("absolute", _c(_DAY_MONTH_RANGE), _day_range),
]

_DURATION = rf"\b(?:{_MODS}\s+)?(?:{_FRAME}\s+)?{_COUNT}[\s-]+{_ADJ}{_UNIT}(?P<suffix>-long|-old)?\b"
_BARE_DURATION = rf"\b(?:(?P<frame>(?i:the\s+(?:past|last|next|coming)|the))\s+)?{_UNIT}(?P<suffix>-long)?\b"
_THE_DAY = (
    r"\b(?i:the)\s+day\b(?!\s+(?:of|when|that|which|on|in\s+which)\b|['’]s)"
    r"(?!\s+(?:before|after)\b(?!\s+\w+ing\b))"
)

AFTER: list[tuple[str, re.Pattern, object]] = [
    ("set", _c(rf"(?<![\w-])(?P<set>{_SETS_RE})\b"), _set),
    ("duration", _c(_DURATION), _duration),
    ("duration", _c(_BARE_DURATION), _bare_duration),
    ("reference", _c(rf"(?<![\w-])(?P<ref>{_REFS_RE})\b"), _reference),
    ("relative", _c(_THE_DAY), _the_day),
]
