"""The polarity of the path from a topic term up to a stance cue ("does not want to give up any
territory" = want x not x give up), and what blocks it; the cue's kind, anchor and scope are read in
`analysis.extract.stance.scope`.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.extract.stance.holder import Context, fronted_clause, nominal_actor
from analysis.extract.stance.judgement import alternative, predicate_noun, threatened
from analysis.extract.stance.lexicon import Lexicon, Match, match_phrases
from analysis.extract.stance.modality import agentless_passive, hedged, not_asserted, unfinished
from analysis.extract.stance.negation import COPULAS, argument_of, deontic, is_negated, negation_reading
from analysis.extract.stance.scope import cue_anchor, cue_role, subject_judging_verb

# marks of an adverbial clause that is a circumstance beside the cue's content, not part of it
_CIRCUMSTANCE = frozenset({"while", "whereas", "although", "though", "because", "since", "as"})


@dataclass
class SentenceCues:
    """The lexicon phrases found in one sentence, by head token id."""

    cues: dict[int, Match]
    concessions: dict[str, dict[int, Match]]
    reversals: dict[int, Match]
    anchored: dict[int, Match]  # predicate cues (verbs, adjectives) by the token they speak for
    term_roots: dict[int, str]  # topic term roots -> topic
    particles: frozenset[int] = frozenset()  # phrasal cues' words but their heads ("vote [against]")


def sentence_cues(sent, lexicon: Lexicon, terms: dict[str, list]) -> SentenceCues:
    """Every cue, topic polarity word and reversal verb of a sentence; `terms` maps topic -> term roots."""
    cues = {m.head.i: m for m in match_phrases(sent, lexicon.cues)}
    conc = {t: {m.head.i: m for m in match_phrases(sent, lexicon.concessions.get(t, {}))} for t in terms}
    anchored = {}
    for m in cues.values():
        kind = cue_role(m)
        if kind != "attribution" and (m.head.pos_ in ("VERB", "AUX", "ADJ") or predicate_noun(m.head, kind)):
            anchored.setdefault(cue_anchor(m, kind).i, m)
    roots = {r.i: t for t, rs in terms.items() for r in rs}
    reversals = {m.head.i: m for m in match_phrases(sent, lexicon.reversals)}
    particles = frozenset(t.i for m in cues.values() for t in m.tokens if t.i != m.head.i)
    return SentenceCues(cues, conc, reversals, anchored, roots, particles)


def _step_polarity(tok, below, topic: str, sc: SentenceCues, lexicon: Lexicon) -> int:
    """The polarity one token on the path adds: a nested cue, a reversal of an aspiration, a topic word."""
    if below == "modifier":
        conc = sc.concessions.get(topic, {}).get(tok.i)
        return conc.cue.polarity if conc is not None else 0
    aspiration = below is not None and below.lemma_.lower() in lexicon.aspiration_nouns
    stopped = below is not None and below.pos_ == "VERB" and below.dep_ in ("xcomp", "ccomp", "dobj")
    if tok.i in sc.reversals and (aspiration or stopped):
        return -1  # "drop its bid to join", "stop blocking the plan"
    conc = sc.concessions.get(topic, {}).get(tok.i)
    if conc is not None:  # topic knowledge is more specific than a general cue
        return conc.cue.polarity
    nested = sc.anchored.get(tok.i)
    if nested is not None:
        return nested.cue.polarity
    if tok.pos_ == "NOUN" and tok.lemma_.lower() in lexicon.negating_nouns:
        return -1
    return 0


def _subject_actor(tok, ctx: Context) -> str | None:
    """The actor that is `tok`'s own subject or passive agent ("talks mediated by the US"), if any."""
    agents = [o for c in tok.children if c.dep_ == "agent" for o in c.children if o.dep_ == "pobj"]
    for c in [c for c in tok.children if c.dep_ == "nsubj"] + agents:
        found = nominal_actor(c, ctx)
        if found is not None:
            return found.actor
    return None


