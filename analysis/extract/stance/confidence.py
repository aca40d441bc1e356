"""How sure a stance statement is, beyond its cue kind: where the cue sits in the text.

The confidence of a statement is the product of its cue kind's factor (`cues.yaml` `confidence`), how its
holder was found (pronoun, climbed clauses, anaphor) and the context factors here:
- `headline`: the cue's line has no sentence-final punctuation (a title or a live-blog heading), whose
  compressed grammar ("Zelenskiy offers to drop NATO bid") the parser often misreads;
- `reported`: the cue sits in a clause someone else reports ("Trump said the Russian leader had agreed to
  meet"): the holder's position is second-hand.
And the factors of the sentence as a whole (`sentence_factor`), for every position read in it:
- `long_sentence`: more than `LONG_SENTENCE` words: parsers err more the longer the sentence, and a long
  sentence holds more actors and clauses for a holder or a scope to be misattached to;
- `run_on`: the sentence runs over a line break: a heading, byline or dateline the segmenter glued to the
  first sentence of a paragraph ("Trump shelves summit\n\nWASHINGTON, Oct 21 (Reuters) - ...").
Measured by `scripts/confidence_bands.py`: statements at >= 0.8 should be more precise than the rest.
"""

from __future__ import annotations

from analysis.extract.nlp import doc_text, span_text

_FINAL = (".", "!", "?", '"', "”", "’", "'", ")", ":", ";", "»")
LONG_SENTENCE = 40  # words (tokens that are not punctuation); news sentences average 20 to 25


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


def sentence_factor(sent, lexicon) -> float:
    """The factor of every position read in `sent`: lower for a long sentence and for one that runs over a
    line break (see the module)."""
    long = (
        len(sent) > LONG_SENTENCE and sum(1 for t in sent if not (t.is_punct or t.is_space)) > LONG_SENTENCE
    )
    factor = lexicon.conf("long_sentence") if long else 1.0
    return factor * (lexicon.conf("run_on") if "\n" in span_text(sent).strip() else 1.0)


def scaled(rows: list[dict], factor: float) -> list[dict]:
    """`rows` with the confidence of each position (not of neutral rows) times `factor`."""
    if factor == 1.0:
        return rows
    return [
        {**r, "confidence": round(float(r["confidence"]) * factor, 3)} if r["stance"] != "neutral" else r
        for r in rows
    ]
