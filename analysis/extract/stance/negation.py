"""Negation and prescription in the parse: whether a token is negated ("no troops", "rather than",
"instead of"), whether a cue is ("the Kremlin's lack of commitment"), and whether a reported clause
prescribes ("would need to", "insisted that Ukraine withdraw") rather than describes.
"""

from __future__ import annotations

from analysis.extract.stance.lexicon import Lexicon, Match

__all__ = ["argument_of", "denied_position", "deontic", "governing_negated", "is_negated", "negation_reading"]


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
    if tok.lower_ in ("without", "against") or _in_place_of(tok):
        return True
    prev = tok.doc[tok.i - 1] if tok.i > 0 else None
    return prev is not None and (tok.lower_, prev.lower_) in (("than", "rather"), ("of", "instead"))


_PLACE_NOUNS = frozenset({"substitute", "alternative", "replacement"})


def _in_place_of(tok) -> bool:
    """`a substitute for a ceasefire`, `an alternative to sanctions`: in place of it, like "instead of"."""
    return tok.lower_ in ("for", "to") and tok.dep_ == "prep" and tok.head.lemma_.lower() in _PLACE_NOUNS


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


# Verbs that only link: "could not become a substitute for a ceasefire", "a truce is not the same as peace".
# Negated, they say nothing of a term in their clause unless it is what the subject would be part of.
COPULAS = frozenset({"be", "become", "seem", "remain", "look", "sound"})
# Verbs of needing: "does not need Ukraine inside NATO", "does not require troops to be there". Negated,
# they speak only for their own object ("does not need a ceasefire" is against one).
NECESSITY = frozenset({"need", "require", "necessary"})
# Verbs of going, imagining or meaning: negated, they take no side on a term of their own ("can't imagine
# the talks without allies", "not going to conduct talks through the press") but still turn a polar word
# below them ("can't imagine a deal without a ceasefire" is for one, "not going to give up land" against).
PASSING = frozenset({"go", "imagine", "think", "mean", "see"})
# Verbs of receiving and learning: negated, they report what has not reached the holder ("Russia says it
# has not received the new text", "has not heard of any proposal to cede land"), no side on anything.
RECEIPT = frozenset({"receive", "get", "hear", "read", "obtain", "learn"})
# Cues of asking: a demand not made is no opposition ("did not call for a ceasefire"), like an opposition
# not voiced is no support ("did not oppose the plan", "would not block the sanctions").
_ASKING = frozenset({"demand", "insist", "request", "ask", "call", "urge", "press", "push", "appeal"})
# ... but an option not excluded is kept open: "did not rule out sending troops" leans toward it
_EXCLUDING = frozenset({("rule", "out"), ("take", "off", "the", "table")})
# Nouns through which a linking verb still speaks for its term: "would not be part of any force", "will
# never be a member of NATO", "would not be a party to the deal".
_MEMBERSHIP = frozenset({"part", "member", "party", "participant"})
_INSIDE = frozenset({"in", "inside", "into"})
_NOMINAL = ("NOUN", "PRON", "DET", "NUM")
_MEANS = frozenset({"through", "via"})  # "not to conduct diplomacy through the press": the means is denied
_ARGUMENTS = frozenset({"dobj", "pobj", "attr", "oprd", "dative", "nsubj", "nsubjpass"})
_PREDICATES = frozenset({"attr", "acomp", "prep", "xcomp", "oprd", "advmod", "dobj"})


def argument_of(term, tok):
    """The phrase through which `tok` takes `term` as its argument: the term itself, the noun it
    complements ("a single metre of land", "the threat of sanctions"), or a coordination it is part of;
    None when the term lies deeper ("a framework for the force", "Ukraine to be in NATO")."""
    x = term
    while True:
        if x.dep_ == "conj" and x.head.i != x.i:
            x = x.head
        elif x.dep_ == "pobj" and x.head.lower_ == "of" and x.head.head.pos_ in _NOMINAL:
            x = x.head.head
        else:
            break
    if x.head.i == tok.i and x.dep_ in _ARGUMENTS:
        return x
    prep = x.head  # "will not put a cent into the army": the object of the verb's own preposition
    if x.dep_ == "pobj" and prep.dep_ in ("prep", "agent") and prep.head.i == tok.i:
        return x
    return None


