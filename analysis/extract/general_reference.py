"""General anaphors: "the step", "such a move", "this decision", "them", which name no topic of their own.

A definite phrase headed by a general noun for an action or a text refers back to what the sentence
before reported, and so is about that sentence's topic:

    The Treasury blacklisted two oil firms on Wednesday.            -> sanctions (its own terms)
    The minister said the step was a response to Moscow's stalling.  -> sanctions, by reference

and an object pronoun "them" to the one plural term of the sentence before:

    Security guarantees are the crux.  Kyiv has made them its first condition.   -> security guarantees

The antecedent is the topic of the sentence right before (or, when it names none, of the nearest of the
two before that), found by the taxonomy's own rules or by a reference, so the rule works for any
taxonomy. Two topics there
compete, unless one is what the sentence reports (its main verb or that verb's object: "blacklisted two
firms ... to curb oil revenue"); then the phrase refers to that one. Otherwise, or with no antecedent,
nothing is found. Only topics with a proposition are antecedents (a tag-only topic takes no position).
A phrase with content of its own ("the step towards talks", "the decision to send troops", "the sanctions
move") or that points forward ("the next step") is not a reference; "them" is not, when the sentence
before holds another plural it could stand for ("leaders", "Paris and Berlin").
"""

from __future__ import annotations

from bisect import bisect_right

import numpy
from spacy.attrs import LEMMA, LOWER
from spacy.strings import hash_string

from analysis.extract.nlp import span_text
from analysis.extract.termregex import term_pattern

# nouns for what was done or put forward: they repeat what the sentence before reported
_ACTS = {"step", "move", "measure", "decision", "vote", "action"}
_TEXTS = {"bill", "text", "draft", "proposal", "deal", "offer", "initiative", "scheme", "package", "plan"}
GENERAL_NOUNS = frozenset(_ACTS | _TEXTS)
DETERMINERS = frozenset({"the", "this", "that", "these", "those", "such"})
FORWARD = frozenset({"next", "first", "second", "third", "last", "final", "further", "following", "previous"})
CONTENT_PREPS = frozenset({"of", "on", "about", "over", "for", "to", "toward", "towards", "into"})
CONTENT_DEPS = frozenset({"acl", "ccomp", "appos", "poss", "nmod"})
PLURAL_PRONOUN = "them"
BACK = 3  # sentences back a general noun looks for its antecedent ("them": the sentence right before)
OWN_WINDOW = 12  # sentences after "a bill to fund schools" in which "the bill" is that bill
ACTION_DEPTH = 6  # how far below the main verb the reported topic's term may sit
REPORTED_DEPS = frozenset({"dobj", "pobj", "prep", "xcomp", "ccomp", "dative", "attr", "oprd", "agent"})


def term_roots(sent, terms) -> list:
    """The root tokens of the matched terms' occurrences in the sentence (terms come normalised: any run of
    non-word characters may stand for a space, "ukraine s" for "Ukraine's")."""
    text, roots = span_text(sent), []
    for term in dict.fromkeys(terms):
        rx = term_pattern(term)
        if rx is None:
            continue
        for hit in rx.finditer(text):
            span = sent.doc.char_span(
                sent.start_char + hit.start(), sent.start_char + hit.end(), alignment_mode="expand"
            )
            if span is not None:
                roots.append(span.root)
    return roots


def general_anaphor(tok) -> bool:
    """`the step`, `such a move`, `these measures`, `the US move`: a general noun with a definite or
    demonstrative determiner and no content of its own; not `the next step`."""
    if tok.pos_ != "NOUN" or tok.lemma_.lower() not in GENERAL_NOUNS or tok.dep_ in ("compound", "poss"):
        return False
    kids = list(tok.children)
    if not any(k.lower_ in DETERMINERS and k.dep_ in ("det", "predet", "amod") for k in kids):
        return False
    for k in kids:
        if k.dep_ in CONTENT_DEPS or (k.dep_ == "prep" and k.lower_ in CONTENT_PREPS):
            return False
        if k.dep_ == "compound" and k.pos_ != "PROPN":
            return False  # "the sanctions move" is described by its own noun
        if k.dep_ == "amod" and k.lower_ in FORWARD:
            return False
    return True


def plural_pronoun(tok) -> bool:
    """`promised them`, `insisted on them`, `made them a condition`: the pronoun of a plural referent, not
    a part of a group ("several of them")."""
    if tok.lower_ != PLURAL_PRONOUN:
        return False
    part = tok.dep_ == "pobj" and tok.head.lower_ == "of"
    return not (part and tok.head.head.pos_ in ("NUM", "PRON", "DET", "ADJ"))


def _reported_depth(tok) -> int | None:
    """Arcs from a term up to its sentence's main verb through what that verb reports (its object, its
    complements and their objects), or None when the term is a subject or sits in a side clause."""
    n = 0
    while tok.head.i != tok.i:
        if tok.dep_ not in REPORTED_DEPS or n >= ACTION_DEPTH:
            return None
        tok, n = tok.head, n + 1
    return n


def _reported(candidates: dict[int, list]) -> int | None:
    """Of several topics, the one whose term the sentence reports, when it is the only one ("blacklisted
    two oil firms", "agreed on a revised framework"; not "territory is still open")."""
    depth = {
        k: min((d for d in map(_reported_depth, roots) if d is not None), default=None)
        for k, roots in candidates.items()
    }
    near = [k for k, d in depth.items() if d is not None]
    return near[0] if len(near) == 1 else None


