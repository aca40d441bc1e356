"""Reading a stance cue in the parse: its kind, the token whose clause it speaks for (its anchor), its
scope (the complements that say what it is about), and where a sentence's topic terms sit.
"""

from __future__ import annotations

from analysis.extract.nlp import doc_text, span_text
from analysis.extract.stance.lexicon import Lexicon, Match
from analysis.extract.termregex import term_pattern

# Dependants that are not a verb's complement: they never carry what the cue is about.
_NOT_SCOPE = frozenset(
    {
        "nsubj",
        "csubj",
        "csubjpass",
        "advcl",
        "conj",
        "cc",
        "punct",
        "mark",
        "aux",
        "auxpass",
        "neg",
        "advmod",
        "npadvmod",
        "parataxis",
        "intj",
        "expl",
        "agent",
        "preconj",
        "meta",
    }
)
_COPULA_DEPS = frozenset({"acomp", "attr", "oprd"})


_OTHER_NOUNS = frozenset(
    {"host", "broker", "sign", "initial", "countersign", "float", "convene", "mediate", "ratify"}
)


def cue_role(match: Match) -> str:
    """The cue's kind, corrected by part of speech: an "offer" that is a noun is an attitude."""
    kind, pos = match.cue.kind, match.head.pos_
    if kind == "verb" and pos in ("ADV", "ADP", "PART", "DET"):
        return "none"  # "pushed back on": the adverb "back" is no verb "back"
    if pos == "VERB" and len(match.cue.words) == 1 and _particle(match.head):
        return "none"  # "pushed back the talks", "backed down": another verb than "push", "back"
    if kind == "threat":  # "would respond if troops were sent"; "responded to the plan" is no threat
        return kind if pos == "VERB" and condition_clauses(match.head) else "none"
    if kind == "verb" and pos in ("NOUN", "PROPN", "ADJ"):
        # a phrasal verb's noun is another word: "hold a call on the plan" is no "call on", and some
        # verbs' nouns name a person or a thing, not a position ("his host", "a sign that ...")
        return "none" if len(match.cue.words) > 1 or match.cue.words[0] in _OTHER_NOUNS else "attitude"
    if kind == "attitude" and pos == "VERB":
        return "verb"
    return kind


_PARTICLES = frozenset({"back", "down", "away"})
_THREAT_MARKS = frozenset({"if", "when", "once", "should", "unless"})


def condition_clauses(verb) -> list:
    """The conditions of a verb: `respond [if troops were sent]`."""
    return [
        c
        for c in verb.children
        if c.dep_ == "advcl"
        and any(m.dep_ in ("mark", "advmod") and m.lower_ in _THREAT_MARKS for m in c.children)
    ]


def _particle(verb) -> bool:
    """`pushed back`, `backed down`: a particle right after the verb, hung on it."""
    if verb.i + 1 >= len(verb.doc):
        return False
    nxt = verb.doc[verb.i + 1]
    return nxt.lower_ in _PARTICLES and nxt.head.i == verb.i and nxt.dep_ in ("prt", "advmod")


_OWN_COMPLEMENTS = frozenset({"prep", "acl", "relcl", "ccomp", "xcomp", "appos"})


def specifying_subject(head, kind: str) -> bool:
    """`the way forward is a ceasefire`, `Kyiv's priority remains security guarantees`: a bare attitude or
    evaluative noun as the subject of a copula says what its predicate is (a specificational sentence), so it
    speaks for the predicate as "a ceasefire is the way forward" does. Not a noun with a complement of its
    own ("the decision to impose sanctions was a mistake": the decision is judged)."""
    if kind not in ("attitude", "evaluative") or head.pos_ != "NOUN" or head.dep_ != "nsubj":
        return False
    verb = head.head
    if verb.lemma_.lower() not in ("be", "remain") or not any(c.dep_ == "attr" for c in verb.children):
        return False
    return not any(c.dep_ in _OWN_COMPLEMENTS for c in head.children)


