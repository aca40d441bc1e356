"""Positions stated as judgements, and phrasal verbs (issue #16), on sentences written for this file.

A speaker judging a topic ("called the plan a farce", "the draft has serious problems", "is unacceptable
to Moscow", "a ceasefire is what we want"), choosing between two ("prefers a deal to sanctions"), or voting
("will vote against"), takes a position. Descriptions, questions, the writer's own judgement and a
judgement of a part of the topic ("some of the points are acceptable") take none.
"""

from __future__ import annotations

import pytest

from analysis.extract.stance import find_statements, load_lexicon
from analysis.extract.stance.lexicon import TaxonomyError
from tests.test_stance import AFFILIATION, lexicon, mentions_of, nlp, polar, topics_of  # noqa: F401

ACTORS = {
    "Russia": ("Russia", "state"),
    "Moscow": ("Russia", "state"),
    "Kyiv": ("Ukraine", "state"),
    "Putin": ("Vladimir Putin", "person"),
    "Lavrov": ("Sergei Lavrov", "person"),
    "Macron": ("Emmanuel Macron", "person"),
    "Zelenskyy": ("Volodymyr Zelenskyy", "person"),
    "Starmer": ("Keir Starmer", "person"),
    "Meloni": ("Giorgia Meloni", "person"),
    "Kallas": ("Kaja Kallas", "person"),
    "Europe": ("Europe", "group"),
}

PLAN = {"peace_plan": "peace plan"}
SANCTIONS = {"sanctions": "sanctions"}
TROOPS = {"troop_deployment": "troops"}
CEASEFIRE = {"ceasefire": "ceasefire"}
TALKS = {"negotiations_summits": "summit; talks"}
TERRITORY = {"territory": "land"}
LIMITS = {"military_limits": "cap on troops"}
GUARANTEES = {"security_guarantees": "security guarantees"}


def _mentions(doc) -> list[dict]:
    return mentions_of(doc, ACTORS, AFFILIATION)


def stances(nlp, lexicon, text, topics):  # noqa: F811
    doc = nlp(text)
    return polar(find_statements(doc, _mentions(doc), topics_of(doc, topics), lexicon))


POSITIONS = [
    # "call X Y", "describe X as Y": the object is judged by the subject
    ("Lavrov called the peace plan a farce.", PLAN, {("Sergei Lavrov", "peace_plan", "oppose")}),
    (
        "Macron called the summit a milestone.",
        TALKS,
        {("Emmanuel Macron", "negotiations_summits", "support")},
    ),
    ("Kallas described the sanctions as a good start.", SANCTIONS, {("Kaja Kallas", "sanctions", "support")}),
    (
        "Lavrov said Moscow would take the peace plan as a basis for talks.",
        PLAN,
        {("Sergei Lavrov", "peace_plan", "support")},
    ),
    (
        "Kallas described the summit as a triumph.",
        TALKS,
        {("Kaja Kallas", "negotiations_summits", "support")},
    ),
    (
        "Macron said the sanctions brought Putin to the table.",
        SANCTIONS,
        {("Emmanuel Macron", "sanctions", "support")},
    ),
    # a judgement in a reported clause is the speaker's, and composes with the topic's words
    (
        "Macron said it would be a mistake to lift the sanctions.",
        SANCTIONS,
        {("Emmanuel Macron", "sanctions", "support")},
    ),
    (
        "Macron said the summit was an important step.",
        TALKS,
        {("Emmanuel Macron", "negotiations_summits", "support")},
    ),
    (
        "Starmer said lifting the sanctions would send the wrong signal.",
        SANCTIONS,
        {("Keir Starmer", "sanctions", "support")},
    ),
    ("Starmer said the peace plan had serious problems.", PLAN, {("Keir Starmer", "peace_plan", "oppose")}),
    ("Lavrov said the peace plan was a sham.", PLAN, {("Sergei Lavrov", "peace_plan", "oppose")}),
    (
        "Lavrov said the EU was simply addicted to sanctions.",
        SANCTIONS,
        {("Sergei Lavrov", "sanctions", "oppose")},
    ),
    (
        "Meloni said rewarding Russia with land would be an invitation to war.",
        TERRITORY,
        {("Giorgia Meloni", "territory", "oppose")},
    ),
    # the experiencer of the judgement holds it
    (
        "Any deployment of troops in Ukraine is unacceptable to Moscow.",
        TROOPS,
        {("Russia", "troop_deployment", "oppose")},
    ),
    # a free relative beside a copula: "X is (not) what we want"
    (
        "A ceasefire that lets Kyiv rearm is not what Moscow wants.",
        CEASEFIRE,
        {("Russia", "ceasefire", "oppose")},
    ),
    ("What Kyiv wants is a ceasefire.", CEASEFIRE, {("Ukraine", "ceasefire", "support")}),
    # a relative clause's antecedent as a copula's predicate
    (
        "The cap on troops was one of the points Kyiv pushed back on.",
        LIMITS,
        {("Ukraine", "military_limits", "oppose")},
    ),
    # a judgement that is a claim someone rejects (or endorses)
    (
        "Lavrov rejected claims that the sanctions were a failure.",
        SANCTIONS,
        {("Sergei Lavrov", "sanctions", "support")},
    ),
    (
        "Starmer welcomed the view that the peace plan was a good basis.",
        PLAN,
        {("Keir Starmer", "peace_plan", "support")},
    ),
    # a verb of saying beside the judgement is no belief judged
    (
        "Zelenskyy said the summit was a good compromise, while stressing that Kyiv would not cede land.",
        {**TALKS, **TERRITORY},
        {
            ("Volodymyr Zelenskyy", "negotiations_summits", "support"),
            ("Volodymyr Zelenskyy", "territory", "oppose"),
        },
    ),
    # a coordinated verb shares the term as its subject ("... and should be dropped")
    (
        "Lavrov insisted the sanctions were hurting Europe and should be dropped.",
        SANCTIONS,
        {("Sergei Lavrov", "sanctions", "oppose")},
    ),
    # preferring one thing to another opposes the other
    (
        "Putin prefers a peace plan to sanctions.",
        {**PLAN, **SANCTIONS},
        {("Vladimir Putin", "peace_plan", "support"), ("Vladimir Putin", "sanctions", "oppose")},
    ),
    # a threat opposes what its condition names
    (
        "Russia will retaliate if the EU imposes new sanctions.",
        SANCTIONS,
        {("Russia", "sanctions", "oppose")},
    ),
    (
        "Moscow would respond if Kyiv violates the ceasefire.",
        CEASEFIRE,
        {("Russia", "ceasefire", "support")},
    ),
    # phrasal verbs
    (
        "Starmer said he would vote against the sanctions.",
        SANCTIONS,
        {("Keir Starmer", "sanctions", "oppose")},
    ),
    (
        "Lavrov said Russia would argue against sanctions.",
        SANCTIONS,
        {("Sergei Lavrov", "sanctions", "oppose")},
    ),
]


