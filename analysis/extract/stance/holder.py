"""Who holds a position: the actor a stance cue belongs to, found in the dependency parse.

Rules, tried from the cue upward through its governing clauses:
- the agent of a passive ("deemed impossible by Trump" -> Trump);
- the subject of the cue verb, of the copula of an attitude adjective ("Putin is willing to"), or of the
  clause a cue is embedded in ("Lavrov warned that a deployment would be unacceptable" -> Lavrov);
  "according to Trump, Putin indicated ..." is Putin's because Putin is the subject;
- the owner of a possessive ("Ukraine's demand for") or the state of a group noun ("European allies");
- a relative pronoun's antecedent ("allies that are ready" -> the allies);
- a pronoun, resolved to the nearest preceding compatible actor (person for he/she, else a state or
  organisation), preferring subjects of earlier sentences;
- inside a quotation, the speaker named by an attribution verb outside it.
A non-actor subject stops the search: "the proposal calls for a ceasefire" has no holder.
"""

from __future__ import annotations

import re

from analysis.extract.nlp import doc_text, span_text
from analysis.extract.stance.context import (  # noqa: F401 (re-exported for the other stance modules)
    GROUP_PRONOUNS,
    PERSON_PRONOUNS,
    SPEAKER_PRONOUNS,
    Context,
    Holder,
    is_person,
    mention_holder,
    recent_state,
    resolve_pronoun,
    same_line,
)

RELATIVE_PRONOUNS = frozenset({"that", "who", "which", "whom"})
# a quotation, closed in the sentence or running to its end (the closing mark often lands in the next one)
_QUOTE = re.compile(r"[“\"«]([^”\"»]{2,})(?:[”\"»]|$)")
_SUBORDINATORS = frozenset({"once", "when", "whenever", "after", "before", "until", "unless", "if"})
_MAX_LEVELS = 8
_TIME_NOUNS = frozenset({"time", "second", "minute", "hour", "day", "week", "month", "year", "decade"})


def quote_spans(sent) -> list[tuple[int, int]]:
    """Character spans (document offsets) of the quotations in a sentence."""
    base = sent.start_char
    return [(base + m.start(), base + m.end()) for m in _QUOTE.finditer(span_text(sent))]


def in_quote(tok) -> bool:
    return any(s <= tok.idx < e for s, e in quote_spans(tok.sent))


def quote_speaker(tok, ctx: Context) -> Holder | None:
    """The speaker of the quotation holding `tok`: the actor subject of an attribution verb outside it."""
    spans = quote_spans(tok.sent)
    if not any(s <= tok.idx < e for s, e in spans):
        return None
    attribution = {c.words[0] for cues in ctx.lexicon.cues.values() for c in cues if c.kind == "attribution"}
    for cand in tok.sent:
        quoted = any(s <= cand.idx < e for s, e in spans)
        if quoted or cand.pos_ not in ("VERB", "AUX") or cand.lemma_.lower() not in attribution:
            continue
        for child in cand.children:
            if child.dep_ == "nsubj":
                found = nominal_actor(child, ctx, quoted_ok=False)
                if found:
                    return Holder(found.actor, found.factor, "quote")
    return None