def negation_reading(tok, below, term, polar: int, opposing: bool, cue: tuple[str, ...] = ("",)) -> str:
    """What a negation on `tok`, met on the way up from `term` to a cue, does to the reading.

    Returns "flip" (it reverses the direction and is itself a polar word: "will not send troops"),
    "silent" (it reverses whatever polar word lies below but says nothing of the term by itself: "does not
    need Ukraine inside NATO", "can't imagine talks without a ceasefire" = for the ceasefire) or "block"
    (the clause takes no side: "did not oppose the plan" is no support, "not to conduct diplomacy through
    the press" denies a means, "some are, some are not" is a clause of its own).

    Args:
        below: the token the path came from (None when `tok` is the term itself).
        polar: the polarity `tok` itself carries (a cue or a topic word), 0 when none.
        opposing: `tok` is a general cue against something ("oppose", "block"), not a topic word.
        cue: the lemmas of the cue `tok` stands for (("necessary",) for "was not necessary"), if any.
    """
    if opposing and _denied(polar, cue):
        return "block"  # no opposition is not support, no demand is not opposition
    kids = [c for c in tok.children if below is None or c.i != below.i]
    lemma = tok.lemma_.lower()
    if tok.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in kids):
        return "block"  # "could take place to sign documents, not to negotiate them": a purpose denied
    if not polar:
        objects = [o for c in tok.children if c.dep_ == "dobj" for o in c.children]
        if any(c.dep_ == "prep" and c.lower_ in _MEANS for c in kids + objects):
            return "block"
        clause_below = below is not None and below.dep_ in ("ccomp", "parataxis", "advcl")
        if lemma == "be" and clause_below and not any(c.dep_ in _PREDICATES for c in kids):
            return "block"  # "some are acceptable, some are not": an elliptical clause beside the other
    if any(c.dep_ == "nsubj" and c.lower_ == "you" for c in tok.children):
        return "silent"  # "you cannot be a mediator if ...": a maxim, no one's position
    if below is None:
        return "flip"  # the term itself: "no troops", "not to negotiate"
    copula, needing = lemma in COPULAS, lemma in NECESSITY or cue[0] in NECESSITY
    if lemma in RECEIPT and not polar:
        return "block"
    if lemma in PASSING and not polar:  # "can't imagine the talks without allies": only imagined
        arg = argument_of(term, tok)
        return "block" if arg is not None and arg.head.i == tok.i else "silent"
    if (copula or needing) and below.dep_ == "advcl" and not polar:
        return "block"  # "I'm not here to negotiate for them": the purpose is what is denied
    # "does not require our boys to be in Donbas": the object is the subject of what is (not) required
    clause = needing and any(c.dep_ in ("xcomp", "ccomp") for c in kids)
    direct = argument_of(term, tok) is not None and not clause
    if polar:  # a cue or topic word of its own: "will not accept", "must not be eased", "not ready for"
        return "flip" if direct or not needing else "silent"
    if copula:  # "would not be part of any force", "will never be in NATO", "our troops will not be part of"
        member = below.lemma_.lower() in _MEMBERSHIP and below.dep_ in ("attr", "dobj")
        inside = below.dep_ == "prep" and below.lower_ in _INSIDE
        subject = below.dep_ == "nsubj" and any(_membership(c) for c in kids)
        return "flip" if member or inside or subject else "silent"
    return "flip" if direct else "silent"


def denied_position(match: Match, negated: bool) -> bool:
    """`did not oppose the plan`, `would not block the sanctions`, `did not call for a ceasefire`: a cue of
    opposing or of asking, negated, states no position (no opposition is not support)."""
    return negated and _denied(match.cue.polarity, match.cue.words)


def _denied(polarity: int, words: tuple[str, ...]) -> bool:
    return (polarity < 0 and words not in _EXCLUDING) or words[0] in _ASKING


def _membership(tok) -> bool:
    return tok.dep_ == "attr" and tok.lemma_.lower() in _MEMBERSHIP
