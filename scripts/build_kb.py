"""Build Parley's general knowledge base, `analysis/data/world_kb.json`, from packages + curated YAML.

    python scripts/build_kb.py [--check]

Runs offline. Country facts come from the data files of three PyPI packages (pinned in requirements.txt):
country-converter (the 193 UN member states, their short and official names), countryinfo (capitals,
demonyms, other spellings) and pycountry (ISO names). Everything else (corrections, organisations,
movements, collective actors, office holders, names that are never actors) is curated in
`analysis/data/world.yaml`. The output is committed; Parley reads it at run time (setting `world_kb_path`)
beside `actors.yaml`, whose entries win. `--check` exits 1 when the committed file is not what the inputs
give (run it after editing world.yaml or upgrading a package).
"""

from __future__ import annotations

import csv
import importlib.metadata as md
import importlib.resources as ir
import json
import sys
import unicodedata
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent.parent / "analysis" / "data"
CURATED = DATA / "world.yaml"
OUT = DATA / "world_kb.json"
PACKAGES = ("country-converter", "countryinfo", "pycountry")


def un_members() -> list[dict]:
    """country-converter's rows of the UN's member states (column UNmember holds the year of admission)."""
    path = ir.files("country_converter") / "country_data.tsv"
    with path.open(encoding="utf-8") as f:
        return [r for r in csv.DictReader(f, delimiter="\t") if r["UNmember"].strip()]


def latin(text: str) -> bool:
    """True for a name written in Latin letters only (other scripts and transliterations stay out)."""
    return all(not c.isalpha() or "LATIN" in unicodedata.name(c, "") for c in text) and text.isascii() | all(
        ord(c) < 0x250 for c in text
    )


def country_facts(iso3: str) -> dict:
    import pycountry
    from countryinfo import CountryInfo

    try:
        info = CountryInfo(iso3).info()
    except Exception:  # noqa: BLE001 - a code the package does not know (Kosovo): curated facts only
        info = {}
    pc = pycountry.countries.get(alpha_3=iso3)
    names = [getattr(pc, a, "") for a in ("name", "common_name", "official_name")] if pc else []
    return {
        "names": [n for n in names if n],
        "capital": info.get("capital") or "",
        "demonyms": [d.strip() for d in str(info.get("demonym") or "").split(",") if d.strip()],
        "spellings": [s.strip() for s in info.get("altSpellings") or [] if isinstance(s, str)],
    }


def state_entries(cur: dict) -> tuple[list[dict], dict[str, list[str]]]:
    """One entry per state, and state name -> demonyms."""
    rows = [
        {"ISO3": r["ISO3"], "name_short": r["name_short"], "name_official": r["name_official"]}
        for r in un_members()
    ]
    rows += [
        {"ISO3": x["code"], "name_short": x["name"], "name_official": "", **x} for x in cur["extra_states"]
    ]
    facts = {r["ISO3"]: country_facts(r["ISO3"]) for r in rows}
    for x in cur["extra_states"]:
        facts[x["code"]].update(capital=x["capital"], demonyms=[x["demonym"]] if x["demonym"] else [])
    shared = _shared_demonyms(facts, cur)
    entries, demonyms = [], {}
    for r in rows:
        code, f = r["ISO3"], facts[r["ISO3"]]
        name = cur["names"].get(code) or _plain(r["name_short"]) or _plain(f["names"][1:2] and f["names"][1])
        name = name or r["name_short"]
        dems = [d for d in f["demonyms"] + cur["demonyms"].get(code, []) if shared.get(d, code) == code]
        candidates = [r["name_short"], r["name_official"], *f["names"], *f["spellings"]]
        aliases = [a for a in candidates if _good_alias(a, name, dems)] + cur["aliases"].get(code, [])
        capital = f["capital"] if f["capital"] and f["capital"] not in cur["not_metonyms"] else ""
        metonyms = [m for m in [capital, *cur["metonyms"].get(code, [])] if m]
        entries.append(
            {
                "name": name,
                "type": "state",
                "code": code,
                "aliases": _unique(aliases, name),
                "metonyms": _unique(metonyms, name),
            }  # fmt: skip
        )
        demonyms[name] = _unique(dems, "")
    return entries, demonyms


