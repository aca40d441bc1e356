"""Actions as positions beyond a topic's own deed words (issue #16 item 8).

A topic's polarity words done as deeds are read in `candidates.action_candidates` ("the EU adopted new
sanctions"). This module reads the deeds that general English makes positions, for any taxonomy:
- **making it happen**: a verb of the cue file's `deed_verbs` (announce, unveil, impose, double, plan,
  "add to", "pay into" ...) whose object is a topic term: "Washington doubled tariffs on Indian goods",
  "the Treasury added two oil firms to its list of blocked entities", "Trump announced a summit" ->
  support; polar words of the object compose ("announced the lifting of sanctions" -> oppose);
- **the term as the verb**: "Britain has sanctioned 500 vessels" (a one-word term of a topic with deeds,
  used as a verb) -> support;
- **the agent of a participle**: "the sanctions announced by Washington", "the measures were imposed by
  the US", and with no agent the noun's owner ("the US sanctions announced on Wednesday") -> that actor
  takes the verb's side (a topic polarity word its own: "the sanctions lifted by Washington" -> oppose);
- **hosting**: a `hosting_verbs` verb with an actor as object ("the President received the two envoys in
  the Kremlin") is hosting: support for each topic of the sentence for which "host" is a polarity word.
Each deed must be the holder's own (a main clause, a relative clause on the doer or a participle of the
main clause, as in `action_candidates`); left neutral: negated ("has not sanctioned"), hedged or open ("is
weighing new sanctions", "may send"), hypothetical, prescribed ("should impose"), questions, reported
deeds ("said the EU had adopted"). The object of a deed is never its holder ("sanctions on Rosneft").
"""

from __future__ import annotations

from functools import lru_cache

from analysis.extract.stance.anaphora import OBJECT_PRONOUNS, antecedent_term
from analysis.extract.stance.candidates import (
    Candidate,
    _deed_clause,
    _participle_levels,
    depth,
    prescribed,
    rule,
    shared,
    stance_name,
)
from analysis.extract.stance.confidence import context_factor
from analysis.extract.stance.holder import Context, find_holder, nominal_actor, owner
from analysis.extract.stance.lexicon import Cue, Match, token_forms
from analysis.extract.stance.modality import hedged, hypothetical, is_question, not_asserted
from analysis.extract.stance.negation import is_negated
from analysis.extract.stance.path import SentenceCues, path_polarity

OBJECT_PREPS = frozenset({"of", "to", "for"})  # "a package of sanctions", "an end to", "funding for"
HOST_WORD = "host"  # the taxonomy polarity word a hosting verb stands for


@lru_cache(maxsize=8)
def _verb_preps(words: frozenset[str]) -> dict[str, frozenset[str]]:
    """`deed_verbs` by first word: the prepositions carrying the object ("" for a direct object)."""
    out: dict[str, set[str]] = {}
    for phrase in words:
        first, *rest = phrase.split()
        out.setdefault(first, set()).add(rest[0] if rest else "")
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=8)
def _starts(deeds: frozenset[str], hosting: frozenset[str]) -> frozenset[str]:
    return frozenset(_verb_preps(deeds)) | hosting


def _objects(verb, preps: frozenset[str]) -> list:
    """The verb's objects: its direct object ("" in `preps`) or the object of its own preposition
    ("added them to its list"), with the nouns coordinated with them."""
    found = [c for c in verb.children if c.dep_ == "dobj" and "" in preps]
    found += [
        o for c in verb.children if c.dep_ in ("prep", "dative") and c.lower_ in preps for o in c.children
    ]
    found = [o for o in found if o.dep_ in ("dobj", "pobj")]
    return found + [c for o in found for c in o.conjuncts]


def _object_terms(verb, preps: frozenset[str], sc: SentenceCues) -> list[tuple]:
    """(term, pronoun) pairs: topic terms that are the verb's object or the object of the object's "of" /
    "to" / "for" (pronoun None), and the term an object pronoun stands for (`anaphora.antecedent_term`)."""
    out = []
    for obj in _objects(verb, preps):
        if obj.lower_ in OBJECT_PRONOUNS:
            out += [(t, obj) for t in antecedent_term(obj, sc)]
        if obj.i in sc.term_roots:
            out.append((obj, None))
            continue
        out += [
            (o, None)
            for p in obj.children
            if p.dep_ == "prep" and p.lower_ in OBJECT_PREPS
            for o in p.children
            if o.dep_ == "pobj" and o.i in sc.term_roots
        ]
    return out


