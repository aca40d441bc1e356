"""Positions taken by reference: "Moscow rejected the idea.", "Kyiv has refused.", "Lavrov called it a
mistake."

A sentence with no position of its own may still take one on something said before. The referent is found,
in this order, by
- the same noun (or the noun of the same verb) earlier in the text with a topic in its phrase: "Russia and
  Ukraine agreed to a ceasefire. ... Macron welcomed the agreement." (agree -> agreement);
- the positions of the previous sentences, else a sentence's one topic (`referents`), for up to `WINDOW`
  sentences back.
Measured on the development set and left out: pronoun objects ("Kyiv rejected it": 0 of 4 right, "it" is
as often a route or a vote) and the article's main topic as a last resort (2 of 5 right).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from analysis.extract.nlp import span_text
from analysis.extract.stance.candidates import Candidate, depth, rule, shared, stance_name
from analysis.extract.stance.holder import Context, find_holder
from analysis.extract.stance.lexicon import Lexicon, Match
from analysis.extract.stance.modality import hedged, hypothetical, is_question, not_asserted
from analysis.extract.stance.negation import governing_negated
from analysis.extract.stance.path import SentenceCues
from analysis.extract.stance.scope import JUDGING_AS, cue_anchor, cue_role

MODIFIER_DEPS = frozenset({"amod", "compound", "nmod", "nn"})
# verbs whose subject judges their object ("Putin called the guarantees a mistake"), unlike a copula's
JUDGING_VERBS = JUDGING_AS | {"call", "consider", "deem", "term", "label", "brand", "find", "declare"}
QUOTE_GAP = 1  # sentences between a reference and its antecedent that its evidence quotes in full
WINDOW = 2  # how many sentences back "the idea" / "it" may look for the positions it refers to

# (anaphoric noun token) -> the topics its antecedent is about, [] when none is found
Antecedents = Callable[[object], list[str]]


_COMPLEMENTS = frozenset(
    {"dobj", "xcomp", "ccomp", "prep", "attr", "oprd", "acomp", "dative", "advcl", "prt"}
)


def _bare_response(match: Match, anchor, lexicon: Lexicon) -> bool:
    """`Kyiv has refused.`, `Moscow agreed.`: a response verb with no complement of its own answers the
    previous sentence's proposal."""
    return (
        anchor.pos_ == "VERB"
        and len(match.tokens) == 1
        and match.head.lemma_.lower() in lexicon.response_verbs
        and not any(c.dep_ in _COMPLEMENTS for c in anchor.children)
    )


def _governing_polarity(anchor, sc: SentenceCues) -> int:
    """`refused to back the scheme`: the cues governing this one compose with it (-1 x +1)."""
    polarity, tok = 1, anchor
    while tok.dep_ in ("xcomp", "ccomp") and tok.head.i != tok.i:
        tok = tok.head
        gov = sc.cues.get(tok.i)
        if gov is not None and gov.cue.kind != "attribution":
            polarity *= gov.cue.polarity
    return polarity


_DETERMINERS = frozenset({"the", "this", "that", "such", "these", "those"})


def may_refer(sent, lexicon: Lexicon) -> bool:
    """A cheap test before reading a sentence without a topic: does it hold an anaphoric noun or a response
    verb at all (one set lookup per token)?"""
    words = lexicon.anaphoric_nouns | lexicon.response_verbs
    return any(t.lemma_.lower() in words for t in sent)


def _anaphor(noun, lexicon: Lexicon) -> bool:
    """`the idea`, `this proposal`, `the Doha framework`, `it`: a noun phrase that names no topic of its own
    and points back to something already said. A modifier of its own ("the new sanctions idea", "the idea
    of talks") makes it a description, not a reference; a place or name before it ("the Paris declaration")
    still refers back."""
    if noun.lemma_.lower() not in lexicon.anaphoric_nouns:
        return False
    kids = list(noun.children)
    if not any(d.lower_ in _DETERMINERS for d in kids):
        return False
    own = [d for d in kids if d.dep_ in ("prep", "acl", "relcl", "poss", "amod", "compound", "nmod")]
    return all(d.dep_ == "compound" and d.pos_ == "PROPN" for d in own)


