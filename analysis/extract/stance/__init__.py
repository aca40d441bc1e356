"""Stance detection: who takes which position on which topic, sentence by sentence.

For every sentence with a topic, each stance cue of the lexicon (`analysis/data/cues.yaml`) is read in
the dependency parse: its holder (see `stance_holder`), its scope (the cue's complements), and the
direction toward each topic whose terms fall in that scope. The direction is the product of the cue's
polarity, negation along the way ("does not want to give up"), nested cues ("refused to accept") and the
topic's own polarity words ("give up land" +1 for territory, "regain Crimea" -1). Actors named in a
sentence with a topic but no position get a `neutral` row, so analysts still find them.

Example:
    >>> lexicon = load_lexicon()
    >>> rows = find_statements(doc, mentions, topics, lexicon, kb)   # doc from analysis.extract.nlp
"""

from __future__ import annotations

from dataclasses import replace

from analysis.extract.nlp import span_text
from analysis.extract.stance.anaphora import (
    JUDGING_VERBS,
    MODIFIER_DEPS,
    WINDOW,
    Antecedents,
    anaphor_candidates,
    antecedent_finder,
    may_refer,
    pronoun_objects,
    referents,
)
from analysis.extract.stance.candidates import (
    Candidate,
    action_candidates,
    concession_candidates,
    depth,
    prescribed,
    quoted_other,
    rule,
    shared,
    stance_name,
    statement_row,
)
from analysis.extract.stance.clauses import linked_scope, making_verb, relative_object, undoing_verb
from analysis.extract.stance.confidence import context_factor, scaled, sentence_factor
from analysis.extract.stance.deeds import deed_candidates
from analysis.extract.stance.holder import Context, find_holder, owner, state_speaker
from analysis.extract.stance.judgement import (
    contested_claim,
    dispreferred,
    experiencer,
    misjudged,
    shared_predicates,
    wider_scope,
)
from analysis.extract.stance.lexicon import Cue, Lexicon, Match, load_lexicon
from analysis.extract.stance.modality import (
    agentless_passive,
    hedged,
    hypothetical,
    is_question,
    not_asserted,
    unfinished,
)
from analysis.extract.stance.negation import RECEIPT, denied_position, governing_negated
from analysis.extract.stance.path import SentenceCues, path_polarity, sentence_cues
from analysis.extract.stance.scope import (
    cue_anchor,
    cue_role,
    cue_scope,
    framing_object,
    judged_as,
    judging_modifier,
    locate_terms,
    temporal_term,
)
from analysis.extract.stance.siding import action_topic_rows, by_reference, in_context

__all__ = ["find_statements", "load_lexicon", "Lexicon", "sentence_statements"]


_NOUN_LEVELS = 3  # a noun cue's holder: its owner, its verb's subject, or one clause further
# verbs whose object is someone else's: "Moscow has received / is studying a proposal to ..." (the
# proposal's holder is its owner, "Washington's proposal", not the one who received it)
_RECEIVING = RECEIPT | {"study", "consider", "review", "examine", "await", "see", "discuss"}


def _received(noun) -> bool:
    return noun.pos_ == "NOUN" and noun.dep_ == "dobj" and noun.head.lemma_.lower() in _RECEIVING


def _loose_judgement(head, kind: str) -> bool:
    """An evaluative noun judges only as a predicate ("sanctions are a mistake", "sees it as a
    precondition"), not as a plain noun ("the mistake of the summit was ...")."""
    if kind != "evaluative" or head.pos_ not in ("NOUN", "PROPN"):
        return False
    predicate = head.dep_ in ("attr", "oprd", "acomp", "appos") or framing_object(head)
    return not (predicate or (head.dep_ == "pobj" and head.head.lower_ == "as"))


def _reversed_noun(anchor, sc: SentenceCues) -> bool:
    """`dropped / abandoned / walked back his demand for a ceasefire`: a position noun given up states no
    position of its own (he no longer supports it; that is not opposing it). A reversal that is itself an
    oppose cue ("backed away from his demand") is read as that cue."""
    if anchor.pos_ not in ("NOUN", "PROPN"):
        return False
    if anchor.dep_ not in ("dobj", "pobj"):
        return False
    return any(anc.i in sc.reversals for anc in list(anchor.ancestors)[:3])


