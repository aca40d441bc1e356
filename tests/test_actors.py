"""Actor linking rules on short invented sentences, with negative cases; the knowledge-base API."""

from __future__ import annotations

import pytest

from analysis.extract.actor_context import is_headline
from analysis.extract.actors import find_mentions
from analysis.extract.kb import load_kb
from analysis.extract.nlp import load_nlp


@pytest.fixture(scope="module")
def kb():
    return load_kb()


@pytest.fixture(scope="module")
def nlp(kb):
    return load_nlp(kb=kb)[0]


@pytest.fixture(scope="module")
def blank(kb):
    return load_nlp("parley_no_such_model", kb)[0]


def actors(nlp, kb, text: str) -> list[str]:
    return [m["actor"] for m in find_mentions(nlp(text), kb)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # full names, spelling variants, surnames, titles, possessives
        ("Sergey Lavrov met Yury Ushakov.", ["Sergei Lavrov", "Yuri Ushakov"]),
        ("President Trump praised Zelensky's courage.", ["Donald Trump", "Volodymyr Zelenskyy"]),
        ("Zelenskiy spoke to von der Leyen.", ["Volodymyr Zelenskyy", "Ursula von der Leyen"]),
        # adjectives are not mentions of the state
        ("Russian President Vladimir Putin spoke on Friday.", ["Vladimir Putin"]),
        # metonyms for governments
        ("The Kremlin said the plan was a starting point.", ["Russia"]),
        ("Moscow rejected the proposal.", ["Russia"]),
        ("Washington insists on a ceasefire.", ["United States"]),
        ("Kyiv has refused to give up land.", ["Ukraine"]),
        ("Beijing's position has not changed.", ["China"]),
        ("Talks between Kyiv and Moscow stalled.", ["Ukraine", "Russia"]),
        ("The White House welcomed the news.", ["United States"]),
        # ... and not where they name a place
        ("The talks were held in Washington.", []),
        ("The envoy flew to Moscow on Monday.", []),
        ("The Washington meeting ended early.", []),
        ("Shelling hit eastern Europe again.", []),
        # collective actors
        ("European leaders met on Sunday.", ["Europe"]),
        ("European Union officials met on Sunday.", ["European Union"]),
        ("The Russian Foreign Ministry issued a statement.", ["Russia"]),
        # a state named only as a venue is not an actor
        ("Trump spoke on his way to Malaysia.", ["Donald Trump"]),
        ("The leaders will meet in Gyeongju, South Korea, next week.", []),
        ("Ireland said it would help.", ["Ireland"]),
        # the nation's people as its government, a lone first name for the article's one Vladimir
        ("If the Americans reach a framework, it can be signed.", ["United States"]),
        ('Vladimir Putin called. "I speak with Vladimir often," he said.', ["Vladimir Putin"] * 2),
        # outlets cited as sources are not actors, and do not leak a place name
        ("An official told Reuters the deal was close.", []),
        ("An official told The Washington Post the deal was close.", []),
    ],
)
def test_linking_rules(nlp, kb, text, expected):
    assert actors(nlp, kb, text) == expected


def test_ambiguous_surname_needs_the_full_name(nlp, kb):
    assert "Lindsey Graham" not in actors(nlp, kb, "Graham said the bill would pass.")
    rows = find_mentions(nlp("Senator Lindsey Graham wrote the bill. Graham said it would pass."), kb)
    graham = [(r["surface"], r["linked"], r["affiliation"]) for r in rows if r["actor"] == "Lindsey Graham"]
    assert graham == [("Lindsey Graham", True, "United States"), ("Graham", True, "United States")]


