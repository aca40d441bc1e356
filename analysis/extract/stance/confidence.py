"""How sure a stance statement is, beyond its cue kind: where the cue sits in the text.

The confidence of a statement is the product of its cue kind's factor (`cues.yaml` `confidence`), how its
holder was found (pronoun, climbed clauses, anaphor) and the context factors here:
- `headline`: the cue's line has no sentence-final punctuation (a title or a live-blog heading), whose
  compressed grammar ("Zelenskiy offers to drop NATO bid") the parser often misreads;
- `reported`: the cue sits in a clause someone else reports ("Trump said the Russian leader had agreed to
  meet"): the holder's position is second-hand.
Measured by `scripts/confidence_bands.py`: statements at >= 0.8 should be more precise than the rest.
"""

from __future__ import annotations

from analysis.extract.nlp import doc_text

_FINAL = (".", "!", "?", '"', "”", "’", "'", ")", ":", ";", "»")


def line_of(tok) -> str:
    """The text of the line (between newlines) holding `tok`."""
    text = doc_text(tok.doc)
    start = text.rfind("\n", 0, tok.idx) + 1
    end = text.find("\n", tok.idx)
    return text[start : end if end >= 0 else len(text)].strip()


def headline(tok) -> bool:
    return not line_of(tok).endswith(_FINAL)


def reported_by_other(anchor, holder: str, ctx) -> bool:
    """An attribution verb above the cue whose subject is another actor (or no actor) reports it."""
    from analysis.extract.stance.holder import nominal_actor

    attribution = ctx.lexicon.attribution_words
    for anc in anchor.ancestors:
        if anc.pos_ not in ("VERB", "AUX") or anc.lemma_.lower() not in attribution:
            continue
        for subj in (c for c in anc.children if c.dep_ == "nsubj"):
            found = nominal_actor(subj, ctx)
            speaker = found.actor if found else ""
            return speaker not in (holder, ctx.affiliation.get(holder, holder))
    return False


def context_factor(anchor, holder: str, ctx) -> float:
    factor = ctx.lexicon.conf("headline") if headline(anchor) else 1.0
    if reported_by_other(anchor, holder, ctx):
        factor *= ctx.lexicon.conf("reported")
    return factor
