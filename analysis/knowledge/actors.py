"""Helping the user write the actors: unlinked names of a built corpus, proposed entries, one-step edits.

- `suggest_actors(tables, kb)`: the people and organisations the build kept unlinked, grouped so that one
  actor is listed once ("Sisi" with "Abdel Fattah el-Sisi", "Putin's" with "Putin"), each with counts,
  example sentences and a proposed entry (canonical name, aliases found in the corpus, type, likely
  affiliation from context, a hint when the name looks like a place or an outlet).
- `add_actor`, `merge_actor`, `mark_not_actor`: pure edits of the user's knowledge mapping (the layout of
  `knowledge.yaml`, see `analysis/extract/kb_layers.py`); `read_knowledge` / `write_knowledge` store it.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pandas as pd
import yaml

from analysis.datafile import load_yaml, write_atomic
from analysis.extract.kb import ACTOR_TYPES, KnowledgeBase

HEADER = (
    "# Your additions to Parley's knowledge base (written by the Knowledge page and\n"
    "# `python -m analysis knowledge`; safe to edit by hand). Applied on the next build.\n"
    "# actors: entries added or extended (fields as in analysis/data/actors.yaml)\n"
    "# not_actors: names that are never actors (places, outlets, photo credits)\n"
)
_POSSESSIVE = re.compile(r"['’]s?$")
_PARTICLE = re.compile(r"^(?:al|el|ul|ad|ash|as|at|an|ar|bin|ben|abu|ibn)[-‑]", re.IGNORECASE)
_PLACE_BEFORE = re.compile(r"\b(?:in|at|near|from|into|outside|around|across)\s+(?:the\s+)?$", re.I)
_OUTLET_BEFORE = re.compile(
    r"\b(?:told|according to|reported by|quoted by|interview with|speaking to)\s+(?:the\s+)?$", re.I
)
_OUTLET_AFTER = re.compile(
    r"^\s*(?:reported|reports|said in a report|quoted|cited|via|/|photo|contributed)\b", re.I
)


def base_name(name: str) -> str:
    """A name without its possessive ending and spacing quirks ("Vladimir Putin's" -> "Vladimir Putin")."""
    return re.sub(r"\s+", " ", _POSSESSIVE.sub("", str(name).strip())).strip()


def name_key(name: str) -> str:
    """The surname-like key two spellings of one actor share: last word, Arabic particle dropped."""
    words = base_name(name).split()
    return _PARTICLE.sub("", words[-1]).casefold() if words else ""


def suggest_actors(tables: dict[str, pd.DataFrame], kb: KnowledgeBase, *, limit: int = 100) -> list[dict]:
    """Unlinked people and organisations of a built corpus, most mentioned first, one entry per actor.

    Args:
        tables: the built tables; `mentions` and `sentences` are used.
        kb: the knowledge base of the build (for affiliations and KB actors a name may belong to).

    Returns:
        Dicts: name, type, mentions, articles, aliases, affiliation, kb_match (a KB actor of the same
        surname, to merge into), hint ("place?", "outlet?" or ""), examples (up to 3 sentences).
    """
    mentions = tables.get("mentions", pd.DataFrame())
    if mentions.empty:
        return []
    unlinked = mentions[
        ~mentions["linked"].astype(bool) & mentions["actor_type"].isin(["person", "organisation"])
    ]
    if unlinked.empty:
        return []
    sentences = tables.get("sentences", pd.DataFrame(columns=["article_id", "sentence_id", "text"]))
    text = {(a, s): t for a, s, t in sentences[["article_id", "sentence_id", "text"]].itertuples(index=False)}
    out = []
    for names in _clusters(unlinked):
        rows = unlinked[unlinked["actor"].isin(names)]
        out.append(_suggestion(names, rows, mentions, text, kb))
    out.sort(key=lambda s: (-s["mentions"], s["name"]))
    return out[:limit]


def _clusters(unlinked: pd.DataFrame) -> list[list[str]]:
    """Groups of unlinked names that name one actor: same base name, or a lone surname-like word that is
    the key of exactly one full name of the same type."""
    counts = unlinked.groupby(["actor", "actor_type"]).size()
    by_base: dict[tuple[str, str], list[str]] = {}
    for (name, kind), _n in counts.items():
        by_base.setdefault((base_name(name), kind), []).append(name)
    full = {}
    for base, kind in by_base:
        if " " in base:
            full.setdefault((name_key(base), kind), []).append((base, kind))
    groups: dict[tuple[str, str], list[str]] = {}
    for (base, kind), names in by_base.items():
        owners = full.get((name_key(base), kind), []) if " " not in base else []
        head = owners[0] if len(owners) == 1 else (base, kind)
        groups.setdefault(head, []).extend(names)
    return list(groups.values())


def _suggestion(names, rows: pd.DataFrame, mentions: pd.DataFrame, text: dict, kb: KnowledgeBase) -> dict:
    bases = sorted({base_name(n) for n in names}, key=lambda n: (-len(n.split()), -len(n), n))
    canonical = bases[0]
    kind = rows["actor_type"].mode().iloc[0]
    keys = list(dict.fromkeys(zip(rows["article_id"], rows["sentence_id"], strict=True)))
    examples = [text[k].strip() for k in keys if k in text][:3]
    return {
        "name": canonical,
        "type": kind,
        "mentions": len(rows),
        "articles": rows["article_id"].nunique(),
        "aliases": bases[1:],
        "affiliation": likely_affiliation(rows, mentions, text, kb),
        "kb_match": _kb_match(canonical, kind, kb),
        "hint": _hint(rows, text, kb),
        "examples": examples,
    }


def likely_affiliation(rows: pd.DataFrame, mentions: pd.DataFrame, text: dict, kb: KnowledgeBase) -> str:
    """The state or body an unlinked actor most likely acts for: a demonym or state name right before the
    name ("Egyptian President X", "Israel's X"), else the state most often named in the same sentences."""
    votes: Counter[str] = Counter()
    affiliations = kb.role_descriptions.affiliations
    for r in rows.itertuples(index=False):
        sentence = text.get((r.article_id, r.sentence_id), "")
        before = sentence[: max(sentence.find(r.surface), 0)].split()[-4:]
        for word in reversed(before):
            word = _POSSESSIVE.sub("", word.strip(",.;:()\"'"))
            entry = kb.get(word)
            state = affiliations.get(word) or (
                entry.name if entry is not None and entry.type == "state" else ""
            )
            if state:
                votes[state] += 3
                break
    same = mentions.merge(
        rows[["article_id", "sentence_id"]].drop_duplicates(), on=["article_id", "sentence_id"]
    )
    for actor, kind in zip(same["actor"], same["actor_type"], strict=True):
        if kind == "state":
            votes[actor] += 1
    return votes.most_common(1)[0][0] if votes else ""


def _kb_match(name: str, kind: str, kb: KnowledgeBase) -> str:
    """A KB actor this name probably is ("Sisi" -> "Abdel Fattah el-Sisi"), by its surname-like key."""
    key = name_key(name)
    if not key:
        return ""
    wanted = "person" if kind == "person" else None
    fits = [
        e.name
        for e in kb.entries.values()
        if (wanted is None or e.type == wanted)
        and any(name_key(a) == key for a in (e.name, *e.aliases, *e.surnames))
        and (" " not in name or name.split()[0].casefold() == e.name.split()[0].casefold())
    ]
    return fits[0] if len(fits) == 1 else ""


def _hint(rows: pd.DataFrame, text: dict, kb: KnowledgeBase) -> str:
    """'place?' when most mentions follow a place preposition, 'outlet?' when cited as a source."""
    place = outlet = 0
    for r in rows.itertuples(index=False):
        sentence = text.get((r.article_id, r.sentence_id), "")
        at = sentence.find(r.surface)
        if at < 0:
            continue
        before, after = sentence[:at], sentence[at + len(r.surface) :]
        place += bool(_PLACE_BEFORE.search(before))
        outlet += bool(_OUTLET_BEFORE.search(before) or _OUTLET_AFTER.match(after))
    n = max(len(rows), 1)
    if outlet / n >= 0.5 or kb.is_outlet(str(rows["actor"].iloc[0])):
        return "outlet?"
    return "place?" if place / n >= 0.6 else ""


# --- edits of the user's knowledge mapping ---


def read_knowledge(path: Path) -> dict:
    """The user's knowledge mapping ({} when the file does not exist).

    Raises:
        ValueError: the file is not valid YAML or not a mapping; the message names the file.
    """
    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: the knowledge file is not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the knowledge file must be a mapping with 'actors' and 'not_actors'")
    return data


def write_knowledge(path: Path, data: dict) -> None:
    """Write the knowledge mapping atomically (a crash never leaves half a file)."""
    body = yaml.safe_dump(
        {"actors": data.get("actors") or [], "not_actors": data.get("not_actors") or []},
        allow_unicode=True,
        sort_keys=False,
        width=110,
    )
    write_atomic(Path(path), (HEADER + body).encode("utf-8"))


def _actors(data: dict) -> list[dict]:
    return [dict(a) for a in data.get("actors") or () if isinstance(a, dict)]


def add_actor(
    data: dict, name: str, kind: str, *, affiliation: str = "", aliases=(), role: str = "", gender: str = ""
) -> dict:
    """`data` with actor `name` added (or extended with the new aliases when it is there already).

    Raises:
        ValueError: `kind` is not an actor type, or `name` is empty.
    """
    name = base_name(name)
    if not name:
        raise ValueError("an actor needs a name")
    if kind not in ACTOR_TYPES:
        raise ValueError(f"type {kind!r} is not one of {', '.join(ACTOR_TYPES)}")
    actors = _actors(data)
    entry = next((a for a in actors if str(a.get("name")).casefold() == name.casefold()), None)
    if entry is None:
        entry = {"name": name, "type": kind}
        actors.append(entry)
    for key, value in (("affiliation", affiliation), ("role", role), ("gender", gender)):
        if value:
            entry[key] = value
    new = [a for a in dict.fromkeys(base_name(a) for a in aliases) if a and a.casefold() != name.casefold()]
    have = {str(a).casefold() for a in entry.get("aliases") or ()}
    if [a for a in new if a.casefold() not in have]:
        entry["aliases"] = [*(entry.get("aliases") or ()), *(a for a in new if a.casefold() not in have)]
    not_actors = [
        n for n in data.get("not_actors") or () if str(n).casefold() not in {name.casefold(), *have}
    ]
    return {**data, "actors": actors, "not_actors": not_actors}


def merge_actor(data: dict, name: str, into: str, kb: KnowledgeBase | None = None) -> dict:
    """`data` with `name` made an alias of actor `into` ("Sisi" = "Abdel Fattah el-Sisi").

    `into` may be a knowledge-base actor (its type is taken from `kb`) or a name of the user's file.
    """
    target = next((a for a in _actors(data) if str(a.get("name")).casefold() == into.casefold()), None)
    entry = kb.get(into) if kb is not None else None
    if target is not None:
        kind = target["type"]
    elif entry is not None:
        into, kind = entry.name, entry.type
    else:
        raise ValueError(
            f"{into!r} is neither a knowledge-base actor nor in the knowledge file; add it first"
        )
    return add_actor(data, into, kind, aliases=[name])


def mark_not_actor(data: dict, name: str) -> dict:
    """`data` with `name` listed as never an actor (and no longer added as one)."""
    name = base_name(name)
    listed = list(data.get("not_actors") or ())
    if name.casefold() not in {str(n).casefold() for n in listed}:
        listed.append(name)
    actors = [a for a in _actors(data) if str(a.get("name")).casefold() != name.casefold()]
    return {**data, "actors": actors, "not_actors": listed}
