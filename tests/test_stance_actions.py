"""Actions as positions (issue #16 item 8, `analysis/extract/stance/deeds.py`): deeds of making something
happen, hosting, agents of participles, texts adopted and bodies led. Sentences written for these tests;
they run the real model, knowledge base, topic tagger and stance rules."""

from __future__ import annotations

import pytest

from analysis.extract.actors import find_mentions
from analysis.extract.stance import find_statements, load_lexicon
from analysis.extract.topics import load_taxonomy, tag_topics


@pytest.fixture(scope="module")
def run():
    from analysis.extract.nlp import load_kb, load_nlp

    kb = load_kb()
    nlp = load_nlp(kb=kb)[0]
    tax = load_taxonomy()
    lexicon = load_lexicon(taxonomy=tax)

    def statements(text: str) -> list[dict]:
        doc = nlp(text)
        return find_statements(doc, find_mentions(doc, kb), tag_topics(doc, tax), lexicon, kb)

    return statements


def polar(rows: list[dict]) -> set[tuple[str, str, str]]:
    return {(r["actor"], r["topic"], r["stance"]) for r in rows if r["stance"] != "neutral"}


def holders(rows: list[dict]) -> set[str]:
    return {r["actor"] for r in rows if r["stance"] != "neutral"}


def test_raising_tariffs_is_a_deed_for_sanctions(run):
    rows = run(
        "Washington tripled tariffs on Indian refiners last month over their purchases of Russian crude."
    )
    assert ("United States", "sanctions", "support") in polar(rows)


def test_adding_names_to_a_blacklist(run):
    rows = run(
        "The U.S. Treasury added Gazprom Neft and two tanker operators to its list of blocked entities."
    )
    assert ("United States", "sanctions", "support") in polar(rows)
    assert "Gazprom Neft" not in holders(rows)  # the object of the deed holds nothing


def test_the_term_used_as_a_verb(run):
    rows = run("Canada has sanctioned forty more ships of the shadow fleet.")
    assert ("Canada", "sanctions", "support") in polar(rows)


def test_announcing_a_summit_supports_it(run):
    rows = run("Donald Trump announced a summit with Vladimir Putin in Budapest.")
    assert ("Donald Trump", "negotiations_summits", "support") in polar(rows)


def test_the_objects_own_words_compose(run):
    rows = run("Japan announced the easing of sanctions on Russian fish imports.")
    assert ("Japan", "sanctions", "oppose") in polar(rows)


def test_a_position_noun_as_the_object_says_which_way(run):
    rows = run("Hungary announced its opposition to new sanctions on Russian gas.")
    assert ("Hungary", "sanctions", "oppose") in polar(rows)


def test_the_agent_of_a_participle(run):
    rows = run(
        "Indian refiners said they would respect the sanctions announced by London on Russian oil firms."
    )
    assert ("United Kingdom", "sanctions", "support") in polar(rows)


def test_the_owner_of_a_deed_noun_without_agent(run):
    rows = run("Ministers discussed the Canadian sanctions announced on Monday against Russian banks.")
    assert ("Canada", "sanctions", "support") not in polar(rows)  # an adjective of origin is no owner
    rows = run("Ministers discussed the Canada sanctions announced on Monday against Russian banks.")
    assert ("Canada", "sanctions", "support") in polar(rows)


def test_troops_that_undergo_a_deed_are_not_its_doer(run):
    rows = run("Moscow would never agree to French troops being deployed in Ukraine.")
    assert ("France", "troop_deployment", "support") not in polar(rows)
    assert ("Russia", "troop_deployment", "oppose") in polar(rows)


def test_hedged_and_open_deeds_stay_neutral(run):
    for text in (
        "Japan is weighing new sanctions on Russian oil.",
        "Japan may announce new sanctions on Russian oil.",
        "Japan has not announced new sanctions on Russian oil.",
        "Japan should announce new sanctions on Russian oil.",
        "Will Japan announce new sanctions on Russian oil?",
    ):
        assert ("Japan", "sanctions", "support") not in polar(run(text)), text


def test_a_reported_deed_is_not_the_speakers(run):
    rows = run("Sergei Lavrov said Japan had announced new sanctions on Russian oil.")
    assert ("Sergei Lavrov", "sanctions", "support") not in polar(rows)


def test_receiving_envoys_is_hosting_talks(run):
    rows = run("Talks resumed on Monday. Recep Tayyip Erdogan received the two Russian envoys in Ankara.")
    assert ("Recep Tayyip Erdogan", "negotiations_summits", "support") in polar(rows)


def test_receiving_a_document_is_not_hosting(run):
    rows = run("Talks resumed on Monday. Recep Tayyip Erdogan received the draft text of the talks.")
    assert ("Recep Tayyip Erdogan", "negotiations_summits", "support") not in polar(rows)


def test_meeting_is_not_a_deed(run):
    rows = run("Recep Tayyip Erdogan met the Russian envoys in Ankara.")
    assert ("Recep Tayyip Erdogan", "negotiations_summits", "support") not in polar(rows)


def test_paying_into_it_within_the_sentence(run):
    rows = run(
        "Britain has set up a fund to buy air defence systems for Ukraine, and Denmark and Finland have "
        "paid into it."
    )
    assert {("Denmark", "weapons_aid", "support"), ("Finland", "weapons_aid", "support")} <= polar(rows)
    paid = next(r for r in rows if r["actor"] == "Denmark" and r["stance"] == "support")
    assert "paid into it" in paid["cue"] and paid["confidence"] < 0.5  # a reading of two phrases


def test_a_body_led_by_states_acts_for_them(run):
    rows = run(
        "The mission, led by Germany and the Netherlands, has spent most of the year planning a "
        "multinational force for Ukraine."
    )
    assert {
        ("Germany", "troop_deployment", "support"),
        ("Netherlands", "troop_deployment", "support"),
    } <= polar(rows)


def test_sending_a_delegation_stands_for_the_talks(run):
    rows = run(
        "Peace talks on the war are expected in Istanbul. "
        "Ukraine has agreed to send a delegation to Istanbul."
    )
    assert ("Ukraine", "negotiations_summits", "support") in polar(rows)


def test_a_resolution_speaks_for_the_body_that_adopted_it(run):
    rows = run("The European Union adopted a resolution, which demanded an immediate ceasefire in Ukraine.")
    assert ("European Union", "ceasefire", "support") in polar(rows)


def test_lifting_stays_oppose_and_the_deed_keeps_a_cue(run):
    rows = run("The sanctions were lifted by Washington in March.")
    row = next(r for r in rows if r["actor"] == "United States" and r["stance"] != "neutral")
    assert row["stance"] == "oppose" and row["cue"] == "lifted"