def cue_anchor(match: Match, kind: str):
    """The token whose clause the cue speaks for: the copula of an adjective, the verb of a particle."""
    head = match.head
    if specifying_subject(head, kind):
        return head.head  # "the priority is a ceasefire": the copula, whose predicate is in scope
    if head.pos_ == "ADP" and head.head.i != head.i:
        return head.head
    if kind in ("attitude", "evaluative") and head.pos_ == "ADJ" and head.dep_ in _COPULA_DEPS:
        return head.head
    if kind == "evaluative" and (head.dep_ in _COPULA_DEPS or framing_object(head)):
        return head.head  # "sanctions are a mistake", "the plan could form the basis": the subject is judged
    if kind == "evaluative" and head.dep_ == "appos" and head.head.dep_ == "dobj":
        return head.head  # "called the sanctions regime a failure": the object is judged
    if judging_modifier(head, kind):
        return head.head.head  # "the sanctions were an unfriendly act"
    judge = judged_as(head) if kind == "evaluative" else None
    return judge if judge is not None else head


# verbs that judge their object through "as": "Putin described the summit as useful"
JUDGING_AS = frozenset(
    {"describe", "see", "view", "regard", "characterise", "characterize", "portray", "take", "treat"}
)


def judged_as(head):
    """The judging verb of `described the summit as timely and useful` (the small parser hangs the
    adjectives on "as" in several ways, and coordinates them), else None."""
    tok = head
    while tok.dep_ == "conj" and tok.head.i != tok.i:
        tok = tok.head
    for _ in range(2):
        if tok.lower_ == "as" and tok.dep_ == "prep":
            verb = tok.head.head if tok.head.dep_ == "dobj" else tok.head  # "as" on the object or the verb
            return verb if verb.pos_ == "VERB" and verb.lemma_.lower() in JUDGING_AS else None
        if tok.head.i == tok.i:
            return None
        tok = tok.head
    return None


# "the plan could form the basis", "the draft has serious problems", "it sends the wrong signal"
_FRAMING_VERBS = frozenset({"form", "constitute", "provide", "offer", "represent", "have", "send"})


def framing_object(head) -> bool:
    """`the draft could form the basis of a deal`: a judging noun as the object of a verb of being."""
    return head.dep_ == "dobj" and head.head.lemma_.lower() in _FRAMING_VERBS


def judging_modifier(head, kind: str) -> bool:
    """An evaluative adjective on the predicate noun of a copula ("X was an unfriendly act") judges X."""
    return kind == "evaluative" and head.dep_ == "amod" and head.head.dep_ in ("attr", "acomp")


def _complement(child, lexicon: Lexicon) -> bool:
    """A verb's prepositional phrase is in scope only when it says what the cue is about ("insist on")."""
    if child.dep_ == "prep" and any(c.lower_ in ("instead", "rather") for c in child.children):
        return False  # "instead of rejecting the plan, X proposed changes": the alternative not taken
    if child.lower_ == "as" and any(c.lemma_.lower() == "part" for c in child.children):
        return False  # "commit troops as part of the guarantees": the frame, not what is committed
    return child.dep_ != "prep" or child.lower_ in lexicon.complement_preps


