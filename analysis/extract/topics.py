"""Topic tagging: each sentence gets zero or more topics of the taxonomy, with the terms that matched.

The taxonomy is data (`analysis/data/topics.yaml`, replaceable with the setting `taxonomy_path`); its
header documents the rule kinds (terms, weak + context, all_of, regex, spaCy Matcher patterns, mask).
Matching runs on a normalised copy of each sentence (lowercase, punctuation as spaces), so
"cease-fire", "U.S." and "Ukraine's" match the terms "cease fire", "u s" and "ukraine s".

Example:
    >>> tax = load_taxonomy()
    >>> tax.get("ceasefire").label
    'Ceasefire'
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from spacy.matcher import Matcher
from spacy.tokens import Doc

from analysis.datafile import read_yaml_list
from analysis.extract.anchored import first_opening
from analysis.extract.nlp import span_text
from analysis.extract.termregex import compile_terms, normalise
from analysis.extract.termscan import blank_out, find_all
from analysis.extract.topic_reference import repeated_heads

DEFAULT_TAXONOMY = Path(__file__).resolve().parents[1] / "data" / "topics.yaml"
RULE_KEYS = {"terms", "weak", "context", "all_of", "regex", "patterns", "mask"}
TERM_KEYS = ("terms", "weak", "context", "mask", "anaphora")  # lists of words or phrases
TEXT_KEYS = ("id", "label", "description", "proposition")
STANCE_KEYS = ("polarity", "deeds")  # what a position on the topic means: only with a proposition
TOPIC_KEYS = frozenset({*TEXT_KEYS, *RULE_KEYS, *TERM_KEYS, *STANCE_KEYS, "anaphora_scope"})
SIGNS = {"+1": 1, "-1": -1, 1: 1, -1: -1}  # YAML reads an unquoted +1: as the number 1
# `anaphora` terms ("the plan") only repeat a topic already found nearby, so they are not a rule of their own


class TaxonomyError(ValueError):
    """A taxonomy or cue file that does not validate; the message names the file, the topic id and what
    would be valid (the CLI prints it, the dashboard shows it)."""


@dataclass(frozen=True)
class Topic:
    """One topic: its compiled rules (regexes on the normalised sentence) and what a stance on it means.

    `polarity` holds (phrase, +1 | -1) pairs: toward the proposition the phrase means it happens (+1) or is
    reversed (-1); `deeds` the phrases an actor doing takes that side. No proposition: a tag only.
    """

    id: str
    label: str
    description: str = ""
    proposition: str = ""
    terms: re.Pattern | None = None
    weak: re.Pattern | None = None
    context: re.Pattern | None = None
    all_of: tuple[tuple[re.Pattern, ...], ...] = ()
    regex: tuple[re.Pattern, ...] = ()
    mask: re.Pattern | None = None
    patterns: tuple[list[dict], ...] = ()
    anaphora: re.Pattern | None = None
    anaphora_scope: int = 0
    polarity: tuple[tuple[str, int], ...] = ()
    deeds: frozenset[str] = frozenset()

    @property
    def topic_only(self) -> bool:
        """No proposition: statements on the topic stay neutral."""
        return not self.proposition.strip()


@dataclass
class Taxonomy:
    """The topics, in file order. `get(id)` returns one; `ids` lists them."""

    topics: tuple[Topic, ...]
    source: str = ""
    _matchers: dict[int, Matcher | None] = field(default_factory=dict, repr=False)

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.topics]

    def get(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def matcher(self, vocab) -> Matcher | None:
        """A spaCy Matcher for the topics' token patterns (built once per vocab), or None without any."""
        key = id(vocab)  # the Matcher holds its vocab alive, so the id cannot be reused while cached
        if key not in self._matchers:
            self._matchers[key] = _build_matcher(self.topics, vocab)
        return self._matchers[key]


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read the topic taxonomy from YAML (default `analysis/data/topics.yaml`).

    Raises:
        FileNotFoundError: the file does not exist.
        TaxonomyError: a topic is malformed; the message names the file, the topic and what is valid.
    """
    path = Path(path) if path else DEFAULT_TAXONOMY
    try:
        data, raw_topics = read_yaml_list(path, "topics", "topic taxonomy")
    except ValueError as err:
        raise TaxonomyError(str(err)) from None
    if set(data) - {"topics"}:
        raise TaxonomyError(
            f"{path}: unknown top-level keys {sorted(map(str, set(data) - {'topics'}))}; "
            "a taxonomy holds only 'topics'"
        )
    topics = tuple(_topic(raw, f"{path}: topics[{i}]") for i, raw in enumerate(raw_topics))
    ids = [t.id for t in topics]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise TaxonomyError(f"{path}: topic ids must be unique, repeated: {', '.join(dupes)}")
    return Taxonomy(topics=topics, source=str(path))


def _topic(raw: dict, where: str) -> Topic:
    if not isinstance(raw, dict) or not raw.get("id") or not isinstance(raw["id"], str):
        raise TaxonomyError(
            f"{where}: each topic needs an 'id' (a word such as hostage_release), got {raw!r}"
        )
    where = f"{where} ({raw['id']})"
    unknown = sorted(map(str, set(raw) - TOPIC_KEYS))
    if unknown:
        raise TaxonomyError(
            f"{where}: unknown keys {unknown}; valid keys are {', '.join(sorted(TOPIC_KEYS))}"
        )
    if not RULE_KEYS & set(raw):
        raise TaxonomyError(f"{where}: no rules; give at least one of {', '.join(sorted(RULE_KEYS))}")
    if bool(raw.get("weak")) != bool(raw.get("context")):
        raise TaxonomyError(f"{where}: 'weak' and 'context' must be given together")
    _check_types(raw, where)
    try:
        regex = tuple(re.compile(r) for r in raw.get("regex") or ())
    except re.error as err:
        raise TaxonomyError(f"{where}: bad regex: {err}") from None
    polarity = _polarity(raw, where)
    return Topic(
        id=raw["id"],
        label=str(raw.get("label") or raw["id"]),
        description=str(raw.get("description") or ""),
        proposition=str(raw.get("proposition") or ""),
        terms=compile_terms(raw.get("terms")),
        weak=compile_terms(raw.get("weak")),
        context=compile_terms(raw.get("context")),
        all_of=tuple(tuple(compile_terms(g) for g in rule) for rule in raw.get("all_of") or ()),
        regex=regex,
        mask=compile_terms(raw.get("mask")),
        patterns=tuple(raw.get("patterns") or ()),
        anaphora=compile_terms(raw.get("anaphora")),
        anaphora_scope=_scope(raw.get("anaphora_scope", 0), where),
        polarity=polarity,
        deeds=_deeds(raw.get("deeds"), polarity, where),
    )


def _check_types(raw: dict, where: str) -> None:
    for key in TEXT_KEYS:
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise TaxonomyError(f"{where}: '{key}' must be text, got {raw[key]!r}")
    for key in (*TERM_KEYS, "regex", "patterns", "all_of"):
        if raw.get(key) is not None and not isinstance(raw[key], list):
            raise TaxonomyError(f"{where}: '{key}' must be a list, got {raw[key]!r}")
    for key in TERM_KEYS:
        _words(raw.get(key), where, key)
    for i, rule in enumerate(raw.get("all_of") or ()):
        if not isinstance(rule, list) or not all(isinstance(g, list) for g in rule):
            raise TaxonomyError(f"{where}: all_of[{i}] must be a list of term lists, got {rule!r}")


def _words(values, where: str, key: str) -> list[str]:
    """The phrases of a list; YAML reads a bare on/off/yes/no as a boolean, a number as a number."""
    bad = [v for v in values or () if not isinstance(v, str)]
    if bad:
        raise TaxonomyError(
            f"{where}: '{key}' holds {bad!r}; write every entry as text (quote on/off/yes/no)"
        )
    return [v.lower() for v in values or ()]


def _polarity(raw: dict, where: str) -> tuple[tuple[str, int], ...]:
    """(phrase, sign) pairs of the topic's `polarity` mapping ("+1": [...], "-1": [...])."""
    block = raw.get("polarity")
    stated = any(block.values()) if isinstance(block, dict) else bool(block)
    deeds = raw.get("deeds") not in (None, False, "none", [])
    if (stated or deeds) and not str(raw.get("proposition") or "").strip():
        raise TaxonomyError(
            f"{where}: 'polarity' and 'deeds' need a proposition (what 'support' means); "
            "without one the topic is a tag only"
        )
    if block is not None and (not isinstance(block, dict) or any(k not in SIGNS for k in block)):
        raise TaxonomyError(
            f"{where}: 'polarity' must map a sign to words, '+1': [...] (the proposition "
            f"happens) and '-1': [...] (it is reversed); got {block!r}"
        )
    pairs = {}
    for sign, words in (block or {}).items():
        if not isinstance(words, list):
            raise TaxonomyError(f"{where}: polarity '{sign}' must be a list of words, got {words!r}")
        for word in _words(words, where, f"polarity {sign}"):
            phrase = " ".join(word.split())
            if pairs.get(phrase, SIGNS[sign]) != SIGNS[sign]:
                raise TaxonomyError(f"{where}: polarity word {phrase!r} is listed under both '+1' and '-1'")
            pairs[phrase] = SIGNS[sign]
    return tuple(pairs.items())