def test_unknown_person_kept_unlinked_and_surname_resolved(nlp, kb):
    doc = nlp("Peter Doran of the Foundation for Defense of Democracies spoke. Doran said talks would fail.")
    rows = find_mentions(doc, kb)
    doran = [r for r in rows if r["actor"] == "Peter Doran"]
    assert [r["surface"] for r in doran] == ["Peter Doran", "Doran"]
    assert not any(r["linked"] for r in doran)
    assert [r["sentence_id"] for r in doran] == [0, 1]
    assert any(r["actor"] == "Foundation for Defense of Democracies" and r["linked"] for r in rows)


def test_rows_have_contract_keys_offsets_and_one_row_per_occurrence(nlp, kb):
    doc = nlp("Trump called Putin. Later Trump said Putin's offer was good.")
    rows = find_mentions(doc, kb)
    assert [r["actor"] for r in rows] == ["Donald Trump", "Vladimir Putin"] * 2
    for r in rows:
        assert set(r) == {
            "sentence_id",
            "actor",
            "actor_type",
            "affiliation",
            "surface",
            "start_char",
            "end_char",
            "linked",
        }
        assert doc.text[r["start_char"] : r["end_char"]] == r["surface"]
    assert rows[0]["actor_type"] == "person" and rows[0]["affiliation"] == "United States"


def test_bylines_and_headlines_give_no_unknown_actors(nlp, kb):
    text = "By Jane Smithers Senior Editor\n\nAdblock Detected Please Support Us\n\nThe envoy arrived."
    assert actors(nlp, kb, text) == []


def with_entity(blank, text: str, name: str, label: str):
    """A Doc whose only entity is `name` labelled `label`, as if the model had found it."""
    doc = blank.get_pipe("sentencizer")(blank.make_doc(text))
    start = text.index(name)
    doc.ents = [doc.char_span(start, start + len(name), label=label)]
    return doc


@pytest.mark.parametrize(
    ("text", "name", "label", "kept"),
    [
        ("Peter Doran spoke.", "Peter Doran", "PERSON", True),  # control: a real unknown person
        ("The Atlantic Institute spoke.", "Atlantic Institute", "ORG", True),  # control
        ("MOSCOW (AP) - The envoy arrived.", "MOSCOW", "ORG", False),  # dateline
        ("The envoy arrived.\nPhotograph: Jane Smithers/EPA", "Jane Smithers", "PERSON", False),  # credit
        ("The talks ended.\nBy Jane Smithers Senior Editor", "Jane Smithers", "PERSON", False),  # byline
        ("Lawmakers on Capitol Hill were divided.", "Capitol Hill", "ORG", False),  # a place
        ("Five people died in an attack on Ternopil.", "Ternopil", "PERSON", False),  # place after "on"
        ("The Foreign Ministry issued a statement.", "Foreign Ministry", "ORG", False),  # too generic
        ("Hill told Meet the Press that talks failed.", "Meet the Press", "ORG", False),  # a programme
        ("Hill told the Kyiv Post that talks failed.", "Kyiv Post", "ORG", False),  # outlet-like name
        ("She told the Daily Planet that talks failed.", "Daily Planet", "ORG", False),  # cited as source
        ("Army Secretary Dan Driscoll spoke.", "Army", "ORG", False),  # a modifier before a title
        ("Trump posted on Truth Social.", "Truth Social", "ORG", False),  # a platform
        ("Donetsk region was shelled.", "Donetsk", "PERSON", False),  # a place
    ],
)
def test_unknown_entity_filters(blank, kb, text, name, label, kept):
    found = [m for m in find_mentions(with_entity(blank, text, name, label), kb) if not m["linked"]]
    assert bool(found) is kept


def test_surname_the_model_calls_org_joins_the_full_name(nlp, kb):
    found = actors(
        nlp, kb, "Analyst Jane Kowalczyk spoke first. Kowalczyk told NBC's Meet the Press that talks failed."
    )
    assert found == ["Jane Kowalczyk", "Jane Kowalczyk"]


def test_is_headline():
    assert is_headline("Trump Pulls Back from Direct Role in Peace Talks")
    assert not is_headline("Trump pulled back from a direct role in the talks, officials said.")