def cue_scope(match: Match, anchor, kind: str, lexicon: Lexicon) -> set[int]:
    """Token ids the cue is about: its complements (for nouns, the subtree; for judged subjects, all)."""
    matched = {t.i for t in match.tokens}
    if parenthetical(anchor, kind):
        own = {t.i for t in anchor.subtree}
        return _same_block({t.i for t in anchor.head.subtree} - own, match.head)
    if kind == "evaluative" and subject_judging_verb(match, anchor):
        kids = [c for c in anchor.children if c.dep_ in ("nsubj", "csubj")]  # "the vote would derail talks"
    elif kind == "evaluative":
        kids = [c for c in anchor.children if c.dep_ not in ("advcl", "conj", "cc", "agent", "parataxis")]
    elif anchor.pos_ in ("NOUN", "PROPN") or (anchor.pos_ == "ADJ" and anchor is match.head):
        kids = [c for c in anchor.children if c.dep_ not in ("poss", "conj", "cc", "appos", "relcl")]
        kids = [c for c in kids if _complement(c, lexicon)]  # "a demand in every round of talks": where
    else:
        kids = [c for c in anchor.children if c.dep_ not in _NOT_SCOPE and _complement(c, lexicon)]
        kids += [c for c in anchor.children if _gerund_object(c, match)]
        # the cue's own particle ("balk at new sanctions") always introduces what it is about
        kids += [c for c in anchor.children if c.dep_ == "prep" and c.i in matched and c not in kids]
    ids = {t.i for kid in kids for t in kid.subtree}
    if kind == "attitude" and match.head.pos_ == "ADJ" and match.head is not anchor:
        ids |= {t.i for t in match.head.subtree}
    return _same_block(ids - matched, match.head)


def subject_judging_verb(match: Match, anchor) -> bool:
    """`a vote now could derail the talks`, `the plan would reward aggression`: an evaluative verb judges its
    subject; its object is what it harms or serves, on which it states no position."""
    return anchor.i == match.head.i and anchor.pos_ == "VERB"


def parenthetical(anchor, kind: str) -> bool:
    """`The sanctions, Putin insisted, must be lifted`, `That, he said, was a mistake`: a verb of saying set
    into the clause it reports (the parser hangs it on that clause's verb as `parataxis`); the path from a
    term then runs up through that verb (`path._path` walks on to the root when the anchor is not above)."""
    return kind == "attribution" and anchor.dep_ == "parataxis" and anchor.head.pos_ in ("VERB", "AUX")


def _gerund_object(child, match: Match) -> bool:
    """`ruled out sending troops`, `opposes lifting sanctions`: a gerund right after the cue verb is its
    object, though the parser often hangs it as an adverbial clause."""
    last = max(t.i for t in match.tokens)
    return (
        child.dep_ == "advcl"
        and child.tag_ == "VBG"
        and child.i == last + 1
        and not any(c.dep_ in ("mark", "nsubj", "nsubjpass") for c in child.children)
    )


def _same_block(ids: set[int], head) -> set[int]:
    """Only tokens on the cue's own line: a headline glued to the first paragraph is not one clause."""
    doc, sent = head.doc, head.sent
    start = doc_text(doc).rfind("\n", sent.start_char, head.idx) + 1 or sent.start_char
    end = doc_text(doc).find("\n", head.idx, sent.end_char)
    end = sent.end_char if end < 0 else end
    return {i for i in ids if start <= doc[i].idx < end}


def locate_terms(sent, terms: str) -> list:
    """Root tokens of each occurrence of the topic's matched terms (`"a; b"`) in the sentence, in text order
    (the order decides ties between candidates, so it must not depend on set iteration, which varies with
    the process's hash seed)."""
    found = []
    text = span_text(sent)
    for term in dict.fromkeys(t.strip() for t in str(terms or "").split(";") if t.strip()):
        for hit in term_pattern(term).finditer(text):  # terms are stripped, never blank
            start, end = sent.start_char + hit.start(), sent.start_char + hit.end()
            span = sent.doc.char_span(start, end, alignment_mode="expand")
            if span is not None:
                found.append((start, end, span.root))
    return [root for _start, _end, root in sorted(found, key=lambda f: (f[0], f[1]))]


def temporal_term(root, lexicon: Lexicon) -> bool:
    """`troops would deploy after a ceasefire`, `a post-ceasefire force`: the term only says when."""
    if root.dep_ == "pobj" and root.head.lower_ in lexicon.temporal_preps:
        return True
    before = root.doc[max(root.sent.start, root.i - 2) : root.i]
    return any(
        t.lower_ in lexicon.temporal_preps for t in before if t.head.i == root.head.i or t.i == root.i - 2
    )