def _path(term, anchor) -> list[tuple]:
    """(token, the token below it) from the term up to, not including, the anchor; term modifiers first."""
    # a term's modifiers count only as topic words ("ceding land"), never as cues ("proposed sanctions")
    # ... and a participle only describes ("a revised plan", "the proposed withdrawal")
    steps = [
        (c, "modifier")
        for c in term.children
        if c.dep_ in ("amod", "compound") and c.tag_ not in ("VBN", "VBD")
    ]
    below, tok = None, term
    while tok.i != anchor.i:
        steps.append((tok, below))
        if tok.head.i == tok.i:
            break
        below, tok = tok, tok.head
    return steps


@dataclass(frozen=True)
class PathReading:
    """What the way from a topic term up to a cue says.

    Attributes:
        polarity: +1 or -1, the product of nested cues, topic polarity words and negations.
        words: the polar words met, for the `cue` column.
        blocked: the cue does not speak for this term (another actor's nested position, another topic).
        committed: a nested cue, a modal ("will", "would need to") or a present-tense negation was met,
            so a reported clause states a position rather than an event.
    """

    polarity: int
    words: tuple[str, ...]
    blocked: bool
    committed: bool
    own: int = 0  # how many of `words` are only the term itself, as the subject described by a copula
    loose: bool = False  # a negation reversed the reading without being a polar word of its own


def _committed(tok, lexicon: Lexicon, negated: bool) -> bool:
    if negated and unfinished(tok):
        return False  # "we have not yet found a compromise": a state of progress, not a refusal
    aux = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
    if any(c.lemma_.lower() in lexicon.modals or c.lower_ in lexicon.modals for c in aux):
        return True
    present = tok.tag_ in ("VBZ", "VBP") or any(c.tag_ in ("VBZ", "VBP") for c in aux)
    return negated and present


def conditional(tok, lexicon: Lexicon) -> bool:
    """`Russia would respond if troops were sent`: a clause opened by "if", "unless", "once" ..."""
    return tok.dep_ == "advcl" and any(
        c.dep_ in ("mark", "advmod") and c.lower_ in lexicon.condition_marks for c in tok.children
    )


def _blocked(
    tok, topic: str, sc: SentenceCues, ctx: Context, reported: bool, holder: str, below=None
) -> bool:
    """True when the cue does not speak for what lies below `tok` (see `path_polarity`)."""
    own = sc.cues.get(tok.i)  # "asked for observer status at the talks" is a cue, not talk
    phrasal = own is not None and len(own.cue.words) > 1
    if tok.pos_ == "VERB" and tok.lemma_.lower() in ctx.lexicon.discourse_verbs and not phrasal:
        return True  # talked about, not a position
    if (
        tok.dep_ == "advcl"
        and any(c.dep_ == "mark" and c.lower_ in _CIRCUMSTANCE for c in tok.children)
        and tok.lemma_.lower() not in ctx.lexicon.attribution_words  # "..., while stressing that ..."
    ):
        return True  # "refusing to join sanctions while supplying drones": another predication
    if _harmed(tok, below, sc):
        return True  # "argued that a vote could derail talks": what the vote would harm, no position on it
    if tok.i in sc.anchored and not_asserted(tok):
        return True  # "said he would propose changes rather than reject the plan"
    if tok.i in sc.anchored and agentless_passive(tok) and not _committed(tok, ctx.lexicon, False):
        return True  # "recalled that the deal was never signed" ("it must/will be signed" is a position)
    if tok.dep_ in ("acl", "ccomp") and tok.head.lemma_.lower() in ctx.lexicon.content_nouns:
        return True  # "rejected the idea that the plan was a wish list": a claim, not a proposal
    if reported and fronted_clause(tok, ctx.lexicon):
        return True  # "Poland will not send troops either: Tusk has said Poland's role is ...": not his words
    if sc.term_roots.get(tok.i, topic) != topic and not alternative(tok, below):
        return True  # the cue is about the other topic; this term only qualifies it
    subject = _subject_actor(tok, ctx)
    if conditional(tok, ctx.lexicon) and subject != holder and not threatened(tok, sc):  # "respond if X"
        return True  # a condition or a time, not what the cue is about ("if we can get this done" is)
    other = subject is not None and subject not in (holder, ctx.affiliation.get(holder))
    if other and tok.i in sc.anchored and not (reported and deontic(tok, ctx.lexicon)):
        return True  # that actor's own position, found from its own cue ("X should stop" is the speaker's)
    if tok.i in sc.anchored and hedged(tok):
        return True  # "said Russia might accept the plan": a possibility, no one's position
    if reported and tok.i in sc.anchored and _unnamed_subject(tok, sc, ctx):
        return True  # "said the two governments had agreed to talks": theirs, though they are not named
    # "Trump said Putin might negotiate" describes Putin; "Lavrov said Ukraine will never be a member of
    # NATO" (a state of affairs the speaker asserts) and "... Ukraine would need to" are the speaker's
    stative = tok.lemma_.lower() == "be" and tok.i not in sc.anchored
    return reported and other and not stative and not deontic(tok, ctx.lexicon)


