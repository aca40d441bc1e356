"""The patterns that find time expressions in English text, each with a reader that returns its parts.

A reader gets the match and the whole text (to look at the context) and returns the parts the resolver
needs, or None to refuse the match (a number that is a quantity, not a year; "Black Friday"). Patterns
are tried in order and earlier ones win overlaps, so longer forms ("Thursday, August 21, 2025") come
before their pieces ("Thursday", "2025").
"""

from __future__ import annotations

import re

from analysis.extract.time.lexicon import GENERIC_TODAY_BEFORE

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}  # fmt: skip
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
# Words before a four-digit number that make it a quantity ("nearly 2000 drones"), not a year.
_QUANTIFIER_WORDS = (
    "nearly about around some over than to almost least approximately roughly only just no. number"
    " article resolution page flight"
)
QUANTIFIERS = frozenset(_QUANTIFIER_WORDS.split())
# A four-digit number followed by these is a time of day ("at 1900 GMT").
CLOCK_AFTER = re.compile(r"\s*(?:GMT|UTC|BST|CET|EST|EDT|ET|PT|hrs|hours|h|local time)\b")
# Named days that are not the plain weekday ("Black Friday", "Good Friday").
NAMED_DAYS = {"black", "cyber", "good", "bloody", "super", "ash", "holy", "maundy"}

_FULL_MONTH = "January|February|March|April|May|June|July|August|September|October|November|December"
_MON = rf"(?P<mon>{_FULL_MONTH}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
_WD = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?P<day>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?![\d%])"
_NUM = r"(?P<num>\d{1,2}|(?i:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve))"
_UNIT = r"(?P<unit>(?i:day|week|month|year))s?"
_PART_OF_DAY = r"(?:\s+(?P<pod>morning|afternoon|evening|night))?"
# Prepositions TimeML leaves out of a span; the `prep` group of a pattern is cut off
# (analysis.extract.time.expressions).
_PREP = "(?P<prep>(?i:in|since|until|till|by|from|during|through|before|after|of|on|at|over|for|between))"
# Capitalised month names that are rarely anything else stand alone ("reported their January sales");
# "May", "April", "June" and "August" (names, a verb, an adjective) need a preposition or a modifier.
_PLAIN_MONTH = "January|February|March|July|September|October|November|December"


def _wd(match: re.Match) -> int | None:
    name = match.groupdict().get("wd")
    return WEEKDAYS[name.lower()] if name else None


def _year_of(match: re.Match) -> int | None:
    year = match.groupdict().get("year")
    return int(year) if year else None


def _read_iso(match: re.Match, text: str) -> dict | None:
    year, month, day = (int(g) for g in match.groups())
    return {"year": year, "month": month, "day": day} if 1 <= month <= 12 and 1 <= day <= 31 else None


def _read_day_month(match: re.Match, text: str) -> dict:
    return {
        "month": MONTHS[match.group("mon").rstrip(".").lower()],
        "day": int(match.group("day")),
        "year": _year_of(match),
        "weekday": _wd(match),
    }


def _read_month_year(match: re.Match, text: str) -> dict:
    return {"month": MONTHS[match.group("mon").rstrip(".").lower()], "year": int(match.group("year"))}


def _read_month(match: re.Match, text: str) -> dict | None:
    modifier = (match.group("mod") or match.group("mod2") or "").lower()
    prep = (match.group("prep") or "").lower()
    if not (modifier or prep) and match.group("mon") not in _PLAIN_MONTH.split("|"):
        return None  # a bare "May" or "June" may be a name
    if prep == "of" and previous_word(text, match.start()) == "as":
        prep = "since"  # "as of February"
    return {
        "month": MONTHS[match.group("mon").rstrip(".").lower()],
        "modifier": modifier
        if modifier in ("last", "next")
        else prep
        if prep in ("since", "until", "by")
        else "",
        "prep": prep,
    }


def previous_word(text: str, start: int) -> str:
    """The word just before offset `start` of `text`, lower-cased, without quotes and commas."""
    words = text[max(0, start - 30) : start].split()
    return words[-1].lower().strip("(\"'“‘,") if words else ""