def _own_deed(verb, ctx: Context) -> bool:
    """The verb states its subject's own, asserted, unhedged deed (see the module)."""
    lexicon = ctx.lexicon
    if verb.pos_ != "VERB" or is_negated(verb, lexicon) or not _deed_clause(verb):
        return False
    if hypothetical(verb, lexicon) or prescribed(verb) or hedged(verb):
        return False
    return not (is_question(verb) or not_asserted(verb))


def _cue(verb, sc: SentenceCues) -> bool:
    """A stance cue other than a verb of saying is at the verb ("approve" is read as a cue; "announce",
    "add" are also verbs of saying, which a deed with an object is not)."""
    match = sc.cues.get(verb.i)
    return match is not None and match.cue.kind != "attribution"


def _topic_word(verb, topic: str, sc: SentenceCues):
    """The topic's own polarity word at the verb, if any (its sense wins over the general one)."""
    return sc.concessions.get(topic, {}).get(verb.i)


def _candidate(verb, term, topic, holder, sign, sc, ctx) -> Candidate | None:
    match = Match(Cue((verb.lemma_.lower(),), sign, "concession", topic, True), verb, (verb,))
    path = path_polarity(term, verb, match, topic, sc, ctx, holder=holder.actor)
    if path.blocked:
        return None
    # a position noun as the object says which way: "announced its opposition to sanctions"
    nouns, tok = [], term
    while tok.head.i not in (tok.i, verb.i):
        tok = tok.head
        if tok.i in sc.cues:
            nouns.append(sc.cues[tok.i])
    sign *= -1 if any(m.cue.polarity < 0 for m in nouns) else 1
    conf = ctx.lexicon.conf("action") * holder.factor * context_factor(verb, holder.actor, ctx)
    cue = " ".join([verb.text, *[m.head.text for m in nouns], *path.words])
    stance = stance_name(sign * path.polarity)
    return Candidate(holder.actor, topic, stance, round(conf, 3), cue, depth(verb), rule("deed", holder))


def _referred(verb, pronoun, topic: str, holder, ctx: Context) -> Candidate:
    """The deed on what an object pronoun stands for: a reading of two phrases, at the `anaphor` factor."""
    factor = ctx.lexicon.conf("action") * ctx.lexicon.conf("anaphor")
    conf = factor * holder.factor * context_factor(verb, holder.actor, ctx)
    words = [verb.text] + [pronoun.head.text] * (pronoun.dep_ == "pobj") + [pronoun.text]
    cue = " ".join(words)
    return Candidate(
        holder.actor, topic, "support", round(conf, 3), cue, depth(verb), rule("deed-anaphor", holder)
    )


def _enacted(verb, preps, sc: SentenceCues, ctx: Context) -> list[Candidate]:
    """`Washington doubled tariffs on Indian goods`: a deed verb with a term as its object."""
    pairs = [
        (t, p) for t, p in _object_terms(verb, preps, sc) if _topic_word(verb, sc.term_roots[t.i], sc) is None
    ]
    if not pairs or _cue(verb, sc) or not _own_deed(verb, ctx):
        return []  # a general cue ("approve") is read as a cue
    holder = find_holder(verb, ctx, levels=1 + _participle_levels(verb))
    if holder is None:
        return []
    out = {}
    for term, pronoun in sorted(pairs, key=lambda tp: depth(tp[0])):
        topic = sc.term_roots[term.i]
        if topic in out:
            continue
        if pronoun is None:
            cand = _candidate(verb, term, topic, holder, 1, sc, ctx)
        else:
            cand = _referred(verb, pronoun, topic, holder, ctx)
        if cand is not None:
            out[topic] = cand
    return shared(list(out.values()), holder)