def _harmed(tok, below, sc: SentenceCues) -> bool:
    """The way up passes an evaluative verb from below its object side (`scope.subject_judging_verb`)."""
    m = sc.anchored.get(tok.i)
    if m is None or below is None or below.dep_ in ("nsubj", "csubj") or cue_role(m) != "evaluative":
        return False
    return subject_judging_verb(m, tok)


_FUTURE = frozenset({"will", "would", "shall", "'ll"})


def _unnamed_subject(tok, sc: SentenceCues, ctx: Context) -> bool:
    """A nested verb cue whose subject is a noun naming no actor ("the parties", "both governments"), or
    the generic "you" ("you cannot be a mediator if ..."), is not the reporting speaker's position."""
    if sc.anchored[tok.i].head.pos_ != "VERB" and not any(c.lower_ == "you" for c in tok.children):
        return False
    if deontic(tok, ctx.lexicon) or any(c.dep_ == "aux" and c.lower_ in _FUTURE for c in tok.children):
        return False  # "said the allies must accept", "says the panel he leads will press for": the speaker's
    for c in (c for c in tok.children if c.dep_ == "nsubj"):
        if c.lower_ == "you" or (c.pos_ in ("NOUN", "PROPN") and nominal_actor(c, ctx) is None):
            return True
    return False


def path_polarity(
    term, anchor, gov: Match, topic: str, sc: SentenceCues, ctx: Context, *, reported=False, holder: str = ""
):
    """Read the way from the topic term up to the cue's anchor (see `PathReading`).

    Args:
        reported: True for an attribution cue: a clause with its own actor subject on the way is that
            actor's (blocked) unless it prescribes ("would need to") or the subject is the speaker or the
            state the speaker acts for ("Macron said France could send troops").
        holder: the actor the cue belongs to.
    """
    polarity, words, committed, own, described, term_words, loose = 1, [], False, 0, False, 0, False
    below_negated = False
    gov_ids = {t.i for t in gov.tokens}
    gov_ids |= sc.particles  # "said he would vote against": the particle is no negation
    if any(_dismissive(c, ctx.lexicon) for c in term.children):
        return PathReading(polarity, (), True, committed, own)  # "does not want a wasted meeting"
    for tok, below in _path(term, anchor):
        if tok.i in gov_ids:
            continue
        step = _step_polarity(tok, below, topic, sc, ctx.lexicon)
        if below == "modifier":
            polarity, words, own = polarity * (step or 1), words + [tok.text] * bool(step), own + bool(step)
            term_words += bool(step)
            continue
        bare = _bare_relative(below, len(words) - term_words, ctx.lexicon)
        if _blocked(tok, topic, sc, ctx, reported, holder, below) or bare:
            return PathReading(polarity, tuple(words), True, committed, own)
        # "a foreign contingent would be a legitimate target": the term is described, not proposed
        described = described or _copula_subject(tok, below)
        if below is not None and below.dep_ == "conj":
            continue  # a coordinated sibling ("withdrawal ... and recognition"), not a governor
        negated = is_negated(tok, ctx.lexicon)
        role = _negation(tok, below, term, step, topic, sc, ctx) if negated else ""
        if role == "block":
            return PathReading(polarity, tuple(words), True, committed, own)
        if reported and deontic(tok, ctx.lexicon) and not (negated and not step):
            # "any deal must include guarantees": a demand ("does not need ..." is none)
            words, committed = words + [tok.text] * (not step), True
        if _passive_event(tok, below, step, negated) and tok.i not in sc.anchored:
            return PathReading(polarity, tuple(words), True, committed, own)
        # "is no substitute for", "there is no alternative to": a present copula with a negated predicate
        # ("there is no ceasefire" itself reports a state of affairs)
        denied = negated or (
            below is not None and below.dep_ == "attr" and below_negated and below.i != term.i
        )
        committed = committed or tok.i in sc.anchored or _committed(tok, ctx.lexicon, denied)
        below_negated = negated
        if step or negated:
            polarity *= (step or 1) * (-1 if negated else 1)
            text = sc.anchored[tok.i].head.text if tok.i in sc.anchored else tok.text  # "ready", not "was"
            words += [f"not {text}" if negated else text] * (role != "silent")
            loose = loose or role == "silent"
            own += below is None and not negated and tok.pos_ in ("NOUN", "PROPN")
            term_words += below is None
    return PathReading(polarity, tuple(words), False, committed, own if described else 0, loose)


