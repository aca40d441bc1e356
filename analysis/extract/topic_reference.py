"""Definite noun phrases that repeat a topic named before: "the agreement", "this accord", "the guarantees".

A sentence whose topic rules matched a noun phrase ("a peace agreement", "the 28-point plan", "security
guarantees") introduces a referent; a later definite phrase with the same head noun ("the agreement",
"this plan", "the guarantees", "the Doha framework") refers back to it and so is about the same topic:

    Kinshasa and Kigali signed a peace agreement on Friday.   -> peace agreement (its own terms)
    Rubio said the United States was committed to this agreement.   -> the same topic, by its head noun

The heads come from what the taxonomy's own rules matched in the article (the root noun of each matched
term), so the rule works for any taxonomy without a list of its own. A phrase that describes something
else does not refer back: a noun modifier of its own ("the trade agreement" after "a peace agreement")
or a complement naming its content ("the agreement on grain"). A head noun the article mostly uses
outside the topic's terms ("the war" after a passing "trade war") is not taken as a reference. Only a
topic already found in the article is repeated, so the article's topics do not change.

What was agreed is "the agreement" of later sentences even without that noun ("India and Pakistan agreed
to a ceasefire" ... "Lammy welcomed the agreement"; "a US-brokered truce"), and "the accord" repeats "a
peace agreement".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy
from spacy.attrs import LEMMA
from spacy.strings import hash_string
from spacy.symbols import NOUN, PROPN

from analysis.extract.general_reference import general_references, term_roots
from analysis.extract.termregex import normalise

DETERMINERS = frozenset({"the", "this", "that", "these", "those", "such"})
SAME_HEAD = {"accord": "agreement", "accords": "agreement"}  # "the accord" repeats "a peace agreement"
AGREEING_VERBS = frozenset({"agree", "accept", "reach", "sign"})  # "agreed to a truce", "accepted the truce"
AGREED_FORMS = frozenset({"agreed", "brokered", "negotiated", "signed"})  # "a US-brokered truce"
AGREED = "agreement"  # the head under which something agreed ("agreed to a truce") is repeated
OWN_CONTENT = frozenset({"of", "on", "about", "over", "for"})  # "the agreement on grain": its own content
_NOUNISH = frozenset({NOUN, PROPN})
WINDOW = 12  # sentences back in which the phrase's antecedent must lie
BARE_WINDOW = 3  # the same for a bare plural ("offering guarantees"), a looser reference


@dataclass
class _Seen:
    """One head noun: the sentence and topics of its latest antecedent and how often the article used it."""

    sid: int
    topics: set[str]
    words: set[str]
    inside: int = 0  # occurrences within a topic's matched terms (or taken as references)
    total: int = 0  # all its occurrences as a noun
    heads: set[int] = field(default_factory=set)


def term_nouns(roots: list, texts: frozenset[int] = frozenset()) -> list:
    """The matched terms' root tokens that are nouns ("agreement" of "peace agreement"; a capitalised
    heading's "Peace Agreement" is tagged a name), not verbs ("end" of "end the war"), and the noun a term
    modifies ("bill" of "the sanctions bill", "agreement" of "a ceasefire agreement")."""
    nouns = [r for r in roots if r.pos_ in ("NOUN", "PROPN")]
    heads = [r.head for r in nouns if r.dep_ in ("compound", "nmod") and r.head.pos_ == "NOUN"]
    if texts:  # the doc's text nouns ("a bill to impose tariffs"): only then can a term be one's content
        heads += [h for h in (content_head(r) for r in roots) if h is not None and h.i in texts]
    return nouns + list(dict.fromkeys(h for h in heads if h not in nouns))


TEXT_NOUNS = frozenset(
    {"bill", "resolution", "declaration", "text", "draft", "proposal", "law", "legislation", "motion"}
    | {"amendment", "decree", "initiative", "offer", "package", "deal"}
)
_INSIDE = frozenset({"dobj", "pobj", "prep", "xcomp", "conj", "nsubjpass", "compound", "amod"})


_TEXT_IDS = frozenset(hash_string(w) for w in TEXT_NOUNS)


def text_nouns(doc) -> frozenset[int]:
    """Indices of the doc's tokens whose lemma is a text noun, from its array of lemma ids."""
    lemmas = doc.to_array([LEMMA])
    return frozenset(int(i) for i in numpy.nonzero(numpy.isin(lemmas, list(_TEXT_IDS)))[0])