def _polar_objects(anchor, topic: str, scope: set[int], sc: SentenceCues) -> list:
    """`ruled out any withdrawal` in a sentence about territory: the cue's own object is a polar noun of a
    topic the sentence is about, so it stands for the topic though it is not one of its terms."""
    nouns = [
        m.head
        for m in sc.concessions.get(topic, {}).values()
        if m.head.i in scope and m.head.pos_ == "NOUN" and len(m.tokens) == 1
    ]
    direct = [
        n for n in nouns if n.head.i == anchor.i or (n.head.dep_ == "prep" and n.head.head.i == anchor.i)
    ]
    return sorted(direct, key=depth)


_WARNINGS = frozenset({"warn", "caution"})


def _clause_subject(term, anchor) -> bool:
    """The term sits in the subject of the clause the cue reports ("warned that a delivery would ...")."""
    tok = term
    while tok.head.i != tok.i and tok.head.i != anchor.i:
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.head.dep_ == "ccomp" and tok.head.head.i == anchor.i:
            return True
        tok = tok.head
    return False


# cues whose object is an event they make happen: only that event, not what a clause on it says
_EVENT_CUES = frozenset({"host", "convene", "broker", "mediate"})


def _through_clause(term, anchor) -> bool:
    """A verb lies between the term and the cue: "hosted a fair that supplied drones"."""
    return any(t.pos_ in ("VERB", "AUX") for t in term.ancestors if t.i != anchor.i and anchor in t.ancestors)


def _candidate(match, kind, anchor, term, topic, holder, sc, ctx, negated, undone=None) -> Candidate | None:
    if match.cue.words[0] in _EVENT_CUES and (term.pos_ == "VERB" or _through_clause(term, anchor)):
        return None
    reported = kind == "attribution"
    negated = negated != dispreferred(term, match, anchor)  # "prefers a deal to sanctions"
    if kind in ("attribution", "evaluative") and misjudged(term, anchor, sc, ctx.lexicon):
        return None  # "some of the proposals are acceptable", "not realistic to expect a ceasefire"
    path = path_polarity(term, anchor, match, topic, sc, ctx, reported=reported, holder=holder.actor)
    # a reported clause needs a polar word beyond the term itself: "a foreign contingent would be a target"
    if path.blocked or (reported and not (len(path.words) > path.own and path.committed)):
        return None
    if kind == "threat" and not path.words:
        return None  # "will respond if Hamas violates the ceasefire": what it threatens is not said
    own = sc.concessions.get(topic, {}).get(match.head.i)  # "freeze the conflict" for a ceasefire
    base = 1 if reported else own.cue.polarity if own is not None else match.cue.polarity
    cues = {m.head.text for m in sc.anchored.values()}
    # no cue or negation of its own: "would be unacceptable" already says which way
    bare = not any(w.startswith("not ") or w in cues for w in path.words)
    if reported and bare and match.head.lemma_.lower() in _WARNINGS and _clause_subject(term, anchor):
        base = -1  # "Peskov warned that a Tomahawk delivery would mark a new escalation": against it
    stance = base * path.polarity * (-1 if negated else 1) * (-1 if undone is not None else 1)
    stance *= not denied_position(match, negated)  # "did not oppose X": no side, nor do cues inside it
    undo = [undone.text] if undone is not None else []
    cue = " ".join(undo + ["not"] * negated + [t.text for t in match.tokens])
    cue = " ".join([cue, *path.words])
    conf = ctx.lexicon.conf(kind) * holder.factor * context_factor(anchor, holder.actor, ctx)
    if reported and path.loose:
        conf *= ctx.lexicon.conf("negated")  # reversed by a negation that is no polar word: less sure
    return Candidate(
        holder.actor, topic, stance_name(stance), round(conf, 3), cue, depth(anchor), rule(kind, holder)
    )


def _first_reading(match, kind, top, terms, topic, holder, sc, ctx, negated, undone=None) -> Candidate | None:
    """The candidate of the first of `terms` (nearest first) the cue speaks for: a term it does not speak
    for leaves the next one ("would not sign any deal that cedes territory": "cedes" alone is a bare
    relative clause, its object "territory" is not)."""
    reads = (_candidate(match, kind, top, t, topic, holder, sc, ctx, negated, undone) for t in terms)
    return next((c for c in reads if c is not None), None)