def _group_actor(tok, ctx: Context) -> tuple[dict, object] | None:
    """`European allies`, `Ukrainian officials`, `the leaders of France and Italy`: the actor named by a
    group noun's modifier or its "of" phrase, with the token naming it (for its coordination)."""
    if tok.lemma_.lower() not in ctx.lexicon.group_nouns and tok.lower_ not in ctx.lexicon.group_nouns:
        return None
    for child in tok.children:
        if child.dep_ in ("amod", "compound", "nmod") and child.i in ctx.actor_at:
            return ctx.actor_at[child.i], child
    for prep in (c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"):
        for obj in (c for c in prep.children if c.dep_ == "pobj" and c.i in ctx.actor_at):
            return ctx.actor_at[obj.i], obj
    return None


_SOURCE_PREPS = frozenset({"from", "by"})


def owner(tok, ctx: Context, source: bool = False) -> Holder | None:
    """The actor owning a noun: `Ukraine's demand`, `the Russian demand`, `a U.S. offer`, and the source
    named by "from"/"by" (`calls from Paris, Berlin and Warsaw for a truce`, `an offer by Ankara to
    host talks`, only with `source`: for the cue noun itself), with the actors coordinated with it."""
    for child in tok.children:
        if child.dep_ == "poss":
            found = nominal_actor(child, ctx)
            if found:
                return Holder(found.actor, found.factor, "possessive", _coordinated(child, found, ctx))
    if not source or tok.pos_ != "NOUN":
        return None
    for child in tok.children:  # "the Ukrainian proposal", "a U.S. offer", "American pressure"
        if child.dep_ in ("amod", "compound") and child.i in ctx.actor_at and child.i < tok.i:
            found = mention_holder(ctx.actor_at[child.i], 1.0, "possessive")
            return Holder(found.actor, found.factor, "possessive", _coordinated(child, found, ctx))
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in _SOURCE_PREPS:
            for obj in (c for c in child.children if c.dep_ == "pobj"):
                found = nominal_actor(obj, ctx)
                if found:
                    return Holder(found.actor, found.factor, "source", _coordinated(obj, found, ctx))
    return None


def _coordinated(tok, found: Holder, ctx: Context) -> tuple[str, ...]:
    also = [nominal_actor(c, ctx) for c in members(tok, ctx)]
    return tuple(dict.fromkeys(h.actor for h in also if h is not None and h.actor != found.actor))


def members(tok, ctx: Context) -> list:
    """The tokens coordinated with `tok`: its conjuncts, and the names of a list the parser hangs as
    appositions ("Starmer, Macron and Merz": Macron an apposition of Starmer, Merz its conjunct). An
    apposition counts only as another actor of the same kind that itself continues the list ("Russia's
    envoy, Yuri Ushakov" renames; "Starmer, Macron and Merz" lists)."""
    out = list(tok.conjuncts)
    mine = ctx.actor_at.get(tok.i)
    for child in tok.children:
        other = ctx.actor_at.get(child.i)
        if child.dep_ != "appos" or mine is None or other is None or other["actor"] == mine["actor"]:
            continue
        listed = any(c.dep_ in ("cc", "conj") for c in child.children)
        if listed and other.get("actor_type") == mine.get("actor_type"):
            out += [child, *child.conjuncts]
    if mine is not None and any(c.dep_ == "conj" for c in tok.children):
        out += _listed_before(tok, mine, ctx)
    return list(dict.fromkeys(out))


def _listed_before(tok, mine: dict, ctx: Context) -> list:
    """`On Monday, Tusk, Sanchez and Merz called ...`: the small parser often hangs a list's first names
    anywhere; names of the same kind joined by bare commas right before a coordinated name are its list."""
    doc, out = ctx.doc, []
    i = _start(mine, ctx)
    while i - 2 >= tok.sent.start and doc[i - 1].text == ",":
        prev = ctx.actor_at.get(i - 2)
        if prev is None or prev.get("actor_type") != mine.get("actor_type") or prev["actor"] == mine["actor"]:
            break
        out.append(doc[i - 2])
        i = _start(prev, ctx)
    return out


def _start(m: dict, ctx: Context) -> int:
    span = ctx.doc.char_span(int(m["start_char"]), int(m["end_char"]), alignment_mode="expand")
    return span.start if span is not None else 0


def nominal_actor(tok, ctx: Context, quoted_ok: bool = True) -> Holder | None:
    """The actor a noun phrase (given by its head token) stands for, or None."""
    if tok.i in ctx.actor_at:
        return mention_holder(ctx.actor_at[tok.i])
    for child in tok.children:
        # "Russia's foreign affairs adviser, Yuri Ushakov": the named person
        if child.dep_ == "appos" and child.i in ctx.actor_at:
            return mention_holder(ctx.actor_at[child.i])
    if tok.dep_ == "appos" and tok.head.i in ctx.actor_at:
        return mention_holder(ctx.actor_at[tok.head.i])  # "Türkiye, a NATO member that has refused ..."
    word = tok.lower_
    if word in RELATIVE_PRONOUNS and tok.head.dep_ == "relcl":
        found = nominal_actor(tok.head.head, ctx)
        if found is None and tok.head.head.lemma_.lower() in DOCUMENT_NOUNS:
            found = document_source(tok.head.head, ctx)  # "adopted Resolution 2773, which demanded ..."
        person = found is not None and ctx.gender.get(found.actor) is not None
        # "which" never stands for a person ("the plan Trump unveiled with Netanyahu, which calls for")
        return None if word == "which" and person else found
    if word in SPEAKER_PRONOUNS:
        found = quote_speaker(tok, ctx) if quoted_ok else None
        return found or (None if in_quote(tok) else label_speaker(tok, ctx))
    if tok.pos_ == "PRON":
        return resolve_pronoun(tok, ctx)
    if _definite_country(tok):
        return recent_state(tok, ctx)
    group = _group_actor(tok, ctx)
    if group:
        found = mention_holder(group[0], 1.0, "group")
        return Holder(found.actor, 1.0, "group", _coordinated(group[1], found, ctx))
    return None


def _definite_country(tok) -> bool:
    """A bare "the country" / "the nation" (no name, modifier or owner of its own) refers back."""
    if tok.lemma_.lower() not in ("country", "nation") or tok.pos_ != "NOUN":
        return False
    kids = list(tok.children)
    return any(c.lower_ == "the" for c in kids) and all(c.dep_ in ("det", "punct") for c in kids)


def _agent(tok, ctx: Context) -> Holder | None:
    for child in tok.children:
        if child.dep_ == "agent":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    found = nominal_actor(obj, ctx)
                    also = _coordinated(obj, found, ctx) if found else ()
                    return Holder(found.actor, found.factor, "agent", also) if found else None
    return None


def _object_control(tok, ctx: Context) -> bool:
    """`convince him to hold off`: an xcomp whose head has an object is that object's, not the subject's;
    a span of time is no controller ("spent weeks championing" keeps its subject)."""
    if tok.head.lemma_.lower() in ctx.lexicon.causative_verbs and any(
        c.dep_ == "nsubj" for c in tok.head.children
    ):
        return False  # "Putin urged Trump to hold off": the one urging (named right there) holds it
    return tok.dep_ == "xcomp" and any(
        c.dep_ in ("dobj", "dative") and not _time_span(c) for c in tok.head.children
    )


def _time_span(noun) -> bool:
    """`weeks`, `the year`, `most of 2025`: a span of time."""
    spans = [noun] + [o for p in noun.children if p.lower_ == "of" for o in p.children]
    return any(t.ent_type_ in ("DATE", "TIME") or t.lemma_.lower() in _TIME_NOUNS for t in spans)


def _state_of(found: Holder | None, noun, ctx: Context) -> Holder | None:
    """`Modi's government`, `Trump's administration`: a group noun owned by a person is that person's
    state (its affiliation), not the person."""
    if found is None or noun.lemma_.lower() not in ctx.lexicon.group_nouns:
        return found
    state = ctx.affiliation.get(found.actor, "")
    if found.actor in ctx.gender and state and state != found.actor:
        return Holder(state, found.factor, "group")
    return found


def _subject_holder(subj, ctx: Context, factor: float) -> Holder | None:
    """The actor of a subject, with its coordinated actors; "Ukraine's allies" are not Ukraine, and "no
    country" is nobody."""
    if any(c.dep_ in ("det", "neg") and c.lower_ in ("no", "neither") for c in subj.children):
        return None
    found = _leaders(subj, ctx) or nominal_actor(subj, ctx)
    if found is None and subj.lemma_.lower() not in ctx.lexicon.relational_nouns:
        found = _state_of(owner(subj, ctx), subj, ctx)
    if found is None and subj.lemma_.lower() in DOCUMENT_NOUNS:
        found = document_source(subj, ctx)
    if found is None:
        return None
    names = tuple(dict.fromkeys(a for a in found.also + _coordinated(subj, found, ctx) if a != found.actor))
    return Holder(found.actor, found.factor * factor, found.how, names)


def _leaders(noun, ctx: Context) -> Holder | None:
    """`The coalition, led by France and the UK, has planned a force`: a body's deed is its leaders'."""
    for acl in (c for c in noun.children if c.dep_ == "acl" and c.lemma_.lower() in ("lead", "head")):
        found = _agent(acl, ctx)
        if found is not None:
            return found
    return None


# texts that speak for whoever issued or signed them ("a statement from the Kremlin said ...")
DOCUMENT_NOUNS = frozenset(
    {"statement", "declaration", "communique", "communiqué", "letter", "resolution", "memorandum", "draft"}
)


def document_source(noun, ctx: Context) -> Holder | None:
    """`The joint statement issued by Paris and Berlin insisted ...`, `a letter from Kyiv`, `the declaration,
    signed by Britain and France, commits ...`: a text's position is its issuers' or signatories'."""
    found = owner(noun, ctx, source=True)
    if found is not None:
        return found
    for acl in (c for c in noun.children if c.dep_ == "acl" and c.tag_ == "VBN"):
        found = _agent(acl, ctx)
        if found is not None:
            return Holder(found.actor, found.factor, "document", found.also)
    if noun.dep_ == "dobj" and noun.head.lemma_.lower() in _ISSUING:  # "the Council adopted a resolution"
        subj = next((c for c in noun.head.children if c.dep_ == "nsubj"), None)
        found = nominal_actor(subj, ctx) if subj is not None else None
        if found is not None:
            return Holder(found.actor, found.factor, "document", _coordinated(subj, found, ctx))
    return None


# verbs whose subject issues the text that is their object ("the Council adopted a resolution")
_ISSUING = frozenset(
    {
        "adopt",
        "pass",
        "issue",
        "sign",
        "initial",
        "approve",
        "release",
        "publish",
        "draft",
        "table",
        "circulate",
    }
)


def _stops_climb(tok, ctx: Context) -> bool:
    """Clauses whose holder is not the main clause's: conditions ("once a ceasefire is agreed") and
    object-controlled complements ("convince him to hold off"). A subjectless participle keeps the main
    subject ("Türkiye, while refusing to join sanctions, ..."), unless it is a condition ("if elected")."""
    kids = list(tok.children)
    if tok.dep_ in ("acl", "ccomp") and tok.head.lemma_.lower() in ctx.lexicon.content_nouns:
        return True  # "pushed back on the idea that sanctions were a mistake": the claim is nobody's here
    if tok.dep_ == "advcl" and any(c.dep_ == "mark" or c.lower_ in _SUBORDINATORS for c in kids):
        participle = tok.tag_ in ("VBG", "VBN") and not any(c.dep_.startswith("nsubj") for c in kids)
        return not participle or any(c.lower_ in ("if", "unless", "once") for c in kids)
    return _object_control(tok, ctx)


def find_holder(
    anchor, ctx: Context, *, skip_subject: bool = False, levels: int = _MAX_LEVELS
) -> Holder | None:
    """The actor holding the position expressed at `anchor`, climbing through governing clauses.

    Args:
        anchor: the cue's anchor token (the verb, the copula of an adjective, or the cue noun).
        ctx: the document context.
        skip_subject: True for evaluative cues, whose subject is the thing judged, not the judge.
        levels: how many tokens up the search may go (a noun cue's holder is near it: its owner or the
            subject of its verb, "Russia made demands", not whoever governs that clause).
    """
    tok, came_from, factor = anchor, None, 1.0
    for level in range(levels):
        if not same_line(tok, anchor):
            return None
        found = _agent(tok, ctx)
        if found:
            return Holder(found.actor, found.factor * factor, found.how, found.also)
        subjects = [c for c in tok.children if c.dep_ == "nsubj" and c is not came_from]
        subjects.sort(key=lambda c: -c.i)  # two subjects (a misparse of "X, a demand Y rejected"): the nearer
        if _own_clause(came_from):
            subjects = []  # "X argued that A is B and that C would be a mistake": B's subject is not C's
        if subjects and not (skip_subject and level == 0):
            return _with_others(_subject_holder(subjects[0], ctx, factor), subjects[1:], ctx)
        if finite_modifier(tok) and not skip_subject:
            return _subject_holder(tok.head, ctx, factor)  # "A summit of A and B ... called for a truce"
        if tok.pos_ in ("NOUN", "PROPN") and (level > 0 or not skip_subject):
            found = owner(tok, ctx, source=level == 0)
            if found:
                return Holder(found.actor, found.factor * factor, found.how, found.also)
        if tok.head.i == tok.i or _stops_climb(tok, ctx):
            break
        came_from, tok = tok, tok.head
        factor *= ctx.lexicon.conf("climbed")
    return quote_speaker(anchor, ctx)


_FINITE = frozenset({"VBD", "VBZ", "VBP"})


def finite_modifier(tok) -> bool:
    """`A joint summit of A and B in Dar es Salaam on 8 February called for a ceasefire`: a finite verb
    the parser hung on a sentence's root noun as a modifier (`acl`) is the sentence's predicate, and that
    noun its subject; a reduced relative is a participle ("the sanctions imposed by Washington")."""
    return tok.dep_ == "acl" and tok.tag_ in _FINITE and tok.head.dep_ == "ROOT" and tok.head.pos_ == "NOUN"


def _with_others(found: Holder | None, others: list, ctx: Context) -> Holder | None:
    """`Congo, M23 sign declaration` (a headline's list parsed as two subjects): the other actor subjects
    hold the position too."""
    names = [h.actor for h in (nominal_actor(o, ctx) for o in others) if h is not None]
    if found is None or not names:
        return found
    also = tuple(dict.fromkeys(a for a in (*found.also, *names) if a != found.actor))
    return Holder(found.actor, found.factor, found.how, also)


def _own_clause(tok) -> bool:
    """A coordinated clause with a subject of its own does not share the first conjunct's subject."""
    if tok is None or tok.dep_ != "conj":
        return False
    return any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)


