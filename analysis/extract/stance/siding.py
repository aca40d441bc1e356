"""Positions taken by siding with someone: "Macron backed him.", "Qatar issued similar statements."

A sentence with no position of its own may take over the positions the previous sentence just stated:
- **alignment**: a verb of siding ("backed", "endorsed", "echoed", "sided with", "agreed with") whose object
  is an actor, or that actor's position ("backed the prime minister's position"), gives the subject the
  positions that actor held in the previous sentence: "Merz called for a ceasefire. Macron backed him."
  -> Macron supports a ceasefire;
- **the same statement**: "issued similar statements", "took the same position", "followed suit" give the
  subject every position of the previous sentence.
Only the sentence right before counts (further back, "him" and "the same" are too often something else),
and the statements carry the lower `anaphor` confidence: they rest on a reading of two sentences.
"""

from __future__ import annotations

from analysis.extract.stance.anaphora import OBJECT_PRONOUNS, point_candidates, quoting_antecedent
from analysis.extract.stance.candidates import Candidate, depth, rule, shared, statement_row
from analysis.extract.stance.deeds import hosted_topics, hosting_rows
from analysis.extract.stance.holder import Context, find_holder, nominal_actor
from analysis.extract.stance.lexicon import token_forms
from analysis.extract.stance.modality import hypothetical, is_question, not_asserted

SIDING_VERBS = frozenset({"back", "endorse", "echo", "support", "second"})
SIDING_PREP_VERBS = {"side": "with", "agree": "with", "align": "with", "concur": "with"}
POSITION_NOUNS = frozenset({"position", "stance", "view", "line", "call", "demand", "statement"})
SAME_WORDS = frozenset({"similar", "same", "identical"})


def _siding_target(verb, ctx: Context):
    """The actor the verb sides with ("sided with Paris", "backed Tusk's position"), "pronoun" for "backed
    him", "same" for "issued similar statements" / "followed suit", else None."""
    lemma = verb.lemma_.lower()
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    if lemma == "follow" and any(o.lower_ == "suit" for o in objects):
        return "same"
    prep = SIDING_PREP_VERBS.get(lemma)
    if prep:
        objects = [g for c in verb.children if c.dep_ == "prep" and c.lower_ == prep for g in c.children]
    elif lemma not in SIDING_VERBS:
        objects = [o for o in objects if o.lemma_.lower() in POSITION_NOUNS]
    for obj in objects:
        if obj.lemma_.lower() in POSITION_NOUNS:
            if any(c.lower_ in SAME_WORDS for c in obj.children):
                return "same"
            owners = [c for c in obj.children if c.dep_ == "poss"]
            found = nominal_actor(owners[0], ctx) if owners else None
        elif obj.pos_ == "PRON":
            return "pronoun"
        else:
            found = nominal_actor(obj, ctx)
        if found is not None:
            return found.actor
    return None


def _pronoun_target(holder: str, previous_rows: list[dict]) -> str | None:
    """`Macron backed him`: the one actor other than the subject whose positions the previous sentence
    stated (a pronoun object never stands for its own clause's subject)."""
    others = {r["actor"] for r in previous_rows if r["actor"] != holder}
    return others.pop() if len(others) == 1 else None


def siding_candidates(sent, previous_rows: list[dict], ctx: Context) -> list[Candidate]:
    """Candidates of a sentence that sides with the previous sentence's positions (see the module)."""
    if not previous_rows:
        return []
    out = []
    for verb in sent:
        if verb.pos_ != "VERB":
            continue
        target = _siding_target(verb, ctx)
        if target is None or hypothetical(verb, ctx.lexicon) or is_question(verb) or not_asserted(verb):
            continue
        if any(c.dep_ == "neg" for c in verb.children):
            continue  # "did not back him" sides with no one
        holder = find_holder(verb, ctx)
        if holder is not None and target == "pronoun":
            target = _pronoun_target(holder.actor, previous_rows)
        if holder is None or target is None or holder.actor == target:
            continue
        rows = [r for r in previous_rows if target == "same" or r["actor"] == target]
        conf = ctx.lexicon.conf("verb") * ctx.lexicon.conf("anaphor") * holder.factor
        cands = [
            Candidate(
                holder.actor,
                r["topic"],
                r["stance"],
                round(conf, 3),
                f"{verb.text} {r['actor']}",
                depth(verb),
                rule("siding", holder),
            )
            for r in rows
            if r["actor"] != holder.actor
        ]
        out += shared(cands, holder)
    return out


