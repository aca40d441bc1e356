"""`termscan.find_all` finds exactly what `finditer` finds (patterns and sentences written here)."""

from __future__ import annotations

import random
import re

import pytest

from analysis.extract import termscan
from analysis.extract.termregex import compile_terms, normalise
from analysis.extract.topics import load_taxonomy

SENTENCES = [
    "Security guarantees, a security council and securityish talk; NATO's natos nato.",
    "A 28-point plan and planned peace talks: negotiators renegotiate a cease-fire, ceasefires.",
    "The U.S. plans to hand over land; they gave up lands and then handed the land back.",
    "Kyiv will never give up its land, the EU and the UN said in de facto terms.",
    "Eu, un, u s and a: short words at the start, the end and in between. Un",
    "The plan, this plan, that plan and the proposals were on the table.",
    "Finland joined the alliance, and Kyiv wants to join the Atlantic alliance, not NATO's rivals.",
]
HAND_WRITTEN = [
    r"\b(give|gives|gave|hand|handed) (up |over )?(\w+ ){0,2}(land|lands)\b",
    r"\bjoin\w* (the )?(\w+ ){0,3}(nato|alliance)\b",
    r"(?<!\w)(?:eu|un)(?!\w)",
    r"\b\d+ point (peace )?plan\b",  # no literal start: runs as finditer
    r"^eu\b",
    r"\bu s\b",
    r"(?i)\bkyiv\b",  # case-insensitive: runs as finditer
    r"land",  # no word start: runs as finditer
]


def _texts() -> list[str]:
    rng = random.Random(7)
    words = normalise(" ".join(SENTENCES)).split()
    salad = [" ".join(rng.choice(words) for _ in range(40)) for _ in range(20)]
    return ["\n".join(normalise(s) for s in SENTENCES), *(normalise(s) for s in salad), "eu un eu"]


def _patterns() -> list[re.Pattern]:
    terms = [
        ["security guarantees", "security*", "security council", "cease fire", "ceasefire*", "u s"],
        ["negotiat*", "re:peace (?:talks|deal)", "talks"],
        ["eu", "un", "de facto recognition", "a"],
        ["the plan", "this plan", "that plan", "the proposal*"],
    ]
    return [compile_terms(t) for t in terms] + [re.compile(p) for p in HAND_WRITTEN]


@pytest.mark.parametrize("rx", _patterns(), ids=lambda rx: rx.pattern[:40])
def test_find_all_is_finditer(rx):
    found = 0
    for text in _texts():
        expected = [m.span() for m in rx.finditer(text)]
        assert [m.span() for m in termscan.find_all(rx, text)] == expected, text
        found += len(expected)
    assert found  # the texts exercise the pattern


def test_every_taxonomy_pattern_finds_the_same():
    tax = load_taxonomy()
    rules = [p for t in tax.topics for p in (t.terms, t.weak, t.context, t.mask, t.anaphora) if p is not None]
    rules += [p for t in tax.topics for p in (*t.regex, *(g for r in t.all_of for g in r))]
    vocabulary = " ".join(re.sub(r"[^a-z ]", " ", p.pattern) for p in rules).split()
    rng = random.Random(11)
    texts = [normalise(" ".join(rng.choice(vocabulary) for _ in range(300))) for _ in range(5)]
    total = 0
    for rx in rules:
        for text in texts:
            expected = [m.span() for m in rx.finditer(text)]
            assert [m.span() for m in termscan.find_all(rx, text)] == expected, rx.pattern[:60]
            total += len(expected)
    assert total > 100
    assert sum(termscan.literal_starts(rx) is not None for rx in rules) > len(rules) / 2


def test_literal_starts():
    starts = termscan.literal_starts(compile_terms(["cease fire", "eu", "negotiat*"]))
    assert starts == {("cea", False): ("cease fire",), ("eu", True): ("eu",), ("neg", False): ("negotiat",)}
    assert termscan.literal_starts(re.compile(r"\b(give|hand) up")) == {
        ("giv", False): ("give up",),
        ("han", False): ("hand up",),
    }
    assert termscan.literal_starts(re.compile(r"\b(?:a|)x")) == {("ax", False): ("ax",), ("x", False): ("x",)}
    for pattern in (r"\b\d+ point", r"(?i)\bkyiv", r"land", r"\b(?:a|\d)x", r"\b\w+", r"\b[a-z]x"):
        assert termscan.literal_starts(re.compile(pattern)) is None, pattern


def test_blank_out_is_sub_with_spaces():
    text = "\n".join(normalise(s) for s in SENTENCES)
    for rx in (compile_terms(["the plan", "eu", "land*"]), re.compile(r"plan"), re.compile(r"\bu s\b")):
        masked = termscan.blank_out(rx, text)
        assert masked == rx.sub(lambda m: " " * len(m.group(0)), text)
        assert masked != text
        later = compile_terms(["plan*", "eu", "un", "u s", "land"])  # the masked copy's own index
        expected = [m.span() for m in later.finditer(masked)]
        assert [m.span() for m in termscan.find_all(later, masked)] == expected