def fronted_clause(tok, lexicon) -> bool:
    """`tok` is a clause before a reporting verb that reports a clause of its own after it: the writer's
    clause, hung on the verb by the parser ("X will not send troops either: Tusk said its role is ...")."""
    verb = tok.head
    if (
        tok.dep_ not in ("ccomp", "parataxis")
        or tok.i > verb.i
        or verb.lemma_.lower() not in lexicon.attribution_words
    ):
        return False
    return any(c.dep_ == "ccomp" and c.i > verb.i for c in verb.children)


def state_speaker(anchor, holder: Holder, ctx: Context) -> Holder:
    """`Sharif said Pakistan had accepted the ceasefire`, `He said Kyiv's priority remained guarantees`: a
    state's position reported by a person who speaks for it is that person's statement (the state holds it
    only where it speaks through no one of its own). The nearest reporting verb decides."""
    if holder.actor in ctx.gender or holder.also:
        return holder
    below = anchor
    for anc in anchor.ancestors:
        child, below = below, anc
        coordinated = child.dep_ == "conj"
        if anc.pos_ not in ("VERB", "AUX") or anc.lemma_.lower() not in ctx.lexicon.attribution_words:
            continue
        if coordinated:
            continue  # "X maintains ties with Y, and the country has refused ...": no report of it
        if fronted_clause(child, ctx.lexicon):
            return holder
        speaker = find_holder(anc, ctx, levels=2)
        if speaker and speaker.actor in ctx.gender and ctx.affiliation.get(speaker.actor) == holder.actor:
            return Holder(speaker.actor, holder.factor * speaker.factor, "speaker")
        return holder
    return holder