# A weekday that names a deadline looks forward like "by Friday": "a Thursday deadline", "set Thursday as
# a deadline", "a deadline of Thursday".
_DEADLINE_AFTER = re.compile(
    r"(?:'s|’s)?\s+deadline\b|[^.;!?]{0,40}?\bas\s+(?:a|the|its|his|her|their)\s+deadline\b"
)
_DEADLINE_BEFORE = re.compile(r"\bdeadline\s+of\s+$", re.I)


def _read_weekday(match: re.Match, text: str) -> dict | None:
    previous = previous_word(text, match.start())
    if previous in NAMED_DAYS:
        return None
    if previous == "the" and re.match(r"\s+[A-Z]", text[match.end() :]):
        return None  # a title: "the Sunday Times"
    modifier = (match.group("mod") or "").lower()
    prep = (match.group("prep") or "").lower()
    if prep in ("since", "by", "until", "till"):
        modifier = "until" if prep == "till" else prep
    if modifier not in ("last", "next", "since") and _names_deadline(match, text):
        modifier = "by"
    pod = match.group("pod")
    return {
        "weekday": _wd(match),
        "modifier": modifier if modifier in ("last", "next", "since", "by", "until") else "",
        "prep": prep,
        **({"part_of_day": pod.lower()} if pod else {}),
    }


def _names_deadline(match: re.Match, text: str) -> bool:
    return bool(
        _DEADLINE_AFTER.match(text, match.end())
        or _DEADLINE_BEFORE.search(text[max(0, match.start("wd") - 20) : match.start("wd")])
    )


def _read_year(match: re.Match, text: str) -> dict | None:
    before = text[max(0, match.start() - 2) : match.start()]
    if before[-1:] and (before[-1] in "$€£#/.,:" or before[-1].isalnum()):
        return None
    if before[-1:] == "-" and not before[:1].isalpha():
        return None  # "2022-2023" is caught from its first year; "mid-2024" is kept
    after = text[match.end() : match.end() + 2]
    if after[:1] in ("-", "/") and after[1:2].isdigit() and text[match.end() + 1 : match.end() + 5].isdigit():
        pass  # a range "2022-2023" starts with a year
    elif after[:1].isalpha() or after[:2] in (",0", ",1", ",2", ",3", ",4", ",5", ",6", ",7", ",8", ",9"):
        return None  # "2020s", "2,025"
    previous = previous_word(text, match.start())
    if (
        previous in QUANTIFIERS
        or CLOCK_AFTER.match(text, match.end())
        or in_a_name(text, match.start(), match.end())
    ):
        return None
    return {"year": int(match.group("year"))}


# Capitalised words that may stand before a year without making it part of a name ("In 2009 Apple ...").
_NOT_NAME_WORDS = frozenset(
    "in since by from until till of for during the after before on at and or to as early late mid last"  # noqa: SIM905
    " next this than between through around about".split()
)


def in_a_name(text: str, start: int, end: int) -> bool:
    """True when the number at text[start:end] is inside a proper name: a capitalised word before it and
    one after it ("the Russell 2000 Index", "Windows 2000 Server"), or a capitalised word right before a
    short year ("iLife '11")."""
    before = text[max(0, start - 30) : start].split()
    word = before[-1].strip("\"'“‘(") if before else ""
    if not word or word.lower() in _NOT_NAME_WORDS | set(MONTHS) | set(WEEKDAYS):
        return False
    if text[start] in "'’":
        return any(c.isupper() for c in word)
    if not word[0].isupper():
        return False
    after = re.match(r"\s+([A-Z][a-z]+)", text[end:])
    return bool(after) and after.group(1).lower() not in set(MONTHS) | set(WEEKDAYS)


