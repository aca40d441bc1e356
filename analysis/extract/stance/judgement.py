"""Positions stated as judgements: who judges, and what a judgement is about, where the parse hides it.

- the experiencer of an evaluative adjective holds the judgement: "troops on our soil are unacceptable
  for us", "the plan is acceptable to Moscow" (the subject is the thing judged, "for us" the judge);
- a judgement of a part is no judgement of the whole: "some of the proposals are acceptable, some are
  not" takes no position on the proposals;
- a free relative in a copula's predicate is about the copula's subject: "a truce that lets them rearm
  is not what we are looking for" (against the truce);
- a judgement that is a claim someone rejects is reversed: "pushed back on the idea that the plan was a
  wish list" (for the plan).
"""

from __future__ import annotations

from analysis.extract.stance.holder import Context, Holder, find_holder, nominal_actor
from analysis.extract.stance.lexicon import Lexicon, token_forms
from analysis.extract.stance.negation import governing_negated, is_negated
from analysis.extract.stance.scope import condition_clauses, cue_role, framing_object, specifying_subject

_EXPERIENCER_PREPS = frozenset({"to", "for"})


def experiencer(head, ctx: Context) -> Holder | None:
    """The actor an evaluative adjective judges for: `unacceptable for us`, `acceptable to Moscow`."""
    if head.pos_ != "ADJ":
        return None
    for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ in _EXPERIENCER_PREPS):
        for obj in (c for c in prep.children if c.dep_ == "pobj"):
            found = nominal_actor(obj, ctx)
            if found is not None:
                return found
    return None


_PARTIAL = frozenset({"some", "part", "parts", "several", "few", "certain", "many", "most", "elements"})


def partial_term(term, anchor) -> bool:
    """`Some of the proposals are acceptable`, `parts of the plan are useful`, `certain points are
    unacceptable`: the term sits in a subject that names a part of it, so the judgement is not the
    topic's. Read from the term up to the cue's anchor."""
    _lemmas, lowers = token_forms(term.doc)
    if _PARTIAL.isdisjoint(lowers[term.sent.start : term.sent.end]):
        return False  # speed: no word of a part in the sentence
    tok = term
    while tok.i != anchor.i:
        partial = tok.lower_ in _PARTIAL and any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.children)
        if partial or any(c.dep_ in ("det", "amod") and c.lower_ in _PARTIAL for c in tok.children):
            return _judged_subject(tok, anchor)
        if tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


_COPULAS = frozenset({"be", "seem", "look", "remain", "appear", "sound", "prove"})


def _judged_subject(tok, anchor) -> bool:
    """`tok` is, or lies inside, the subject of a copula on its way up to `anchor` ("some of the plan's
    points are ..."); "some sanctions must be lifted" is a demand, not a judgement."""
    while tok.head.i != tok.i:
        if tok.dep_ == "nsubj":
            return tok.head.lemma_.lower() in _COPULAS
        if tok.i == anchor.i:
            return False
        tok = tok.head
    return False


def free_relative(anchor, kind: str, lexicon: Lexicon):
    """`A truce that lets them rearm is not what we are looking for`, `a ceasefire is exactly what we want`,
    `what Russia wants is a ceasefire`: a cue verb whose object is "what", in the predicate (or the
    subject) of a copula, is about the copula's other side (and the copula's negation reverses it).
    Returns (copula, that side's token ids, negated) or (None, empty set, False)."""
    if kind != "verb" or not free_clause(anchor):
        return None, set(), False
    copula = anchor.head
    other = ("attr", "acomp") if anchor.dep_ == "csubj" else ("nsubj",)
    sides = [c for c in copula.children if c.dep_ in other and c.i != anchor.i]
    ids = {t.i for s in sides for t in s.subtree}
    return (copula, ids, is_negated(copula, lexicon)) if ids else (None, set(), False)


# what a copula's subject may be when its "what" clause asks rather than states ("the question is what")
_OPEN_NOUNS = frozenset(
    {"question", "issue", "unknown", "puzzle", "mystery", "challenge", "test", "problem", "dilemma", "debate"}
)


