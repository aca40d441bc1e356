"""A spaCy token `Matcher` that only runs where a match can be: the same matches, found faster.

spaCy's Matcher tries every pattern at every token; with set predicates ({"ORTH": {"IN": [...]}}) that is a
Python call per token and pattern, which made the actor ruler's two dozen collective patterns ("Egyptian
mediators") cost as much as the rest of the ruler. `AnchoredMatcher` sorts patterns into three groups:

- anchored: fixed length (no "OP") and tokens that must have a given LOWER/ORTH/TEXT value (or one of a
  set): the matcher runs only on the few windows where every such token has its value;
- gated: one token whose TEXT/ORTH must match a regex that is a literal string (optionally after "^"): the
  matcher runs on the Doc only when one of its tokens contains that string;
- plain: every other pattern, run on the whole Doc as before.

Token predicates look at one token only, so a match inside a window is a match of the Doc and every match
of an anchored pattern lies inside the window its anchored tokens open: the set of matches is the same.
"""

from __future__ import annotations

import re

import numpy as np
from spacy.attrs import LOWER, ORTH
from spacy.matcher import Matcher

_ANCHOR_ATTRS = {"LOWER": LOWER, "ORTH": ORTH, "TEXT": ORTH}
_LITERAL = re.compile(r"\^?((?:[^\\.^$*+?{}\[\]|()]|\\[^A-Za-z0-9])+)")


def _upper(spec: dict) -> dict:
    return {str(k).upper(): v for k, v in spec.items()}


def _anchor(pattern: list[dict]) -> tuple[tuple[int, int, frozenset[str]], ...] | None:
    """(offset, attribute, values) of each token of a fixed-length pattern that must have one of a few
    values; None when the length is not fixed or no token has such a value."""
    if not pattern or any("OP" in _upper(t) for t in pattern):
        return None
    found = ((i, _values(_upper(token))) for i, token in enumerate(pattern))
    return tuple((i, *v) for i, v in found if v is not None) or None


def _values(spec: dict) -> tuple[int, frozenset[str]] | None:
    """(attribute, values) one token must have (a LOWER/ORTH/TEXT value or set of values), or None."""
    for key, attr in _ANCHOR_ATTRS.items():
        value = spec.get(key)
        if isinstance(value, str):
            return attr, frozenset([value])
        if isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list | tuple):
            return attr, frozenset(str(v) for v in value["IN"])
    return None


def _gate(pattern: list[dict]) -> str | None:
    """The literal a one-token regex pattern needs in a token ("^U\\.S\\.-" needs "U.S.-"), or None."""
    if len(pattern) != 1:
        return None
    spec = _upper(pattern[0])
    if set(spec) not in ({"TEXT"}, {"ORTH"}):
        return None
    value = next(iter(spec.values()))
    if not isinstance(value, dict) or set(value) != {"REGEX"} or not isinstance(value["REGEX"], str):
        return None
    match = _LITERAL.fullmatch(value["REGEX"])
    return re.sub(r"\\(.)", r"\1", match.group(1)) if match else None


def first_opening(doc, patterns: list[list[dict]]) -> int:
    """The first token of `doc` at which a match of `patterns` can start: each must open with a token that
    has one of a few LOWER/ORTH/TEXT values (no "OP" that lets it be skipped), else 0; len(doc) when no token
    opens one. A `Matcher` run on `doc[first:]` finds the matches it finds on `doc`, in the same order: no
    match starts before, and no partial match is pending there."""
    openings: dict[int, set[str]] = {}
    for pattern in patterns:
        first = _upper(pattern[0]) if pattern else {}
        values = _values(first) if first.get("OP", "+") == "+" else None
        if values is None:
            return 0
        openings.setdefault(values[0], set()).update(values[1])
    if not openings or not len(doc):
        return 0
    attrs = sorted(openings)
    columns = doc.to_array(attrs).reshape(len(doc), len(attrs))
    hits = np.zeros(len(doc), dtype=bool)
    for j, attr in enumerate(attrs):
        hashes = np.array([doc.vocab.strings.add(v) for v in openings[attr]], dtype=np.uint64)
        hits |= np.isin(columns[:, j], hashes)
    found = np.flatnonzero(hits)
    return int(found[0]) if len(found) else len(doc)


