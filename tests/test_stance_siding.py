"""Positions taken from the sentence before: siding with an actor ("Macron backed him"), "similar
statements", and definite references to a topic named earlier ("this accord"). Sentences written for
these tests; they run the real model, knowledge base, topic tagger and stance rules."""

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
    tax, lexicon = load_taxonomy(), load_lexicon()

    def statements(text: str) -> list[dict]:
        doc = nlp(text)
        return find_statements(doc, find_mentions(doc, kb), tag_topics(doc, tax), lexicon, kb)

    return statements


def polar(rows: list[dict]) -> set[tuple[str, str, str]]:
    return {(r["actor"], r["topic"], r["stance"]) for r in rows if r["stance"] != "neutral"}


def test_backing_an_actor_takes_his_position(run):
    rows = run("Emmanuel Macron called for an immediate ceasefire on Friday. Keir Starmer backed him.")
    assert ("Keir Starmer", "ceasefire", "support") in polar(rows)
    taken = next(r for r in rows if r["actor"] == "Keir Starmer" and r["stance"] != "neutral")
    assert "called for an immediate ceasefire" in taken["evidence"]  # the evidence names both sentences
    assert "backed him" in taken["evidence"]
    assert taken["confidence"] < 0.8  # a reading of two sentences is less sure


def test_siding_with_a_named_actor(run):
    rows = run("Poland rejected any ceasefire without guarantees. Lithuania sided with Poland.")
    assert ("Lithuania", "ceasefire", "oppose") in polar(rows)


def test_not_backing_takes_no_position(run):
    rows = run("Emmanuel Macron called for an immediate ceasefire on Friday. Keir Starmer did not back him.")
    assert not any(r[0] == "Keir Starmer" for r in polar(rows))


def test_similar_statements_repeat_the_previous_positions(run):
    rows = run("Egypt welcomed the talks in Cairo. Jordan and Qatar issued similar statements.")
    assert {
        ("Jordan", "negotiations_summits", "support"),
        ("Qatar", "negotiations_summits", "support"),
    } <= polar(rows)


def test_siding_reaches_only_the_sentence_right_before(run):
    text = (
        "Emmanuel Macron called for an immediate ceasefire on Friday. The weather in Paris was mild. "
        "Keir Starmer backed him."
    )
    assert not any(r[0] == "Keir Starmer" for r in polar(run(text)))


def test_a_definite_reference_carries_the_topic(run):
    rows = run("Armenia and Azerbaijan initialled a peace accord in Washington. Turkey welcomed the accord.")
    assert ("Turkey", "peace_plan", "support") in polar(rows)


def test_a_description_of_something_else_does_not(run):
    rows = run(
        "Armenia and Azerbaijan initialled a peace accord in Washington. Turkey welcomed the trade accord."
    )
    assert ("Turkey", "peace_plan", "support") not in polar(rows)


def test_an_object_pronoun_takes_the_one_topic_of_the_sentence_before(run):
    rows = run("The European Union adopted new sanctions on Friday. Hungary rejected them.")
    assert ("Hungary", "sanctions", "oppose") in polar(rows)
    taken = next(r for r in rows if r["actor"] == "Hungary" and r["stance"] != "neutral")
    assert taken["evidence"].startswith("The European Union adopted new sanctions")


def test_a_pronoun_after_a_sentence_with_two_topics_is_left_alone(run):
    text = (
        "The European Union adopted new sanctions and promised more weapons for Ukraine. "
        "Hungary rejected them."
    )
    assert not any(r[0] == "Hungary" for r in polar(run(text)))


def test_readiness_to_meet_an_actor_is_a_position_on_talks(run):
    rows = run(
        "Talks in Geneva ended on Monday. Volodymyr Zelenskyy said he was ready to travel to Washington."
    )
    assert ("Volodymyr Zelenskyy", "negotiations_summits", "support") in polar(rows)


def test_refusing_to_meet_is_opposition(run):
    rows = run("Talks in Geneva ended on Monday. Vladimir Putin refused to meet Volodymyr Zelenskyy.")
    assert ("Vladimir Putin", "negotiations_summits", "oppose") in polar(rows)


def test_a_meeting_verb_without_a_stance_cue_or_partner_takes_no_position(run):
    text = "Talks in Geneva ended on Monday. Vladimir Putin met the envoys. Ukraine will continue to fight."
    assert not any(t == "negotiations_summits" for _a, t, _s in polar(run(text)))


def test_a_meeting_verb_needs_the_topic_in_the_article(run):
    rows = run("Vladimir Putin said he was ready to travel to Beijing.")
    assert not polar(rows)


def test_a_position_by_reference_is_less_sure_than_one_naming_the_topic(run):
    named = run("Armenia and Azerbaijan initialled a peace accord. Turkey welcomed the peace accord.")
    referred = run("Armenia and Azerbaijan initialled a peace accord. Turkey welcomed the accord.")

    def conf(rows):
        return next(r["confidence"] for r in rows if r["actor"] == "Turkey" and r["stance"] == "support")

    assert conf(referred) < conf(named)
    assert conf(referred) < 0.8


def test_a_plural_pronoun_takes_the_topic_named_in_the_plural(run):
    rows = run("Europe offered security guarantees under the peace plan. Hungary rejected them.")
    taken = {(a, t, s) for a, t, s in polar(rows) if a == "Hungary"}
    assert taken == {("Hungary", "security_guarantees", "oppose")}


# the topics' propositions in other words: their own polarity words give the direction


def test_keeping_ukraine_in_the_fight_supports_aid(run):
    rows = run("Boris Pistorius said Germany would keep Ukraine in the fight next year.")
    assert ("Boris Pistorius", "weapons_aid", "support") in polar(rows)


def test_stopping_funding_the_war_opposes_aid(run):
    rows = run("Viktor Orban said Europe should stop funding the war.")
    assert ("Viktor Orban", "weapons_aid", "oppose") in polar(rows)


def test_an_army_able_to_defend_itself_opposes_limits(run):
    rows = run("Mark Rutte said any settlement must leave Ukraine able to defend itself.")
    assert ("Mark Rutte", "military_limits", "oppose") in polar(rows)
    rows = run("Sergei Lavrov said Ukraine must not be able to defend itself.")
    assert ("Sergei Lavrov", "military_limits", "oppose") not in polar(rows)


def test_accepting_the_reality_on_the_ground_supports_cession(run):
    rows = run("Viktor Orban said Kyiv must accept the reality on the ground.")
    assert ("Viktor Orban", "territory", "support") in polar(rows)
