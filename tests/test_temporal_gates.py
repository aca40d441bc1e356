"""The gates of `find_timexes` only skip patterns that cannot match (sentences written for the test)."""

from __future__ import annotations

import itertools

import pytest

from analysis.extract.time.expressions import PATTERNS, find_timexes
from analysis.extract.time.gates import GATES, closed, phrase_gate
from analysis.extract.time.lexicon import REFERENCES, SETS

SENTENCES = [
    "Talks resumed overnight and again this morning, officials said on Tuesday.",
    "The envoy met them last night; the following week he flew home, and that same evening he spoke.",
    "Exports grew 3% a year, twice a month shipments left, and payments are made per annum.",
    "Currently the ceasefire holds; more recently both sides said it could last for the time being.",
    "Over the weekend the ministers spoke, and later this month they meet again.",
    "YESTERDAY AFTERNOON the talks broke down; TOMORROW the envoys return.",
    "No date at all is named in this sentence about the government's plans.",
    "Sooner or later the near future will bring change, at present nobody knows.",
]


def test_a_closed_gate_never_hides_a_match():
    opened = 0
    for text, (_kind, pattern, reader) in itertools.product(SENTENCES, PATTERNS):
        if reader in closed(text.lower()):
            assert pattern.search(text) is None, (reader.__name__, text)
        else:
            opened += 1
    assert opened < len(SENTENCES) * len(PATTERNS)  # some patterns are skipped


def test_gated_patterns_still_find_their_expressions():
    found = {t.text for s in SENTENCES for t in find_timexes(s)}
    for text in ("overnight", "this morning", "last night", "the weekend", "YESTERDAY AFTERNOON",
                 "a year", "twice a month", "Currently", "more recently", "later this month"):  # fmt: skip
        assert any(text.lower() in f.lower() for f in found), text


@pytest.mark.parametrize("phrase", sorted({*SETS, *REFERENCES}))
def test_every_phrase_opens_its_gate_in_any_case(phrase):
    gates = [GATES[r] for _k, p, r in PATTERNS if r in GATES and p.search(phrase)]
    assert gates, phrase
    variants = {phrase, phrase.upper(), phrase.title(), phrase.replace("i", "ı").replace("s", "ſ")}
    for text in variants:
        assert any(r not in closed(f"x {text} y".lower()) for _k, p, r in PATTERNS if p.search(f"x {text} y"))


def test_phrase_gate_leaves_out_letters_with_unusual_cases():
    assert phrase_gate(["this evening"]) == (("th", "even", "ng"),)
    with pytest.raises(ValueError):
        phrase_gate(["is"])