class AnchoredMatcher:
    """Drop-in for the `Matcher` of an `EntityRuler`: `add(key, patterns)` and `matcher(doc)` -> (key, start,
    end) tuples (in another order than spaCy's; the entity ruler sorts them)."""

    def __init__(self, vocab):
        self.vocab = vocab
        self.plain = Matcher(vocab, validate=False)
        self.anchored = Matcher(vocab, validate=False)
        self.gated: dict[str, Matcher] = {}
        # anchored patterns by the value of their last anchored token: attribute -> value hash -> (pattern
        # length, offset of that token, the other anchored tokens as (offset, attribute, value hashes))
        self.anchors: dict[int, dict[int, list[tuple[int, int, tuple]]]] = {}
        self.attrs: set[int] = set()  # the attributes anchored tokens test
        self.width = 0  # longest anchored pattern

    def __len__(self) -> int:
        return len(self.plain) + len(self.anchored) + sum(len(m) for m in self.gated.values())

    def _normalize_key(self, key):
        return self.plain._normalize_key(key)

    def add(self, key, patterns, *, on_match=None, greedy=None) -> None:
        if on_match is not None or greedy is not None:
            self.plain.add(key, patterns, on_match=on_match, greedy=greedy)
            return
        for pattern in patterns:
            anchor, gate = _anchor(pattern), _gate(pattern)
            if anchor is not None:
                strings = self.vocab.strings
                hashed = [(i, attr, frozenset(strings.add(v) for v in values)) for i, attr, values in anchor]
                *others, (offset, attr, hashes) = hashed
                by_value = self.anchors.setdefault(attr, {})
                for h in hashes:
                    by_value.setdefault(h, []).append((len(pattern), offset, tuple(others)))
                self.attrs.update(a for _, a, _ in hashed)
                self.width = max(self.width, len(pattern))
                self.anchored.add(key, [pattern])
            elif gate:
                self.gated.setdefault(gate, Matcher(self.vocab, validate=False)).add(key, [pattern])
            else:
                self.plain.add(key, [pattern])

    def remove(self, key) -> None:
        for matcher in (self.plain, self.anchored, *self.gated.values()):
            if key in matcher:
                matcher.remove(key)

    def _windows(self, doc) -> list[tuple[int, int]]:
        """(start, end) token ranges, merged where they overlap, holding every place where all the anchored
        tokens of an anchored pattern have their values."""
        n = len(doc)
        if not self.anchors or not n:
            return []
        attrs = sorted(self.attrs)
        values = doc.to_array(attrs).reshape(n, len(attrs))
        col = {attr: j for j, attr in enumerate(attrs)}
        found = set()
        for attr, by_value in self.anchors.items():
            column = values[:, col[attr]]
            for p in np.flatnonzero(np.isin(column, np.fromiter(by_value, dtype=np.uint64))).tolist():
                for length, offset, others in by_value[int(column[p])]:
                    start = p - offset
                    if 0 <= start <= n - length and all(
                        int(values[start + i, col[a]]) in hashes for i, a, hashes in others
                    ):
                        found.add((start, start + length))
        windows: list[tuple[int, int]] = []
        for start, end in sorted(found):
            if windows and start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
            else:
                windows.append((start, end))
        return windows

    def __call__(self, doc, *, allow_missing: bool = False) -> list[tuple[int, int, int]]:
        found = set(self.plain(doc, allow_missing=allow_missing)) if len(self.plain) else set()
        if len(self.anchored):
            for start, end in self._windows(doc):
                window = self.anchored(doc[start:end], allow_missing=allow_missing)
                found.update((k, start + s, start + e) for k, s, e in window)
        if self.gated:
            # a token that matches holds the literal: look in the Doc's distinct token texts (no doc.text)
            strings = self.vocab.strings
            words = "\n".join(strings[int(h)] for h in np.unique(doc.to_array(ORTH)))
            for literal, matcher in self.gated.items():
                if literal in words:
                    found.update(matcher(doc, allow_missing=allow_missing))
        return sorted(found, key=lambda m: (m[1], m[2], m[0]))
