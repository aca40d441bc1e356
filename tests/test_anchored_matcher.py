"""AnchoredMatcher finds exactly the matches of spaCy's Matcher, only faster (sentences written here)."""

from __future__ import annotations

import spacy
from spacy.matcher import Matcher

from analysis.extract.anchored import AnchoredMatcher, _anchor, _gate, first_opening
from analysis.extract.nlp import RULER_NAME, load_nlp

PATTERNS = {
    "COLLECTIVE": [
        [{"ORTH": {"IN": ["Egyptian", "Qatari"]}}, {"LOWER": {"IN": ["mediators", "officials"]}}],
        [
            {"ORTH": {"IN": ["European", "Nordic"]}},
            {"IS_ALPHA": True, "LOWER": {"NOT_IN": ["and"]}},
            {"LOWER": "allies"},
        ],
    ],
    "HYPHEN": [[{"TEXT": {"REGEX": r"^U\.S\.-"}}]],
    "OPTIONAL": [[{"LOWER": "peace"}, {"LOWER": "talks", "OP": "?"}]],
    "ORTH_END": [[{"LOWER": "the"}, {"ORTH": "Kremlin"}]],
}
TEXTS = [
    "Egyptian mediators met Qatari officials while European NATO allies and Nordic and allies waited.",
    "The U.S.-brokered peace talks resumed; the Kremlin said EGYPTIAN MEDIATORS and Egyptian Mediators came.",
    "Nothing here matches at all, not even peace.",
    "",
    "officials officials Egyptian",
]


def both(patterns=PATTERNS):
    nlp = spacy.blank("en")
    plain, fast = Matcher(nlp.vocab), AnchoredMatcher(nlp.vocab)
    for key, pats in patterns.items():
        plain.add(key, pats)
        fast.add(key, pats)
    return nlp, plain, fast


def test_same_matches_as_spacy_matcher():
    nlp, plain, fast = both()
    total = 0
    for text in TEXTS:
        doc = nlp(text)
        expected = sorted(set(plain(doc)), key=lambda m: (m[1], m[2], m[0]))
        assert fast(doc) == expected, text
        total += len(expected)
    assert total >= 8  # the sentences do exercise every group


def test_patterns_are_sorted_into_groups():
    _nlp, _plain, fast = both()
    assert len(fast.anchored) == 2 and len(fast.plain) == 1 and list(fast.gated) == ["U.S.-"]
    assert fast.width == 3 and len(fast) == 4


def test_anchor_and_gate_rules():
    assert _anchor([{"lower": {"IN": ["a", "b"]}}]) is not None  # keys are case-insensitive
    assert _anchor([{"LOWER": "a", "OP": "+"}]) is None  # variable length: never anchored
    assert _anchor([{"LOWER": {"NOT_IN": ["a"]}}]) is None
    assert _gate([{"TEXT": {"REGEX": r"^U\.K\.-"}}]) == "U.K.-"
    assert _gate([{"TEXT": {"REGEX": r"^\w+-"}}]) is None  # not a literal
    assert _gate([{"TEXT": {"REGEX": r"ab$"}}]) is None


def test_removing_a_key():
    nlp, _plain, fast = both()
    fast.remove("COLLECTIVE")
    keys = {nlp.vocab.strings[k] for k, _s, _e in fast(nlp(TEXTS[0]))}
    assert "COLLECTIVE" not in keys


def test_actor_ruler_uses_it():
    nlp, _notice = load_nlp()
    ruler = nlp.get_pipe(RULER_NAME)
    assert isinstance(ruler.matcher, AnchoredMatcher)
    doc = nlp("Qatari mediators and the U.S.-brokered deal were discussed in Doha.")
    assert any(e.text == "U.S.-brokered" for e in doc.ents)


def test_windows_need_every_anchored_token():
    """A pattern is tried only where each of its anchored tokens has its value, the first as the last."""
    patterns = {
        "FIRST": [[{"LOWER": "the"}, {"IS_ALPHA": True}]],
        "BOTH": [[{"ORTH": "Egyptian"}, {"IS_ALPHA": True}, {"LOWER": "talks"}]],
    }
    nlp, plain, fast = both(patterns)
    for text in [*TEXTS, "The Egyptian peace talks and the talks.", "Egyptian talks talks", "the"]:
        doc = nlp(text)
        assert fast(doc) == sorted(set(plain(doc)), key=lambda m: (m[1], m[2], m[0])), text
    assert fast._windows(nlp("officials hold talks and more talks")) == []
    assert fast._windows(nlp("Egyptian peace talks")) == [(0, 3)]


def test_matching_from_the_first_opening_token():
    """A Matcher run from `first_opening` finds what it finds on the whole Doc, in the same order."""
    hosting = [{"LOWER": {"IN": ["hosted", "received"]}}, {"IS_TITLE": True, "OP": "*"}, {"LOWER": "today"}]
    nlp = spacy.blank("en")
    matcher = Matcher(nlp.vocab)
    matcher.add("HOSTING", [hosting])
    doc = nlp("Talks went on. Oman hosted Prime Minister Ali today and Qatar received Envoys today.")
    first = first_opening(doc, [hosting])
    assert doc[first].text == "hosted"
    shifted = [(k, first + s, first + e) for k, s, e in matcher(doc[first:])]
    assert shifted == matcher(doc) and len(shifted) == 2
    assert first_opening(nlp("Nobody came today."), [hosting]) == 4  # no token opens a match: len(doc)
    assert first_opening(doc, [hosting, [{"LOWER": "oman", "OP": "?"}, {"LOWER": "hosted"}]]) == 0
