"""Whether a cue states a position at all: questions, doubts, conditions and counterfactuals.

"whether Russia is ready to ...", "casts doubt on Putin's willingness", "what Europe can promise",
"If it were serious, Russia would agree ..." put the position in question; no statement is made.
"""

from __future__ import annotations

from analysis.extract.nlp import doc_text
from analysis.extract.stance.judgement import free_clause
from analysis.extract.stance.lexicon import Lexicon


def hypothetical(anchor, lexicon: Lexicon) -> bool:
    """`whether Putin is ready to ...`, `doubt on Putin's willingness`: the position is in question."""
    tok = anchor
    while True:  # up through the complements that complete the clause ("ready to accept")
        if any(c.dep_ == "mark" and c.lower_ in lexicon.hypothetical_marks for c in tok.children):
            return True
        if _counterfactual(tok, lexicon) or _indirect_question(tok, lexicon):
            return True
        if tok.dep_ not in ("xcomp", "acomp", "attr", "oprd") or tok.head.i == tok.i:
            break
        tok = tok.head
    for level, tok in enumerate(anchor.ancestors):
        if level >= 4:
            break
        # "doubt over X", "it is unclear whether X", or "casts doubt on X" (X hung on the verb)
        near = [tok] + [c for c in tok.children if c.dep_ in ("dobj", "acomp", "attr")]
        if any(_doubt(t, lexicon) for t in near):
            return True
    return False


_HEDGES = frozenset({"may", "might"})


def hedged(anchor) -> bool:
    """`The EU may impose sanctions`, `Russia might accept talks`: a possibility, not a position or a deed."""
    return any(c.dep_ == "aux" and c.lower_ in _HEDGES for c in anchor.children)


def agentless_passive(verb) -> bool:
    """A passive cue verb without its agent names no holder, and reports an event, not the speaker's
    position ("We cannot forget that the last agreement was never signed", "the plan signed in May")."""
    if verb.pos_ != "VERB" or verb.tag_ != "VBN":
        return False
    kids = list(verb.children)
    acl = verb.dep_ == "acl" and not any(c.dep_ == "nsubj" for c in kids)
    passive = acl or any(c.dep_ in ("auxpass", "nsubjpass") for c in kids)
    return passive and not any(c.dep_ == "agent" for c in kids)


def unfinished(verb) -> bool:
    """`has not yet accepted`, `has yet to sign`: an open decision or unfinished business, not a refusal."""
    return any(c.lower_ == "yet" and c.dep_ in ("advmod", "cc") for c in verb.children)


_ALTERNATIVES = (("rather", "than"), ("instead", "of"))


def not_asserted(anchor) -> bool:
    """`would propose alternatives rather than reject the plan`, `thanked him without committing to
    talks`, `a deadline for Kyiv to accept the framework`: the cue is named, not taken by its subject."""
    doc = anchor.doc
    before = tuple(t.lower_ for t in doc[max(anchor.sent.start, anchor.i - 2) : anchor.i])
    if before in _ALTERNATIVES or (before[-1:] == ("without",) and anchor.tag_ == "VBG"):
        return True
    if anchor.dep_ == "pcomp" and anchor.head.lower_ == "without":
        return True
    return anchor.pos_ == "VERB" and any(c.dep_ == "mark" and c.lower_ == "for" for c in anchor.children)


def is_question(tok) -> bool:
    """A question (`Is the Kremlin ready for a truce?`) asks, it states nothing: the clause holding `tok`
    ends with "?" (a transcript's "Q: Kyiv says it will never give up land." is no question: it reports)."""
    text = doc_text(tok.doc)
    end = next((i for i in range(tok.idx, min(len(text), tok.idx + 400)) if text[i] in ".!?\n"), -1)
    return end >= 0 and text[end] == "?"


def _doubt(tok, lexicon: Lexicon) -> bool:
    """A doubt word; as a verb only "doubt" and "question" ("Ukraine will sign" is no "sign" of doubt)."""
    word = tok.lemma_.lower()
    if word not in lexicon.doubt_words and tok.lower_ not in lexicon.doubt_words:
        return False
    return tok.pos_ != "VERB" or word in ("doubt", "question")


def _counterfactual(tok, lexicon: Lexicon) -> bool:
    """`If it were serious, Russia would agree to a ceasefire`: "would" under an if-clause ("would respond
    if troops were sent" is a threat: the condition is what it is about)."""
    modal = any(c.dep_ == "aux" and c.lower_ in ("would", "could", "might") for c in tok.children)
    conditioned = modal and any(
        c.dep_ == "advcl" and any(m.lower_ in lexicon.hypothetical_marks for m in c.children)
        for c in tok.children
    )
    return conditioned and not any(c.kind == "threat" for c in lexicon.cues.get(tok.lemma_.lower(), ()))


def _indirect_question(tok, lexicon: Lexicon) -> bool:
    """`what Europe can actually promise Kyiv`: a wh-word object before the verb asks, it does not state
    ("a ceasefire is what we want" states: a free relative beside a copula)."""
    return (
        tok.dep_ != "relcl"
        and any(
            c.dep_ in ("dobj", "advmod") and c.i < tok.i and c.lower_ in lexicon.question_words
            for c in tok.children
        )
        and not free_clause(tok)
    )
