"""Actor mentions: link a Doc's entities to the knowledge base, keep real unknown people and organisations.

Rules for English news (the knowledge base and its context word lists are data, see `analysis/extract/kb.py`;
the context rules live in `analysis/extract/actor_context.py`):
- full names, aliases, surnames ("President Trump", "Zelensky's") link through the entity ruler;
  a surname marked `ambiguous` links only when the article also gives the full name, and a lone first
  name ("Vladimir") links to the one person of the article with that first name;
- metonyms ("Moscow", "Kyiv", "Europe") link only where they name a government, and a state named only
  as a venue ("talks in Malaysia") is not an actor;
- adjectives ("Russian President Vladimir Putin") are not mentions of the state; collective phrases
  ("European leaders", "Russian officials") are;
- people and organisations the model finds outside the knowledge base are kept with `linked = False`
  under a normalised name, except outlets ("told Reuters", "Kyiv Post"), platforms and products, places,
  bylines, headlines, datelines, modifiers and malformed names; a longer organisation name the model
  found keeps priority over a state name inside it ("Congressional Ukraine Caucus");
- a role description ("the Russian leader", "the U.S. president", "Ukraine's president") is a mention of
  the one person with that role and affiliation named elsewhere in the article (`role_descriptions`
  in the knowledge base); it never adds an actor the article does not name.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from analysis.extract import actor_context as ctx
from analysis.extract.kb import (
    BLOCK_ID,
    COLLECTIVE_ID,
    METONYM_PREFIX,
    SURNAME_PREFIX,
    ActorEntry,
    KnowledgeBase,
    load_kb,
)
from analysis.extract.nlp import MODEL_ENTS, doc_text, span_text

__all__ = ["find_mentions", "load_kb", "normalise_name", "strip_possessive"]

UNKNOWN_LABELS = {"PERSON": "person", "ORG": "organisation"}
_JOINERS = {"and", "or", ",", "&", "-", "–"}
_NAME_PARTICLE = re.compile(r"^(?:al|el|ad|ash|as|at|an|ar)-", re.IGNORECASE)  # Arabic article in surnames
# a possessive ending left on a name: 's, ’s, ʼs, 'S (in capitals) or the plural s' ("the Berglunds'")
_POSSESSIVE_END = re.compile(r"(?<=[^\W\d_])['’ʼ´＇][sS]?$")


def find_mentions(doc: Doc, kb: KnowledgeBase) -> list[dict]:
    """Every actor mention of a Doc, one row per occurrence, in text order.

    Args:
        doc: a Doc from `analysis.extract.nlp.load_nlp` (its entity ruler sets `ent_id_` for known actors).
        kb: the knowledge base the ruler was built from.

    Returns:
        Rows with keys sentence_id, actor, actor_type, affiliation, surface, start_char, end_char, linked.
    """
    sent_ids = _sentence_ids(doc)
    # the ruler's id of an entity is on each of its tokens: `id_` reads it without finding the span's root
    ents = _resolve_collectives(doc, kb)
    ids = [e.id_ for e in ents if e.id_]
    names = _NameContext(
        people=_unknown_full_names(ents, kb),
        first_names=_first_names({_canonical(i) for i in ids if not i.startswith(METONYM_PREFIX)}, kb),
        full_named={_canonical(i) for i in ids if ":" not in i},
        places=ctx.dateline_places(doc_text(doc)),
    )
    orgs = [(start, end) for start, end, label in doc.user_data.get(MODEL_ENTS, ()) if label == "ORG"]
    rows, done = [], -1
    for ent in ents:
        if ent.start < done or ent.id_ == BLOCK_ID:
            continue
        outer = _model_org_around(ent, ents, orgs)
        if outer is not None:
            ent, done = outer, outer.end  # the model's longer name wins over a state inside it
        found = _resolve(ent, kb, names)
        if found is not None:
            rows.append(_row(ent, sent_ids, *found))
    return sorted(with_descriptions(doc, kb, rows, sent_ids), key=lambda r: r["start_char"])


def _resolve_collectives(doc: Doc, kb: KnowledgeBase) -> tuple[Span, ...]:
    """Give each collective phrase the ruler matched ("Egyptian mediators") its actor's id; drop the
    phrases whose adjective and noun name no collective together ("North African leaders"). Returns the
    Doc's entities."""
    found = doc.ents
    if not any(e.id_ == COLLECTIVE_ID for e in found):
        return found
    ents, extra = [], []
    for ent in found:
        if ent.id_ == COLLECTIVE_ID:
            actor = kb.collective_actor([t.text for t in ent], ent[-1].text)
            if actor is None:
                continue
            ent = Span(doc, ent.start, ent.end, label=ent.label_, span_id=actor)
            extra += _coordinated(doc, ent, kb)
        ents.append(ent)
    taken = {i for e in extra for i in range(e.start, e.end)}
    doc.ents = sorted(
        [e for e in ents if not taken & set(range(e.start, e.end))] + extra, key=lambda e: e.start
    )
    return doc.ents