def _referring_nouns(match: Match, anchor, kind: str) -> list:
    """Where a cue's referent sits: the object of a verb or attitude ("welcomed the agreement", "ready for
    it"), the judged object of a judging verb ("called it a capitulation") or the judged subject of a
    copula ("said the measures were counterproductive")."""
    if kind == "evaluative":
        if anchor.lemma_.lower() in JUDGING_VERBS:
            return [c for c in anchor.children if c.dep_ == "dobj" and c.i != match.head.i]
        clausal = any(c.dep_ in ("ccomp", "xcomp", "csubj") for c in anchor.children)
        subjects = [c for c in anchor.children if c.dep_ == "nsubj"]
        return [s for s in subjects if not (clausal and s.pos_ == "PRON")]  # "it is vital that ..."
    objects = [c for c in anchor.children if c.dep_ in ("dobj", "pobj", "prep")]
    return [o for o in objects for o in ([o] + [g for g in o.children if g.dep_ == "pobj"])]


OBJECT_PRONOUNS = frozenset({"it", "them"})
_OBJECT_PRONOUN = re.compile(r"\b(?:" + "|".join(sorted(OBJECT_PRONOUNS)) + r")\b", re.IGNORECASE)


def _pronoun(tok) -> bool:
    """`welcomed it`, `called them a trap`, `is OK with it`: an object pronoun."""
    return tok.lower_ in OBJECT_PRONOUNS and tok.dep_ in ("dobj", "pobj")


def antecedent_term(pronoun, sc: SentenceCues) -> list:
    """`... backed a scheme to buy weapons for Ukraine, and Norway has paid into it`, `called the bill a
    trap and said he would vote against it`: an object pronoun stands for the nearest term before it in
    its own sentence when all the terms before it are of one topic; not the object of a verb of control
    ("urged it to stop buying oil": the one urged is an actor)."""
    if pronoun.dep_ == "dobj" and any(c.dep_ in ("xcomp", "ccomp") for c in pronoun.head.children):
        return []
    before = sorted(i for i in sc.term_roots if pronoun.sent.start <= i < pronoun.i)
    if not before or len({sc.term_roots[i] for i in before}) != 1:
        return []
    return [pronoun.doc[before[-1]]]


def pronoun_objects(anchor, topic: str, scope: set[int], sc: SentenceCues) -> list:
    """The object pronouns in a cue's scope ("would vote against it") that stand for a term of `topic`
    earlier in the sentence (`antecedent_term`)."""
    if not _OBJECT_PRONOUN.search(span_text(anchor.sent)):
        return []  # speed: no "it" or "them" in the sentence
    pronouns = [t for t in anchor.subtree if t.i in scope and _pronoun(t)]
    return [t for t in pronouns if any(sc.term_roots[a.i] == topic for a in antecedent_term(t, sc))]


def anaphor_candidates(
    sc: SentenceCues,
    previous: list[str],
    ctx: Context,
    antecedents: Antecedents | None = None,
    *,
    pronouns: bool = False,
) -> list[Candidate]:
    """`Russia pushed for China to play a role. Zelenskyy dismissed the idea.`: a cue whose object is an
    anaphoric noun ("the idea", "this proposal") or a bare response verb ("Kyiv has refused") takes a
    position on what it refers to (see the module docstring for the order). With `pronouns`, only object
    pronouns are read ("Kallas called it a blow"), for a caller that knows the sentence before names one
    topic."""
    out = []
    for match in sc.cues.values():
        kind = cue_role(match)
        if kind not in ("verb", "attitude", "evaluative") or match.head.dep_ in MODIFIER_DEPS:
            continue
        anchor = cue_anchor(match, kind)
        if hypothetical(anchor, ctx.lexicon) or is_question(anchor) or (kind == "verb" and hedged(anchor)):
            continue
        refers = _pronoun if pronouns else lambda n: _anaphor(n, ctx.lexicon)
        anaphoric = [n for n in _referring_nouns(match, anchor, kind) if refers(n)]
        bare = not pronouns and kind != "evaluative" and _bare_response(match, anchor, ctx.lexicon)
        if not (anaphoric or bare) or not_asserted(anchor):
            continue
        topics = _referred(anaphoric[0], previous, antecedents) if anaphoric else list(previous)
        judged = kind == "evaluative" and anchor.lemma_.lower() not in JUDGING_VERBS
        holder = find_holder(anchor, ctx, skip_subject=judged) if topics else None
        if holder is None:
            continue
        negated = governing_negated(match, anchor, ctx.lexicon)
        stance = stance_name(match.cue.polarity * _governing_polarity(anchor, sc) * (-1 if negated else 1))
        conf = ctx.lexicon.conf(kind) * ctx.lexicon.conf("anaphor") * holder.factor
        referent = [anaphoric[0].text] if anaphoric else []
        cue = " ".join(["not"] * negated + [t.text for t in match.tokens] + referent)
        out += shared(
            [
                Candidate(
                    holder.actor,
                    t,
                    stance,
                    round(conf, 3),
                    cue,
                    depth(anchor),
                    rule(f"anaphor-{kind}", holder),
                )
                for t in topics
            ],
            holder,
        )
    return out