_COLONS = frozenset({":", "—", "–"})


def _stated_clause(cop, ctx: Context):
    """(holder, statement noun) of `Ukraine's position is equally firm: any deal must include guarantees`:
    a copula clause the parser hangs on the next clause's verb, ended by a colon, whose subject is an
    actor's statement noun (`cues.yaml` `statement_nouns`); else None."""
    if cop.lemma_.lower() != "be" or cop.dep_ != "ccomp" or cop.head.dep_ != "ROOT" or cop.i > cop.head.i:
        return None
    end = max(t.i for t in cop.subtree) + 1
    if end >= cop.sent.end or cop.doc[end].text not in _COLONS:
        return None
    nouns = [c for c in cop.children if c.dep_ == "nsubj" and c.lemma_.lower() in ctx.lexicon.statement_nouns]
    found = owner(nouns[0], ctx) if nouns else None
    return (found, nouns[0]) if found is not None else None


def stated_candidates(sent, terms: dict[str, list], sc: SentenceCues, ctx: Context) -> list[Candidate]:
    """What an actor's stated position before a colon says (`_stated_clause`), read as a clause the
    actor reports: "said that any deal must include guarantees"."""
    if not any(terms.values()) or not _COLONS.intersection(span_text(sent)):
        return []
    out = []
    for cop in sent:
        stated = _stated_clause(cop, ctx)
        if stated is None:
            continue
        holder, noun = stated
        match = Match(Cue((noun.lemma_.lower(),), 0, "attribution"), cop, (noun,))
        scope = {t.i for t in cop.head.subtree} - {t.i for t in cop.subtree}
        for topic, roots in terms.items():
            inside = sorted((r for r in roots if r.i in scope), key=depth)
            cand = _first_reading(match, "attribution", cop, inside, topic, holder, sc, ctx, False)
            if cand is not None:
                out += shared([replace(cand, rule=rule("statement", holder))], holder)
    return out


def _pronoun_candidate(
    match, kind, anchor, topic, scope, holder, sc, ctx, negated, undone
) -> Candidate | None:
    """A cue on an object pronoun that stands for a term of `topic` earlier in the sentence: read as on
    the term, at the `anaphor` factor (a reading of two phrases)."""
    for pronoun in pronoun_objects(anchor, topic, scope, sc):
        cand = _candidate(match, kind, anchor, pronoun, topic, holder, sc, ctx, negated, undone)
        if cand is not None:
            conf = round(cand.confidence * ctx.lexicon.conf("anaphor"), 3)
            return replace(
                cand, confidence=conf, cue=f"{cand.cue} {pronoun.text}", rule=f"anaphor-{cand.rule}"
            )
    return None


