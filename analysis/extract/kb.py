"""The actor knowledge base: canonical actors, their aliases, metonyms and the non-actor lists.

The knowledge base is data (`analysis/data/actors.yaml`, replaceable with the setting `kb_path`).
Other modules ask it questions through `KnowledgeBase`:

- `kb.get(name)` -> `ActorEntry | None`: by canonical name or any alias, case-insensitive
  (`kb.get("Zelensky").name == "Volodymyr Zelenskyy"`).
- `ActorEntry` fields: `name`, `type` (person | state | organisation | group), `affiliation`, `role`,
  `aliases`, `metonyms`, `gender` ("m" | "f" | "" for people), `ambiguous` (surname alone not linked
  without the full name in the article), and `surnames` (derived aliases for people).
- `kb.actors_of_type("person")`, `kb.is_outlet(name)`, `kb.is_non_actor(name)`, `kb.ruler_patterns()`.

Example:
    >>> kb = load_kb()
    >>> kb.get("Kremlin").name
    'Russia'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from analysis.datafile import read_yaml_list
from analysis.extract import kb_layers as layers

DEFAULT_KB = Path(__file__).resolve().parents[1] / "data" / "actors.yaml"
ACTOR_TYPES = ("person", "state", "organisation", "group")
# spaCy labels the ruler gives each actor type, so that downstream code sees ordinary entity labels
LABELS = {"person": "PERSON", "state": "GPE", "organisation": "ORG", "group": "NORP"}
PARTICLES = {"von", "van", "der", "de", "da", "di", "del", "la", "le", "bin", "al", "ibn"}
# the optional word inside a collective ("European NATO allies") must not turn it into another actor's name
_MIDDLE = {
    "IS_ALPHA": True,
    "LOWER": {"NOT_IN": ["union", "commission", "council", "parliament", "and", "or"]},
}
_MINOR = frozenset({"of", "the", "and", "for"})
SURNAME_PREFIX = "surname:"  # ruler id prefix for surname-only matches (checked for ambiguity)
METONYM_PREFIX = "metonym:"  # ruler id prefix for place names that may stand for a government
COLLECTIVE_ID = "__collective__"  # ruler id for collective phrases, resolved by `collective_actor`
BLOCK_ID = "__not_actor__"  # ruler id for outlets and other names that must never become actors


@dataclass(frozen=True)
class ActorEntry:
    """One actor of the knowledge base."""

    name: str
    type: str
    affiliation: str
    role: str = ""
    aliases: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    gender: str = ""
    ambiguous: bool = False
    surnames: tuple[str, ...] = ()


@dataclass(frozen=True)
class Collective:
    """Adjective + collective noun phrases naming an actor ("European leaders" -> Europe)."""

    actor: str
    adjectives: tuple[str, ...]
    nouns: tuple[str, ...]


@dataclass(frozen=True)
class RoleDescriptions:
    """Role descriptions ("the Russian leader"): adjective -> affiliation, noun -> KB roles in order."""

    affiliations: dict[str, str] = field(default_factory=dict)
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    bare_roles: frozenset[str] = frozenset()


@dataclass
class KnowledgeBase:
    """Actors plus the lists the linking rules need. Build it with `load_kb`."""

    entries: dict[str, ActorEntry]
    collectives: tuple[Collective, ...] = ()
    outlets: frozenset[str] = frozenset()
    outlet_names: tuple[str, ...] = ()
    other_non_actors: frozenset[str] = frozenset()
    outlet_words: frozenset[str] = frozenset()
    generic_org_words: frozenset[str] = frozenset()
    facility_words: frozenset[str] = frozenset()
    titles: frozenset[str] = frozenset()
    title_words: frozenset[str] = frozenset()
    place_preps: frozenset[str] = frozenset()
    place_words: frozenset[str] = frozenset()
    government_verbs: frozenset[str] = frozenset()
    government_nouns: frozenset[str] = frozenset()
    venue_preps: frozenset[str] = frozenset()
    travel_words: frozenset[str] = frozenset()
    government_cues: frozenset[str] = frozenset()
    role_descriptions: RoleDescriptions = field(default_factory=RoleDescriptions)
    source: str = ""
    _index: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for entry in self.entries.values():
            for alias in (entry.name, *entry.aliases, *entry.metonyms, *entry.surnames):
                self._index.setdefault(alias, entry.name)
                # short aliases only in their own case: "us" is a pronoun, not the United States
                if len(alias) > 3:
                    self._index.setdefault(alias.casefold(), entry.name)

    def collective_actor(self, words: list[str], noun: str) -> str | None:
        """The actor of a collective phrase from its leading words ("Egyptian" + "mediators" -> Egypt):
        the longest adjective that names a collective taking this noun."""
        noun = noun.casefold()
        for n in (2, 1):
            adjective = " ".join(words[:n])
            for c in self.collectives:
                if adjective in c.adjectives and noun in (x.casefold() for x in c.nouns):
                    return c.actor
        return None

    def get(self, name: str) -> ActorEntry | None:
        """The entry for a canonical name or alias (case-insensitive, except aliases of up to 3 letters)."""
        key = str(name).strip()
        canonical = self._index.get(key) or self._index.get(key.casefold())
        return self.entries.get(canonical) if canonical else None

    def __contains__(self, name: str) -> bool:
        return self.get(name) is not None

    def __len__(self) -> int:
        return len(self.entries)

    def actors_of_type(self, actor_type: str) -> list[ActorEntry]:
        """All entries of one type (person | state | organisation | group)."""
        return [e for e in self.entries.values() if e.type == actor_type]

    def is_outlet(self, name: str) -> bool:
        """True for a news outlet: listed, or an organisation name ending in an outlet word ("Kyiv Post")."""
        words = str(name).replace("the ", "").split()
        return name.casefold() in self.outlets or bool(words and words[-1].casefold() in self.outlet_words)

    def is_non_actor(self, name: str) -> bool:
        """True for outlets, platforms, products and places listed as never being actors."""
        key = str(name).casefold()
        return key in self.outlets or key in self.other_non_actors

    def is_generic_or_facility(self, name: str) -> bool:
        """True for "Foreign Ministry"-like names made of generic words, and for facilities ("... Plant")."""
        words = str(name).casefold().split()
        if not words:
            return True
        return all(w in self.generic_org_words for w in words) or words[-1] in self.facility_words

    def ruler_patterns(self) -> list[dict]:
        """Entity-ruler patterns: aliases (id = canonical name), surnames, metonyms, blocked names."""
        return ruler_patterns(self)

    @cached_property
    def description_pattern(self) -> re.Pattern | None:
        """One regex for "the <affiliation adjective>? <role noun>" and "<State>'s <role noun>" (the role
        descriptions `actors.with_descriptions` reads), or None without any."""
        rd = self.role_descriptions
        if not rd.roles:
            return None
        states = [e.name for e in self.entries.values() if e.type == "state"]
        return re.compile(
            rf"\b(?:[Tt]he\s+(?:(?P<aff>{_by_first_char(rd.affiliations)})\s+)?|(?P<poss>{_by_first_char(states)})['’]s\s+)"
            rf"(?P<role>(?i:{_alternation(rd.roles)}))(?![\w-])"
        )


def load_kb(
    path: str | Path | None = None, *, world: str | Path | bool = True, user: str | Path | bool = True
) -> KnowledgeBase:
    """Read the actor knowledge base: `path` (default `analysis/data/actors.yaml`) merged with the general
    world KB and the user's knowledge file (see `analysis/extract/kb_layers.py`).

    Args:
        world: the world KB file, True for the setting `world_kb_path`, False for none.
        user: the user's knowledge file, True for the setting `knowledge_path`, False for none.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: an entry is malformed; the message names the file, the entry and the valid values.
    """
    path = Path(path) if path else DEFAULT_KB
    data, _ = read_yaml_list(path, "actors", "actor knowledge base")
    sources = [str(path)]
    for given, default, what, wins in (
        (world, layers.world_path, "world knowledge base", False),
        (user, layers.user_path, "user knowledge file", True),
    ):
        layer_path = (default() if given is True else Path(given)) if given else None
        layer = layers.read_layer(layer_path, what)
        for i, raw in enumerate(layer.get("actors") or ()):
            _entry(raw, f"{layer_path}: actors[{i}]")  # a malformed entry is named in its own file
        if layer:
            data = layers.merge(data, layer, wins=wins)
            sources.append(str(layer_path))
    return kb_from_data(data, " + ".join(sources))


def kb_from_data(data: dict, source: str = "") -> KnowledgeBase:
    """A `KnowledgeBase` from a raw mapping (the layout of `actors.yaml`)."""
    path = source
    entries: dict[str, ActorEntry] = {}
    for i, raw in enumerate(data.get("actors") or ()):
        entry = _entry(raw, f"{path}: actors[{i}]")
        entries[entry.name] = entry
    non = data.get("non_actors") or {}
    return KnowledgeBase(
        entries=entries,
        collectives=tuple(_collective(c, f"{path}: collectives") for c in data.get("collectives") or ()),
        outlets=_folded(non.get("outlets")),
        outlet_names=tuple(str(o) for o in non.get("outlets") or ()),
        other_non_actors=_folded(non.get("other"))
        | _folded(non.get("places"))
        | _folded(non.get("demonyms")),
        outlet_words=_folded(non.get("outlet_words")),
        generic_org_words=_folded(non.get("generic_org_words")),
        facility_words=_folded(non.get("facility_words")),
        titles=_folded(data.get("titles")),
        title_words=frozenset(w for t in _folded(data.get("titles")) for w in t.split()) - _MINOR,
        place_preps=_folded(data.get("place_preps")),
        place_words=_folded(data.get("place_words")),
        government_verbs=_folded(data.get("government_verbs")),
        government_nouns=_folded(data.get("government_nouns")),
        venue_preps=_folded(data.get("venue_preps")),
        travel_words=_folded(data.get("travel_words")),
        government_cues=_folded(data.get("government_cues")),
        role_descriptions=_role_descriptions(
            data.get("role_descriptions") or {}, f"{path}: role_descriptions"
        ),
        source=str(source),
    )


def _role_descriptions(raw: dict, where: str) -> RoleDescriptions:
    if not isinstance(raw, dict) or not isinstance(raw.get("affiliations", {}), dict):
        raise ValueError(f"{where}: expected a mapping with 'affiliations', 'roles' and 'bare_roles'")
    roles = raw.get("roles") or {}
    if not isinstance(roles, dict) or not all(isinstance(v, list) for v in roles.values()):
        raise ValueError(f"{where}: 'roles' maps a description noun to a list of KB roles")
    return RoleDescriptions(
        affiliations={str(k): str(v) for k, v in (raw.get("affiliations") or {}).items()},
        roles={str(k).casefold(): tuple(str(r).casefold() for r in v) for k, v in roles.items()},
        bare_roles=_folded(raw.get("bare_roles")),
    )


def _alternation(words) -> str:
    """Regex alternation of phrases, longest first, any whitespace between words."""
    return "|".join(_escaped(words))


def _escaped(words) -> list[str]:
    return [re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True)]


def _by_first_char(words) -> str:
    """`_alternation(words)` (case-sensitive), grouped by first character: "A(?:fghanistan|lbania)|B(?:...)".
    Phrases with different first characters never match at the same place, so the matches are the same;
    the regex engine tries ~26 branches at a word instead of ~200."""
    groups: dict[str, list[str]] = {}
    for phrase in _escaped(words):
        head = phrase[:2] if phrase.startswith("\\") else phrase[:1]
        groups.setdefault(head, []).append(phrase[len(head) :])
    return "|".join(f"{head}(?:{'|'.join(rests)})" for head, rests in groups.items())


def _folded(values) -> frozenset[str]:
    return frozenset(str(v).casefold() for v in values or ())


def _entry(raw: dict, where: str) -> ActorEntry:
    if not isinstance(raw, dict) or not raw.get("name"):
        raise ValueError(f"{where}: each actor needs at least 'name' and 'type', got {raw!r}")
    kind = str(raw.get("type", "")).strip()
    if kind not in ACTOR_TYPES:
        raise ValueError(f"{where} ({raw['name']}): type {kind!r} is not one of {', '.join(ACTOR_TYPES)}")
    gender = str(raw.get("gender") or "")
    if gender not in ("", "m", "f"):
        raise ValueError(f"{where} ({raw['name']}): gender {gender!r} must be m, f or empty")
    name = str(raw["name"]).strip()
    aliases = tuple(str(a) for a in raw.get("aliases") or ())
    affiliation = str(raw.get("affiliation") or (name if kind in ("state", "group") else ""))
    surnames = _surnames(name, aliases, raw.get("surname")) if kind == "person" else ()
    return ActorEntry(
        name=name,
        type=kind,
        affiliation=affiliation,
        role=str(raw.get("role") or ""),
        aliases=aliases,
        metonyms=tuple(str(m) for m in raw.get("metonyms") or ()),
        gender=gender,
        ambiguous=bool(raw.get("ambiguous", False)),
        surnames=surnames,
    )


def _surnames(name: str, aliases: tuple[str, ...], explicit) -> tuple[str, ...]:
    """Surnames of a person: given explicitly, else the last word (with particles: "von der Leyen")."""
    if explicit:
        return (str(explicit),)
    found: list[str] = []
    for full in (name, *aliases):
        words = full.split()
        if len(words) < 2:
            continue
        start = len(words) - 1
        while start > 1 and words[start - 1].casefold() in PARTICLES:
            start -= 1
        surname = " ".join(words[start:])
        if surname not in found:
            found.append(surname)
    return tuple(found)


def _collective(raw: dict, where: str) -> Collective:
    if not isinstance(raw, dict) or not raw.get("actor") or not raw.get("nouns"):
        raise ValueError(f"{where}: each collective needs 'actor', 'adjectives' and 'nouns', got {raw!r}")
    return Collective(
        str(raw["actor"]), tuple(map(str, raw.get("adjectives") or ())), tuple(map(str, raw["nouns"]))
    )


def ruler_patterns(kb: KnowledgeBase) -> list[dict]:
    """Entity-ruler patterns for the whole knowledge base.

    Full names and aliases carry the canonical name as `id`; surnames carry `surname:<name>` and place
    metonyms `metonym:<name>` so that `actors.find_mentions` can apply its context rules; outlets are
    matched too (id `__not_actor__`).
    """
    patterns: list[dict] = []
    # a surname that is also another actor's name ("Montenegro") is left to that actor
    names = {a for e in kb.entries.values() for a in (e.name, *e.aliases, *e.metonyms) if a not in e.surnames}
    for e in kb.entries.values():
        label = LABELS[e.type]
        full = {e.name, *e.aliases} - set(e.surnames) - set(e.metonyms)
        patterns += [{"label": label, "pattern": a, "id": e.name} for a in sorted(full)]
        # ambiguous surnames ("Hill" of "Capitol Hill") are left to the model and checked in find_mentions
        surnames = [] if e.ambiguous else [s for s in e.surnames if s not in names]
        patterns += [{"label": label, "pattern": s, "id": SURNAME_PREFIX + e.name} for s in surnames]
        patterns += [{"label": "GPE", "pattern": m, "id": METONYM_PREFIX + e.name} for m in e.metonyms]
    patterns += _collective_patterns(kb)
    # outlets holding an actor's name are matched (then skipped): "Washington Post" never yields Washington
    patterns += [{"label": "ORG", "pattern": o, "id": BLOCK_ID} for o in _outlets_with_actor_names(kb)]
    # a token such as "U.S.-brokered" holds a state name the phrase patterns cannot see
    patterns.append({"label": "GPE", "pattern": [{"TEXT": {"REGEX": r"^U\.S\.-"}}], "id": "United States"})
    patterns.append({"label": "GPE", "pattern": [{"TEXT": {"REGEX": r"^U\.K\.-"}}], "id": "United Kingdom"})
    return patterns


def _collective_patterns(kb: KnowledgeBase) -> list[dict]:
    """Few token patterns for all collectives ("Egyptian mediators", "European NATO allies"): one per label,
    noun list and adjective length, id `COLLECTIVE_ID`; `kb.collective_actor` names the actor afterwards.
    (One pattern per adjective would cost the Matcher a pass per pattern: ~800 with the world KB.)"""
    groups: dict[tuple[str, tuple[str, ...], int], set[str]] = {}
    for c in kb.collectives:
        label = LABELS[kb.entries[c.actor].type] if c.actor in kb.entries else "NORP"
        nouns = tuple(sorted({n.casefold() for n in c.nouns}))
        for adj in c.adjectives:
            groups.setdefault((label, nouns, len(adj.split())), set()).add(adj)
    patterns = []
    for (label, nouns, n), adjectives in sorted(groups.items()):
        words = [{"ORTH": {"IN": sorted({a.split()[i] for a in adjectives})}} for i in range(n)]
        token = {"LOWER": {"IN": list(nouns)}}
        patterns.append({"label": label, "pattern": [*words, token], "id": COLLECTIVE_ID})
        patterns.append({"label": label, "pattern": [*words, _MIDDLE, token], "id": COLLECTIVE_ID})
    return patterns


def _outlets_with_actor_names(kb: KnowledgeBase) -> list[str]:
    """Outlets whose name contains an actor name or metonym ("Kyiv Post"); others stay out of the ruler so
    that "The Atlantic" cannot hide "Atlantic Council"."""
    names = {f" {a.casefold()} " for e in kb.entries.values() for a in (e.name, *e.aliases, *e.metonyms)}
    padded = ((o, f" {o.casefold()} ") for o in kb.outlet_names if " " in o)
    return [o for o, words in padded if any(n in words for n in names)]