def _referred(noun, previous: list[str], antecedents: Antecedents | None) -> list[str]:
    """The topics an anaphor refers to: its antecedent's, else the recent positions'."""
    return (antecedents(noun) if antecedents else []) or list(previous)


_LOOKBACK = 30  # sentences searched for the same noun


_CONTENT_DEPS = frozenset({"compound", "amod", "nmod", "dobj", "xcomp", "ccomp", "attr"})


def _content(child, lexicon: Lexicon) -> bool:
    """What a noun or verb is about: its modifiers and objects, and a complement preposition ("the
    agreement on a ceasefire", "agreed to a ceasefire"); not a relative clause or apposition beside it."""
    return child.dep_ in _CONTENT_DEPS or (child.dep_ == "prep" and child.lower_ in lexicon.complement_preps)


def _same_word(lemma: str, anaphor: str) -> bool:
    """`agreement` refers back to `agreement` and to `agree` (`proposal` to `propose`)."""
    lemma = lemma.lower()
    if lemma == anaphor:
        return True
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    return len(stem) >= 4 and anaphor.startswith(stem)


def antecedent_finder(sents: list, topic_rows: dict[int, list[dict]], lexicon: Lexicon) -> Antecedents:
    """The topics of the phrase an anaphoric noun repeats: the nearest earlier sentence with the same noun
    (or its verb) whose phrase holds a topic term ("the ceasefire agreement", "agreed to a ceasefire")."""
    from analysis.extract.stance.scope import locate_terms

    index = {s.start: i for i, s in enumerate(sents)}

    def find(noun) -> list[str]:
        sid, lemma = index.get(noun.sent.start, 0), noun.lemma_.lower()
        for back in range(sid - 1, max(-1, sid - 1 - _LOOKBACK), -1):
            rows = [r for r in topic_rows.get(back, []) if str(r["topic"]) not in lexicon.topic_only]
            heads = [t for t in sents[back] if t.pos_ in ("NOUN", "VERB") and _same_word(t.lemma_, lemma)]
            if not rows or not heads:
                continue
            sent = sents[back]
            roots = [(r, str(w["topic"])) for w in rows for r in locate_terms(sent, w.get("terms", ""))]
            for head in reversed(heads):
                span = {t.i for c in head.children if _content(c, lexicon) for t in c.subtree} | {head.i}
                found = list(dict.fromkeys(topic for r, topic in roots if r.i in span))
                if found:
                    return found
        return []

    return find


def referents(sent_rows: list[dict], topic_rows: list[dict], lexicon: Lexicon) -> list[str]:
    """What "the idea" / "the move" of the next sentence can refer to: the topics of this sentence's
    positions, else this sentence's one topic when it names only one ("The EU adopted a new package.
    Russia dismissed the measures.")."""
    taken = list(dict.fromkeys(r["topic"] for r in sent_rows if r["stance"] != "neutral"))
    if taken:
        return taken
    named = [str(t["topic"]) for t in topic_rows if str(t["topic"]) not in lexicon.topic_only]
    named = list(dict.fromkeys(named))
    return named if len(named) == 1 else []