def _term_verb(verb, sc: SentenceCues, ctx: Context) -> list[Candidate]:
    """`Britain has sanctioned 500 vessels`: a one-word term of a topic with deeds used as the verb."""
    topic = sc.term_roots.get(verb.i)
    if topic not in ctx.lexicon.action_topics or _topic_word(verb, topic, sc) is not None:
        return []
    if _cue(verb, sc) or not _own_deed(verb, ctx) or _passive(verb):
        return []
    holder = find_holder(verb, ctx, levels=1 + _participle_levels(verb))
    if holder is None:
        return []
    conf = ctx.lexicon.conf("action") * holder.factor * context_factor(verb, holder.actor, ctx)
    cand = Candidate(
        holder.actor, topic, "support", round(conf, 3), verb.text, depth(verb), rule("deed-verb", holder)
    )
    return shared([cand], holder)


def _passive(verb) -> bool:
    return verb.tag_ == "VBN" and (
        verb.dep_ == "acl" or any(c.dep_ in ("auxpass", "nsubjpass", "agent") for c in verb.children)
    )


def _undergoer(verb, sc: SentenceCues):
    """The term a passive participle is said of: the noun it modifies ("sanctions announced by ...") or
    its passive subject ("the measures were imposed by ...")."""
    if verb.dep_ == "acl" and verb.head.i in sc.term_roots:
        return verb.head
    return next((c for c in verb.children if c.dep_ == "nsubjpass" and c.i in sc.term_roots), None)


def _passive_reading(verb, general: bool, sc: SentenceCues, ctx: Context) -> tuple[str, int] | None:
    """(topic, sign) of a passive deed: the term as the verb ("vessels sanctioned by Britain"), else the
    term it is said of, with the topic's own deed word or a general deed verb."""
    topic = sc.term_roots.get(verb.i)
    if topic is not None:
        own = topic in ctx.lexicon.action_topics and _topic_word(verb, topic, sc) is None
        return (topic, 1) if own else None
    term = _undergoer(verb, sc)
    if term is None:
        return None
    topic = sc.term_roots[term.i]
    word = _topic_word(verb, topic, sc)
    if word is not None:
        return (topic, word.cue.polarity) if word.cue.deed else None
    return (topic, 1) if general else None


def _by_agent(verb, general: bool, sc: SentenceCues, ctx: Context) -> list[Candidate]:
    """`the sanctions announced by Washington`, `the US sanctions announced on Wednesday`."""
    if not _passive(verb) or _cue(verb, sc):
        return []
    reading = _passive_reading(verb, general, sc, ctx)
    lexicon = ctx.lexicon
    if reading is None or is_negated(verb, lexicon) or hypothetical(verb, lexicon) or hedged(verb):
        return []
    if is_question(verb):
        return []
    holder = find_holder(verb, ctx, levels=1)  # the agent
    if holder is None and verb.dep_ == "acl" and not any(c.dep_ == "auxpass" for c in verb.children):
        holder = _noun_owner(verb.head, ctx)  # "the US sanctions announced on Wednesday"
    if holder is None:
        return []
    topic, sign = reading
    conf = lexicon.conf("action") * holder.factor * context_factor(verb, holder.actor, ctx)
    if verb.dep_ == "acl":
        conf *= lexicon.conf("in_passing")  # "the sanctions imposed by Washington": named, not reported
    stance = stance_name(sign)
    cand = Candidate(
        holder.actor, topic, stance, round(conf, 3), verb.text, depth(verb), rule("deed-agent", holder)
    )
    return shared([cand], holder)


def _noun_owner(noun, ctx: Context):
    """The actor whose deed a noun is: its possessor or a name compounded with it ("the US sanctions",
    "Washington's sanctions"); not an adjective of origin ("European troops being deployed" undergo the
    deed)."""
    found = owner(noun, ctx, source=True)
    if found is None or found.how != "possessive":
        return None
    kids = [c for c in noun.children if c.dep_ in ("poss", "compound") and c.i < noun.i]
    return found if any(nominal_actor(c, ctx) is not None for c in kids) else None


def hosted_topics(lexicon, topics) -> set[str]:
    """The topics among `topics` for which hosting is support ("host" is a +1 polarity word)."""
    index = lexicon.concessions
    return {t for t in topics if any(c.polarity > 0 for c in index.get(t, {}).get(HOST_WORD, ()))}