def _cue_candidates(match: Match, terms: dict[str, list], sc: SentenceCues, ctx: Context) -> list[Candidate]:
    if not any(terms.values()) and not any(sc.concessions.get(t) for t in terms):
        return []  # speed: no term and no polar word of a topic in the sentence, nothing to take a side on
    kind = cue_role(match)
    if kind == "none" or _loose_judgement(match.head, kind):
        return []
    judged = kind == "evaluative" and judged_as(match.head) is not None  # "described it as useful"
    if match.head.dep_ in MODIFIER_DEPS and not (judging_modifier(match.head, kind) or judged):
        return []  # "the proposed sanctions", "an unacceptable deal": a description, not a position taken
    anchor = cue_anchor(match, kind)
    negated = governing_negated(match, anchor, ctx.lexicon)
    if (kind == "attribution" and negated) or hypothetical(anchor, ctx.lexicon) or not_asserted(anchor):
        return []
    if is_question(anchor) or (kind == "verb" and hedged(anchor)) or _reversed_noun(anchor, sc):
        return []
    if negated and unfinished(anchor):
        return []  # "Kyiv has not yet accepted the plan": undecided (item 9)
    if prescribed(anchor):
        return []  # "the EU should stop blocking": the speaker's demand on the EU (see attribution)
    if kind == "verb" and agentless_passive(anchor):
        return []  # "the agreement was never signed", "the plan was rejected": by whom is not said
    maker = making_verb(match.head) if kind == "attitude" and match.head.pos_ == "NOUN" else None
    undone = undoing_verb(anchor, sc)
    at = maker or undone or anchor  # "Moscow has made X a condition": the maker holds it
    levels = (1 if _received(at) else _NOUN_LEVELS) if at.pos_ in ("NOUN", "PROPN") else 8
    judged_subject = kind == "evaluative" and anchor.lemma_.lower() not in JUDGING_VERBS
    judge = experiencer(match.head, ctx) if kind == "evaluative" else None  # "unacceptable for us"
    holder = judge or find_holder(at, ctx, skip_subject=judged_subject, levels=levels)
    holder, undone = contested_claim(holder, undone, anchor, kind, ctx, sc.cues)  # "pushed back on the idea"
    if holder is None or quoted_other(anchor, holder, ctx):
        return []
    holder = state_speaker(anchor, holder, ctx)
    scope = cue_scope(match, anchor, kind, ctx.lexicon)
    linked, wide = linked_scope(match, kind, ctx.lexicon)
    if not wide or kind == "threat":  # "respond if X", "X is what we want" (judgement.py)
        linked, wide, negated = wider_scope(anchor, kind, relative_object(anchor, kind), negated, ctx.lexicon)
    out = []
    for topic, roots in terms.items():
        inside = sorted((r for r in roots if r.i in scope), key=depth)
        top = anchor
        if not inside:
            inside, top = sorted((r for r in roots if r.i in wide), key=depth), linked
        if not inside:
            inside, top = _polar_objects(anchor, topic, scope, sc), anchor
        if not inside:  # "called the bill a trap and said he would vote against it"
            cand = _pronoun_candidate(match, kind, anchor, topic, scope, holder, sc, ctx, negated, undone)
            out += [cand] if cand is not None else []
            continue
        inside += shared_predicates(inside, topic, sc.concessions)  # "... and should be dropped"
        cand = _first_reading(match, kind, top, inside, topic, holder, sc, ctx, negated, undone)
        if cand is not None:
            out.append(cand)
    return shared(out, holder)


def _spokesman_credit(best: dict, ctx: Context) -> dict:
    """`Meloni said Italy would not send soldiers`: the official speaking for a state holds the position
    (the person is the one quoted); the state keeps it only when no one of its own speaks for it."""
    spoken = {
        (ctx.affiliation[a], t, c.stance)
        for (a, t), c in best.items()
        if a in ctx.gender and ctx.affiliation.get(a) not in (None, "", a)
    }
    return {k: c for k, c in best.items() if (k[0], k[1], c.stance) not in spoken}


def _best(cands: list[Candidate]) -> dict[tuple[str, str], Candidate]:
    """One candidate per (actor, topic): the outermost cue (it composes the nested ones), then the surest."""
    best: dict[tuple[str, str], Candidate] = {}
    for c in sorted(cands, key=lambda c: (c.depth, -c.confidence)):
        best.setdefault((c.actor, c.topic), c)
    return best


def _sentence_terms(sent, topic_rows: list[dict], lexicon: Lexicon) -> tuple[list[str], dict[str, list]]:
    topic_ids = list(dict.fromkeys(str(t["topic"]) for t in topic_rows))
    terms: dict[str, list] = {t: [] for t in topic_ids if t not in lexicon.topic_only}
    for row in topic_rows:
        if str(row["topic"]) in terms:
            roots = locate_terms(sent, row.get("terms", ""))
            terms[str(row["topic"])] += [r for r in roots if not temporal_term(r, lexicon)]
    return topic_ids, terms


