"""Context rules for actor mentions: government or place, venue, headline, byline, dateline, outlet.

Each function looks at a span and the words around it; the word lists come from the knowledge base
(`analysis/data/actors.yaml`), so the rules are general for English news and the knowledge is data.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from analysis.extract.kb import KnowledgeBase
from analysis.extract.nlp import doc_text

POSSESSIVE = {"'s", "’s", "'", "’"}
_MINOR_WORDS = frozenset({"of", "the", "and", "to", "in", "a", "an", "for", "on", "with", "at", "by"})
_BYLINE = re.compile(
    r"^\s*(?:written\s+|posted\s+|reported\s+)?by\s+[A-Z]"
    r"|\b(?:reporting|editing|writing|additional reporting|compiled|produced|photos?|video) by\b"
    r"|\bcontributed (?:to this report|reporting)\b|^\s*(?:photograph|photo|image|illustration)\s*:",
    re.IGNORECASE,
)
# "PARMA, Ohio -", "MOSCOW (AP) -", "KYIV, Nov 24 (Reuters) -": the place opening a dateline
_DATELINE = re.compile(r"^([A-Z][A-Z.'’ -]{2,40}?)(?=,| \(| [-–—])", re.MULTILINE)


def previous_word(doc: Doc, start: int) -> Token | None:
    """The word before a span, skipping an article ("in the Kremlin")."""
    i = start - 1
    while i >= 0 and doc[i].lower_ in ("the", "a"):
        i -= 1
    return doc[i] if i >= 0 else None


def next_token(span: Span) -> Token | None:
    return span.doc[span.end] if span.end < len(span.doc) else None


def is_government(ent: Span, kb: KnowledgeBase) -> bool:
    """True when a place name ("Moscow", "Europe") is used for a government rather than a place."""
    doc = ent.doc
    prev = previous_word(doc, ent.start)
    if prev is not None and prev.lower_ in kb.place_preps:
        return False
    nxt = next_token(ent)
    if nxt is not None and nxt.text in POSSESSIVE:
        return True
    if nxt is not None and nxt.lower_ in kb.government_nouns:
        return True
    if nxt is not None and nxt.lower_ in kb.place_words:
        return False
    if doc.has_annotation("DEP"):
        return _government_by_syntax(ent.root, kb)
    return nxt is not None and nxt.lower_ in kb.government_cues


def _government_by_syntax(token: Token, kb: KnowledgeBase, depth: int = 0) -> bool:
    dep = token.dep_
    if dep in ("nsubj", "nsubjpass", "agent", "poss", "csubj"):
        return True
    if dep == "conj" and depth < 4:
        return _government_by_syntax(token.head, kb, depth + 1)
    if dep == "pobj":
        return token.head.lower_ not in kb.place_preps
    if dep in ("dobj", "dative"):
        return token.head.lemma_.lower() in kb.government_verbs
    return False


def is_venue(ent: Span, kb: KnowledgeBase) -> bool:
    """True when a state is named only as where something happens: "talks in Malaysia", "visiting
    Ireland", "on his way to Malaysia", "in Gyeongju, South Korea"."""
    doc = ent.doc
    prev = previous_word(doc, ent.start)
    if prev is not None and prev.text == "," and prev.i > 0:
        i = prev.i - 1  # skip a city name before the comma
        while i > 0 and doc[i].is_title and doc[i].lower_ not in kb.venue_preps:
            i -= 1
        prev = doc[i] if i < prev.i - 1 else None
    if prev is None:
        return False
    if prev.lower_ in kb.venue_preps:
        return True
    before = doc[prev.i - 1] if prev.i > 0 else None
    return prev.lower_ == "to" and before is not None and before.lower_ in kb.travel_words


def is_headline(line: str) -> bool:
    """True for a title-case line: most words capitalised, no closing sentence punctuation."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", line) if w.lower() not in _MINOR_WORDS]
    if len(words) < 2 or line.rstrip().endswith((".", "!", "”", '"')):
        return False
    return sum(w[0].isupper() for w in words) / len(words) >= 0.7


def on_furniture_line(ent: Span) -> bool:
    """Bylines, photo credits and title-case headlines (the line holding the entity)."""
    text = doc_text(ent.doc)
    start = text.rfind("\n", 0, ent.start_char) + 1
    end = text.find("\n", ent.end_char)
    line = text[start : end if end >= 0 else len(text)]
    return bool(_BYLINE.search(line)) or is_headline(line)


def is_dateline(ent: Span) -> bool:
    """An all-caps word opening a line ("MOSCOW (AP) -") is a dateline."""
    line_start = ent.start_char == 0 or doc_text(ent.doc)[ent.start_char - 1] == "\n"
    return line_start and ent.text.isupper() and len(ent.text) > 3


def dateline_places(text: str) -> set[str]:
    """Casefolded places named in datelines ("PARMA, Ohio -" gives "parma"): places, not actors."""
    return {m.group(1).strip().casefold() for m in _DATELINE.finditer(text)}


def cited_as_source(ent: Span) -> bool:
    """Organisations cited as sources: "told the Journal", "according to Interfax" are outlets."""
    if ent.label_ != "ORG":
        return False
    doc = ent.doc
    prev = previous_word(doc, ent.start)
    if prev is None:
        return False
    if prev.lower_ in ("told", "tells", "telling"):
        return True
    before = doc[prev.i - 1] if prev.i > 0 else None
    return prev.lower_ == "to" and before is not None and before.lower_ in ("according", "told", "speaking")


def is_modifier(ent: Span, kb: KnowledgeBase) -> bool:
    """A name used as a modifier, not as an actor: "the Donetsk region", "Army Secretary Dan Driscoll",
    "Harvard-educated", "the Emirati capital", and photo credits ("Jane Doe/Reuters")."""
    nxt = next_token(ent)
    if nxt is not None and nxt.text in ("/", "-"):
        return True
    if len(ent) == 1 and ent[0].tag_ in ("JJ", "JJR", "JJS"):
        return True
    return nxt is not None and (nxt.lower_ in kb.place_words or nxt.lower_ in kb.title_words)


def after_place_preposition(ent: Span, kb: KnowledgeBase) -> bool:
    """A lone word after "in/on/near" is more likely a place the model took for a name."""
    doc = ent.doc
    nxt = next_token(ent)
    if nxt is not None and nxt.text in POSSESSIVE:
        return False  # "Eisenhower's famed quotation"
    prev = previous_word(doc, ent.start)
    # not "at": "an analyst at Kpler" names an organisation
    return prev is not None and prev.lower_ != "at" and (prev.lower_ in kb.place_preps or prev.lower_ == "on")
