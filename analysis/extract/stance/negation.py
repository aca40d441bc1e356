"""Negation and prescription in the parse: whether a token is negated ("no troops", "rather than",
"instead of"), whether a cue is ("the Kremlin's lack of commitment"), and whether a reported clause
prescribes ("would need to", "insisted that Ukraine withdraw") rather than describes.
"""

from __future__ import annotations

from analysis.extract.stance.lexicon import Lexicon, Match

__all__ = ["deontic", "governing_negated", "is_negated"]


def _has_no(tok, lexicon: Lexicon) -> bool:
    return any(
        c.dep_ in ("det", "advmod", "neg") and c.lower_ in lexicon.negators and not _contrastive(tok, c)
        for c in tok.children
    )


def _contrastive(tok, neg) -> bool:
    """`real security guarantees, not paper ones`: the "not" negates the contrasted phrase after it."""
    return (
        tok.pos_ in ("NOUN", "PROPN")
        and neg.i > tok.i
        and any(c.dep_ in ("appos", "conj", "npadvmod") and c.i > neg.i for c in tok.children)
    )


def is_negated(tok, lexicon: Lexicon) -> bool:
    """True when `tok` is negated: a `neg` dependant, `no`/`never`, `without`, `rather than`, `instead of`.

    A verb whose subject says "no" is negated ("no troops will be deployed"); that subject then is not,
    so the negation counts once.
    """
    if any(c.dep_ == "neg" and not _contrastive(tok, c) for c in tok.children):
        return True
    if tok.dep_ not in ("nsubj", "nsubjpass") and _has_no(tok, lexicon):
        return True
    if tok.pos_ in ("VERB", "AUX") and any(
        c.dep_ in ("nsubj", "nsubjpass") and c.pos_ != "PRON" and _has_no(c, lexicon) for c in tok.children
    ):
        return True
    if tok.lower_ in ("without", "against"):
        return True
    prev = tok.doc[tok.i - 1] if tok.i > 0 else None
    return prev is not None and (tok.lower_, prev.lower_) in (("than", "rather"), ("of", "instead"))


def deontic(tok, lexicon: Lexicon) -> bool:
    """`Ukraine would need to give up`, `Kyiv must accept`: the clause prescribes, it does not describe."""
    words = [tok] + [c for c in tok.children if c.dep_ in ("aux", "xcomp")]
    if any(w.lemma_.lower() in lexicon.deontic or w.lower_ in lexicon.deontic for w in words):
        return True
    return _mandative(tok)


def _mandative(tok) -> bool:
    """`insisted that Ukraine withdraw from Donbas`, `demanded the line be frozen`: a that-clause in the bare
    subjunctive (base form with its own subject, no auxiliary; "Ukraine withdraw" tagged VBP with a
    singular subject, or a present under a past "insisted", is that form too) states what the speaker
    demands."""
    kids = list(tok.children)
    subjects = [c for c in kids if c.dep_ in ("nsubj", "nsubjpass")]
    singular = any(c.tag_ in ("NN", "NNP") for c in subjects)
    past = tok.head.tag_ in ("VBD", "VBN")
    return (
        tok.dep_ == "ccomp"
        and (tok.tag_ == "VB" or (tok.tag_ == "VBP" and tok.lemma_ != "be" and (singular or past)))
        and subjects
        and not any(c.dep_ == "aux" for c in kids)
        and tok.head.lemma_.lower() in _DEMAND_VERBS
    )


_DEMAND_VERBS = frozenset({"insist", "demand", "ask", "urge", "propose", "require", "recommend"})


def _lacking(tok, lexicon: Lexicon) -> bool:
    """`the Kremlin's lack of commitment`: a cue noun under "lack of", "absence of"."""
    return (
        tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lemma_.lower() in lexicon.lack_nouns
    )


def governing_negated(match: Match, anchor, lexicon: Lexicon) -> bool:
    head = match.head
    return (
        is_negated(head, lexicon)
        or _lacking(head, lexicon)
        or (anchor is not head and is_negated(anchor, lexicon))
    )
