"""The vocabulary of time expressions beyond calendar dates, read from `data/timex.yaml`.

Durations' units and number words, references to the present, past and future, recurring times (sets),
parts of the day, seasons, ordinals, time zones and the prepositions TimeML leaves out of a span, with the
direction each gives a date. `alternation(words)` turns a word list into a regular-expression alternation
(longest first, spaces matching any run of spaces).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from analysis.datafile import load_yaml

LEXICON_PATH = Path(__file__).resolve().parents[2] / "data" / "timex.yaml"


@lru_cache(maxsize=1)
def lexicon() -> dict:
    """The parsed vocabulary (keys: numbers, units, references, sets, parts_of_day, seasons, ...)."""
    data = load_yaml(LEXICON_PATH.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{LEXICON_PATH}: expected a mapping of vocabulary lists")
    return data


def alternation(words) -> str:
    """A non-capturing, case-insensitive alternation of `words`, longest first: spaces match any spaces
    (never a line break), so "at  present" matches "at present"."""
    escaped = [re.escape(str(w)).replace(r"\ ", r"[^\S\n]+") for w in sorted(words, key=len, reverse=True)]
    return "(?i:" + "|".join(escaped) + ")"


def _lower_keys(mapping: dict) -> dict:
    return {str(k).lower(): v for k, v in mapping.items()}


NUMBER_WORDS: dict[str, int] = _lower_keys(lexicon()["numbers"])
VAGUE_COUNTS: list[str] = [str(w).lower() for w in lexicon()["vague_counts"]]
UNITS: dict[str, dict] = _lower_keys(lexicon()["units"])
UNIT_ADJECTIVES: list[str] = lexicon()["unit_adjectives"]
DURATION_MODIFIERS: list[str] = lexicon()["duration_modifiers"]
REFERENCES: dict[str, str] = {
    str(phrase).lower(): value for value, phrases in lexicon()["references"].items() for phrase in phrases
}
GENERIC_TODAY_BEFORE = frozenset(str(w).lower() for w in lexicon()["generic_today_before"])
SETS: dict[str, str] = _lower_keys(lexicon()["sets"])
PARTS_OF_DAY: dict[str, str] = _lower_keys(lexicon()["parts_of_day"])
SEASON_CODES: dict[str, dict] = _lower_keys(lexicon()["seasons"])
ORDINALS: dict[str, int] = _lower_keys(lexicon()["ordinals"])
TIME_ZONES: dict[str, str] = {str(k).upper(): v for k, v in lexicon()["time_zones"].items()}
PREPOSITIONS: dict[str, str] = _lower_keys(lexicon()["prepositions"])


def number(word: str) -> float | None:
    """The count a word or numeral gives ('two' 2, '12' 12, 'twenty-five' 25, 'two and a half' 2.5)."""
    word = re.sub(r"[-\s]+", " ", word.lower().strip())
    half = 0.5 if re.search(r"\band a half$", word) else 0.0
    word = re.sub(r"\s*and a half$", "", word)
    if word.replace(".", "", 1).isdigit():
        return float(word) + half
    if word in ("half", "half a", "half an"):
        return 0.5
    total = 0
    for piece in re.split(r"[-\s]+", word):
        if piece not in NUMBER_WORDS:
            return None
        value = NUMBER_WORDS[piece]
        total = total * value if piece in ("hundred", "dozen") and total else total + value
    return total + half
