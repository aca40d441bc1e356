"""Stance candidates of one clause, and the clause tests they share with `analysis.extract.stance`.

A candidate is one possible statement (holder, topic, direction) with the cue that decided it. Besides the
cues read in `analysis.extract.stance`, a topic's own polar verb makes a candidate when its subject
is an actor:
negated as a refusal ("Ukraine will not cede land"), or, for the lexicon's `action_topics`, done as a deed
("the EU adopted new sanctions").
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from analysis.extract.stance.confidence import context_factor
from analysis.extract.stance.holder import (
    SPEAKER_PRONOUNS,
    Context,
    find_holder,
    in_quote,
    quote_speaker,
    state_speaker,
)
from analysis.extract.stance.modality import hedged, hypothetical
from analysis.extract.stance.negation import is_negated
from analysis.extract.stance.path import SentenceCues, path_polarity

_PRESCRIPTIVE = frozenset({"should", "must", "ought"})


def depth(tok) -> int:
    return sum(1 for _ in tok.ancestors)


@dataclass(frozen=True)
class Candidate:
    actor: str
    topic: str
    stance: str
    confidence: float
    cue: str
    depth: int
    rule: str  # the rule family and how its holder was found, as `statements.rule` ("verb/subject")


def shared(cands: list[Candidate], holder) -> list[Candidate]:
    """The same candidates for each actor coordinated with the holder ("Starmer and Macron pledged")."""
    return cands + [replace(c, actor=other) for other in holder.also for c in cands]


def statement_row(sid: int, c: Candidate, evidence: str) -> dict:
    """A `statements` row of candidate `c` in sentence `sid`."""
    keys = ("actor", "topic", "stance", "cue", "rule")
    return {
        "sentence_id": sid,
        **{k: getattr(c, k) for k in keys},
        "confidence": float(c.confidence),
        "evidence": evidence,
    }


def rule(family: str, holder) -> str:
    """The `statements.rule` of a candidate: the rule family that read the position, then how its holder
    was found ("verb/subject", "attitude/possessive", "deed-agent/agent"); see docs/positions.md."""
    return f"{family}/{holder.how}"


def stance_name(polarity: int) -> str:
    return "support" if polarity > 0 else "oppose" if polarity < 0 else "neutral"


def prescribed(anchor) -> bool:
    """`X should stop blocking`, `X must accept`: said of X by someone else (not "we must")."""
    clause = [anchor]
    while clause[-1].dep_ == "xcomp" and clause[-1].head.i != clause[-1].i:
        clause.append(clause[-1].head)  # "should stop blocking": the modal sits on the governing verb
    kids = [c for tok in clause for c in tok.children]
    aux = [c for c in kids if c.dep_ == "aux" and c.lower_ in _PRESCRIPTIVE]
    return bool(aux) and not any(c.dep_ == "nsubj" and c.lower_ in SPEAKER_PRONOUNS for c in kids)


def quoted_other(anchor, holder, ctx: Context) -> bool:
    """`"... the Kremlin's lack of commitment to peace," Bessent said`: inside a quote, another actor's
    attitude noun is the speaker's characterisation of it, not that actor's stated position."""
    if holder.how != "possessive" or not in_quote(anchor):
        return False
    speaker = quote_speaker(anchor, ctx)
    return speaker is not None and holder.actor not in (speaker.actor, ctx.affiliation.get(speaker.actor))


def _past(verb) -> bool:
    """`China has never sent troops`, `Russia did not withdraw`: a past event, not a stated position."""
    aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(c.tag_ == "MD" for c in aux):
        return False
    perfect = any(c.lemma_.lower() == "have" for c in aux)
    return perfect or verb.tag_ == "VBD" or any(c.tag_ == "VBD" for c in aux)


def _main_clause(verb):
    """The root a verb heads or is coordinated with, else None."""
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head
    return verb if verb.dep_ == "ROOT" else None


def _deed_clause(verb) -> bool:
    """Where a verb states the subject's own deed: a main clause, a relative clause on the doer ("Türkiye,
    which has supplied drones") or a participle sharing the main subject ("..., supplying Ukraine with
    drones"); not a reported or otherwise embedded clause."""
    if _main_clause(verb) is not None:
        return True
    if verb.dep_ == "relcl":
        return any(c.dep_ == "nsubj" and c.lower_ in ("who", "which", "that") for c in verb.children)
    return _participle_levels(verb) > 0