def _coordinated(doc: Doc, ent: Span, kb: KnowledgeBase) -> list[Span]:
    """The adjectives coordinated before a collective ("Qatari and Egyptian mediators", "Qatari, Egyptian
    and US mediators"): each names its own collective with the same noun."""
    out, i = [], ent.start - 1
    while i >= 1 and doc[i].lower_ in ("and", ",", "or"):
        adjective = doc[i - 1]
        actor = kb.collective_actor([adjective.text], ent[-1].text)
        if actor is None:
            break
        out.append(Span(doc, i - 1, i, label=ent.label_, span_id=actor))
        i -= 2
    return out


def with_descriptions(doc: Doc, kb: KnowledgeBase, rows: list[dict], sent_ids: list[int]) -> list[dict]:
    """`rows` plus mentions by role description ("the Russian leader") of people the article names.

    A description links only to a person already named in the article, and only when exactly one named
    person fits the first KB role (of the description noun's list) that any named person holds. The
    affiliation inside it ("Kremlin" in "the Kremlin chief", "Russia" in "Russia's president") is then
    not a mention of its own: the person speaks, not the state.
    """
    rd = kb.role_descriptions
    named = [kb.entries[r["actor"]] for r in rows if r["linked"] and r["actor"] in kb.entries]
    people = list({e.name: e for e in named if e.type == "person"}.values())
    pattern = kb.description_pattern
    if not people or pattern is None:
        return rows
    out = list(rows)
    text = doc_text(doc)
    for m in pattern.finditer(text):
        inside = [r for r in out if r["start_char"] < m.end() and m.start() < r["end_char"]]
        if _title_before_name(text, m.end()) or any(r["actor_type"] == "person" for r in inside):
            continue
        aff_word = m.group("aff") or m.group("poss") or ""
        affiliation = rd.affiliations.get(aff_word) or (kb.get(aff_word).name if kb.get(aff_word) else "")
        role = m.group("role").casefold()
        if not affiliation and role not in rd.bare_roles:
            continue
        entry = _role_holder(people, affiliation, rd.roles.get(role, ()))
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if entry is None or span is None or any(r["actor"] != entry.affiliation for r in inside):
            continue
        if span.end < len(doc) and doc[span.end].pos_ in ("NOUN", "PROPN"):
            continue  # a modifier, not the head: "China's chief trade negotiator"
        out = [r for r in out if r not in inside]
        out.append(_row(span, sent_ids, entry.name, entry.type, entry.affiliation, True))
    return out


def _role_holder(people: list[ActorEntry], affiliation: str, roles: tuple[str, ...]) -> ActorEntry | None:
    """The one named person holding the first role (in order) that any named person of `affiliation` holds."""
    for role in roles:
        fits = [
            e
            for e in people
            if e.role.casefold() == role and (not affiliation or e.affiliation == affiliation)
        ]
        if fits:
            return fits[0] if len(fits) == 1 else None  # two presidents: no guess
    return None


def _title_before_name(text: str, end: int) -> bool:
    """True when the description is a title before a name or qualified ("the U.S. president Donald Trump",
    "the president of the Commission", "the president-elect"): the name itself is the mention."""
    rest = text[end : end + 40]
    return bool(re.match(r"(?:\s+[A-Z]|\s+of\b|-|\s*,\s+[A-Z][a-z]+ [A-Z])", rest))