def _purpose_of(verb):
    """`tabled a bill to impose tariffs` (parsed as the verb's purpose): the text the purpose is of."""
    if verb.dep_ != "advcl" or not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return None
    texts = [c for c in verb.head.children if c.dep_ == "dobj" and c.lemma_.lower() in TEXT_NOUNS]
    return texts[0] if texts else None


def content_head(root):
    """The text a term is the content of: "bill" of "a bill to impose tariffs on buyers of Russian oil",
    "resolution" of "a resolution calling for a ceasefire", "law" of "a law on sanctions"; later "the
    bill" repeats it (not "a statement", "a document": often about several things). None when the term
    is not inside such a noun's clause or content complement."""
    tok = root
    for _ in range(4):  # a few arcs up: "tariffs" -> "impose" -> "bill"
        head = tok.head
        if head.i == tok.i:
            return None
        clause = tok.pos_ in ("VERB", "AUX") and tok.dep_ in ("acl", "relcl")
        content = tok.dep_ == "prep" and tok.lower_ in OWN_CONTENT
        if (clause or content) and head.pos_ == "NOUN" and head.lemma_.lower() in TEXT_NOUNS:
            return head
        text = _purpose_of(tok)
        if text is not None:
            return text
        if tok.dep_ not in _INSIDE and not clause:
            return None
        tok = head
    return None


def head_key(tok) -> str:
    """The noun's dictionary form: "agreements" and a heading's "Agreements" (tagged a name) alike; a
    synonym of an agreement ("the accord") under the same key."""
    lemma = tok.lemma_.lower()
    if tok.pos_ == "PROPN" and lemma.endswith("s") and len(lemma) > 4 and not lemma.endswith("ss"):
        lemma = lemma[:-1]
    return SAME_HEAD.get(lemma, lemma)


def agreed(root) -> bool:
    """A matched term that is something agreed: the object of "agree to", "accept", "reach" or "sign"
    ("agreed to a ceasefire", "accepted the truce", "agree to stop all firing") or described as agreed
    ("a US-brokered ceasefire"). What is agreed is "the agreement" of later sentences."""
    if any(k.dep_ == "amod" and k.lower_.split("-")[-1] in AGREED_FORMS for k in root.children):
        return True
    gov = root.head.head if root.dep_ == "pobj" and root.head.lower_ == "to" else root.head
    ok_dep = root.dep_ in ("dobj", "xcomp", "pobj")
    return ok_dep and gov.pos_ in ("VERB", "AUX") and gov.lemma_.lower() in AGREEING_VERBS


def referring(tok) -> bool:
    """`the agreement`, `this plan`, `the revised draft`, `the Doha framework`: a common noun with a
    definite determiner and no noun modifier or content complement of its own (a name before it, or an
    adjective, still refers back)."""
    if tok.pos_ != "NOUN" or tok.dep_ in ("compound", "amod", "nmod", "poss"):
        return False  # "the guarantees package" is a package
    kids = list(tok.children)
    if not bare_plural(tok) and not any(k.dep_ == "det" and k.lower_ in DETERMINERS for k in kids):
        return False  # "an agreement on water" is another one; "guarantees" (bare plural) the same kind
    return not any(k.dep_ == "prep" and k.lower_ in OWN_CONTENT for k in kids)


def bare_plural(tok) -> bool:
    """`offering guarantees`: a plural with no determiner, possessive or number."""
    return tok.tag_ == "NNS" and not any(k.dep_ in ("det", "poss", "nummod") for k in tok.children)


def _modifiers_fit(tok, words: set[str]) -> bool:
    """A common-noun modifier must be one of the antecedent's words ("the peace agreement")."""
    mods = [k for k in tok.children if k.dep_ in ("compound", "nmod") and k.pos_ == "NOUN"]
    return all(m.lower_ in words or m.lemma_.lower() in words for m in mods)