def _participle_levels(verb) -> int:
    """How many subjectless clauses a participle ("supplying") sits below the main clause whose subject
    does it (0 when it is no such participle)."""
    if verb.tag_ != "VBG":
        return 0
    tok = verb
    for level in range(1, 4):
        own_subject = any(c.dep_.startswith("nsubj") for c in tok.children)
        if own_subject or tok.dep_ not in ("advcl", "conj", "xcomp"):
            return 0
        tok = tok.head
        if _main_clause(tok) is not None:
            return level
    return 0


def _embedded(verb, ctx: Context) -> bool:
    """`The plan would require Ukraine to ... write into its constitution that it will never join NATO`:
    a negated clause inside another predicate is that predicate's content, unless it is reported speech."""
    clause = verb
    while clause.dep_ == "conj" and clause.head.i != clause.i:
        clause = clause.head
    if clause.dep_ == "ROOT":
        return False
    attribution = {c.words[0] for cues in ctx.lexicon.cues.values() for c in cues if c.kind == "attribution"}
    speaker = any(c.dep_ == "nsubj" for c in clause.head.children)
    return not (clause.dep_ == "ccomp" and clause.head.lemma_.lower() in attribution and speaker)


_ABILITY = frozenset({"can", "could", "ca"})


def _assessed(verb) -> bool:
    """`Ukraine cannot give up the towns`, unquoted and reported by no one: the writer says what the actor
    is able to do, which is no refusal of the actor's ("will not give up" or a quoted "we cannot" is)."""
    able = any(c.dep_ == "aux" and c.lower_ in _ABILITY for c in verb.children)
    return able and _main_clause(verb) is not None and not in_quote(verb)


def concession_candidates(topic: str, roots: list, sc: SentenceCues, ctx: Context) -> list[Candidate]:
    """`Ukraine will not cede land`: a negated topic word whose own subject is an actor."""
    out = []
    for match in sc.concessions.get(topic, {}).values():
        head = match.head
        subj = next((c for c in head.children if c.dep_ == "nsubj"), None)
        if subj is None or not is_negated(head, ctx.lexicon) or _past(head) or _embedded(head, ctx):
            continue
        if _assessed(head):
            continue  # "First, Ukraine cannot give up the towns without a vote": the writer's assessment
        holder = find_holder(head, ctx)
        inside = [r for r in roots if r.i in {t.i for t in head.subtree}]
        if holder is None or not inside:
            continue
        holder = state_speaker(head, holder, ctx)
        path = path_polarity(inside[0], head, match, topic, sc, ctx, holder=holder.actor)
        stance = -match.cue.polarity * path.polarity
        cue = " ".join(["not", head.text] + list(path.words))
        conf = ctx.lexicon.conf("concession") * holder.factor * context_factor(head, holder.actor, ctx)
        out += shared(
            [
                Candidate(
                    holder.actor,
                    topic,
                    stance_name(stance),
                    round(conf, 3),
                    cue,
                    depth(head),
                    rule("concession", holder),
                )
            ],
            holder,
        )
    return out


def action_candidates(topic: str, roots: list, sc: SentenceCues, ctx: Context) -> list[Candidate]:
    """`The EU adopted new sanctions`, `Türkiye supplied drones to Ukraine`: an actor doing the topic's
    polar action on a topic term takes that side (only for the lexicon's `action_topics`)."""
    if topic not in ctx.lexicon.action_topics:
        return []
    out = []
    for match in sc.concessions.get(topic, {}).values():
        head = match.head
        if not match.cue.deed:
            continue  # a polarity word the taxonomy does not count as a deed of this topic
        if head.pos_ != "VERB" or is_negated(head, ctx.lexicon) or not _deed_clause(head):
            continue  # a reported or embedded action is not the actor's deed
        if hypothetical(head, ctx.lexicon) or prescribed(head) or hedged(head):
            continue
        holder = find_holder(head, ctx, levels=1 + _participle_levels(head))
        inside = [r for r in roots if r.i != head.i and r.i in {t.i for t in head.subtree}]
        if holder is None or not inside:
            continue
        path = path_polarity(inside[0], head, match, topic, sc, ctx, holder=holder.actor)
        if path.blocked or path.words:
            continue  # only its own object: "gave up arms in exchange for integrity" is not about land
        stance = match.cue.polarity
        conf = ctx.lexicon.conf("action") * holder.factor * context_factor(head, holder.actor, ctx)
        cand = Candidate(
            holder.actor,
            topic,
            stance_name(stance),
            round(conf, 3),
            " ".join([head.text, *path.words]),
            depth(head),
            rule("action", holder),
        )
        out += shared([cand], holder)
    return out