def test_blank_fallback_uses_reporting_verbs_for_metonyms(blank, kb):
    assert actors(blank, kb, "Moscow rejected the plan.") == ["Russia"]
    assert actors(blank, kb, "The summit was held in Moscow.") == []


def test_kb_api(kb):
    z = kb.get("zelensky")
    assert z.name == "Volodymyr Zelenskyy" and z.type == "person" and z.gender == "m"
    assert kb.get("Kremlin").name == "Russia"
    assert kb.get("Ursula von der Leyen").affiliation == "European Union"
    assert kb.get("Russia").affiliation == "Russia"
    assert kb.get("Nobody Atall") is None
    assert kb.get("US").name == "United States" and kb.get("us") is None
    assert len(kb) >= 150
    assert kb.is_outlet("Kyiv Post") and kb.is_outlet("Reuters") and not kb.is_outlet("Kremlin")


def test_custom_kb_file(tmp_path):
    path = tmp_path / "kb.yaml"
    path.write_text("actors:\n- {name: Jane Roe, type: person, affiliation: Freedonia, aliases: [J. Roe]}\n")
    kb = load_kb(path)
    nlp, _ = load_nlp("parley_no_such_model", kb)
    assert [m["actor"] for m in find_mentions(nlp("J. Roe spoke. Then Roe left."), kb)] == ["Jane Roe"] * 2


def test_bad_kb_entry_names_file_and_value(tmp_path):
    path = tmp_path / "kb.yaml"
    path.write_text("actors:\n- {name: X, type: planet}\n")
    with pytest.raises(ValueError, match=r"kb\.yaml.*planet.*person"):
        load_kb(path)


def test_works_without_sentence_boundaries(kb):
    import spacy

    from analysis.extract.nlp import add_actor_ruler

    nlp = add_actor_ruler(spacy.blank("en"), kb)
    rows = find_mentions(nlp("Putin called. Trump answered."), kb)
    assert [(r["actor"], r["sentence_id"]) for r in rows] == [("Vladimir Putin", 0), ("Donald Trump", 0)]


def test_model_organisation_name_wins_over_a_state_inside_it(nlp, kb):
    found = actors(nlp, kb, "Marcy Kaptur co-chairs the Congressional Ukraine Caucus in Washington.")
    assert "Congressional Ukraine Caucus" in found and "Ukraine" not in found


def surfaces(nlp, kb, text: str) -> list[tuple[str, str]]:
    return [(m["actor"], m["surface"]) for m in find_mentions(nlp(text), kb)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a role + affiliation description names the person of that role named elsewhere in the article
        ("Vladimir Putin met envoys. The Russian leader said no.", ("Vladimir Putin", "The Russian leader")),
        ("Donald Trump spoke. Later the U.S. president left.", ("Donald Trump", "the U.S. president")),
        ("JD Vance spoke. The vice president argued against aid.", ("JD Vance", "The vice president")),
        # "leader" is the president where the article names one, before the prime minister
        (
            "Emmanuel Macron met Sebastien Lecornu. The French leader said yes.",
            ("Emmanuel Macron", "The French leader"),
        ),
    ],
)
def test_role_descriptions_link_to_named_people(nlp, kb, text, expected):
    assert expected in surfaces(nlp, kb, text)


@pytest.mark.parametrize(
    "text",
    [
        # the person is not named in the article: no new actor
        "The Russian leader said no.",
        # two presidents named: no guess
        "Donald Trump met Volodymyr Zelenskyy. The president said talks went well.",
        # a title before the name is not a second mention
        "Putin spoke. The Russian President Vladimir Putin said no.",
        # a modifier, not the head noun
        "Xi Jinping spoke. China's chief trade negotiator left.",
        # "leader" needs an affiliation
        "Vladimir Putin spoke. The leader said no.",
    ],
)
def test_role_descriptions_negative(nlp, kb, text):
    people = [m["surface"] for m in find_mentions(nlp(text), kb) if m["actor_type"] == "person"]
    # every person mention is a name, none a description ("the ... president", "China's chief")
    assert not [s for s in people if s.lower().startswith("the ") or "'s " in s], people