def siding_rows(
    sent, sid: int, previous_rows: list[dict], previous_text: str, ctx: Context, find=None
) -> list[dict]:
    """Statement rows of `siding_candidates` (or `find`), one per (actor, topic), the evidence naming both
    sentences."""
    from analysis.extract.nlp import span_text

    best: dict[tuple[str, str], Candidate] = {}
    for c in (find or siding_candidates)(sent, previous_rows, ctx):
        best.setdefault((c.actor, c.topic), c)
    evidence = f"{previous_text.strip()} {span_text(sent).strip()}"
    return [statement_row(sid, c, evidence) for c in best.values()]


def polar_rows(rows: list[dict], sid: int) -> list[dict]:
    """The support / oppose rows of sentence `sid`."""
    return [r for r in rows if r["sentence_id"] == sid and r["stance"] != "neutral"]


def with_siding(rows: list[dict], siding: list[dict]) -> list[dict]:
    """The sentence's rows with the siding ones in place of the neutral rows of the same pairs."""
    held = {(r["actor"], r["topic"]) for r in rows if r["stance"] != "neutral"}
    siding = [r for r in siding if (r["actor"], r["topic"]) not in held]  # its own position comes first
    taken = {(r["actor"], r["topic"]) for r in siding}
    return [r for r in rows if (r["actor"], r["topic"]) not in taken] + siding


def _pronoun_rows(sent, sid: int, topics: list[str], ctx: Context) -> list[dict]:
    """`The EU adopted a new package. Kallas called it a blow.`: an object pronoun of a cue takes a position
    on the one topic the sentence right before is about."""
    from analysis.extract.nlp import span_text
    from analysis.extract.stance.anaphora import anaphor_candidates
    from analysis.extract.stance.path import sentence_cues

    sc = sentence_cues(sent, ctx.lexicon, {})
    best: dict[tuple[str, str], Candidate] = {}
    for c in sorted(
        anaphor_candidates(sc, topics, ctx, pronouns=True), key=lambda c: (c.depth, -c.confidence)
    ):
        best.setdefault((c.actor, c.topic), c)
    evidence = f"{span_text(sent.doc[sent.start - 1].sent).strip()} {span_text(sent).strip()}"
    return [statement_row(sid, c, evidence) for c in best.values()]


def _pronoun_topics(sent, before, previous_topics: list[dict], lexicon) -> list[str]:
    """The topics an object pronoun may stand for: those the sentence before names, and when it names
    several, the ones whose term agrees in number ("them" the guarantees, not the framework)."""
    from analysis.extract.stance.scope import locate_terms

    rows = [t for t in previous_topics if str(t["topic"]) not in lexicon.topic_only]
    topics = list(dict.fromkeys(str(t["topic"]) for t in rows))
    if len(topics) < 2:
        return topics
    pronouns = {t.lower_ for t in sent if t.dep_ in ("dobj", "pobj")} & {"it", "them"}
    if len(pronouns) != 1:
        return topics
    plural = pronouns == {"them"}

    def number(row) -> set[bool]:
        roots = locate_terms(before, row.get("terms", ""))  # a noun: "it" is not "give up land"
        return {r.tag_ in ("NNS", "NNPS") for r in roots if r.pos_ in ("NOUN", "PROPN")}

    return list(dict.fromkeys(str(t["topic"]) for t in rows if plural in number(t)))


def in_context(
    sent,
    sid: int,
    sent_rows: list[dict],
    rows: list[dict],
    previous_topics: list[dict],
    ctx,
) -> list:
    """A sentence's rows read with the sentence right before (`sid - 1`): positions taken by siding with
    it, by an object pronoun pointing to its one topic, and the evidence of every position on a topic
    only the sentence before names, which then quotes both sentences."""
    from analysis.extract.nlp import span_text

    before = ctx.sents[sid - 1]
    previous = polar_rows(rows, sid - 1)
    sent_rows = with_siding(sent_rows, siding_rows(sent, sid, previous, span_text(before), ctx))
    points = siding_rows(sent, sid, previous, span_text(before), ctx, point_candidates)  # "on this point"
    sent_rows = with_siding(sent_rows, points)
    doc, lowers = sent.doc, token_forms(sent.doc)[1]
    pronoun = any(
        lowers[i] in OBJECT_PRONOUNS and doc[i].dep_ in ("dobj", "pobj") for i in range(sent.start, sent.end)
    )
    if pronoun and previous_topics and not any(r["stance"] != "neutral" for r in sent_rows):
        # "it" is a thing named, not a position taken: the one topic the sentence before names
        topics = _pronoun_topics(sent, before, previous_topics, ctx.lexicon)
        if len(topics) == 1:
            sent_rows = with_siding(sent_rows, _pronoun_rows(sent, sid, topics, ctx))
    named_before = {r["topic"] for r in previous} | {str(t["topic"]) for t in previous_topics}
    named_here = {r["topic"] for r in sent_rows if r["stance"] == "neutral"}
    both = f"{span_text(before).strip()} {span_text(sent).strip()}"
    for r in sent_rows:
        if r["stance"] != "neutral" and r["topic"] in named_before and r["topic"] not in named_here:
            r["evidence"] = both if not r["evidence"].startswith(span_text(before).strip()) else r["evidence"]
    return sent_rows


