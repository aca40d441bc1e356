"""The stance cue lexicon: loading `cues.yaml` and matching its phrases in a parsed sentence.

`cues.yaml` holds domain-free English only. What a stance means for each topic (its polarity words, the
deeds that count as positions, whether it takes stances at all) comes from the taxonomy
(`analysis/data/topics.yaml`, setting `taxonomy_path`): `load_lexicon` joins the two and refuses a cue
file that still carries topic knowledge.

A phrase is matched on lemmas: its first word at a token, the other words either right after it
("rule out") or among that token's descendants a few tokens on ("ruled the plan out", "place sanctions
on hold"). The match's head is the token whose syntactic head lies outside the match.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from pathlib import Path

import yaml

from analysis.datafile import load_yaml
from analysis.extract.topics import Taxonomy, TaxonomyError, load_taxonomy

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "cues.yaml"
CUE_KINDS = ("verb", "attitude", "evaluative", "threat")
# topic knowledge: read from the taxonomy, never from the cue file (where these keys used to live)
TOPIC_FIELDS = frozenset({"concessions", "topic_only", "action_topics"})
MOVED = {"topic_polarity": "polarity", "action_topics": "deeds", "topic_only": "proposition"}
_WINDOW = 5  # how far (in tokens) a non-adjacent particle may sit from its verb


@dataclass(frozen=True)
class Cue:
    """One lexicon phrase.

    Attributes:
        words: the phrase's lemmas, lower case.
        polarity: +1 (support / the proposition happens), -1 (oppose / reversed), 0 (attribution).
        kind: verb | attitude | evaluative | threat | attribution | concession | reversal.
        topic: the topic a concession (topic polarity) phrase belongs to, else "".
        deed: a concession phrase an actor doing takes the topic's side (the taxonomy's `deeds`).
    """

    words: tuple[str, ...]
    polarity: int
    kind: str
    topic: str = ""
    deed: bool = False

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Lexicon:
    """Every piece of stance knowledge: the cue file's English, and per topic (from the taxonomy) its
    polarity words (`concessions`), the topics with deeds (`action_topics`) and those without stances."""

    cues: dict[str, tuple[Cue, ...]]
    reversals: dict[str, tuple[Cue, ...]]
    concessions: dict[str, dict[str, tuple[Cue, ...]]] = field(default_factory=dict)
    topic_only: frozenset[str] = frozenset()
    negators: frozenset[str] = frozenset()
    aspiration_nouns: frozenset[str] = frozenset()
    group_nouns: frozenset[str] = frozenset()
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
    statement_nouns: frozenset[str] = frozenset()  # "Kyiv's position is firm: ..." (a stated position)
    response_verbs: frozenset[str] = frozenset()
    deed_verbs: frozenset[str] = frozenset()  # actions as positions (stance/deeds.py)
    hosting_verbs: frozenset[str] = frozenset()
    envoy_nouns: frozenset[str] = frozenset()
    sending_verbs: frozenset[str] = frozenset()
    confidence: dict[str, float] = field(default_factory=dict)

    @cached_property
    def attribution_words(self) -> frozenset[str]:
        """The first words of the attribution verbs ("say", "tell", ...)."""
        return frozenset(c.words[0] for cues in self.cues.values() for c in cues if c.kind == "attribution")

    @cached_property
    def topic_words(self) -> dict[str, str]:
        """Each single polarity word of exactly one topic with a proposition (not a general cue or
        reversal), and that topic."""
        owners: dict[str, set[str]] = {}
        for topic, index in self.concessions.items():
            if topic in self.topic_only:
                continue
            for cues in index.values():
                for cue in cues:
                    if len(cue.words) == 1:
                        owners.setdefault(cue.words[0], set()).add(topic)
        general = set(self.cues) | set(self.reversals)
        return {w: next(iter(t)) for w, t in owners.items() if len(t) == 1 and w not in general}

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


def _strings(values, path: Path, key: str) -> list[str]:
    """The list's words; YAML reads a bare on/off/yes/no as a boolean, which is never meant here."""
    if values is not None and not isinstance(values, list):
        raise TaxonomyError(f"{path}: '{key}' must be a list of words, got {values!r}")
    bad = [v for v in values or () if isinstance(v, bool)]
    if bad:
        raise TaxonomyError(f"{path}: '{key}': quote the words on/off/yes/no (YAML read them as {bad})")
    return [str(v).lower() for v in values or ()]


def _phrases(words: list[str], polarity: int, kind: str) -> list[Cue]:
    return [Cue(tuple(v.split()), polarity, kind) for v in words]


def _general_cues(data: dict, path: Path) -> list[Cue]:
    cues: list[Cue] = []
    judgements = data.get("judgements") or {}
    if not isinstance(judgements, dict) or set(judgements) - {"support", "oppose"}:
        raise TaxonomyError(f"{path}: 'judgements' must map support and oppose to cue kinds")
    for section, where in ((data, ""), (judgements, "judgements.")):
        for side, polarity in (("support", 1), ("oppose", -1)):
            block = section.get(side) or {}
            if not isinstance(block, dict) or set(block) - set(CUE_KINDS):
                raise TaxonomyError(f"{path}: '{where}{side}' must map {', '.join(CUE_KINDS)} to word lists")
            for kind in CUE_KINDS:
                words = _strings(block.get(kind), path, f"{where}{side}.{kind}")
                cues += _phrases(words, polarity, kind)
    cues += _phrases(_strings(data.get("attribution"), path, "attribution"), 0, "attribution")
    return cues