class _NameContext:
    """What the article itself says about names: full names, first names, dateline places."""

    def __init__(
        self, people: dict[str, str], first_names: dict[str, ActorEntry], full_named, places
    ) -> None:
        self.people, self.first_names, self.full_named, self.places = people, first_names, full_named, places


def _resolve(ent: Span, kb: KnowledgeBase, names: _NameContext) -> tuple[str, str, str, bool] | None:
    """(actor, type, affiliation, linked) for one entity, or None when it is not an actor."""
    if ent.id_:
        entry = _link(ent, kb, names.full_named)
        if entry is not None:
            return entry.name, entry.type, entry.affiliation, True
        if not ent.id_.startswith(SURNAME_PREFIX):
            return None  # a metonym used as a place, a state named as a venue
    return _unknown(ent, kb, names)


def _row(ent: Span, sent_ids: list[int], actor: str, kind: str, affiliation: str, linked: bool) -> dict:
    surface, end = span_text(ent), ent.end_char
    if not _POSSESSIVE_END.search(actor):  # the mention is the name, not its possessive ending
        surface = strip_possessive(surface)
        end = ent.start_char + len(surface)
    return {
        "sentence_id": sent_ids[ent.start],
        "actor": actor,
        "actor_type": kind,
        "affiliation": affiliation,
        "surface": surface,
        "start_char": ent.start_char,
        "end_char": end,
        "linked": linked,
    }


def _sentence_ids(doc: Doc) -> list[int]:
    """Token index -> index of its sentence in `list(doc.sents)`."""
    ids = [0] * len(doc)
    if not doc.has_annotation("SENT_START"):
        return ids  # a pipeline without sentence boundaries: the whole text is sentence 0
    for i, sent in enumerate(doc.sents):
        ids[sent.start : sent.end] = [i] * (sent.end - sent.start)
    return ids


def _canonical(ent_id: str) -> str:
    return ent_id.split(":", 1)[1] if ent_id.startswith((SURNAME_PREFIX, METONYM_PREFIX)) else ent_id


def _link(ent: Span, kb: KnowledgeBase, full_named: set[str]) -> ActorEntry | None:
    """The knowledge-base entry a ruler match stands for, or None when a context rule rejects it."""
    ent_id = ent.id_
    entry = kb.entries.get(_canonical(ent_id))
    if entry is None:
        return None
    if ent_id.startswith(SURNAME_PREFIX) and entry.ambiguous and entry.name not in full_named:
        return None
    if ent_id.startswith(METONYM_PREFIX) and not ctx.is_government(ent, kb):
        return None
    if entry.type == "state" and ctx.is_venue(ent, kb):
        return None
    return entry


def _model_org_around(ent: Span, ents: tuple[Span, ...], orgs: list[tuple[int, int]]) -> Span | None:
    """The model's longer organisation name (of `orgs`, its ORG entities) around a ruler match of a state
    or place, if any. The span takes the id of its root token, as `Span.ent_id_` would read it."""
    if not ent.id_ or ent.id_.startswith(SURNAME_PREFIX) or ent.label_ == "PERSON":
        return None
    for start, end in orgs:
        if start <= ent.start and end >= ent.end and end - start > len(ent):
            span = ent.doc[start:end]
            inner = [e for e in ents if e.start >= start and e.end <= end]
            if len(inner) == 1 and not any(t.lower_ in _JOINERS for t in span):
                return Span(ent.doc, start, end, label="ORG", span_id=span.root.ent_id)
            return None
    return None


def _unknown(ent: Span, kb: KnowledgeBase, names: _NameContext) -> tuple[str, str, str, bool] | None:
    """(actor, type, affiliation, linked) for a model entity the ruler did not link; None for a non-actor."""
    kind = UNKNOWN_LABELS.get(ent.label_)
    if kind is None or "\n" in span_text(ent) or ctx.on_furniture_line(ent) or ctx.cited_as_source(ent):
        return None
    name = normalise_name(ent, kb)
    if _not_an_actor(name, kind, kb) or name.casefold() in names.places:
        return None
    if ctx.is_modifier(ent, kb) or ctx.is_dateline(ent):
        return None
    entry = _known(name, kb, names)
    if entry is not None:
        return entry.name, entry.type, entry.affiliation, True
    if " " not in name and name in names.people:
        return names.people[name], "person", "", False  # "Doran" after "Peter Doran", even as ORG
    if kind == "person" and " " not in name and ctx.after_place_preposition(ent, kb):
        return None  # a lone capitalised word after "in/on/near" is a place the model took for a name
    return name, kind, "", False