def _deeds(value, polarity: tuple[tuple[str, int], ...], where: str) -> frozenset[str]:
    """`deeds: all` (every polarity word done is a position), a list of polarity words, or none."""
    words = [w for w, _ in polarity]
    if value in (None, False, "none", []):
        return frozenset()
    if value in (True, "all"):
        if not words:
            raise TaxonomyError(f"{where}: 'deeds: all' needs polarity words; add a 'polarity' mapping")
        return frozenset(words)
    if not isinstance(value, list):
        raise TaxonomyError(
            f"{where}: 'deeds' must be 'all', 'none' or a list of polarity words, got {value!r}"
        )
    deeds = [" ".join(w.split()) for w in _words(value, where, "deeds")]
    unknown = [d for d in deeds if d not in words]
    if unknown:
        raise TaxonomyError(
            f"{where}: deeds {unknown} are not polarity words of this topic (a deed takes "
            f"its side from its sign); valid: {', '.join(words) or 'none, add a polarity'}"
        )
    return frozenset(deeds)


def _scope(value, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TaxonomyError(f"{where}: anaphora_scope must be a whole number >= 0, got {value!r}")
    return value


def topic_terms(topic: Topic, text: str) -> list[str]:
    """The terms of `topic` found in one normalised sentence, or [] when the topic does not apply."""
    return topic_hits(topic, text, [0]).get(0, [])


def topic_hits(topic: Topic, text: str, starts: list[int]) -> dict[int, list[str]]:
    """Sentence index -> matched terms of `topic`, for normalised sentences joined with newlines.

    `starts` holds the offset of each sentence in `text`. The rules are evaluated sentence by sentence
    (no term pattern can match across the newline), but every regex runs once over the whole text.
    """
    if topic.mask is not None:
        text = blank_out(topic.mask, text)  # same length: offsets stay valid
    found: dict[int, list[str]] = {}
    for sid, terms in _hits(topic.terms, text, starts).items():
        found.setdefault(sid, []).extend(terms)
    if topic.weak is not None:
        context = _hits(topic.context, text, starts)
        for sid, terms in _hits(topic.weak, text, starts).items():
            if sid in context:
                found.setdefault(sid, []).extend(terms)
    for rule in topic.all_of:
        groups = [_hits(g, text, starts) for g in rule]
        for sid in sorted(set.intersection(*(set(g) for g in groups))):
            found.setdefault(sid, []).extend(t for g in groups for t in g[sid])
    for rx in topic.regex:
        for sid, terms in _hits(rx, text, starts).items():
            found.setdefault(sid, []).extend(terms)
    return {sid: _distinct(terms) for sid, terms in found.items()}


def anaphora_hits(topic: Topic, text: str, starts: list[int], found: set[int]) -> dict[int, list[str]]:
    """Sentence index -> anaphoric terms ("the plan") that refer back to `topic`.

    An anaphoric term counts only when the topic was found by its own rules (`found`) in one of the
    `anaphora_scope` sentences before it, or anywhere in the article when the scope is 0: "the measures"
    is about sanctions right after a sentence on sanctions, not in general.
    """
    if topic.anaphora is None or not found:
        return {}
    scope = topic.anaphora_scope
    out = {}
    for sid, terms in _hits(topic.anaphora, text, starts).items():
        if sid in found:
            continue
        if scope == 0 or any(sid - scope <= f < sid for f in found):
            out[sid] = _distinct(terms)
    return out


WEAK_SCOPE = 3  # sentences after a topic's own match in which its weak words need no context word


def weak_repeats(topic: Topic, text: str, starts: list[int], found: set[int]) -> dict[int, list[str]]:
    """Sentence index -> weak words ("truce") that repeat a topic its own rules found in one of the
    `WEAK_SCOPE` sentences before: once the article is on the Gaza ceasefire, "monitor the truce" needs no
    context word. Only a topic already found nearby, so the article's topics stay the same."""
    if topic.weak is None or not found:
        return {}
    return {
        sid: _distinct(terms)
        for sid, terms in _hits(topic.weak, text, starts).items()
        if sid not in found and any(sid - WEAK_SCOPE <= f < sid for f in found)
    }


def _hits(rx: re.Pattern | None, text: str, starts: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if rx is None:
        return out
    for m in find_all(rx, text):  # rx.finditer(text), tried only where a match can start
        out.setdefault(bisect_right(starts, m.start()) - 1, []).append(m.group(0))
    return out


def _distinct(found: list[str]) -> list[str]:
    unique = list(dict.fromkeys(f.strip() for f in found if f.strip()))
    # "guarantees" adds nothing next to "security guarantees"
    return [t for t in unique if not any(t != o and f" {t} " in f" {o} " for o in unique)]


def tag_topics(doc: Doc, taxonomy: Taxonomy) -> list[dict]:
    """Topics of every sentence of a Doc.

    Returns:
        Rows with keys sentence_id (index in `list(doc.sents)`), topic (id) and terms ("; "-joined), and
        reference (True) when only a phrase referring back to the topic found it ("the agreement").
    """
    # a pipeline without sentence boundaries: the whole text is sentence 0
    sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
    texts = [normalise(span_text(sent)) for sent in sents]
    starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
    text = "\n".join(texts)
    extra = _matcher_terms(doc, sents, taxonomy)
    found: dict[tuple[int, int], list[str]] = {}
    own: dict[tuple[int, int], list[str]] = {}  # found by the topics' own rules (not by reference)
    for k, topic in enumerate(taxonomy.topics):
        for sid, terms in topic_hits(topic, text, starts).items():
            found[(sid, k)] = terms
        for (sid, topic_id), terms in extra.items():
            if topic_id == topic.id:
                found[(sid, k)] = found.get((sid, k), []) + terms
        direct = {sid for sid, kk in found if kk == k}
        own.update({key: terms for key, terms in found.items() if key[1] == k})
        for sid, terms in anaphora_hits(topic, text, starts, direct).items():
            found[(sid, k)] = terms
        for sid, terms in weak_repeats(topic, text, starts, direct).items():
            found.setdefault((sid, k), terms)
    ids = taxonomy.ids
    antecedent: dict[tuple[int, int], int] = {}  # a reference's sentence -> its antecedent's
    if doc.has_annotation("DEP") and len(sents) > 1:
        for key, (terms, before) in repeated_heads(sents, own, taxonomy, found).items():
            if key not in found:
                found[key], antecedent[key] = terms, before
    return [
        {"sentence_id": sid, "topic": ids[k], "terms": "; ".join(dict.fromkeys(found[(sid, k)]))}
        | ({"reference": True} if (sid, k) not in own else {})
        | ({"antecedent": antecedent[(sid, k)]} if (sid, k) in antecedent else {})
        for sid, k in sorted(found)
    ]


def _matcher_terms(doc: Doc, sents: list, taxonomy: Taxonomy) -> dict[tuple[int, str], list[str]]:
    """(sentence id, topic id) -> texts matched by the topics' spaCy Matcher patterns."""
    matcher = taxonomy.matcher(doc.vocab)
    if matcher is None:
        return {}
    first = first_opening(doc, [p for t in taxonomy.topics for p in t.patterns])
    if first == len(doc):
        return {}
    sent_of = {}
    for i, sent in enumerate(sents):
        sent_of.update(dict.fromkeys(range(sent.start, sent.end), i))
    out: dict[tuple[int, str], list[str]] = {}
    for match_id, start, end in matcher(doc[first:]):  # span offsets
        key = (sent_of[first + start], doc.vocab.strings[match_id])
        out.setdefault(key, []).append(doc[first + start : first + end].text.lower())
    return out


def _build_matcher(topics: tuple[Topic, ...], vocab) -> Matcher | None:
    if not any(t.patterns for t in topics):
        return None
    matcher = Matcher(vocab)
    for t in topics:
        if t.patterns:
            try:
                matcher.add(t.id, [list(p) for p in t.patterns])
            except (ValueError, TypeError) as err:
                raise TaxonomyError(f"topic {t.id}: invalid spaCy Matcher pattern: {err}") from None
    return matcher
