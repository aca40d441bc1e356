"""Cheap tests that let `find_timexes` skip a pattern a text cannot match: words it cannot match without.

A gate is a tuple of alternatives, each a tuple of pieces that must all be in the lower-cased text. The
older gates are single words ("ago"); `phrase_gate(words)` derives one for an alternation of phrases: a
phrase's pieces are its runs of ASCII letters, digits, "-" and "'", leaving out "i" and "s" (a
case-insensitive pattern also matches them as "ı", "İ" and "ſ", which lower-case to something else), so
a text the phrase matches always holds every piece: the gate never skips a pattern that would match.
"""

from __future__ import annotations

import re

from analysis.extract.time import kinds as temporal_kinds
from analysis.extract.time import rules as temporal_rules
from analysis.extract.time.lexicon import REFERENCES, SETS

_PIECES = re.compile(r"[^a-hj-rt-z0-9'\-]+")


def phrase_gate(phrases) -> tuple[tuple[str, ...], ...]:
    """The gate of an alternation of `phrases`: for each, the pieces a matching text holds."""
    gate = {tuple(p for p in _PIECES.split(str(phrase).lower()) if p) for phrase in phrases}
    if () in gate:
        raise ValueError(f"no piece to test for in one of {sorted(map(str, phrases))}")
    return tuple(sorted(gate))


def _words(*words: str) -> tuple[tuple[str, ...], ...]:
    return tuple((w,) for w in words)


_MONTH_KEYS = _words("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_UNIT_KEYS = _words(
    *"second minute hour day night week fortnight month quarter year decade centur".split()  # noqa: SIM905
)
_DIGITS = _words(*"0123456789")
_DAY_WORDS = phrase_gate(["day", "morning", "afternoon", "evening", "night", "week", "month", "year"])
# Words (lower case) a pattern cannot match without: a text that has none of them skips the pattern.
GATES = {
    temporal_rules._read_day_month: _MONTH_KEYS,
    temporal_rules._read_month_year: _MONTH_KEYS,
    temporal_rules._read_month: _MONTH_KEYS,
    temporal_rules._read_weekday: _words("day"),
    temporal_rules._read_season: _words("spring", "summer", "autumn", "fall", "winter"),
    temporal_rules._read_ago: _words("ago"),
    temporal_rules._read_later: _words("later", "earlier"),
    temporal_rules._read_year: _DIGITS,
    temporal_rules._read_iso: _DIGITS,
    temporal_rules._read_day_word: phrase_gate(
        [
            "yesterday",
            "tomorrow",
            "today",
            "tonight",
            "last night",
            "this morning",
            "this afternoon",
            "this evening",
        ]  # fmt: skip
    ),
    temporal_rules._read_calendar_unit: phrase_gate(["week", "month", "year"]),  # "weekend" holds "week"
    temporal_rules._read_weekend: phrase_gate(["weekend"]),
    temporal_rules._read_overnight: phrase_gate(["overnight"]),
    temporal_rules._read_next_day: _DAY_WORDS,  # every form ends in one of these words
    temporal_kinds._duration: _UNIT_KEYS,
    temporal_kinds._bare_duration: _UNIT_KEYS,
    temporal_kinds._clock: _DIGITS,
    temporal_kinds._month_range: _MONTH_KEYS,
    temporal_kinds._day_range: _MONTH_KEYS,
    temporal_kinds._month_of_year: _MONTH_KEYS,
    temporal_kinds._week_of_month: _words("week"),
    temporal_kinds._frame_of_unit: _words(" of the "),
    temporal_kinds._decade: _DIGITS,
    temporal_kinds._century: _words("century"),
    temporal_kinds._numeric_date: _words("/"),
    temporal_kinds._short_year: _words("'", "’"),
    temporal_kinds._year_range: _DIGITS,
    temporal_kinds._quarter: _words("quarter", "half", "q"),
    temporal_kinds._the_day: _words("the day"),
    temporal_kinds._set: phrase_gate(SETS),
    temporal_kinds._reference: phrase_gate(REFERENCES),
}


_PIECES_OF_ALL = tuple(sorted({p for gate in GATES.values() for pieces in gate for p in pieces}))
_GATED = frozenset(reader for reader, gate in GATES.items() if gate)  # no gate: never closed
# piece -> (reader, alternative) for every alternative of a gate, filed under its first piece: an alternative
# the text holds has that piece too, so only the alternatives of the pieces present need a look
_OPENS: dict[str, list[tuple[object, frozenset[str]]]] = {}
for _reader, _gate in GATES.items():
    for _pieces in _gate:
        _OPENS.setdefault(_pieces[0], []).append((_reader, frozenset(_pieces)))


def closed(lower: str) -> frozenset:
    """The readers whose pattern the gate says `lower` (a lower-cased text) cannot match."""
    present = frozenset([p for p in _PIECES_OF_ALL if p in lower])
    return _GATED - {reader for p in present for reader, pieces in _OPENS.get(p, ()) if pieces <= present}