def _known(name: str, kb: KnowledgeBase, names: _NameContext) -> ActorEntry | None:
    """A knowledge-base actor for a name the ruler missed ("Ambassador Kellogg", "Vladimir")."""
    entry = kb.get(name)
    if (
        entry is not None
        and entry.ambiguous
        and name in entry.surnames
        and entry.name not in names.full_named
    ):
        entry = None  # "Graham" alone may be anyone called Graham
    if entry is not None and name.casefold() in (m.casefold() for m in entry.metonyms):
        return None  # a bare place name the model found is not a government
    if entry is None and " " not in name:
        entry = names.first_names.get(name)
    return entry


def normalise_name(ent: Span, kb: KnowledgeBase) -> str:
    """The entity's name without article, titles, leading adjectives and possessive ending."""
    tokens = list(ent)
    while tokens and tokens[-1].text in ctx.POSSESSIVE:
        tokens.pop()
    while tokens and (tokens[0].lower_ in ("the", "a", "an") or _is_title(tokens[0], kb, ent.label_)):
        tokens.pop(0)
    text = strip_possessive("".join(t.text_with_ws for t in tokens).strip())  # "Putin’s" as one token
    return re.sub(r"\s+", " ", text)


def strip_possessive(name: str) -> str:
    """`name` without a possessive ending: "Vladimir Putin's", "Putin’s", "PUTIN'S" -> "...Putin";
    "the Berglunds'" -> "the Berglunds". A name that is only a possessive ending is kept."""
    stripped = _POSSESSIVE_END.sub("", name.rstrip())
    return stripped.rstrip() or name


def _is_title(token: Token, kb: KnowledgeBase, label: str) -> bool:
    if label != "PERSON":
        return False
    return token.lower_ in kb.title_words or token.pos_ == "ADJ" or token.is_lower


def _not_an_actor(name: str, kind: str, kb: KnowledgeBase) -> bool:
    """Malformed names, outlets, platforms, places, lone titles, generic bodies and facilities."""
    if not _plausible_name(name) or kb.is_non_actor(name) or kb.is_outlet(name):
        return True
    if name.casefold() in kb.title_words:
        return True
    if kind == "organisation" and name.split()[-1].casefold() in kb.title_words:
        return True  # a job title, not a body: "US Trade Representative"
    return kind == "organisation" and kb.is_generic_or_facility(name)


def _plausible_name(name: str) -> bool:
    """Reject malformed names: digits, lowercase starts, shouting ("EXCLUSIVE"), all-caps phrases."""
    if len(name) < 2 or not name[0].isupper() or any(c.isdigit() or c in "/@#|" for c in name):
        return False
    if name.isupper() and (" " in name or len(name) > 5):
        return False  # acronyms are short: NATO, OSCE, ASEAN
    return sum(c.isalpha() for c in name) >= 2


def _unknown_full_names(ents: tuple[Span, ...], kb: KnowledgeBase) -> dict[str, str]:
    """Surname -> full name of unknown people named in full, so "Doran" counts as "Peter Doran"."""
    names: dict[str, str] = {}
    for ent in ents:
        if ent.label_ == "PERSON" and not ent.id_:
            name = normalise_name(ent, kb)
            if " " in name and _plausible_name(name):
                surname = name.split()[-1]
                names.setdefault(surname, name)
                bare = _NAME_PARTICLE.sub("", surname)  # "Sisi" after "Abdel Fattah el-Sisi"
                if bare != surname and bare[:1].isupper():
                    names.setdefault(bare, name)
    return names


def _first_names(linked: set[str], kb: KnowledgeBase) -> dict[str, ActorEntry]:
    """First name -> the one person of the article with that first name ("Vladimir" -> Putin)."""
    seen: dict[str, list[ActorEntry]] = {}
    for name in sorted(linked):
        entry = kb.entries.get(name)
        if entry is not None and entry.type == "person" and " " in entry.name:
            seen.setdefault(entry.name.split()[0], []).append(entry)
    return {first: entries[0] for first, entries in seen.items() if len(entries) == 1}
