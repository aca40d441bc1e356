"""Positions stated as judgements: who judges, and what a judgement is about, where the parse hides it.

- the experiencer of an evaluative adjective holds the judgement: "troops on our soil are unacceptable
  for us", "the plan is acceptable to Moscow" (the subject is the thing judged, "for us" the judge);
- a judgement of a part is no judgement of the whole: "some of the proposals are acceptable, some are
  not" takes no position on the proposals.
"""

from __future__ import annotations

from analysis.extract.stance.holder import Context, Holder, nominal_actor

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