def _antecedent(sid: int, topics_at, back: int) -> tuple[int, int] | None:
    """(topic index, sentence id) the general anaphor of sentence `sid` refers to, or None."""
    for prev in range(sid - 1, max(-1, sid - 1 - back), -1):
        candidates = topics_at(prev)
        if not candidates:
            continue
        topic = next(iter(candidates)) if len(candidates) == 1 else _reported(candidates)
        return (topic, prev) if topic is not None else None
    return None


def _plural_rivals(sent, roots: list) -> bool:
    """Another plural the pronoun could stand for: a plural noun outside the topic's terms or a
    coordination of nouns or names ("Paris and Berlin")."""
    inside = {t.i for r in roots for t in r.subtree}
    for tok in sent:
        if tok.i in inside or tok.dep_ == "compound":
            continue
        if tok.tag_ in ("NNS", "NNPS") or (tok.lower_ in ("they", "them") and tok.i not in inside):
            return True
        kids = [c.dep_ if c.dep_ == "conj" else c.lower_ for c in tok.children]
        if tok.pos_ in ("NOUN", "PROPN") and "conj" in kids and ("and" in kids or "or" in kids):
            return True
    return False


def _plural_antecedent(sid: int, sents: list, topics_at) -> tuple[int, int] | None:
    """The one topic of the sentence right before whose term is a plural (or itself "them")."""
    if sid == 0:
        return None
    candidates = topics_at(sid - 1)
    plural = {
        k: roots
        for k, roots in candidates.items()
        if any(r.tag_ in ("NNS", "NNPS") or r.lower_ == PLURAL_PRONOUN for r in roots)
    }
    if len(plural) != 1:
        return None
    topic, roots = next(iter(plural.items()))
    return None if _plural_rivals(sents[sid - 1], roots) else (topic, sid - 1)


def general_references(sents: list, known: dict, stance: set[int]) -> dict:
    """(sid, topic index) -> ([referring phrases], antecedent sid) for the general anaphors of the doc.

    Args:
        sents: the doc's sentences (with a dependency parse).
        known: (sid, topic index) -> terms already found (own rules, taxonomy anaphora, references).
        stance: the topic indices with a proposition (the only possible antecedents).
    """
    by_sid: dict[int, dict[int, list[str]]] = {}
    for (sid, k), terms in known.items():
        if k in stance:
            by_sid.setdefault(sid, {})[k] = list(terms)
    out: dict = {}
    cache: dict[int, dict[int, list]] = {}

    def topics_at(sid: int) -> dict[int, list]:
        if sid not in cache:
            cache[sid] = {k: term_roots(sents[sid], t) for k, t in by_sid.get(sid, {}).items()}
        return cache[sid]

    own_mention: dict[str, int] = {}  # general noun -> the latest sentence naming one of its own
    for sid, i in _candidate_tokens(sents):
        tok = sents[sid].doc[i]
        lemma, lower = tok.lemma_.lower(), tok.lower_
        if lower == PLURAL_PRONOUN:
            if not plural_pronoun(tok):
                continue
            found, text = _plural_antecedent(sid, sents, topics_at), lower
        elif general_anaphor(tok) and lower not in _covered(by_sid.get(sid, {})):
            found = _antecedent(sid, topics_at, BACK)
            start = min([k.i for k in tok.children if k.dep_ in ("det", "predet")] + [tok.i])
            text = tok.doc[start : tok.i + 1].text.lower()
            earlier = own_mention.get(lemma, -OWN_WINDOW)
            if found is not None and sid - earlier < OWN_WINDOW and earlier != found[1]:
                found = None  # "a bill to fund schools ... the bill": that bill, not the topic
            if found is None:
                own_mention[lemma] = sid  # "the bill" of something else: later ones too
        else:
            own_mention[lemma] = sid  # "a bill to fund schools" names a bill of its own
            continue
        if found is None or found[0] in by_sid.get(sid, {}):
            continue
        topic, prev = found
        prev = out[(prev, topic)][1] if (prev, topic) in out else prev  # the chain's first antecedent
        texts, _ = out.setdefault((sid, topic), ([], prev))
        texts.append(text)
        by_sid.setdefault(sid, {})[topic] = [text]  # a chain: "them" ... "them"
        cache.pop(sid, None)
    return out


_NOUN_IDS = numpy.array(sorted(hash_string(w) for w in GENERAL_NOUNS), dtype=numpy.uint64)
_THEM_ID = hash_string(PLURAL_PRONOUN)


def _covered(found: dict[int, list[str]]) -> str:
    """The terms the sentence's topics were already found by ("the step" of a taxonomy's anaphora)."""
    return " ".join(t for terms in found.values() for t in terms)


def _candidate_tokens(sents: list) -> list[tuple[int, int]]:
    """(sid, token index) of every "them" and general noun, found in the Doc's arrays of word ids (no
    Token made for the other words)."""
    if len(sents) < 2:
        return []
    doc = sents[0].doc
    words = doc.to_array([LOWER, LEMMA])
    hits = numpy.nonzero((words[:, 0] == _THEM_ID) | numpy.isin(words[:, 1], _NOUN_IDS))[0]
    starts = [s.start for s in sents]
    return [(bisect_right(starts, int(i)) - 1, int(i)) for i in hits]
