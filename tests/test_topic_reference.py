"""Topics found by reference: a definite phrase repeating a topic's matched noun ("the accord"), a weak
word right after its topic ("the truce"), and the general vocabulary added to the shipped taxonomy.
Sentences written for these tests."""

from __future__ import annotations

import pytest

from analysis.extract.topics import load_taxonomy, tag_topics


@pytest.fixture(scope="module")
def tax():
    return load_taxonomy()


@pytest.fixture(scope="module")
def nlp():
    from analysis.extract.nlp import load_nlp

    return load_nlp()[0]


def by_sentence(nlp, tax, text: str) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for row in tag_topics(nlp(text), tax):
        out.setdefault(row["sentence_id"], set()).add(row["topic"])
    return out


def test_the_head_noun_of_a_matched_term_refers_back(nlp, tax):
    text = (
        "Officials from both sides initialled a peace agreement in Oslo on Monday. "
        "The weather was cold. "
        "Norway's foreign minister said the agreement would be signed in March."
    )
    assert "peace_plan" in by_sentence(nlp, tax, text).get(2, set())


def test_the_noun_a_term_modifies_refers_back(nlp, tax):
    text = (
        "Senators introduced a Russia sanctions bill on Tuesday. The Kremlin dismissed the bill as theatre."
    )
    assert "sanctions" in by_sentence(nlp, tax, text).get(1, set())


def test_a_phrase_with_its_own_noun_modifier_describes_something_else(nlp, tax):
    text = (
        "Officials initialled a peace agreement in Oslo on Monday. "
        "Separately, the grain agreement with Turkey was extended."
    )
    assert "peace_plan" not in by_sentence(nlp, tax, text).get(1, set())


def test_an_indefinite_phrase_does_not_refer_back(nlp, tax):
    text = (
        "Officials initialled a peace agreement in Oslo on Monday. "
        "Farmers said they wanted an agreement on water prices too."
    )
    assert "peace_plan" not in by_sentence(nlp, tax, text).get(1, set())


def test_a_reference_needs_the_topic_earlier_in_the_article(nlp, tax):
    text = "The agreement was signed on Monday. Officials initialled a peace agreement later."
    assert "peace_plan" not in by_sentence(nlp, tax, text).get(0, set())


def test_one_word_of_an_all_of_rule_is_not_a_referent(nlp):
    from analysis.extract.topics import Taxonomy, _topic

    topic = _topic({"id": "rebel_retreat", "all_of": [[["withdraw*"], ["rebels"]]]}, "test")
    tax = Taxonomy(topics=(topic,))
    text = "The rebels agreed to withdraw from the town. The rebels held a rally in the square."
    assert 1 not in by_sentence(nlp, tax, text)


def test_works_for_any_taxonomy(nlp):
    from analysis.extract.topics import Taxonomy, _topic

    topic = _topic({"id": "water_treaty", "terms": ["river treaty"]}, "test")
    tax = Taxonomy(topics=(topic,))
    text = "The two states signed a river treaty in 1998. Both capitals say the treaty still holds."
    assert by_sentence(nlp, tax, text).get(1) == {"water_treaty"}


def test_a_weak_word_right_after_its_topic_needs_no_context(nlp, tax):
    near = "Both armies agreed to a ceasefire on Sunday. Observers will monitor the truce."
    far = "Both armies agreed to a ceasefire on Sunday. A. B. C. D. Observers will monitor the truce."
    assert "ceasefire" in by_sentence(nlp, tax, near).get(1, set())
    assert "ceasefire" not in by_sentence(nlp, tax, far).get(5, set())


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("The generals agreed to stop all firing along the border.", "ceasefire"),
        ("Hardliners demanded that the army resume fighting.", "ceasefire"),
        ("Rome proposed a collective security clause for Ukraine.", "security_guarantees"),
        ("Any presence of foreign troops would be a provocation, Moscow said.", "troop_deployment"),
        ("Moscow wants Kyiv to renounce the alliance for ever.", "nato_membership"),
        ("Ukrainian soldiers will not leave Donetsk, the general said.", "territory"),
        ("Dublin pledged 50 million euros in non-lethal support.", "weapons_aid"),
        ("Both leaders initialled the text of a peace accord.", "peace_plan"),
        ("Brasilia wants an international peace conference.", "negotiations_summits"),
        ("The Pope urged both sides to speak directly to each other.", "negotiations_summits"),
        ("Ankara backs every effort towards a peaceful settlement.", "negotiations_summits"),
        ("The Turkish president received Mr Sybiha in Istanbul on Friday.", "negotiations_summits"),
        ("The Emir will host Keir Starmer in Doha next week.", "negotiations_summits"),
    ],
)
def test_general_vocabulary(nlp, tax, text, topic):
    assert topic in by_sentence(nlp, tax, text).get(0, set())


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Analysts doubt that a peace deal is near.", "peace_plan"),
        ("Drones struck a warehouse on the territory of Ukraine overnight.", "territory"),
        ("The referee told the players to stop firing complaints at him.", "ceasefire"),
        ("The minister received a letter from the mayor.", "negotiations_summits"),
        ("The city will host a jazz festival in June.", "negotiations_summits"),
        ("The twins talk to each other in a language of their own, with a peaceful smile.", "ceasefire"),
    ],
)
def test_vocabulary_stays_specific(nlp, tax, text, topic):
    assert topic not in by_sentence(nlp, tax, text).get(0, set())


def test_a_bare_plural_refers_back_only_nearby(nlp, tax):
    near = "Kyiv asked for security guarantees on Monday. London said it was offering guarantees."
    far = (
        "Kyiv asked for security guarantees on Monday. It rained. Markets fell. Schools closed. "
        "A shop said it was offering guarantees on all its kettles."
    )
    assert "security_guarantees" in by_sentence(nlp, tax, near).get(1, set())
    assert "security_guarantees" not in by_sentence(nlp, tax, far).get(4, set())


def test_what_was_agreed_is_the_agreement_of_later_sentences(nlp, tax):
    text = (
        "The two armies agreed to a ceasefire on Sunday night. "
        "Markets rose in both capitals. "
        "The Norwegian prime minister welcomed the agreement."
    )
    assert "ceasefire" in by_sentence(nlp, tax, text).get(2, set())


def test_an_agreed_term_described_by_its_broker_is_an_agreement(nlp, tax):
    text = (
        "Fighting stopped under a Qatari-brokered truce in the Russia-Ukraine war. "
        "Aid convoys moved in the next morning. "
        "Both governments said they would honour the agreement."
    )
    assert "ceasefire" in by_sentence(nlp, tax, text).get(2, set())


def test_a_ceasefire_only_called_for_is_not_an_agreement(nlp, tax):
    text = (
        "The minister called for a ceasefire in the Russia-Ukraine war. "
        "Markets rose in both capitals. "
        "Farmers welcomed the agreement on grain prices."
    )
    assert "ceasefire" not in by_sentence(nlp, tax, text).get(2, set())
    text = "The minister called for a ceasefire in the Russia-Ukraine war. Unions welcomed the agreement."
    assert "ceasefire" not in by_sentence(nlp, tax, text).get(1, set())


def test_an_accord_repeats_an_agreement(nlp, tax):
    text = (
        "The two presidents signed a peace agreement at the palace. "
        "Crowds gathered outside. "
        "The Kenyan president praised the accord."
    )
    assert "peace_plan" in by_sentence(nlp, tax, text).get(2, set())