def _negation(tok, below, term, step: int, topic: str, sc: SentenceCues, ctx: Context) -> str:
    """How a negation on `tok` reads (see `negation_reading`); an object of a verb whose subject is a
    thing, not an actor, is an effect described ("guns have not brought peace"), not a refusal."""
    own = sc.concessions.get(topic, {})
    general = tok.i in sc.anchored and tok.i not in sc.reversals and tok.i not in own
    cue = sc.anchored[tok.i].cue.words if tok.i in sc.anchored else ("",)
    role = negation_reading(tok, below, term, step, general, cue)
    if role != "flip" or step or below is None or tok.lemma_.lower() in COPULAS:
        return role  # "soldiers would not be part of the force": the subject is who would take part
    arg = argument_of(term, tok)
    subjects = [c for c in tok.children if c.dep_ == "nsubj" and (arg is None or c.i != arg.i)]
    thing = any(c.pos_ == "NOUN" and nominal_actor(c, ctx) is None for c in subjects)
    return "silent" if thing else role


_DISMISSIVE = frozenset({"mere", "wasted", "fake", "sham", "so-called", "bad", "empty"})


def _dismissive(modifier, lexicon: Lexicon) -> bool:
    """`does not want a wasted meeting`, `rather than a mere ceasefire`, `rejects an unfair deal`: a term
    described as a bad instance of itself; the cue is about that kind, not the topic."""
    if modifier.dep_ != "amod":
        return False
    words = {modifier.lemma_.lower(), modifier.lower_}
    judged = [
        c for w in words for c in lexicon.cues.get(w, ()) if c.kind == "evaluative" and len(c.words) == 1
    ]
    return bool(words & _DISMISSIVE) or any(c.polarity < 0 for c in judged)


def _copula_subject(tok, below) -> bool:
    """`below` is the subject of a copula: "X would be a target", "X would have to be European"."""
    if below is None or below.dep_ != "nsubj":
        return False
    return tok.lemma_.lower() == "be" or any(
        c.dep_ == "xcomp" and c.lemma_.lower() == "be" for c in tok.children
    )


def _passive_event(tok, below, step: int, negated: bool) -> bool:
    """`demanded the envoy be fired`: the term undergoes an event that is not a polar word of its topic,
    so the cue is about that event, not the topic."""
    passive = below is not None and not isinstance(below, str) and below.dep_ == "nsubjpass"
    return passive and tok.pos_ == "VERB" and not step and not negated


def _bare_relative(below, n_words: int, lexicon: Lexicon) -> bool:
    """`veto any sanctions package that makes the negotiations harder`: a relative clause says what the
    cue is about only through a polar word of its own ("any deal that forces Ukraine to give up land") or
    a verb of containing ("proposed a plan that included a ceasefire": the plan's content)."""
    if below is None or isinstance(below, str) or below.dep_ != "relcl" or n_words:
        return False
    word = below.lemma_.lower()
    return word == "be" or word not in lexicon.linking_verbs