def quoting_antecedent(row: dict, antecedent: int | None, sents) -> str:
    """A position found through a reference quotes the sentence of the reference's antecedent before its
    own ("The Treasury blacklisted two firms. Bessent defended the step."): the sentences between them
    too when they are `QUOTE_GAP` or fewer, else "…" for those left out. Evidence already quoting the
    antecedent stays as it is."""
    sid = row["sentence_id"]
    if antecedent is None or not 0 <= antecedent < sid or sid > len(sents):
        return row["evidence"]
    before = span_text(sents[antecedent]).strip()
    if before in row["evidence"]:
        return row["evidence"]
    if sid - antecedent <= QUOTE_GAP + 1:
        return " ".join(span_text(sents[i]).strip() for i in range(antecedent, sid + 1))
    return f"{before} … {span_text(sents[sid]).strip()}"


AGREEING = frozenset({"align", "agree", "concur", "unite", "aligned", "united", "agreed", "unanimous"})
POINT_NOUNS = frozenset({"point", "issue", "question", "matter", "subject", "score", "front"})
_THIS = frozenset({"this", "that"})


def _on_this_point(tok) -> bool:
    """`on this point`, `on that issue`, `on this`: a prep naming what was just said."""
    if tok.dep_ != "prep" or tok.lower_ not in ("on", "over"):
        return False
    objs = [c for c in tok.children if c.dep_ == "pobj"]
    return any(
        (o.lower_ in _THIS and o.pos_ == "PRON")
        or (o.lemma_.lower() in POINT_NOUNS and any(d.lower_ in _THIS for d in o.children))
        for o in objs
    )


def _agreeing_anchor(tok):
    """The clause of `are fully aligned`, `agree`, `are united` (an adjective's copula), else None."""
    if tok.lower_ not in AGREEING and tok.lemma_.lower() not in AGREEING:
        return None
    if tok.pos_ == "VERB":
        return tok
    return tok.head if tok.pos_ == "ADJ" and tok.dep_ == "acomp" else None


def point_candidates(sent, previous_rows: list[dict], ctx: Context) -> list[Candidate]:
    """`Kallas said a cap on the army would be a gift to the aggressor. On this point, Brussels and Kyiv
    are fully aligned.`: the actors agreeing "on this point" share the one position the sentence before
    stated (both oppose the cap). Agreeing *with* someone is siding (`stance/siding.py`); a negated or
    hedged agreement, or a sentence before with positions on several topics, gives nothing."""
    stances = {(r["topic"], r["stance"]) for r in previous_rows if r["stance"] != "neutral"}
    if len({t for t, _ in stances}) != 1 or len(stances) != 1:
        return []
    (topic, stance), out = next(iter(stances)), []
    for tok in sent:
        anchor = _agreeing_anchor(tok)
        if anchor is None:
            continue
        kids = list(anchor.children) + ([] if anchor is tok else list(tok.children))
        if not any(_on_this_point(k) for k in kids) or any(k.lower_ == "with" for k in kids):
            continue
        if any(k.dep_ == "neg" for k in kids) or hypothetical(anchor, ctx.lexicon) or is_question(anchor):
            continue
        if not_asserted(anchor):
            continue
        for holder in _agreeing_holders(anchor, ctx):
            conf = ctx.lexicon.conf("verb") * ctx.lexicon.conf("anaphor") * holder.factor
            cue = f"{tok.text} on this point"
            cand = Candidate(
                holder.actor, topic, stance, round(conf, 3), cue, depth(anchor), rule("point", holder)
            )
            out += shared([cand], holder)
    return out


def _agreeing_holders(anchor, ctx: Context) -> list:
    """The subject of `agree`, or each actor of a passive subject ("Brussels and Kyiv are aligned")."""
    from analysis.extract.stance.holder import nominal_actor

    passive = [k for k in anchor.children if k.dep_ == "nsubjpass"]
    if not passive:
        holder = find_holder(anchor, ctx)
        return [holder] if holder is not None else []
    found = [nominal_actor(t, ctx) for t in [passive[0], *passive[0].conjuncts]]
    return [h for h in found if h is not None]