def free_clause(verb) -> bool:
    """`what we want` as one side of a copula ("X is what we want", "what we want is X"): a free relative
    clause, a statement, not an indirect question ("the question is what Europe can promise")."""
    if verb.pos_ != "VERB" or verb.dep_ not in ("ccomp", "attr", "xcomp", "csubj"):
        return False
    copula = verb.head
    if copula.lemma_.lower() not in _COPULAS or (verb.dep_ != "csubj" and verb.i < copula.i):
        return False
    if any(c.dep_ == "nsubj" and c.lemma_.lower() in _OPEN_NOUNS for c in copula.children):
        return False
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    objects += [o for p in verb.children if p.dep_ == "prep" for o in p.children if o.dep_ == "pobj"]
    return any(o.lower_ == "what" and o.i < verb.i for o in objects)


# verbs of choosing between two things: "prefers talks to sanctions", "chose a deal over more fighting"
PREFERENCE_VERBS = frozenset({"prefer", "choose", "favour", "favor", "pick", "opt"})
_AGAINST_PREPS = frozenset({"over", "to", "above"})


def dispreferred(term, match, anchor) -> bool:
    """`prefers a deal to sanctions`, `favours talks over a ceasefire`: the term sits in what the holder
    prefers the object to, so the cue holds the other way for it."""
    if match.cue.words[0] not in PREFERENCE_VERBS or anchor.pos_ != "VERB":
        return False
    objects = {c.i for c in anchor.children if c.dep_ in ("dobj", "pobj", "prep")}
    tok = term
    while tok.i != anchor.i and tok.head.i != tok.i:
        head = tok.head
        if tok.dep_ == "pobj" and head.lower_ in _AGAINST_PREPS and head.dep_ == "prep":
            return head.head.i == anchor.i or head.head.i in objects or head.head.head.i in objects
        tok = head
    return False


def equated(top, ids: set[int], lexicon: Lexicon):
    """`The limit on troops was one of the points Kyiv pushed back on`: a relative clause's antecedent that
    is the predicate of a copula ("one of the points", "the point") stands for the copula's subject, so
    the cue is about that subject too ("X was not one of the demands Moscow rejected" says nothing of
    where Moscow stands on X). Returns (top, ids, negated)."""
    if top is None or not ids:
        return top, ids, False
    noun = top
    if noun.dep_ == "pobj" and noun.head.lower_ in ("of", "among") and noun.head.head.dep_ == "attr":
        noun = noun.head.head  # "one of the points", "among the demands"
    copula = noun.head
    if noun.dep_ != "attr" or copula.lemma_.lower() not in _COPULAS:
        return top, ids, False
    subjects = [c for c in copula.children if c.dep_ == "nsubj" and c.i < noun.i]
    if not subjects or is_negated(copula, lexicon):
        return top, ids, False
    return copula, ids | {t.i for s in subjects for t in s.subtree}, False


def predicate_noun(head, kind: str) -> bool:
    """An evaluative noun as a copula's or framing verb's predicate ("would send the wrong signal", "was a
    mistake"): it speaks for its verb's clause as an adjective does, so a reported clause composes it."""
    if specifying_subject(head, kind):
        return True  # "said the way forward was a ceasefire"
    if kind != "evaluative" or head.pos_ not in ("NOUN", "PROPN"):
        return False
    return head.dep_ in ("attr", "oprd") or framing_object(head)


def contested_claim(holder, undone, anchor, kind: str, ctx: Context, cues: dict):
    """`pushed back on the idea that the plan was a wish list`, `rejected claims that the sanctions were a
    failure`: an evaluative with no holder of its own that is the content of a claim noun (idea, claim,
    view ...) a cue verb rejects (or endorses) is the cue's holder's judgement, reversed (or kept).
    Returns (holder, the reversing verb or `undone`), unchanged when nothing applies; a negated governor
    ("did not dispute the claim") decides nothing."""
    found = _claim(anchor, ctx, cues) if holder is None and kind == "evaluative" else None
    return found if found is not None else (holder, undone)