@pytest.mark.parametrize("text,topics,expected", POSITIONS, ids=[c[0][:48] for c in POSITIONS])
def test_judgement_positions(nlp, lexicon, text, topics, expected):  # noqa: F811
    assert stances(nlp, lexicon, text, topics) == expected


NEUTRAL = [
    # a judging noun that is no predicate describes
    ("Macron said the problem of the summit was its venue.", TALKS),
    ("Macron sent a message to Lavrov about the summit.", TALKS),
    # a claim neither rejected nor endorsed, or one that is no judgement
    ("Lavrov did not dispute claims that the sanctions were a failure.", SANCTIONS),
    ("Lavrov dismissed reports that troops had crossed the border.", TROOPS),
    # a judgement of expecting or thinking, not of the term beneath it
    ("Lavrov said it was not realistic to expect a ceasefire soon.", CEASEFIRE),
    ("Macron said it is reasonable to think that the talks will fail.", TALKS),
    # questions ask
    ("Did Lavrov call the peace plan a farce?", PLAN),
    ("Is the peace plan a capitulation, Macron asked?", PLAN),
    # the writer's own judgement names no holder
    ("The peace plan is a farce.", PLAN),
    ("The sanctions, which Kallas announced on Monday, have serious problems.", SANCTIONS),
    # a part of the topic is judged, not the topic
    ("Lavrov said some of the points of the peace plan are acceptable, some are not.", PLAN),
    ("Lavrov said parts of the peace plan are useful.", PLAN),
    # an indirect question, not a free relative
    ("The question is what Europe can promise on security guarantees.", GUARANTEES),
    # not among the rejected is no position either way
    ("A ceasefire was not one of the demands Moscow rejected.", CEASEFIRE),
    # a response is no threat without a condition, nor a threat whose condition names no deed of the topic
    ("Kyiv responded to the peace plan on Monday.", PLAN),
    ("Moscow would respond if Kyiv says anything about the ceasefire.", CEASEFIRE),
    # "pushed back" the adverb is no "back" the verb
    ("Kyiv pushed back the talks by a week.", TALKS),
]


@pytest.mark.parametrize("text,topics", NEUTRAL, ids=[c[0][:48] for c in NEUTRAL])
def test_judgement_neutral(nlp, lexicon, text, topics):  # noqa: F811
    assert stances(nlp, lexicon, text, topics) == set()


def test_some_sanctions_must_be_lifted_is_a_demand(nlp, lexicon):  # noqa: F811
    """A partial subject stops a judgement only: "some sanctions must be lifted" still demands."""
    found = stances(nlp, lexicon, "Lavrov said some sanctions must be lifted.", SANCTIONS)
    assert found == {("Sergei Lavrov", "sanctions", "oppose")}


def test_judgements_block_is_read(tmp_path):
    """The cue file's `judgements` block adds cues of the same kinds; a malformed one names the file."""
    lex = load_lexicon()
    assert any(c.words == ("vote", "against") and c.polarity == -1 for c in lex.cues["vote"])
    bad = tmp_path / "cues.yaml"
    bad.write_text("support: {}\noppose: {}\njudgements: {support: {adverb: [x]}}\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="cues.yaml.*judgements"):
        load_lexicon(bad)
