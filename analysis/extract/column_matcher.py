"""The `Matcher` of the model's `attribute_ruler`, run on token columns: the same matches, found faster.

The small English model's attribute ruler maps tags to parts of speech and holds its morphology exceptions
as ~180 one-token patterns ({"TAG": "NN"}, {"TAG": "PRP", "LOWER": "his"}, {"LOWER": {"IN": [...]}}).
spaCy's Matcher tries each of them at every token, with a Python call for each set predicate: about a
sixth of the whole parse. A pattern of one token that only compares token attributes with values is a
test on columns of `Doc.to_array`, done for all tokens at once with numpy; `ColumnMatcher` does that and
leaves every other pattern to a spaCy Matcher.

Why the matches are the same: a one-token pattern matches a token exactly when each of its attributes
holds the value (or one of the values) the Matcher compares it with, which are the same string-store ids
(`StringStore.add` for a value, `get_string_id` for an "IN" list, 0/1 for a flag); the ruler sorts the
matches itself, so their order does not matter.
"""

from __future__ import annotations

import re

import numpy as np
from spacy.attrs import DEP, IS_SPACE, LOWER, NORM, ORTH, TAG
from spacy.matcher import Matcher
from spacy.strings import get_string_id

from analysis.extract.anchored import AnchoredMatcher

ATTRIBUTE_RULER = "attribute_ruler"
_STRING_COLUMNS = {"ORTH": ORTH, "TEXT": ORTH, "LOWER": LOWER, "NORM": NORM, "TAG": TAG, "DEP": DEP}
_COLUMNS = {**_STRING_COLUMNS, "IS_SPACE": IS_SPACE}
# (attribute, kind, what): "in"/"not in" the value ids of an array, or "regex" searched in the value's string
Test = tuple[int, str, object]
_KEY_ORDER = (
    TAG,
    LOWER,
    ORTH,
    NORM,
    DEP,
    IS_SPACE,
)  # the attribute a rule is filed under, when it has several


def column_tests(spec: dict, strings) -> tuple[Test, ...] | None:
    """The tests of a one-token pattern whose every key is a column with a string, a flag, {"IN": [...]},
    {"NOT_IN": [...]} or {"REGEX": ...} on a string, compared as the Matcher compares them (`StringStore.add`
    for a value, `get_string_id` for a list); None for any other pattern."""
    tests = []
    for key, value in spec.items():
        attr = _COLUMNS.get(str(key).upper())
        kind, what = _kind(value)
        if attr is None or kind is None or (kind == "regex" and attr not in _STRING_COLUMNS.values()):
            return None
        if kind == "regex":
            tests.append((attr, kind, Searched(what)))
        else:
            ids = (
                [int(what)]
                if isinstance(what, bool)
                else [strings.add(what)]
                if isinstance(what, str)
                else [get_string_id(v) for v in what]
            )
            tests.append((attr, kind, np.array(ids, dtype=np.uint64)))
    return tuple(tests)


def _kind(value) -> tuple[str | None, object]:
    if isinstance(value, bool | str):
        return "in", value
    if isinstance(value, dict) and len(value) == 1:
        ((op, what),) = value.items()
        if op == "REGEX" and isinstance(what, str):
            return "regex", what
        if (
            op in ("IN", "NOT_IN")
            and isinstance(what, list | tuple)
            and all(isinstance(v, str) for v in what)
        ):
            return ("in" if op == "IN" else "not in"), what
    return None, None


class Searched:
    """The test of a {"REGEX": ...} value: the regex is searched once per distinct string id (the answer
    is kept, as the same id is the same string), in the value's string as the Matcher searches it."""

    def __init__(self, pattern: str) -> None:
        self.rx = re.compile(pattern)
        self.found: dict[int, bool] = {}  # string id -> the regex is found in its string

    def values(self, column: np.ndarray, strings) -> np.ndarray:
        """The ids among `column` whose string the regex is found in."""
        found, hits = self.found, []
        for v in dict.fromkeys(column.tolist()):
            hit = found.get(v)
            if hit is None:
                hit = found[v] = self.rx.search(strings[v]) is not None
            if hit:
                hits.append(v)
        return np.array(hits, dtype=np.uint64)


def _holds(column: np.ndarray, test: Test, strings) -> np.ndarray:
    """Which tokens pass `test`, given the column of its attribute."""
    _, kind, what = test
    if kind == "regex":
        what = what.values(column, strings)
    hit = column == what[0] if len(what) == 1 else member(column, what)
    return ~hit if kind == "not in" else hit


_BROADCAST = 1 << 16  # comparisons up to which one broadcast `==` beats `np.isin` (which sorts)