def head_references(
    sents: list, roots_of, topic_ids: list[str], antecedent: dict | None = None
) -> dict[tuple[int, str], list[str]]:
    """(sentence id, topic id) -> the referring phrases of that sentence that repeat the topic.

    Args:
        sents: the doc's sentences (with a dependency parse).
        roots_of: sid -> {topic id: root tokens of the topic's own matched terms in that sentence}.
        topic_ids: the topics that may be repeated (topics with a proposition or tags alike).
        antecedent: filled with (sentence id, topic id) -> the sentence id of the phrase repeated.
    """
    antecedent = {} if antecedent is None else antecedent
    seen: dict[str, _Seen] = {}
    out: dict[tuple[int, str], list[str]] = {}
    allowed = set(topic_ids)
    texts = text_nouns(sents[0].doc) if sents else frozenset()
    for sid, sent in enumerate(sents):
        own = roots_of(sid)
        here = frozenset(i for i in texts if sent.start <= i < sent.end)
        nouns = {t: term_nouns(roots, here) for t, roots in own.items()}
        in_terms = {r.i: t for t, found in nouns.items() for r in found}
        for tok in sent if seen else ():
            if tok.pos not in _NOUNISH or tok.i in in_terms:
                continue
            entry = seen.get(head_key(tok))
            if entry is None:
                continue
            fresh = entry.topics & allowed - set(own)
            window = BARE_WINDOW if bare_plural(tok) else WINDOW
            usable = sid - entry.sid <= window and 2 * entry.inside >= entry.total
            entry.total += 1
            if fresh and usable and referring(tok) and _modifiers_fit(tok, entry.words):
                entry.inside += 1
                for topic in fresh:
                    antecedent.setdefault((sid, topic), entry.sid)
                entry.sid = sid  # a chain of references: "the agreement" ... "this agreement"
                start = min([k.i for k in tok.children if k.dep_ == "det"] + [tok.i])
                text = tok.doc[start : tok.i + 1].text.lower()
                for topic in sorted(fresh):
                    out.setdefault((sid, topic), []).append(text)
        for topic, roots in own.items():
            agreed_roots = [r for r in roots if agreed(r)]
            for root, lemma in [(r, head_key(r)) for r in nouns[topic]] + [(r, AGREED) for r in agreed_roots]:
                words = {root.doc[i].lower_ for i in _phrase(root)}
                entry = seen.get(lemma)
                if entry is None or entry.sid != sid:
                    entry = seen[lemma] = _Seen(sid, set(), set(), *(_counts(entry)))
                entry.topics.add(topic)
                entry.words |= words
                if root.i not in entry.heads:
                    entry.heads.add(root.i)
                    entry.inside += 1
                    entry.total += 1
    return out


def _counts(entry: _Seen | None) -> tuple[int, int]:
    return (entry.inside, entry.total) if entry is not None else (0, 0)


def _phrase(root) -> set[int]:
    """The root and its nominal modifiers ("peace" and "agreement" of "a peace agreement")."""
    return {root.i} | {k.i for k in root.children if k.dep_ in ("compound", "amod", "nmod")}


def _names(topic, term: str) -> bool:
    """A matched term that names the topic (a `terms`, `weak`, `regex` or pattern match), not one word of an
    `all_of` rule ("rebels" of [withdraw, rebels] in "the rebels withdrew from Goma")."""
    text = normalise(term)
    rules = (topic.terms, topic.weak, *topic.regex)
    return bool(topic.patterns) or any(rx is not None and rx.search(text) for rx in rules)


def repeated_heads(sents: list, own: dict, taxonomy, found: dict | None = None) -> dict:
    """(sid, topic index) -> (phrases referring back to the topic, the sentence id of their antecedent):
    definite phrases repeating a topic's matched noun ("the agreement") and general anaphors ("the step",
    "them"), see `analysis.extract.topic_reference` and `analysis.extract.general_reference`.

    Args:
        own: (sid, topic index) -> terms the topic's own rules matched.
        found: the same with the taxonomy's own anaphora and weak repeats (default `own`).
    """
    ids = taxonomy.ids
    by_sid: dict[int, dict[str, list[str]]] = {}
    for (sid, k), terms in own.items():
        named = [t for t in terms if _names(taxonomy.topics[k], t)]
        if named:
            by_sid.setdefault(sid, {})[ids[k]] = named

    def roots_of(sid: int) -> dict[str, list]:
        return {t: term_roots(sents[sid], terms) for t, terms in by_sid.get(sid, {}).items()}

    antecedent: dict[tuple[int, str], int] = {}
    refs = head_references(sents, roots_of, ids, antecedent)
    index = {t: k for k, t in enumerate(ids)}
    out = {(sid, index[t]): (texts, antecedent[(sid, t)]) for (sid, t), texts in refs.items()}
    known = dict(found if found is not None else own)
    for key, (texts, _) in out.items():
        known.setdefault(key, texts)
    stance = {k for k, topic in enumerate(taxonomy.topics) if not topic.topic_only}
    for key, value in general_references(sents, known, stance).items():
        out.setdefault(key, value)
    return out
