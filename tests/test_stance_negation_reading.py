"""When a negation in a reported clause turns a position (stance/negation.py `negation_reading`).

A negated word reverses a reading as a position of its own only when it carries one toward the topic: a cue
or topic word ("will not accept", "will not send troops", "must not be eased"), or a verb that takes the
topic term as its own argument ("would not be part of any force"). A negated copula, need or imagine verb
says nothing of a term deeper in its clause ("does not need Ukraine inside NATO"), though it still turns a
polar word below it ("can't imagine a deal without a ceasefire" is for one). A denied opposition or demand
is no position; a denied means or purpose is none either. Every sentence is written for this file.
"""

from __future__ import annotations

import pytest

from analysis.extract.stance import find_statements
from tests.test_stance import AFFILIATION, lexicon, mentions_of, nlp, polar, topics_of  # noqa: F401

ACTORS = {
    "Russia": ("Russia", "state"),
    "Moscow": ("Russia", "state"),
    "Ukraine": ("Ukraine", "state"),
    "Kyiv": ("Ukraine", "state"),
    "Italy": ("Italy", "state"),
    "Hungary": ("Hungary", "state"),
    "Trump": ("Donald Trump", "person"),
    "Zelenskyy": ("Volodymyr Zelenskyy", "person"),
    "Meloni": ("Giorgia Meloni", "person"),
    "Lavrov": ("Sergei Lavrov", "person"),
    "Ushakov": ("Yuri Ushakov", "person"),
    "Macron": ("Emmanuel Macron", "person"),
    "France": ("France", "state"),
    "Starmer": ("Keir Starmer", "person"),
}
AFFILIATIONS = {**AFFILIATION, "Giorgia Meloni": "Italy", "Yuri Ushakov": "Russia"}

TROOPS = {"troop_deployment": "troops; reassurance force"}
CEASEFIRE = {"ceasefire": "ceasefire"}
TALKS = {"negotiations_summits": "talks; negotiate; negotiations; mediator"}
NATO = {"nato_membership": "nato"}
TERRITORY = {"territory": "land"}
SANCTIONS = {"sanctions": "sanctions"}
PLAN = {"peace_plan": "proposals; deal"}


def _mentions(doc) -> list[dict]:
    return mentions_of(doc, ACTORS, AFFILIATIONS)


def _rows(nlp, lexicon, text, topics):  # noqa: F811
    doc = nlp(text)
    return find_statements(doc, _mentions(doc), topics_of(doc, topics), lexicon)


def stances(nlp, lexicon, text, topics):  # noqa: F811
    return polar(_rows(nlp, lexicon, text, topics))


KEPT = [
    # the negated word is a cue or a topic word of its own: it states the position
    ("Macron said France would not send troops to the front.", TROOPS, ("Emmanuel Macron", "oppose")),
    (
        "Lavrov said Moscow will not accept a ceasefire on these terms.",
        CEASEFIRE,
        ("Sergei Lavrov", "oppose"),
    ),
    ("Zelenskyy said Ukraine will never give up its land.", TERRITORY, ("Volodymyr Zelenskyy", "oppose")),
    ("Meloni said the sanctions on Moscow must not be eased.", SANCTIONS, ("Giorgia Meloni", "support")),
    ("Lavrov said Moscow is not ready for a ceasefire.", CEASEFIRE, ("Sergei Lavrov", "oppose")),
    ("Trump said a ceasefire is not necessary for a deal.", CEASEFIRE, ("Donald Trump", "oppose")),
    (
        "Zelenskyy said Ukraine cannot be forced to give up its land.",
        TERRITORY,
        ("Volodymyr Zelenskyy", "oppose"),
    ),
    # a need verb speaks for its own object
    ("Lavrov said Moscow does not need a ceasefire.", CEASEFIRE, ("Sergei Lavrov", "oppose")),
    # a linking verb speaks for what its subject would be part of
    (
        "Meloni said Italian soldiers would not be part of any reassurance force.",
        TROOPS,
        ("Giorgia Meloni", "oppose"),
    ),
    ("Meloni said Italian troops would not be part of the mission.", TROOPS, ("Giorgia Meloni", "oppose")),
    # a negated imagine verb still turns the polar word below it: "without" a ceasefire, so for one
    (
        "Starmer said he could not imagine a deal without a ceasefire.",
        CEASEFIRE,
        ("Keir Starmer", "support"),
    ),
    # a thing that has not worked: the subject is judged
    ("Lavrov said the sanctions have never brought results.", SANCTIONS, ("Sergei Lavrov", "oppose")),
    # "a substitute for", "an alternative to" stands in place of it: denied, it is for the thing
    (
        "Zelenskyy said the grain deal could not become a substitute for a ceasefire.",
        CEASEFIRE,
        ("Volodymyr Zelenskyy", "support"),
    ),
    ("Meloni said there is no alternative to sanctions.", SANCTIONS, ("Giorgia Meloni", "support")),
    # an option not excluded is kept open
    ("Macron said France would not rule out sending troops.", TROOPS, ("Emmanuel Macron", "support")),
    # the actor's own voice, or a quoted one, refuses
    ("Ukraine will not give up its land.", TERRITORY, ("Ukraine", "oppose")),
    ('"We cannot give up our land," Zelenskyy said.', TERRITORY, ("Volodymyr Zelenskyy", "oppose")),
]