def _guests(verb, ctx: Context) -> list:
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    return [o for o in objects + [c for o in objects for c in o.conjuncts] if _guest(o, ctx)]


def hosting_rows(verb, sid: int, topics: set[str], ctx: Context) -> list[dict]:
    """Topic rows for a hosting deed in a sentence that does not name the topic it hosts ("Putin received
    the envoys" in an article about talks): the verb stands for each of `topics` (see
    `siding.action_topic_rows`)."""
    if topics and _sent_envoy(verb, ctx):  # "agreed to send a delegation": the delegation stands for it
        return [{"sentence_id": sid, "topic": t, "terms": verb.text.lower()} for t in sorted(topics)]
    if not topics or verb.pos_ != "VERB" or not _guests(verb, ctx) or not _own_deed(verb, ctx):
        return []
    return [{"sentence_id": sid, "topic": t, "terms": verb.text.lower()} for t in sorted(topics)]


def _sent_envoy(noun, ctx: Context) -> bool:
    """An envoy noun that is the object of a verb of sending ("send a delegation to Luanda")."""
    lexicon = ctx.lexicon
    if noun.pos_ != "NOUN" or noun.lemma_.lower() not in lexicon.envoy_nouns or noun.dep_ != "dobj":
        return False
    return noun.head.lemma_.lower() in lexicon.sending_verbs


def _hosted(verb, sc: SentenceCues, ctx: Context) -> list[Candidate]:
    """`The President received the two envoys in the Kremlin`: hosting an actor."""
    topics = sorted(hosted_topics(ctx.lexicon, sc.term_roots.values()))
    guests = _guests(verb, ctx) if topics else []
    if not guests or not _own_deed(verb, ctx):
        return []
    holder = find_holder(verb, ctx, levels=1 + _participle_levels(verb))
    if holder is None or any(getattr(nominal_actor(g, ctx), "actor", None) == holder.actor for g in guests):
        return []
    conf = ctx.lexicon.conf("action") * holder.factor * context_factor(verb, holder.actor, ctx)
    how = rule("hosting", holder)
    cands = [
        Candidate(holder.actor, t, "support", round(conf, 3), verb.text, depth(verb), how) for t in topics
    ]
    return shared(cands, holder)


def _guest(tok, ctx: Context) -> bool:
    """An actor, a pronoun for people, or a group of them ("the envoys", "a delegation")."""
    if tok.pos_ == "PRON":
        return tok.lower_ in ("him", "her", "them")
    if nominal_actor(tok, ctx) is not None or tok.ent_type_ in ("PERSON", "NORP", "GPE", "ORG"):
        return True
    return tok.lemma_.lower() in ctx.lexicon.group_nouns


def deed_candidates(sent, terms: dict[str, list], sc: SentenceCues, ctx: Context) -> list[Candidate]:
    """Candidates of the sentence's deeds (see the module); `terms` maps topic -> term roots."""
    if not sc.term_roots:
        return []
    lexicon = ctx.lexicon
    verbs = _verb_preps(lexicon.deed_verbs)
    lemmas = token_forms(sent.doc)[0]
    # the cheap test on the Doc's word forms, before a Token is made
    polar = {i for words in sc.concessions.values() for i in words}
    heads = polar | set(sc.term_roots)
    starts = _starts(lexicon.deed_verbs, lexicon.hosting_verbs)
    if not starts.isdisjoint(lemmas[sent.start : sent.end]):
        heads.update(i for i in range(sent.start, sent.end) if lemmas[i] in starts)
    doc, out = sent.doc, []
    for i in sorted(heads):
        verb = doc[i]
        if verb.pos_ != "VERB":
            continue
        preps = verbs.get(lemmas[i])
        if preps is not None:
            out += _enacted(verb, preps, sc, ctx)
        out += _by_agent(verb, preps is not None and "" in preps, sc, ctx)
        if i in sc.term_roots:
            out += _term_verb(verb, sc, ctx)
        if lemmas[i] in lexicon.hosting_verbs:
            out += _hosted(verb, sc, ctx)
    return out
