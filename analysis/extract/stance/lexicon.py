"""The stance cue lexicon: loading `cues.yaml` and matching its phrases in a parsed sentence.

A phrase is matched on lemmas: its first word at a token, the other words either right after it
("rule out") or among that token's descendants a few tokens on ("ruled the plan out", "place sanctions
on hold"). The match's head is the token whose syntactic head lies outside the match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "cues.yaml"
CUE_KINDS = ("verb", "attitude", "evaluative")
_WINDOW = 5  # how far (in tokens) a non-adjacent particle may sit from its verb


@dataclass(frozen=True)
class Cue:
    """One lexicon phrase.

    Attributes:
        words: the phrase's lemmas, lower case.
        polarity: +1 (support / the proposition happens), -1 (oppose / reversed), 0 (attribution).
        kind: verb | attitude | evaluative | attribution | concession | reversal.
        topic: the topic a concession phrase belongs to, else "".
    """

    words: tuple[str, ...]
    polarity: int
    kind: str
    topic: str = ""

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Lexicon:
    """Every piece of stance knowledge read from the cue file."""

    cues: dict[str, tuple[Cue, ...]]
    concessions: dict[str, dict[str, tuple[Cue, ...]]]
    reversals: dict[str, tuple[Cue, ...]]
    negators: frozenset[str]
    aspiration_nouns: frozenset[str]
    group_nouns: frozenset[str]
    topic_only: frozenset[str]
    complement_preps: frozenset[str] = frozenset()
    hypothetical_marks: frozenset[str] = frozenset()
    doubt_words: frozenset[str] = frozenset()
    deontic: frozenset[str] = frozenset()
    modals: frozenset[str] = frozenset()
    relational_nouns: frozenset[str] = frozenset()
    negating_nouns: frozenset[str] = frozenset()
    discourse_verbs: frozenset[str] = frozenset()
    linking_verbs: frozenset[str] = frozenset()
    anaphoric_nouns: frozenset[str] = frozenset()
    temporal_preps: frozenset[str] = frozenset()
    condition_marks: frozenset[str] = frozenset()
    question_words: frozenset[str] = frozenset()
    lack_nouns: frozenset[str] = frozenset()
    action_topics: frozenset[str] = frozenset()
    causative_verbs: frozenset[str] = frozenset()
    content_nouns: frozenset[str] = frozenset()
    response_verbs: frozenset[str] = frozenset()
    confidence: dict[str, float] = field(default_factory=dict)

    @cached_property
    def attribution_words(self) -> frozenset[str]:
        """The first words of the attribution verbs ("say", "tell", ...)."""
        return frozenset(c.words[0] for cues in self.cues.values() for c in cues if c.kind == "attribution")

    def conf(self, name: str) -> float:
        return float(self.confidence.get(name, 0.7))


@dataclass(frozen=True)
class Match:
    """A lexicon phrase found in a sentence: `head` is the token that governs the other matched tokens."""

    cue: Cue
    head: object  # spacy.tokens.Token
    tokens: tuple


def _index(cues: list[Cue]) -> dict[str, tuple[Cue, ...]]:
    out: dict[str, list[Cue]] = {}
    for cue in cues:
        out.setdefault(cue.words[0], []).append(cue)
    # longer phrases first, so "rule out" wins over a bare "rule"
    return {k: tuple(sorted(v, key=lambda c: -len(c.words))) for k, v in out.items()}


def _strings(values) -> list[str]:
    """The list's words; YAML reads a bare on/off/yes/no as a boolean, which is never meant here."""
    bad = [v for v in values or () if isinstance(v, bool)]
    if bad:
        raise ValueError(f"cue lexicon: quote the words on/off/yes/no (YAML read them as {bad})")
    return [str(v).lower() for v in values or ()]


def _phrases(values, polarity: int, kind: str, topic: str = "") -> list[Cue]:
    return [Cue(tuple(v.split()), polarity, kind, topic) for v in _strings(values)]


def _general_cues(data: dict) -> list[Cue]:
    cues: list[Cue] = []
    for side, polarity in (("support", 1), ("oppose", -1)):
        block = data.get(side) or {}
        for kind in CUE_KINDS:
            cues += _phrases(block.get(kind), polarity, kind)
    cues += _phrases(data.get("attribution"), 0, "attribution")
    return cues