def _read_day_word(match: re.Match, text: str) -> dict:
    """'yesterday', 'this morning', 'tonight', 'tomorrow evening'; "in today's world" is the present."""
    words = match.group(0).lower().split()
    possessive = re.match(r"['’]s\s", text[match.end() :])
    if words == ["today"] and possessive and previous_word(text, match.start()) in GENERIC_TODAY_BEFORE:
        return {"rel": "ref", "value": "PRESENT_REF"}
    count = {"yesterday": -1, "last": -1, "tomorrow": 1}.get(words[0], 0)
    part = "night" if words[0] == "tonight" else words[-1] if len(words) > 1 else None
    return {"rel": "shift", "unit": "day", "count": count, **({"part_of_day": part} if part else {})}


# "overnight" is a noun-modifier in finance ("the overnight rate"), not a time.
_NOT_OVERNIGHT = re.compile(
    r"\s+(?i:rates?|lending|deposits?|index|swaps?|funding|repos?|markets?|trading|stays?|success)\b"
)


def _read_overnight(match: re.Match, text: str) -> dict | None:
    """'overnight', 'overnight strikes': the night before the publication date."""
    if _NOT_OVERNIGHT.match(text, match.end()):
        return None
    return {"rel": "overnight"}


def _read_calendar_unit(match: re.Match, text: str) -> dict | None:
    """'last week', 'earlier this month', 'next year': a calendar unit next to the publication date."""
    if previous_word(text, match.start()) in ("the", "over", "for", "during", "throughout", "within", "past"):
        return None  # "over the last year" is a duration
    modifier = match.group("mod").lower()
    count = -1 if modifier in ("last", "this past") else 1 if modifier == "next" else 0
    return {"rel": "shift", "unit": match.group("unit").lower(), "count": count, "modifier": modifier}


def _read_weekend(match: re.Match, text: str) -> dict | None:
    """'over the weekend', 'at the weekend': the weekend nearest the publication date, by tense."""
    return {"rel": "shift", "unit": "weekend", "count": 0}


def _read_season(match: re.Match, text: str) -> dict | None:
    """'last summer', 'in the spring of 2024', 'autumn 2023' (winter spans two years: not read)."""
    season = match.group("season").lower()
    modifier = (match.group("mod") or "").lower()
    prep = (match.group("prep") or "").lower()
    year = _year_of(match)
    if not year and not modifier and not prep:
        return None  # "a spring offensive"
    ambiguous = season in ("fall", "spring") and not year and modifier not in ("last", "next", "this")
    if ambiguous and not re.match(r"[^\S\n]*(?:[.,;:)]|$|and\b|when\b)", text[match.end() :]):
        return None  # "in the fall of Bakhmut", "in spring water"
    return {"rel": "season", "season": season, "modifier": modifier, "year": year, "prep": prep}


def _count(match: re.Match) -> int:
    num = match.group("num").lower()
    return int(num) if num.isdigit() else NUMBERS[num]


def _read_ago(match: re.Match, text: str) -> dict:
    unit = match.group("unit").lower()
    return {
        "rel": "shift",
        "unit": unit,
        "count": -_count(match),
        **({"exact": True} if unit == "week" else {}),
    }


def _read_later(match: re.Match, text: str) -> dict:
    sign = 1 if match.group("dir").lower() == "later" else -1
    return {
        "rel": "shift",
        "unit": match.group("unit").lower(),
        "count": sign * _count(match),
        "from": "paragraph",
    }


def _read_next_day(match: re.Match, text: str) -> dict | None:
    words = match.group(0).lower().split()
    unit = (match.groupdict().get("unit") or "day").lower()
    if unit in ("month", "year") and previous_word(text, match.start()) in (
        "over",
        "for",
        "during",
        "within",
    ):
        return None  # "over the next year": a duration
    count = -1 if any(w in words for w in ("previous", "preceding", "before", "eve")) else 0
    if any(w in words for w in ("next", "following", "after")):
        count = 1
    part = unit if unit in ("morning", "afternoon", "evening", "night") else None
    unit = "day" if part else unit
    source = "paragraph_or_published" if unit in ("month", "year") else "paragraph"
    return {
        "rel": "shift",
        "unit": unit,
        "count": count,
        "from": source,
        **({"part_of_day": part} if part else {}),
    }