def _claim(anchor, ctx: Context, cues: dict):
    if anchor.dep_ not in ("acl", "ccomp") or anchor.head.lemma_.lower() not in ctx.lexicon.content_nouns:
        return None
    noun = anchor.head
    verb = noun.head if noun.dep_ == "dobj" else noun.head.head if noun.dep_ == "pobj" else None
    gov = cues.get(verb.i) if verb is not None else None
    if gov is None or cue_role(gov) != "verb" or verb.pos_ != "VERB":
        return None
    if governing_negated(gov, verb, ctx.lexicon) or any(t.dep_ == "neg" for t in verb.children):
        return None
    holder = find_holder(verb, ctx)
    if holder is None:
        return None
    return holder, (verb if gov.cue.polarity < 0 else None)


def shared_predicates(terms: list, topic: str, concessions: dict) -> list:
    """`insisted sanctions were hurting America and should be dropped`: the parser gives a term as
    subject to the first verb only; a coordinated verb without a subject of its own that is a polar word
    of the term's topic ("dropped") is said of the term too, and read after the terms."""
    polar = concessions.get(topic, {})
    return [
        c
        for term in terms
        if term.dep_ in ("nsubj", "nsubjpass") and polar
        for c in term.head.conjuncts
        if c.pos_ == "VERB"
        and c.i in polar
        and c.i > term.i
        and not any(k.dep_ in ("nsubj", "nsubjpass") for k in c.children)
    ]


_BELIEF_VERBS = frozenset(
    {"expect", "think", "believe", "assume", "imagine", "hope", "predict", "anticipate", "suppose", "presume"}
)


def judged_belief(term, anchor, sc, lexicon: Lexicon) -> bool:
    """`it is not realistic to expect a ceasefire soon`, `it would be absurd to claim that talks failed`: an
    evaluative judges the expecting or the saying, not the term beneath it."""
    tok, belief = term, False
    words = _BELIEF_VERBS | lexicon.attribution_words
    while tok.head.i != tok.i:
        if belief and tok.i in sc.anchored and sc.anchored[tok.i].cue.kind == "evaluative":
            return True
        if tok.i == anchor.i:
            return False
        belief = belief or (
            tok.pos_ == "VERB"
            and tok.dep_ in ("xcomp", "ccomp", "csubj")  # what is judged ("..., while stressing that" is not)
            and tok.lemma_.lower() in words
            and tok is not term
        )
        tok = tok.head
    return belief and tok.i in sc.anchored and sc.anchored[tok.i].cue.kind == "evaluative"


def alternative(tok, below) -> bool:
    """`prefers talks over a ceasefire`: the term below `tok` (another topic's term) is what `tok` is
    preferred to, not a qualifier of it (see `dispreferred`)."""
    if below is None or below.dep_ != "prep" or below.lower_ not in _AGAINST_PREPS:
        return False
    return tok.head.lemma_.lower() in PREFERENCE_VERBS


def threatened(tok, sc) -> bool:
    """`tok` is the condition of a threat cue: "respond [if troops were sent]"."""
    gov = sc.cues.get(tok.head.i)
    return gov is not None and gov.cue.kind == "threat"


def misjudged(term, anchor, sc, lexicon: Lexicon) -> bool:
    """The judgement at `anchor` is not the term's: a part of it is judged, or an expectation of it."""
    return partial_term(term, anchor) or judged_belief(term, anchor, sc, lexicon)


def wider_scope(anchor, kind: str, relative, negated: bool, lexicon: Lexicon):
    """Where a cue's content lies beyond its complements, for the judgement frames: a threat's conditions
    ("respond if troops were sent"), a relative clause's antecedent equated with a copula's subject ("X was
    one of the points Kyiv pushed back on"; `relative` is `clauses.relative_object`'s answer), a free
    relative beside a copula ("X is not what we want", its negation reversing the cue). Returns (top,
    token ids, negated)."""
    if kind == "threat":
        return anchor, {t.i for c in condition_clauses(anchor) for t in c.subtree}, negated
    top, ids, reversed_ = equated(*relative, lexicon)
    if not ids:
        top, ids, reversed_ = free_relative(anchor, kind, lexicon)
    return top, ids, negated != reversed_
