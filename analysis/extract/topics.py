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
from analysis.extract.nlp import span_text

DEFAULT_TAXONOMY = Path(__file__).resolve().parents[1] / "data" / "topics.yaml"
RULE_KEYS = {"terms", "weak", "context", "all_of", "regex", "patterns", "mask"}
# `anaphora` terms ("the plan") only repeat a topic already found nearby, so they are not a rule of their own
_NON_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Topic:
    """One topic and its compiled rules (regexes on the normalised sentence)."""

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
        key = id(vocab)
        if key not in self._matchers:
            self._matchers[key] = _build_matcher(self.topics, vocab)
        return self._matchers[key]


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read the topic taxonomy from YAML (default `analysis/data/topics.yaml`).

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: a topic is malformed; the message names the file, the topic and what is valid.
    """
    path = Path(path) if path else DEFAULT_TAXONOMY
    _, raw_topics = read_yaml_list(path, "topics", "topic taxonomy")
    topics = tuple(_topic(raw, f"{path}: topics[{i}]") for i, raw in enumerate(raw_topics))
    ids = [t.id for t in topics]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"{path}: topic ids must be unique, repeated: {', '.join(dupes)}")
    return Taxonomy(topics=topics, source=str(path))


def _topic(raw: dict, where: str) -> Topic:
    if not isinstance(raw, dict) or not raw.get("id"):
        raise ValueError(f"{where}: each topic needs an 'id', got {raw!r}")
    if not RULE_KEYS & set(raw):
        raise ValueError(
            f"{where} ({raw['id']}): no rules; give at least one of {', '.join(sorted(RULE_KEYS))}"
        )
    if bool(raw.get("weak")) != bool(raw.get("context")):
        raise ValueError(f"{where} ({raw['id']}): 'weak' and 'context' must be given together")
    try:
        regex = tuple(re.compile(r) for r in raw.get("regex") or ())
    except re.error as err:
        raise ValueError(f"{where} ({raw['id']}): bad regex: {err}") from None
    return Topic(
        id=str(raw["id"]),
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
        anaphora_scope=_scope(raw.get("anaphora_scope", 0), where, raw["id"]),
    )


def _scope(value, where: str, topic_id: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{where} ({topic_id}): anaphora_scope must be a whole number >= 0, got {value!r}")
    return value


def normalise(text: str) -> str:
    """Lowercase, punctuation to single spaces, padded: "U.S.-led cease-fire" -> " u s led cease fire "."""
    return " " + _NON_WORD.sub(" ", text.lower()).strip() + " "


def compile_terms(terms) -> re.Pattern | None:
    """One regex for a list of terms; a trailing * on a word matches any ending, "re:..." is a regex."""
    parts = []
    for term in terms or ():
        if str(term).startswith("re:"):
            parts.append(str(term)[3:])  # a regular expression on the normalised text
            continue
        words = []
        for word in str(term).split():
            star = word.endswith("*")
            core = normalise(word.rstrip("*")).strip()
            if core:
                words.append(re.escape(core).replace(r"\ ", " ") + (r"\w*" if star else ""))
        if words:
            parts.append(" ".join(words))
    if not parts:
        return None
    parts.sort(key=len, reverse=True)  # longest first, so "security guarantees" wins over "security"
    return re.compile(word_start_alternation(parts) + r"(?!\w)")


def word_start_alternation(parts: list[str]) -> str:
    r"""`(?<!\w)(?:a|b|...)`: the first of `parts` that matches where no word character precedes.

    Written with the look-behind after each part's first literal character ("c(?<!\w[\w\W])ease fire": the
    `c` is not preceded by a word character), so the pattern opens with a set of literal characters that
    Python's regex engine scans for instead of trying every position: the same matches, found faster.
    Parts without a literal first character (or with a `|`) keep the plain form.
    """
    heads = [_literal_head(p) for p in parts]
    if any(h is None for h in heads) or any("|" in p for p in parts):
        return r"(?<!\w)(?:" + "|".join(parts) + ")"
    groups: dict[str, list[str]] = {}  # parts with different first characters never match at one place
    for atom, rest in heads:
        groups.setdefault(atom, []).append(rest)
    branches = [rf"{atom}(?<!\w[\w\W])(?:{'|'.join(rests)})" for atom, rests in groups.items()]
    return "(?:" + "|".join(branches) + ")"


def _literal_head(part: str) -> tuple[str, str] | None:
    """(first character, rest) when `part` opens with an unquantified literal character (plain or escaped)."""
    if part[:1] == "\\":
        atom = part[:2] if len(part) > 1 and not part[1].isalnum() else ""  # \w, \d, \1 are not literals
    else:
        atom = part[:1] if part[:1] not in ".^$*+?{}[]|()" else ""
    rest = part[len(atom) :]
    return (atom, rest) if atom and rest[:1] not in ("*", "+", "?", "{") else None


def topic_terms(topic: Topic, text: str) -> list[str]:
    """The terms of `topic` found in one normalised sentence, or [] when the topic does not apply."""
    return topic_hits(topic, text, [0]).get(0, [])


def topic_hits(topic: Topic, text: str, starts: list[int]) -> dict[int, list[str]]:
    """Sentence index -> matched terms of `topic`, for normalised sentences joined with newlines.

    `starts` holds the offset of each sentence in `text`. The rules are evaluated sentence by sentence
    (no term pattern can match across the newline), but every regex runs once over the whole text.
    """
    if topic.mask is not None:
        text = topic.mask.sub(lambda m: " " * len(m.group(0)), text)  # same length: offsets stay valid
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


def _hits(rx: re.Pattern | None, text: str, starts: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if rx is None:
        return out
    for m in rx.finditer(text):
        out.setdefault(bisect_right(starts, m.start()) - 1, []).append(m.group(0))
    return out


def _distinct(found: list[str]) -> list[str]:
    unique = list(dict.fromkeys(f.strip() for f in found if f.strip()))
    # "guarantees" adds nothing next to "security guarantees"
    return [t for t in unique if not any(t != o and f" {t} " in f" {o} " for o in unique)]


def tag_topics(doc: Doc, taxonomy: Taxonomy) -> list[dict]:
    """Topics of every sentence of a Doc.

    Returns:
        Rows with keys sentence_id (index in `list(doc.sents)`), topic (id) and terms ("; "-joined).
    """
    # a pipeline without sentence boundaries: the whole text is sentence 0
    sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
    texts = [normalise(span_text(sent)) for sent in sents]
    starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
    text = "\n".join(texts)
    extra = _matcher_terms(doc, sents, taxonomy)
    found: dict[tuple[int, int], list[str]] = {}
    for k, topic in enumerate(taxonomy.topics):
        for sid, terms in topic_hits(topic, text, starts).items():
            found[(sid, k)] = terms
        for (sid, topic_id), terms in extra.items():
            if topic_id == topic.id:
                found[(sid, k)] = found.get((sid, k), []) + terms
        direct = {sid for sid, kk in found if kk == k}
        for sid, terms in anaphora_hits(topic, text, starts, direct).items():
            found[(sid, k)] = terms
    ids = taxonomy.ids
    return [
        {"sentence_id": sid, "topic": ids[k], "terms": "; ".join(dict.fromkeys(found[(sid, k)]))}
        for sid, k in sorted(found)
    ]


def _matcher_terms(doc: Doc, sents: list, taxonomy: Taxonomy) -> dict[tuple[int, str], list[str]]:
    """(sentence id, topic id) -> texts matched by the topics' spaCy Matcher patterns."""
    matcher = taxonomy.matcher(doc.vocab)
    if matcher is None:
        return {}
    sent_of = {}
    for i, sent in enumerate(sents):
        sent_of.update(dict.fromkeys(range(sent.start, sent.end), i))
    out: dict[tuple[int, str], list[str]] = {}
    for match_id, start, _end in matcher(doc):
        key = (sent_of[start], doc.vocab.strings[match_id])
        out.setdefault(key, []).append(doc[start:_end].text.lower())
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
                raise ValueError(f"topic {t.id}: invalid spaCy Matcher pattern: {err}") from None
    return matcher
