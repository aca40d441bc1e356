"""A spaCy token `Matcher` that only runs where a match can be: the same matches, found faster.

spaCy's Matcher tries every pattern at every token; with set predicates ({"ORTH": {"IN": [...]}}) that is a
Python call per token and pattern, which made the actor ruler's two dozen collective patterns ("Egyptian
mediators") cost as much as the rest of the ruler. `AnchoredMatcher` sorts patterns into three groups:

- anchored: fixed length (no "OP") and a last token that must have a given LOWER/ORTH/TEXT value (or one of a
  set): the matcher runs only on the few windows that end at such a token;
- gated: one token whose TEXT/ORTH must match a regex that is a literal string (optionally after "^"): the
  matcher runs on the Doc only when one of its tokens contains that string;
- plain: every other pattern, run on the whole Doc as before.

Token predicates look at one token only, so a match inside a window is a match of the Doc and every match
of an anchored pattern lies inside the window that ends at its last token: the set of matches is the same.
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


def _anchor(pattern: list[dict]) -> tuple[int, frozenset[str]] | None:
    """(attribute, values) the last token of a fixed-length pattern must have, or None."""
    if not pattern or any("OP" in _upper(t) for t in pattern):
        return None
    last = _upper(pattern[-1])
    for key, attr in _ANCHOR_ATTRS.items():
        value = last.get(key)
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


class AnchoredMatcher:
    """Drop-in for the `Matcher` of an `EntityRuler`: `add(key, patterns)` and `matcher(doc)` -> (key, start,
    end) tuples (in another order than spaCy's; the entity ruler sorts them)."""

    def __init__(self, vocab):
        self.vocab = vocab
        self.plain = Matcher(vocab, validate=False)
        self.anchored = Matcher(vocab, validate=False)
        self.gated: dict[str, Matcher] = {}
        self.anchors: dict[int, set[int]] = {}  # attribute -> hashes of the values a match can end on
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
                attr, values = anchor
                self.anchors.setdefault(attr, set()).update(self.vocab.strings.add(v) for v in values)
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
        if not self.anchors or not len(doc):
            return []
        attrs = sorted(self.anchors)
        values = doc.to_array(attrs).reshape(len(doc), len(attrs))
        hit = np.zeros(len(doc), dtype=bool)
        for j, attr in enumerate(attrs):
            hit |= np.isin(values[:, j], np.fromiter(self.anchors[attr], dtype=np.uint64))
        windows: list[tuple[int, int]] = []
        for end in np.flatnonzero(hit) + 1:
            start = max(0, int(end) - self.width)
            if windows and start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], int(end))
            else:
                windows.append((start, int(end)))
        return windows

    def __call__(self, doc, **kwargs) -> list[tuple[int, int, int]]:
        if kwargs:
            raise TypeError(f"AnchoredMatcher takes no options ({', '.join(kwargs)})")
        found = set(self.plain(doc)) if len(self.plain) else set()
        if len(self.anchored):
            for start, end in self._windows(doc):
                found.update((k, start + s, start + e) for k, s, e in self.anchored(doc[start:end]))
        if self.gated:
            # a token that matches holds the literal: look in the Doc's distinct token texts (no doc.text)
            strings = self.vocab.strings
            words = "\n".join(strings[int(h)] for h in np.unique(doc.to_array(ORTH)))
            for literal, matcher in self.gated.items():
                if literal in words:
                    found.update(matcher(doc))
        return sorted(found, key=lambda m: (m[1], m[2], m[0]))