def test_possessive_description_replaces_the_state_mention(nlp, kb):
    found = surfaces(nlp, kb, "Putin spoke. Russia's president said no.")
    assert ("Vladimir Putin", "Russia's president") in found
    assert ("Russia", "Russia") not in found
    # without the person named, the state stays a mention
    assert ("Ukraine", "Ukraine") in surfaces(nlp, kb, "Putin spoke. Ukraine's president said no.")


def test_an_arabic_article_surname_alone_counts_as_the_full_name(nlp, kb):
    text = "Farida el-Masri arrived on Monday. Masri said the talks would resume within days."
    found = [m["actor"] for m in find_mentions(nlp(text), kb) if m["actor_type"] == "person"]
    assert found and set(found) == {"Farida el-Masri"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Vladimir Putin's", "Vladimir Putin"),
        ("Putin’s", "Putin"),
        ("Putinʼs", "Putin"),
        ("MARTA KOWALCZYK'S", "MARTA KOWALCZYK"),
        ("the Berglunds'", "the Berglunds"),
        ("Vladimir Putin", "Vladimir Putin"),
        ("Marta Kowalczyks", "Marta Kowalczyks"),  # a name ending in s is not a possessive
        ("'s", "'s"),
    ],
)
def test_strip_possessive(name, expected):
    from analysis.extract.actors import strip_possessive

    assert strip_possessive(name) == expected


def test_an_unlinked_actor_and_its_possessive_are_one_actor(nlp, kb):
    doc = nlp(
        "Marta Kowalczyk's proposal was rejected on Monday. Marta Kowalczyk said she would try again, "
        "and Henrik Lindqvist’s team agreed with Henrik Lindqvist."
    )
    rows = [r for r in find_mentions(doc, kb) if not r["linked"]]
    assert [r["actor"] for r in rows] == ["Marta Kowalczyk"] * 2 + ["Henrik Lindqvist"] * 2
    assert {r["surface"] for r in rows} == {"Marta Kowalczyk", "Henrik Lindqvist"}  # the mention is the name
    for r in rows:
        assert doc.text[r["start_char"] : r["end_char"]] == r["surface"]


def test_possessives_in_capitals_and_other_apostrophes_name_the_same_actor(nlp, kb):
    from analysis.ingest.clean import clean_text

    for text in (
        "Officials said Vladimir Putinʼs aide would travel to Geneva on Monday.",
        "Officials said Vladimir Putin´s aide would travel to Geneva on Monday.",
        "Officials said Vladimir Putin's aide would travel to Geneva on Monday.",
    ):
        assert "Vladimir Putin" in actors(nlp, kb, clean_text(text).text), text
    shouted = find_mentions(nlp("Diplomats said MARTA KOWALCZYK'S proposal was rejected."), kb)
    assert all(not r["actor"].endswith(("'S", "'s")) for r in shouted)


def test_knowledge_suggestions_list_a_possessive_once(nlp, kb):
    import pandas as pd

    from analysis.knowledge.actors import suggest_actors

    doc = nlp("Marta Kowalczyk's proposal was rejected. Marta Kowalczyk said the talks would go on.")
    mentions = pd.DataFrame(find_mentions(doc, kb)).assign(article_id="a1")
    sentences = pd.DataFrame(
        [{"article_id": "a1", "sentence_id": i, "text": s.text} for i, s in enumerate(doc.sents)]
    )
    names = [s["name"] for s in suggest_actors({"mentions": mentions, "sentences": sentences}, kb)]
    assert names.count("Marta Kowalczyk") == 1 and not any("'s" in n for n in names)