def _c(pattern: str) -> re.Pattern:
    """Compile a pattern whose spaces never cross a line break: "November\n\n22:10 GMT" is a month
    heading and a time, not November 22."""
    pattern = pattern.replace(r"[\s-]", r"(?:[^\S\n]|-)").replace(r"\s", r"[^\S\n]")
    return re.compile(pattern)


_WD_PREFIX = rf"(?:{_WD},?\s+)?"
# "the day after the vote" names a day; "the day after falling 250 points" is "the day", then a clause.
_NOT_A_NOUN_AFTER = r"(?!\s+(?:the|a|an|his|her|their|its|this|that|\w+ing\b|(?-i:[A-Z0-9])))"

PATTERNS: list[tuple[str, re.Pattern, object]] = [
    ("absolute", _c(r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)"), _read_iso),
    ("absolute", _c(rf"\b{_WD_PREFIX}{_MON}\s+{_DAY}(?:,?\s+{_YEAR})?"), _read_day_month),
    (
        "absolute",
        _c(rf"\b{_WD_PREFIX}(?:the\s+)?{_DAY}(?:\s+of)?\s+{_MON}(?:,?\s+{_YEAR})?"),
        _read_day_month,
    ),
    (
        "month",
        _c(rf"\b(?:(?i:early|mid|late|the end of|the start of)[\s-]+)?{_MON},?\s+{_YEAR}"),
        _read_month_year,
    ),
    (
        "month",
        _c(
            rf"\b(?:{_PREP}\s+(?:(?P<mod>(?i:early|late|mid|last|next|this))[\s-]+)?"
            rf"|(?P<mod2>(?i:early|late|mid|last|next|this))[\s-]+)?(?P<mon>{_FULL_MONTH})\b"
        ),
        _read_month,
    ),  # fmt: skip
    (
        "weekday",
        _c(
            rf"\b(?:{_PREP}\s+)?(?:(?P<mod>(?i:last|next|this|early|late|coming|past))\s+)?{_WD}{_PART_OF_DAY}"
            r"(?:'s|’s)?"
        ),
        _read_weekday,
    ),  # fmt: skip
    (
        "relative",
        _c(
            r"\b(?i:(?:yesterday|tomorrow)(?:\s+(?:morning|afternoon|evening|night))?|today|tonight"
            r"|last night|this (?:morning|afternoon|evening))\b"
        ),
        _read_day_word,
    ),
    (
        "relative",
        _c(
            r"\b(?P<mod>(?i:last|next|this past|this|earlier this|later this|earlier in the|later in the))\s+"
            r"(?P<unit>(?i:weekend|week|month|year))\b"
        ),
        _read_calendar_unit,
    ),  # fmt: skip
    ("relative", _c(r"\b(?P<prep>(?i:over|at|during|on|for))\s+the\s+weekend\b"), _read_weekend),
    ("relative", _c(r"\b(?i:overnight)\b"), _read_overnight),
    (
        "relative",
        _c(
            r"\b(?:(?P<prep>(?i:in|during|by|until|since|through|over|for))\s+(?i:the\s+)?)?"
            r"(?:(?P<mod>(?i:last|next|this|early|late|the coming|the past))\s+)?"
            rf"(?P<season>(?i:spring|summer|autumn|fall|winter))(?:(?:\s+of)?\s+{_YEAR})?"
        ),
        _read_season,
    ),  # fmt: skip
    ("year", _c(rf"\b{_YEAR}"), _read_year),
    ("relative", _c(rf"\b{_NUM}\s+{_UNIT}\s+(?i:ago)\b"), _read_ago),
    ("relative", _c(rf"\b{_NUM}\s+{_UNIT}\s+(?P<dir>(?i:later|earlier))\b"), _read_later),
    (
        "relative",
        _c(
            r"\b(?i:the\s+(?:next|following|previous|preceding|same)\s+(?P<unit>day|morning|afternoon|evening|night|week|month|year)"
            rf"|the\s+day\s+(?:before|after){_NOT_A_NOUN_AFTER}|that\s+(?:same\s+)?(?:day|morning|afternoon|evening|night))\b"
        ),
        _read_next_day,
    ),  # fmt: skip
]