@pytest.mark.parametrize("text, topics, expected", KEPT)
def test_negation_that_carries_a_position_is_kept(nlp, lexicon, text, topics, expected):  # noqa: F811
    topic = next(iter(topics))
    assert (expected[0], topic, expected[1]) in stances(nlp, lexicon, text, topics)


NEUTRAL = [
    # a negated need, require or imagine verb says nothing of a term deeper in its clause
    ("Lavrov said the alliance does not need Ukraine inside NATO to stay safe.", NATO),
    ("Meloni said a guarantee does not require troops to be on the ground.", TROOPS),
    ("Starmer said he could not imagine the talks without his allies.", TALKS),
    # a negated copula: the term is described, not taken a side on
    ("Ushakov said the deal could not become a model for a ceasefire.", CEASEFIRE),
    ("Ushakov said a ceasefire on paper is not the same as a ceasefire on the ground.", CEASEFIRE),
    ('"You cannot be a mediator if you take sides," Lavrov said.', TALKS),
    ('"I am not here to negotiate for Kyiv," Trump said.', TALKS),
    # a denied means or purpose
    ('"We are not going to conduct negotiations through the press," Lavrov said.', TALKS),
    ("Lavrov said Moscow and Kyiv had agreed not to conduct talks through the media.", TALKS),
    ("Ushakov said a summit could take place only to sign documents, not to negotiate them.", TALKS),
    # no opposition is no support, and no demand is no opposition
    ("Hungary would not block the new sanctions.", SANCTIONS),
    ("Lavrov said Moscow did not oppose the talks.", TALKS),
    ("Macron said France had not called for new sanctions.", SANCTIONS),
    # an elliptical clause of its own: "some are, some are not"
    ('"Some of the proposals are acceptable to us, some are not," Ushakov said.', PLAN),
    # the writer's assessment of what an actor can do
    ("First, Ukraine cannot give up the land without a referendum.", TERRITORY),
    # an effect a thing did not have is no position on what it did not bring
    ("Lavrov said the sanctions have never brought a ceasefire.", CEASEFIRE),
]


@pytest.mark.parametrize("text, topics", NEUTRAL)
def test_negation_without_a_position_is_neutral(nlp, lexicon, text, topics):  # noqa: F811
    rows = _rows(nlp, lexicon, text, topics)
    topic = next(iter(topics))
    assert not {s for s in polar(rows) if s[1] == topic}
    assert any(r["topic"] == topic and r["stance"] == "neutral" for r in rows)  # actors still listed


def test_clause_before_a_report_of_its_own_is_not_the_speakers(nlp, lexicon):  # noqa: F811
    """`Italy will not send troops either: Meloni has said ...`: the clause before the colon is the
    writer's; it is Italy's position, not one Meloni is quoted saying."""
    text = "Italy will not send troops either: Meloni has said Italy's role is to train soldiers at home."
    found = stances(nlp, lexicon, text, TROOPS)
    assert ("Giorgia Meloni", "troop_deployment", "oppose") not in found
    assert ("Italy", "troop_deployment", "oppose") in found
    said = stances(nlp, lexicon, "Meloni has said Italy will not send troops.", TROOPS)
    assert ("Giorgia Meloni", "troop_deployment", "oppose") in said


def _confidence(nlp, lexicon, text, actor, topics):  # noqa: F811
    rows = _rows(nlp, lexicon, text, topics)
    return next(r["confidence"] for r in rows if r["actor"] == actor and r["stance"] != "neutral")


def test_negation_that_is_no_polar_word_is_less_certain(nlp, lexicon):  # noqa: F811
    """A refusal read from a negated cue or topic word is as sure as a plain reading; one reversed by a
    negation on another verb ("cannot be forced to send") is less sure (cues.yaml confidence `negated`)."""
    plain = _confidence(nlp, lexicon, "Macron said France would send troops.", "Emmanuel Macron", TROOPS)
    refusal = _confidence(
        nlp, lexicon, "Macron said France would not send troops.", "Emmanuel Macron", TROOPS
    )
    inferred = _confidence(
        nlp, lexicon, "Macron said France could not be forced to send troops.", "Emmanuel Macron", TROOPS
    )
    assert refusal == plain
    assert inferred < refusal
