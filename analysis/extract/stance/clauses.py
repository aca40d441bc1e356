"""Where a cue's content sits beyond its own complements: the verb a position noun hangs on ("Russia's
conditions remain ..., including ..."), the maker of a condition ("has made X a condition"), the antecedent
of a relative clause or passive participle ("the plan Kyiv rejected", "the loan, championed by X"), and a
rule that a reversal verb does away with ("removed the clause barring troops").
"""

from __future__ import annotations

from analysis.extract.stance.lexicon import Lexicon, Match
from analysis.extract.stance.path import SentenceCues
from analysis.extract.stance.scope import cue_scope


def linked_scope(match: Match, kind: str, lexicon: Lexicon):
    """Where a position noun's content sits when the parse hangs it on the noun's verb.

    `Russia's conditions remain ..., including the withdrawal ...` (subject of a linking verb: the
    verb's complements) and `emphasizing the urgency for a ceasefire` (object: the verb's prepositional
    complements after it). Returns (top token, token ids) or (None, empty set).
    """
    head = match.head
    if kind != "attitude" or head.pos_ != "NOUN" or head.head.i == head.i:
        return None, set()
    maker = making_verb(head)
    if maker is not None:
        objects = {t.i for c in maker.children if c.dep_ in _MADE_DEPS for t in c.subtree}
        own = {t.i for c in head.children if c.dep_ == "nsubj" for t in c.subtree}  # "made [X] a condition"
        return maker, (objects - {t.i for t in head.subtree}) | own
    verb = head.head
    if head.dep_ == "nsubj" and verb.lemma_.lower() in lexicon.linking_verbs:
        return verb, cue_scope(match, verb, "verb", lexicon)
    if head.dep_ == "dobj":
        preps = [
            c
            for c in verb.children
            if c.dep_ == "prep" and c.i > head.i and c.lower_ in lexicon.complement_preps
        ]
        return verb, {t.i for p in preps for t in p.subtree}
    return None, set()


_MAKING_VERBS = frozenset({"make"})
_MADE_DEPS = frozenset({"dobj", "dative", "ccomp", "oprd", "attr", "xcomp"})  # not "since the talks"


def making_verb(head):
    """`Moscow has made sanctions relief a condition of any deal`: a position noun as what the object is
    made into ("a condition", "its central demand", "a priority") is about that object. The small parser
    hangs the object and the noun in several ways, so the verb is looked for up to two steps above."""
    tok = head
    for _ in range(2):
        if tok.dep_ not in ("dobj", "oprd", "ccomp", "attr", "xcomp") or tok.head.i == tok.i:
            return None
        tok = tok.head
        if tok.pos_ == "VERB" and tok.lemma_.lower() in _MAKING_VERBS:
            return tok
    return None


def relative_object(anchor, kind: str):
    """`demands that Russia had rejected, including the deployment of troops`, `the plan Kyiv rejected`,
    `the loan, championed by Merz`: a cue verb in a relative clause whose object is the antecedent, or a
    passive participle with its agent, is about the antecedent's phrase.
    Returns (antecedent, its token ids outside the relative clause) or (None, empty set)."""
    if kind != "verb" or anchor.dep_ not in ("relcl", "acl") or anchor.pos_ != "VERB":
        return None, set()
    kids = list(anchor.children)
    if anchor.dep_ == "acl" and anchor.tag_ == "VBN" and any(c.dep_ == "agent" for c in kids):
        # "the ceasefire, backed by Poland and Spain, ...": the participle's patient is the noun it modifies
        return anchor.head, {t.i for t in anchor.head.subtree} - {t.i for t in anchor.subtree}
    own_subject = any(c.dep_ == "nsubj" and c.lower_ not in ("that", "which", "who") for c in kids)
    objects = [c for c in kids if c.dep_ == "dobj"]
    if not own_subject or any(o.lower_ not in ("that", "which") for o in objects):
        return None, set()
    antecedent = anchor.head
    inner = {t.i for t in anchor.subtree}
    clause = antecedent.head
    if antecedent.dep_ in ("npadvmod", "appos") and clause.pos_ in ("VERB", "AUX") and _sums_up(antecedent):
        # "Russia insisted that Kyiv withdraw from Donetsk, a demand Zelenskyy rejected": the noun sums up
        # the clause it is attached to, whose content the relative clause's cue is about
        subjects = {t.i for c in clause.children if c.dep_.startswith("nsubj") for t in c.subtree}
        return clause, {t.i for t in clause.subtree} - {t.i for t in antecedent.subtree} - subjects
    return antecedent, {t.i for t in antecedent.subtree} - inner


# nouns that sum up a stated position ("..., a demand Kyiv rejected", "..., a position Tehran rejects")
_SUMMARY_NOUNS = frozenset({"demand", "position", "stance", "view", "condition", "proposal", "idea", "offer"})


def _sums_up(noun) -> bool:
    return noun.lemma_.lower() in _SUMMARY_NOUNS


def undoing_verb(anchor, sc: SentenceCues):
    """`removed the clause barring foreign troops`, `repealed a rule that requires talks`: a cue describing a
    text or rule that a reversal verb does away with; its holder takes the other side. Returns the
    reversal verb or None."""
    if anchor.pos_ != "VERB" or anchor.head.dep_ not in ("dobj", "nsubjpass"):
        return None
    relative = anchor.dep_ == "relcl" and any(
        c.dep_ == "nsubj" and c.lower_ in ("that", "which") for c in anchor.children
    )
    if anchor.dep_ != "acl" and not relative:
        return None
    verb = anchor.head.head
    return verb if verb.i in sc.reversals else None