PARTNER_PREPS = frozenset({"with", "to"})
RECIPROCALS = frozenset({"other", "another"})  # "talk to each other", "meet one another"


def _partner(verb, ctx: Context) -> bool:
    """The verb's object, or its "with" / "to" complement, is an actor ("meet Putin", "talk to Kinshasa",
    "host them", "talk to each other")."""
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    objects += [
        g for c in verb.children if c.dep_ == "prep" and c.lower_ in PARTNER_PREPS for g in c.children
    ]
    return any(
        o.lower_ in RECIPROCALS
        or (o.pos_ == "PRON" and o.lower_ != "it")
        or o.ent_type_ in ("GPE", "ORG", "PERSON", "NORP")
        or nominal_actor(o, ctx) is not None
        for o in objects
    )


def action_topic_rows(sents: list, by_sent: dict[int, list[dict]], ctx: Context) -> dict[int, list[dict]]:
    """`Zelenskyy said he was ready to meet Putin`: for a topic whose deeds are not positions (talks: "Putin
    met the envoys" takes no side), one of its polarity verbs that is no other topic's, governed by a stance
    cue and done with an actor ("ready to meet X", "refused to talk to Y", "hopes to host them"), stands for
    the topic, so the cue takes a position on it. Only topics the article names; the rows feed the stance
    rules, not the topic table. Returns `by_sent` with these rows added."""
    lexicon = ctx.lexicon
    found = {str(r["topic"]) for rows in by_sent.values() for r in rows}
    verbs = _unique_verbs(lexicon, found)
    hosting = hosted_topics(lexicon, found)  # "the President received the envoys": hosting talks
    if not verbs and not hosting:
        return by_sent
    cue_words = set(lexicon.cues)
    out = {sid: list(rows) for sid, rows in by_sent.items()}
    lemmas, lowers = token_forms(sents[0].doc) if sents else ([], [])
    wanted = set(verbs) | (lexicon.hosting_verbs | lexicon.envoy_nouns if hosting else set())
    for sid, sent in enumerate(sents):
        named = {str(r["topic"]) for r in by_sent.get(sid, [])}
        doc = sent.doc
        for i in range(sent.start, sent.end):
            if lemmas[i] not in wanted and lowers[i] not in verbs:
                continue  # the cheap test on the Doc's word forms, before a Token is made
            if hosting and lemmas[i] in lexicon.hosting_verbs:
                out[sid] = out.get(sid, []) + hosting_rows(doc[i], sid, hosting - named, ctx)
            elif hosting and lemmas[i] in lexicon.envoy_nouns:  # a term of its own, even beside others
                out[sid] = out.get(sid, []) + hosting_rows(doc[i], sid, hosting, ctx)
                named |= {str(r["topic"]) for r in out[sid]}
            if lemmas[i] not in verbs and lowers[i] not in verbs:
                continue
            tok = doc[i]
            topic = verbs.get(tok.lemma_.lower()) if tok.pos_ == "VERB" else None
            if topic is None or topic in named or tok.dep_ not in ("xcomp", "ccomp"):
                continue
            if tok.head.lemma_.lower() in cue_words and _partner(tok, ctx):
                out.setdefault(sid, []).append(
                    {"sentence_id": sid, "topic": topic, "terms": tok.text.lower()}
                )
                named.add(topic)
    return out


def _unique_verbs(lexicon, found: set[str]) -> dict[str, str]:
    """Single polarity words of exactly one topic with a proposition, for the topics without deeds."""
    usable = found - set(lexicon.action_topics)
    return {w: t for w, t in lexicon.topic_words.items() if t in usable}


def by_reference(sent_rows: list[dict], topic_rows: list[dict], lexicon, sents=()) -> list[dict]:
    """Positions on a topic the sentence only refers back to ("welcomed the agreement", "monitor the
    truce", see `analysis.extract.topic_reference`) rest on that reading: they get the `anaphor` factor,
    and their evidence quotes the antecedent's sentence too (`quoting_antecedent`)."""
    referred = {str(t["topic"]): t.get("antecedent") for t in topic_rows if t.get("reference")}
    if not referred:
        return sent_rows
    factor = lexicon.conf("anaphor")
    for r in sent_rows:
        if r["stance"] != "neutral" and r["topic"] in referred:
            r["confidence"] = round(float(r["confidence"]) * factor, 3)
            r["evidence"] = quoting_antecedent(r, referred[r["topic"]], sents)
    return sent_rows