def _concessions(data: dict, path: Path) -> dict[str, dict[str, tuple[Cue, ...]]]:
    out = {}
    for topic, block in (data.get("topic_polarity") or {}).items():
        if not isinstance(block, dict) or set(map(str, block)) - {"+1", "-1"}:
            raise ValueError(f"{path}: topic_polarity.{topic} must map '+1' and '-1' to word lists")
        cues = _phrases(block.get("+1"), 1, "concession", topic) + _phrases(
            block.get("-1"), -1, "concession", topic
        )
        out[str(topic)] = _index(cues)
    return out


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read the stance lexicon from `path` (default `analysis/data/cues.yaml`).

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: the file is not a mapping or a section has the wrong shape.
    """
    path = Path(path) if path else DEFAULT_PATH
    if not path.exists():
        raise FileNotFoundError(
            f"stance lexicon {path} not found; set PARLEY_LEXICON_PATH to a cues.yaml file"
        )
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not ({"support", "oppose"} <= set(data)):
        raise ValueError(f"{path}: a stance lexicon needs the sections 'support' and 'oppose'")
    words = lambda key: frozenset(_strings(data.get(key)))  # noqa: E731
    return Lexicon(
        cues=_index(_general_cues(data)),
        concessions=_concessions(data, path),
        reversals=_index(_phrases(data.get("reversal_verbs"), -1, "reversal")),
        negators=words("negators"),
        aspiration_nouns=words("aspiration_nouns"),
        group_nouns=words("group_nouns"),
        topic_only=words("topic_only"),
        complement_preps=words("complement_preps"),
        hypothetical_marks=words("hypothetical_marks"),
        doubt_words=words("doubt_words"),
        deontic=words("deontic"),
        modals=words("modals"),
        relational_nouns=words("relational_nouns"),
        negating_nouns=words("negating_nouns"),
        discourse_verbs=words("discourse_verbs"),
        linking_verbs=words("linking_verbs"),
        anaphoric_nouns=words("anaphoric_nouns"),
        temporal_preps=words("temporal_preps"),
        condition_marks=words("condition_marks"),
        question_words=words("question_words"),
        lack_nouns=words("lack_nouns"),
        action_topics=words("action_topics"),
        causative_verbs=words("causative_verbs"),
        content_nouns=words("content_nouns"),
        response_verbs=words("response_verbs"),
        confidence={str(k): float(v) for k, v in (data.get("confidence") or {}).items()},
    )


def _lemma(tok) -> str:
    return tok.lemma_.lower() if tok.lemma_ else tok.lower_


def _same(tok, word: str) -> bool:
    return _lemma(tok) == word or tok.lower_ == word


def _adjacent(tok, rest: tuple[str, ...], end: int):
    toks = [tok]
    for offset, word in enumerate(rest, start=1):
        if tok.i + offset >= end or not _same(tok.doc[tok.i + offset], word):
            return None
        toks.append(tok.doc[tok.i + offset])
    return toks


def _descendants(tok, rest: tuple[str, ...]):
    """Split phrase words, each hanging off a word already matched ("ruled the plan out", "put sanctions
    on hold"); a word under the object does not count ("insisted sanctions on oil were ...")."""
    toks, last = [tok], tok.i
    subtree = [t for t in tok.subtree if last < t.i <= tok.i + _WINDOW + len(rest)]
    for word in rest:
        # ... or off the verb's object ("place proposed sanctions on hold" attaches "on" to "sanctions")
        ids = {t.i for t in toks} | {c.i for c in tok.children if c.dep_ == "dobj" and len(rest) > 1}
        found = next((t for t in subtree if t.i > last and _same(t, word) and t.head.i in ids), None)
        if found is None:
            return None
        toks.append(found)
        last = found.i
    return toks


def _head_of(toks: list) -> object:
    ids = {t.i for t in toks}
    outside = [t for t in toks if t.head.i not in ids or t.head.i == t.i]
    return outside[0] if outside else toks[0]


_FORMS = "parley_lemma_lower"  # Doc.user_data key: (lemma-or-lower, lower) of every token


def token_forms(doc) -> tuple[list[str], list[str]]:
    """`_lemma(t)` and `t.lower_` of every token, read once per Doc: the cue indexes are looked up several
    times per sentence, and creating a Token per word each time cost more than the lookups."""
    forms = doc.user_data.get(_FORMS)
    if forms is None or len(forms[0]) != len(doc):
        lemmas, lowers = [], []
        for tok in doc:
            lower, lemma = tok.lower_, tok.lemma_
            lowers.append(lower)
            lemmas.append(lemma.lower() if lemma else lower)
        forms = doc.user_data[_FORMS] = (lemmas, lowers)
    return forms


def match_phrases(span, index: dict[str, tuple[Cue, ...]]) -> list[Match]:
    """Every phrase of `index` found in `span` (a sentence), at most one per head token."""
    found: dict[int, Match] = {}
    if not index:
        return []
    doc = span.doc
    lemmas, lowers = token_forms(doc)
    for i in range(span.start, span.end):
        lemma, lower = lemmas[i], lowers[i]
        cues = index.get(lemma, ()) + (index.get(lower, ()) if lower != lemma else ())
        if not cues:
            continue
        tok = doc[i]
        if tok.pos_ in ("NOUN", "PROPN", "ADJ"):
            # "the EU's push for sanctions" is the attitude noun "push", not the verb "push for"
            cues = sorted(cues, key=lambda c: c.kind == "verb")
        for cue in cues:
            toks = [tok] if len(cue.words) == 1 else None
            if toks is None:
                toks = _adjacent(tok, cue.words[1:], span.end) or _descendants(tok, cue.words[1:])
            if toks:
                head = _head_of(toks)
                if head.i not in found or len(found[head.i].tokens) < len(toks):
                    found[head.i] = Match(cue, head, tuple(toks))
                break
    return sorted(found.values(), key=lambda m: m.head.i)