# the cue file's sections: the Lexicon's word-set fields plus the cue lists and confidence factors
WORD_SETS = tuple(
    f.name for f in fields(Lexicon) if f.type == "frozenset[str]" and f.name not in TOPIC_FIELDS
)
CUE_KEYS = frozenset(
    {"support", "oppose", "judgements", "attribution", "reversal_verbs", "confidence", *WORD_SETS}
)


def with_taxonomy(lexicon: Lexicon, taxonomy) -> Lexicon:
    """The lexicon with the topic knowledge of `taxonomy` (an `analysis.extract.topics.Taxonomy`): each
    topic's polarity words (with their deeds marked), its deeds, and the topics without a proposition."""
    concessions = {}
    for topic in taxonomy.topics:
        cues = [
            Cue(tuple(w.split()), sign, "concession", topic.id, w in topic.deeds)
            for w, sign in topic.polarity
        ]
        if cues and not topic.topic_only:
            concessions[topic.id] = _index(cues)
    return replace(
        lexicon,
        concessions=concessions,
        topic_only=frozenset(t.id for t in taxonomy.topics if t.topic_only),
        action_topics=frozenset(t.id for t in taxonomy.topics if t.deeds and not t.topic_only),
    )


def _check_keys(data: dict, path: Path, taxonomy) -> None:
    """Unknown sections, and topic knowledge (keyed by topic ids) that belongs in the taxonomy."""
    source = getattr(taxonomy, "source", "") or "the taxonomy (setting taxonomy_path)"
    ids = set(getattr(taxonomy, "ids", ()))
    for key in data:
        if key in CUE_KEYS:
            continue
        if key in MOVED:
            raise TaxonomyError(
                f"{path}: '{key}' is topic knowledge and belongs in the taxonomy {source}: give each topic "
                f"its '{MOVED[key]}' there (docs/taxonomy.md); the cue file holds only domain-free English"
            )
        if key in ids:
            raise TaxonomyError(
                f"{path}: '{key}' is a topic id of {source}; what a topic's words mean "
                "belongs under that topic ('polarity', 'deeds') in the taxonomy"
            )
        raise TaxonomyError(
            f"{path}: unknown section {key!r}; valid sections are {', '.join(sorted(CUE_KEYS))}"
        )


def load_lexicon(path: str | Path | None = None, taxonomy=None) -> Lexicon:
    """Read the stance lexicon from `path` (default `analysis/data/cues.yaml`) and join the topic
    knowledge of `taxonomy` (a `Taxonomy`, a path, or None: the setting `taxonomy_path`).

    Raises:
        FileNotFoundError: the file does not exist.
        TaxonomyError (a ValueError): the file is not a mapping, a section has the wrong shape, or the file
            holds topic knowledge that belongs in the taxonomy; the message names the file and the key.
    """
    path = Path(path) if path else DEFAULT_PATH
    if not path.exists():
        raise FileNotFoundError(
            f"stance lexicon {path} not found; set PARLEY_LEXICON_PATH to a cues.yaml file"
        )
    if not isinstance(taxonomy, Taxonomy):
        from analysis import settings

        taxonomy = load_taxonomy(taxonomy or settings.get_path("taxonomy_path"))
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict) or not ({"support", "oppose"} <= set(data)):
        raise TaxonomyError(f"{path}: a stance lexicon needs the sections 'support' and 'oppose'")
    _check_keys(data, path, taxonomy)
    confidence = data.get("confidence") or {}
    if not isinstance(confidence, dict) or not all(isinstance(v, int | float) for v in confidence.values()):
        raise TaxonomyError(f"{path}: 'confidence' must map evidence kinds to numbers, got {confidence!r}")
    lexicon = Lexicon(
        cues=_index(_general_cues(data, path)),
        reversals=_index(
            _phrases(_strings(data.get("reversal_verbs"), path, "reversal_verbs"), -1, "reversal")
        ),
        confidence={str(k): float(v) for k, v in confidence.items()},
        **{key: frozenset(_strings(data.get(key), path, key)) for key in WORD_SETS},
    )
    return with_taxonomy(lexicon, taxonomy)


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


def _nearby(i: int, rest: tuple[str, ...], lemmas: list[str], lowers: list[str]) -> bool:
    """Every word of `rest` is the lemma or lower form of a token within reach after token `i`: without
    that neither `_adjacent` nor `_descendants` can find the phrase (a cheap test before the parse walk)."""
    stop = min(len(lemmas), i + _WINDOW + len(rest) + 1)
    return all(any(lemmas[j] == w or lowers[j] == w for j in range(i + 1, stop)) for w in rest)


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
            if toks is None and _nearby(i, cue.words[1:], lemmas, lowers):
                toks = _adjacent(tok, cue.words[1:], span.end) or _descendants(tok, cue.words[1:])
            if toks:
                head = _head_of(toks)
                if head.i not in found or len(found[head.i].tokens) < len(toks):
                    found[head.i] = Match(cue, head, tuple(toks))
                break
    return sorted(found.values(), key=lambda m: m.head.i)
