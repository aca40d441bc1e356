"""`finditer` on normalised text, run only where a match can start: the same matches, found faster.

A topic regex scans the whole article once per rule (about seventy per article). Most of them can only
match at the start of a word that opens with one of a few literal strings: the term lists of
`compile_terms` ("cease fire", "negotiat*") and most hand-written rules (`\\b(give|hand) ...`). For such
a pattern `literal_starts` reads, from the parsed regex, the literals every match begins with; `find_all`
then tries `pattern.match` only at the word starts of the text that open with one of them (found in a
`WordIndex` built once per text) instead of letting the regex engine try every position.

Why the matches are the same: a match of `finditer` is the leftmost match at or after the end of the
previous one; every position where a match can begin is among the candidates, so the first candidate at or
after that point where `pattern.match` succeeds is that match (`match(text, pos)` sees the characters
before `pos`, so look-behinds and `\\b` behave as in a scan). Patterns whose starts cannot be proven
(a leading `\\d+`, case-insensitive flags, ...) run as `finditer` does.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

try:
    from re import _constants as C
    from re import _parser
except ImportError:  # Python before 3.11
    import sre_constants as C
    import sre_parse as _parser

_WORDS = re.compile(r"\w+")
_SPLIT = re.compile(r"(\W+)")
_WORD_CHAR = re.compile(r"\w")
_KEY = 3  # words are indexed by their first three characters
_MAX_STATES = 256  # literal prefixes followed at once; more: the pattern runs as finditer
_FLAGS = re.IGNORECASE | re.ASCII | re.LOCALE
_NOT_AFTER_WORD = (-1, [(C.IN, [(C.CATEGORY, C.CATEGORY_WORD)])])  # (?<!\w)
_NOT_BEFORE_WORD = (1, [(C.IN, [(C.CATEGORY, C.CATEGORY_WORD)])])  # (?!\w)
_ANY = [(C.CATEGORY, C.CATEGORY_WORD), (C.CATEGORY, C.CATEGORY_NOT_WORD)]
_FIRST_NOT_AFTER_WORD = (-1, [(C.IN, [(C.CATEGORY, C.CATEGORY_WORD)]), (C.IN, _ANY)])  # c(?<!\w[\w\W])
_REPEATS = {C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT)}


class _GiveUp(Exception):
    pass


def _same(node, shape) -> bool:
    direction, sub = node
    return direction == shape[0] and list(sub) == shape[1]


def _walk(items, states: list[tuple]) -> list[tuple]:
    """States after `items`: (literal prefix so far, the match starts at a word start, the prefix is
    complete, the prefix's first word is known to end where the prefix ends)."""
    for op, av in items:
        live = [s for s in states if not s[2]]
        if not live:
            return states
        done = [s for s in states if s[2]]
        if op is C.LITERAL:
            live = [(p + chr(av), a, False, e) for p, a, _, e in live]
        elif op is C.IN and all(o is C.LITERAL for o, _ in av):
            live = [(p + chr(c), a, False, e) for p, a, _, e in live for _, c in av]
        elif op is C.AT:
            start = av in (C.AT_BOUNDARY, C.AT_BEGINNING, C.AT_BEGINNING_STRING)
            ends = av == C.AT_BOUNDARY
            live = [(p, a or (start and not p), False, e or (ends and _one_word(p))) for p, a, _, e in live]
        elif op in (C.ASSERT, C.ASSERT_NOT):
            behind = op is C.ASSERT_NOT and _same(av, _NOT_AFTER_WORD)
            first = op is C.ASSERT_NOT and _same(av, _FIRST_NOT_AFTER_WORD)
            ends = op is C.ASSERT_NOT and _same(av, _NOT_BEFORE_WORD)
            live = [
                (p, a or (behind and not p) or (first and len(p) == 1), False, e or (ends and _one_word(p)))
                for p, a, _, e in live
            ]
        elif op is C.SUBPATTERN:
            if av[1] or av[2]:  # a group with flags of its own
                raise _GiveUp
            live = _walk(av[3], live)
        elif op is C.BRANCH:
            live = [s for branch in av[1] for s in _walk(branch, live)]
        elif op in _REPEATS and av[0] >= 1:
            live = [(p, a, True, e) for p, a, _, e in _walk(av[2], live)]
        else:  # anything else ends the literal prefix here
            live = [(p, a, True, e) for p, a, _, e in live]
        states = done + live
        if len(states) > _MAX_STATES:
            raise _GiveUp
    return states


def _one_word(prefix: str) -> bool:
    return bool(prefix) and _WORDS.fullmatch(prefix) is not None


# (index key, the key is the whole word) -> the literals a match can begin with
Starts = dict[tuple[str, bool], tuple[str, ...]]
_STARTS: dict[tuple[str, int], Starts | None] = {}
# `Starts` as `find_all` looks them up: {index key: literals} for the keys whose words the index files
# under the key itself, and (key, literals) for the short keys that longer words begin with
Plan = tuple[dict[str, tuple[str, ...]], tuple[tuple[str, tuple[str, ...]], ...]]
_PLANS: dict[tuple[str, int], Plan | None] = {}


def literal_starts(rx: re.Pattern) -> Starts | None:
    """Where a match of `rx` can begin, when every match starts at a word start with one of a few literals:
    {(index key, whole word): literals}; None when that cannot be read from the pattern. Cached."""
    key = (rx.pattern, rx.flags)
    if key not in _STARTS:
        _STARTS[key] = _starts(rx)
    return _STARTS[key]


def _plan(rx: re.Pattern) -> Plan | None:
    key = (rx.pattern, rx.flags)
    if key not in _PLANS:
        starts = literal_starts(rx)
        words: dict[str, set[str]] = {}
        prefixes = []
        for (word, whole), literals in (starts or {}).items():
            if len(word) >= _KEY or whole:  # filed under the key itself (`WordIndex.positions`)
                words.setdefault(word, set()).update(literals)
            else:
                prefixes.append((word, literals))
        plan = {w: tuple(sorted(v)) for w, v in words.items()}, tuple(prefixes)
        _PLANS[key] = plan if starts is not None else None
    return _PLANS[key]


def _starts(rx: re.Pattern) -> Starts | None:
    if not isinstance(rx.pattern, str) or rx.flags & _FLAGS:
        return None
    try:
        states = _walk(_parser.parse(rx.pattern, rx.flags), [("", False, False, False)])
    except (_GiveUp, re.error, RecursionError):
        return None
    if not states or not all(p and a and _WORD_CHAR.match(p[0]) for p, a, _, _ in states):
        return None
    out: dict[tuple[str, bool], set[str]] = {}
    for prefix, _, _, ends in states:
        word = _WORDS.match(prefix).group(0)
        whole = ends or len(word) < len(prefix)  # a character that is no word character follows it
        out.setdefault((word[:_KEY], whole and len(word) < _KEY), set()).add(prefix)
    return {k: tuple(sorted(v)) for k, v in out.items()}


class WordIndex:
    """The start of every word (run of `\\w`) of a text, by the word's first three characters (a shorter
    word: the word). `masked`: sorted (start, end) spans blanked out since (their words are gone)."""

    def __init__(self, text: str, by_key: dict[str, list[int]] | None = None, masked=()):
        self.text = text
        if by_key is None:  # split, not finditer: no match object per word, twice as fast
            by_key = {}
            pieces = _SPLIT.split(text)  # words at the even places, what separates them at the odd
            starts = list(accumulate(map(len, pieces), initial=0))[::2]
            for word, start in zip(pieces[::2], starts, strict=True):
                if word:
                    by_key.setdefault(word[:_KEY], []).append(start)
        self.by_key = by_key
        self.masked = list(masked)
        self._short: dict[str, list[int]] = {}

    def positions(self, key: str, whole: bool) -> list[int]:
        """Starts of the words filed under `key`; with a key shorter than three characters, of the words
        that begin with it (`whole`: only of the word itself)."""
        if len(key) >= _KEY or whole:
            found = self.by_key.get(key, [])
        else:
            found = self._short.get(key)
            if found is None:
                found = [p for k, ps in self.by_key.items() if k.startswith(key) for p in ps]
                self._short[key] = found
        if self.masked:
            found = [p for p in found if not _inside(p, self.masked)]
        return found

    def without(self, spans: list[tuple[int, int]], text: str) -> WordIndex:
        """The index of `text`: this text with `spans` (each a whole run of words) blanked out."""
        return WordIndex(text, self.by_key, sorted([*self.masked, *spans]))


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    i = bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


_INDEXES: dict[int, WordIndex] = {}  # id(text) -> its index (the index holds the text: ids stay unique)


def word_index(text: str) -> WordIndex:
    index = _INDEXES.get(id(text))
    if index is None or index.text is not text:
        index = _remember(WordIndex(text))
    return index


def _remember(index: WordIndex) -> WordIndex:
    if len(_INDEXES) > 32:  # one article's text and its masked copies are in use at a time
        _INDEXES.clear()
    _INDEXES[id(index.text)] = index
    return index


def find_all(rx: re.Pattern, text: str) -> list[re.Match]:
    """`list(rx.finditer(text))`, trying only the word starts where a match can begin."""
    plan = _plan(rx)
    if plan is None:
        return list(rx.finditer(text))
    words, prefixes = plan
    index = word_index(text)
    candidates = set()
    for key in index.by_key.keys() & words.keys():  # the few keys of the pattern that the text holds
        literals = words[key]
        candidates.update(p for p in index.by_key[key] if text.startswith(literals, p))
    for key, literals in prefixes:
        candidates.update(p for p in index.positions(key, False) if text.startswith(literals, p))
    if index.masked and candidates:
        candidates = {p for p in candidates if not _inside(p, index.masked)}
    out, end = [], 0
    for p in sorted(candidates):
        if p >= end:
            m = rx.match(text, p)
            if m is not None:
                out.append(m)
                end = m.end()
    return out


def blank_out(rx: re.Pattern, text: str) -> str:
    """`rx.sub(lambda m: " " * len(m.group(0)), text)`: the matches replaced by as many spaces."""
    spans = [m.span() for m in find_all(rx, text)]
    if not spans:
        return text
    pieces, last = [], 0
    for start, end in spans:
        pieces += [text[last:start], " " * (end - start)]
        last = end
    masked = "".join([*pieces, text[last:]])
    whole_words = all(
        (s == 0 or not _WORD_CHAR.match(text[s - 1])) and (e == len(text) or not _WORD_CHAR.match(text[e]))
        for s, e in spans
    )
    if whole_words:  # the other words are untouched: the index of the text, less the blanked words
        _remember(word_index(text).without(spans, masked))
    return masked