def member(column: np.ndarray, values: np.ndarray) -> np.ndarray:
    """`np.isin(column, values)`: for the few tokens and values of a test, as one broadcast comparison,
    several times faster than `np.isin` at those sizes."""
    if len(column) * len(values) > _BROADCAST:
        return np.isin(column, values)
    return (column[:, None] == values[None, :]).any(axis=1)


class ColumnMatcher:
    """Drop-in for the Matcher of an `AttributeRuler` (`matcher(doc, allow_missing=True)`, `get(key)`,
    `len`): `matcher` keeps every pattern (the ruler reads them back from it); the column patterns of the
    keys `keys` are tested on token columns, the rest run in an `AnchoredMatcher`.

    A column pattern that requires one value of an attribute ({"TAG": "PRP", ...}) is filed under it and
    tested only on the tokens that have it."""

    def __init__(self, matcher: Matcher, keys) -> None:
        self.matcher = matcher
        self.rest = AnchoredMatcher(matcher.vocab)  # patterns of several tokens are anchored in the model
        self.keyed: dict[int, dict[int, list[tuple[int, tuple[Test, ...]]]]] = {}  # attr -> value -> rules
        self.unkeyed: list[tuple[int, tuple[Test, ...]]] = []  # (match id, tests)
        for key in keys:
            match_id = matcher._normalize_key(key)
            for pattern in matcher.get(match_id)[1]:
                tests = column_tests(pattern[0], matcher.vocab.strings) if len(pattern) == 1 else None
                if tests is None:
                    self.rest.add(match_id, [pattern])
                    continue
                one = [t for t in tests if t[1] == "in" and len(t[2]) == 1]
                if one:
                    filed = min(one, key=lambda t: _KEY_ORDER.index(t[0]))
                    rules = self.keyed.setdefault(filed[0], {}).setdefault(int(filed[2][0]), [])
                    rules.append((match_id, tuple(t for t in tests if t is not filed)))
                else:
                    self.unkeyed.append((match_id, tests))
        tests = [t for by in self.keyed.values() for rules in by.values() for _, ts in rules for t in ts]
        tests += [t for _, ts in self.unkeyed for t in ts]
        self.attrs = sorted({*self.keyed, *(t[0] for t in tests)})

    def __len__(self) -> int:
        return len(self.matcher)

    def __contains__(self, key) -> bool:
        return key in self.matcher

    def get(self, key, default=None):
        return self.matcher.get(key, default)

    def add(self, key, patterns, **kwargs) -> None:
        """Later patterns run in the spaCy Matcher."""
        self.matcher.add(key, patterns, **kwargs)
        self.rest.add(key, patterns, **kwargs)

    def __call__(
        self, doc, *, allow_missing: bool = False, as_spans: bool = False
    ) -> list[tuple[int, int, int]]:
        if as_spans:
            raise TypeError("ColumnMatcher returns (match_id, start, end) tuples only")
        found = set(self.rest(doc, allow_missing=allow_missing)) if len(self.rest) else set()
        n = len(doc)
        if not self.attrs or not n:
            return list(found)
        values = doc.to_array(self.attrs).reshape(n, len(self.attrs))
        columns = {attr: values[:, j] for j, attr in enumerate(self.attrs)}
        strings = doc.vocab.strings
        for attr, by_value in self.keyed.items():
            where = _positions(columns[attr])
            for value in by_value.keys() & where.keys():
                for match_id, tests in by_value[value]:
                    found.update(
                        (match_id, i, i + 1) for i in _passing(where[value], tests, columns, strings)
                    )
        everyone = np.arange(n)
        for match_id, tests in self.unkeyed:
            found.update((match_id, i, i + 1) for i in _passing(everyone, tests, columns, strings))
        return list(found)


def _positions(column: np.ndarray) -> dict[int, np.ndarray]:
    """Value -> the indices of the tokens holding it, for the values of `column`."""
    order = np.argsort(column, kind="stable")
    values, first = np.unique(column[order], return_index=True)
    ends = [*first.tolist()[1:], len(column)]
    return {v: order[a:b] for v, a, b in zip(values.tolist(), first.tolist(), ends, strict=True)}


def _passing(tokens: np.ndarray, tests, columns: dict, strings) -> list[int]:
    """The indices among `tokens` of those that pass every test."""
    for test in tests:
        tokens = tokens[_holds(columns[test[0]][tokens], test, strings)]
    return tokens.tolist()


def use_column_matcher(nlp) -> None:
    """Give the pipeline's attribute ruler (if any) a `ColumnMatcher` over its own patterns."""
    if ATTRIBUTE_RULER in nlp.pipe_names:
        ruler = nlp.get_pipe(ATTRIBUTE_RULER)
        if isinstance(ruler.matcher, Matcher):
            ruler.matcher = ColumnMatcher(ruler.matcher, [str(i) for i in range(len(ruler.attrs))])