def sentence_statements(
    sent,
    sid: int,
    topic_rows: list[dict],
    sent_mentions: list[dict],
    ctx: Context,
    previous: list[str] = (),
    *,
    parsed: bool = True,
    antecedents: Antecedents | None = None,
) -> list[dict]:
    """Statement rows of one sentence: positions found by cues, then `neutral` for the other pairs.

    Args:
        previous: topics the previous sentences' positions were about (for "dismissed the idea").
        antecedents: how an anaphoric noun finds its referent (`analysis.extract.stance.anaphora`).
        parsed: False when the doc has no dependency parse: only neutral rows are possible.
    """
    if not topic_rows and not may_refer(sent, ctx.lexicon):
        return []  # no topic of its own and nothing that could point back to one: no statement
    topic_ids, terms = _sentence_terms(sent, topic_rows, ctx.lexicon)
    best: dict[tuple[str, str], Candidate] = {}
    if parsed:
        sc = sentence_cues(sent, ctx.lexicon, terms)
        cands = [c for m in sc.cues.values() for c in _cue_candidates(m, terms, sc, ctx)]
        cands += [c for t, roots in terms.items() for c in concession_candidates(t, roots, sc, ctx)]
        cands += [c for t, roots in terms.items() for c in action_candidates(t, roots, sc, ctx)]
        cands += deed_candidates(sent, terms, sc, ctx)  # actions as positions (stance/deeds.py)
        cands += stated_candidates(sent, terms, sc, ctx)  # "Kyiv's position is firm: ..."
        best = _spokesman_credit({k: c for k, c in _best(cands).items() if c.stance != "neutral"}, ctx)
    if parsed and not best and (previous or antecedents):
        best = _best(anaphor_candidates(sc, list(previous), ctx, antecedents))
    evidence = span_text(sent)
    rows = [statement_row(sid, c, evidence) for c in best.values()]
    conf = ctx.lexicon.conf("neutral")
    for actor in dict.fromkeys(str(m["actor"]) for m in sent_mentions):
        rows += [
            statement_row(sid, Candidate(actor, t, "neutral", conf, "", 0, ""), evidence)
            for t in topic_ids
            if (actor, t) not in best
        ]
    return rows


def find_statements(doc, mentions: list[dict], topics: list[dict], lexicon: Lexicon | None = None, kb=None):
    """Statements of one document: at most one row per (sentence, actor, topic).

    Args:
        doc: the parsed article (`sentence_id` indexes `list(doc.sents)`).
        mentions: actor mention rows of the same doc (keys sentence_id, actor, actor_type, start_char, ...).
        topics: topic rows of the same doc (keys sentence_id, topic, terms).
        lexicon: from `load_lexicon`; the default file when None.
        kb: the actor knowledge base (optional): people's gender helps resolve he/she.

    Returns:
        Row dicts with keys sentence_id, actor, topic, stance, confidence, cue, evidence.
    """
    lexicon = lexicon or load_lexicon()
    ctx = Context.build(doc, mentions, lexicon, kb)
    by_sent: dict[int, list[dict]] = {}
    for row in topics:
        by_sent.setdefault(int(row["sentence_id"]), []).append(row)
    mentions_by_sent: dict[int, list[dict]] = {}
    for m in mentions:
        mentions_by_sent.setdefault(int(m["sentence_id"]), []).append(m)
    parsed = doc.has_annotation("DEP")  # without a parser (blank fallback model) only neutral rows
    by_sent = action_topic_rows(ctx.sents, by_sent, ctx) if parsed else by_sent  # "ready to meet X"
    antecedents = antecedent_finder(ctx.sents, by_sent, lexicon) if parsed else None
    rows: list[dict] = []
    recent: list[str] = []  # the referents of the latest sentence that had some, for up to WINDOW sentences
    age = 0
    for sid, sent in enumerate(ctx.sents):
        context = recent if age <= WINDOW else []
        if sid not in by_sent and not (parsed and context):
            continue
        sent_rows = sentence_statements(
            sent,
            sid,
            by_sent.get(sid, []),
            mentions_by_sent.get(sid, []),
            ctx,
            context if parsed else (),
            parsed=parsed,
            antecedents=antecedents,
        )
        if parsed and sid:  # what the sentence takes from the one before (stance/siding.py)
            sent_rows = in_context(sent, sid, sent_rows, rows, by_sent.get(sid - 1, []), ctx)
        sent_rows = by_reference(sent_rows, by_sent.get(sid, []), lexicon, ctx.sents)
        if any(r["stance"] != "neutral" for r in sent_rows):
            sent_rows = scaled(sent_rows, sentence_factor(sent, lexicon))
        rows += sent_rows
        refs = referents(sent_rows, by_sent.get(sid, []), lexicon)
        recent, age = (refs, 1) if refs else (recent, age + 1)
    return rows