# a transcript's speaker label at the start of a line: "PESKOV:", "PRESIDENT MACRON:", "Mr Rubio (Geneva):"
_LABEL = re.compile(r"^\s*((?:[A-Z][\w.'’-]*\s+){0,3}[A-Z][\w'’-]+)\s*(?:\([^)]*\))?\s*:")


def label_speaker(tok, ctx: Context) -> Holder | None:
    """`PESKOV: ... is not what we are looking for.`: "I" and "we" outside a quotation in a transcript are
    the speaker named by the label opening the line, when its last word is the surname of exactly one
    person the article names ("JOURNALIST (AFP):" names no one: the question stays nobody's)."""
    text = doc_text(tok.doc)
    found = _LABEL.match(text[text.rfind("\n", 0, tok.idx) + 1 : tok.idx])  # the line up to the pronoun
    if not found:
        return None
    surname = found.group(1).split()[-1].lower()
    people = {  # the surname as the article spells it ("ZELENSKY:" for Volodymyr Zelenskyy)
        str(m["actor"]) for m in ctx.mentions if is_person(m) and surname in _surnames(m)
    }
    return Holder(people.pop(), ctx.lexicon.conf("pronoun"), "label") if len(people) == 1 else None


def _surnames(m: dict) -> tuple[str, str]:
    return str(m["actor"]).split()[-1].lower(), (str(m.get("surface") or "").split() or [""])[-1].lower()