def _plain(name) -> str:
    return name if name and "," not in name and "." not in name else ""


def _shared_demonyms(facts: dict, cur: dict) -> dict[str, str]:
    """Demonym -> the one state it names: given in `demonym_owner`, else '' for one shared by two states."""
    seen: dict[str, set[str]] = {}
    for code, f in facts.items():
        for d in f["demonyms"] + cur["demonyms"].get(code, []):
            seen.setdefault(d, set()).add(code)
    return {d: cur["demonym_owner"].get(d, "") for d, codes in seen.items() if len(codes) > 1}


def _good_alias(alias: str, name: str, demonyms: list[str]) -> bool:
    """Multi-word English-script names only: one-word spellings ("Island", "Nippon") are too risky."""
    alias = alias.strip()
    return " " in alias and "," not in alias and latin(alias) and alias != name and alias not in demonyms


def _unique(values, skip: str) -> list[str]:
    out: list[str] = []
    for v in values:
        v = str(v).strip()
        if v and v != skip and v not in out:
            out.append(v)
    return out


def people_entries(cur: dict, index: dict[str, str]) -> list[dict]:
    out = []
    for group, lines in cur["people"].items():
        affiliation = index.get(str(group).casefold(), str(group))
        for line in lines or ():
            parts = [p.strip() for p in str(line).split("|")]
            if len(parts) < 3 or parts[2] not in ("m", "f"):
                raise SystemExit(
                    f"{CURATED}: people.{group}: expected 'Name | role | m/f | aliases', got {line!r}"
                )
            aliases = [a.strip() for a in parts[3].split(",")] if len(parts) > 3 and parts[3] else []
            out.append(
                {
                    "name": parts[0],
                    "type": "person",
                    "affiliation": affiliation,
                    "role": parts[1],
                    "gender": parts[2],
                    "aliases": aliases,
                }  # fmt: skip
            )
    return out


def build() -> dict:
    cur = yaml.safe_load(CURATED.read_text(encoding="utf-8"))
    states, demonyms = state_entries(cur)
    orgs = [
        {"type": "organisation", "affiliation": o.get("affiliation") or o["name"], **o}
        for o in cur["organisations"]
    ]
    movements = [{"type": "group", **m} for m in cur["movements"]]
    groups = [{"name": g["name"], "type": "group", "aliases": g.get("aliases") or []} for g in cur["groups"]]
    index = {}
    for e in states + orgs + movements + groups:
        for key in (e["name"], *e.get("aliases", ()), e.get("code", "")):
            if key:
                index.setdefault(key.casefold(), e["name"])
    forces = [
        {**f, "type": "organisation", "affiliation": index.get(f["affiliation"].casefold(), f["affiliation"])}
        for f in cur["armed_forces"]
    ]
    people = people_entries(cur, index)
    collectives = [
        {"actor": s, "adjectives": d, "nouns": cur["state_bodies"]} for s, d in demonyms.items() if d
    ] + [{"actor": g["name"], "adjectives": g["adjectives"], "nouns": g["nouns"]} for g in cur["groups"]]
    non = cur["non_actors"]
    all_demonyms = sorted({d for ds in demonyms.values() for d in ds})
    for e in states:
        e.pop("code", None)
    return {
        "_about": "generated by scripts/build_kb.py from analysis/data/world.yaml and the packages below; "
        "do not edit by hand",
        "_sources": {p: md.version(p) for p in PACKAGES},
        "actors": states + orgs + forces + movements + groups + people,
        "collectives": collectives,
        "non_actors": {**non, "demonyms": all_demonyms},
        "role_descriptions": {"affiliations": {d: s for s, ds in demonyms.items() for d in ds}},
    }


def main(argv: list[str]) -> int:
    text = json.dumps(build(), ensure_ascii=False, indent=0, sort_keys=False) + "\n"
    if "--check" in argv:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print(f"{OUT}: {'up to date' if same else 'out of date: run python scripts/build_kb.py'}")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    data = json.loads(text)
    print(f"wrote {OUT}: {len(data['actors'])} actors, {len(data['collectives'])} collectives")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
