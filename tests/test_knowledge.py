"""The layered knowledge base: the world KB links actors outside Europe, the user's file adds, merges and
blocks names, and nothing is listed twice. Sentences are invented for these tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from analysis.extract.actors import find_mentions
from analysis.extract.kb import load_kb
from analysis.extract.kb_layers import merge_actors
from analysis.extract.nlp import load_nlp

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def kb():
    return load_kb(user=False)


@pytest.fixture(scope="module")
def nlp(kb):
    return load_nlp(kb=kb)[0]


def actors(nlp, kb, text: str) -> list[str]:
    return [m["actor"] for m in find_mentions(nlp(text), kb) if m["linked"]]


def test_every_un_member_state_is_in_the_world_kb(kb):
    import csv
    import importlib.resources as ir

    with (ir.files("country_converter") / "country_data.tsv").open(encoding="utf-8") as f:
        members = [r for r in csv.DictReader(f, delimiter="\t") if r["UNmember"].strip()]
    assert len(members) == 193
    states = {e.name for e in kb.actors_of_type("state")}
    missing = [
        r["name_short"] for r in members if not (kb.get(r["name_short"]) or kb.get(r["name_official"]))
    ]
    assert not missing and len(states) >= 193


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Egyptian mediators passed the text to both sides on Monday.", ["Egypt"]),
        (
            "Kigali rejected the report, and Kinshasa welcomed it.",
            ["Rwanda", "Democratic Republic of the Congo"],
        ),
        ("Arab leaders met in Cairo to discuss reconstruction.", ["Arab states"]),
        ("Qatari, Turkish and Egyptian mediators met on Sunday.", ["Qatar", "Turkey", "Egypt"]),
        ("South African troops and North African leaders arrived.", ["South Africa"]),
        ("Sisi told reporters the crossing would reopen.", ["Abdel Fattah el-Sisi"]),
        (
            "The African Union and SADC called for calm.",
            ["African Union", "SADC"],
        ),
    ],
)
def test_world_kb_links_actors_outside_europe(nlp, kb, text, expected):
    assert actors(nlp, kb, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Families gathered in Khan Younis after the strike.",
        "The report was first published by Haaretz on Sunday.",
        "Heavy fighting was reported near Rafah.",
    ],
)
def test_places_and_outlets_are_not_actors(nlp, kb, text):
    found = [m["actor"] for m in find_mentions(nlp(text), kb)]
    assert not ({"Khan Younis", "Haaretz", "Rafah"} & set(found))


def test_armed_forces_act_for_their_state(nlp, kb):
    found = find_mentions(nlp("The Israel Defense Forces said it had pulled back to the agreed line."), kb)
    assert [(m["actor"], m["affiliation"]) for m in found] == [("Israel Defense Forces", "Israel")]
    assert actors(nlp, kb, "Rwandan troops crossed the border, the RDF said.") == [
        "Rwanda",
        "Rwanda Defence Force",
    ]


def test_capital_as_a_venue_is_not_an_actor(nlp, kb):
    assert actors(nlp, kb, "The talks were held in Kigali last week.") == []


def test_a_world_entry_extends_the_hand_written_one_instead_of_doubling_it():
    base = [{"name": "Turkey", "type": "state", "aliases": ["Türkiye"]}]
    layer = [
        {"name": "Türkiye", "type": "state", "aliases": ["Republic of Turkey"], "metonyms": ["Ankara"]},
        {"name": "Other", "type": "organisation", "aliases": ["Türkiye"]},
    ]
    out = merge_actors(base, layer, wins=False)
    assert [a["name"] for a in out] == ["Turkey", "Other"]
    assert out[0]["aliases"] == ["Türkiye", "Republic of Turkey"] and out[0]["metonyms"] == ["Ankara"]
    assert not out[1].get("aliases")  # an alias another actor holds stays with that actor


def test_a_world_person_sharing_a_surname_needs_the_full_name():
    base = [{"name": "Anna Katz", "type": "person"}]
    out = merge_actors(base, [{"name": "Israel Katz", "type": "person"}], wins=False)
    assert out[1]["ambiguous"] is True and not out[0].get("ambiguous")


def test_user_file_adds_merges_and_blocks(tmp_path, nlp):
    user = tmp_path / "knowledge.yaml"
    user.write_text(
        yaml.safe_dump(
            {
                "actors": [
                    {
                        "name": "Amara Diallo",
                        "type": "person",
                        "affiliation": "Senegal",
                        "aliases": ["A. Diallo"],
                    },
                    {"name": "United Nations", "type": "organisation", "aliases": ["the world body"]},
                ],
                "not_actors": ["Kivu Morning Star"],
            }
        ),
        encoding="utf-8",
    )
    kb = load_kb(user=user)
    assert kb.get("A. Diallo").affiliation == "Senegal"
    assert kb.get("the world body").name == "United Nations"
    assert kb.is_non_actor("Kivu Morning Star")
    assert len([e for e in kb.entries if e == "United Nations"]) == 1


def test_a_malformed_user_file_names_the_file(tmp_path):
    bad = tmp_path / "knowledge.yaml"
    bad.write_text("actors:\n- {name: X, type: planet}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"knowledge\.yaml: actors\[0\].*planet"):
        load_kb(user=bad)
    bad.write_text("actors: [unclosed\n", encoding="utf-8")
    with pytest.raises(ValueError, match="knowledge.yaml.*not valid YAML"):
        load_kb(user=bad)


def test_the_user_file_changes_the_cache_fingerprint(tmp_path, monkeypatch):
    from analysis.store import cache
    from analysis.store.parallel import ResourceSpec

    user = tmp_path / "k.yaml"
    monkeypatch.setenv("PARLEY_KNOWLEDGE_PATH", str(user))
    before = cache.fingerprint("x", ResourceSpec.from_settings().knowledge())["kb"]
    user.write_text("not_actors: [Somewhere]\n", encoding="utf-8")
    assert cache.fingerprint("x", ResourceSpec.from_settings().knowledge())["kb"] != before


def test_committed_world_kb_is_what_the_build_script_gives():
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_kb.py"), "--check"], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    data = json.loads((ROOT / "analysis" / "data" / "world_kb.json").read_text(encoding="utf-8"))
    assert set(data["_sources"]) == {"country-converter", "countryinfo", "pycountry"}
