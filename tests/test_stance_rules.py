"""Stance rule families of issue #16 on invented sentences (helpers shared with tests/test_stance.py).

Holders inside the cue's noun phrase, rejections that state two positions, response verbs answering the
previous sentence, mandative clauses, framing and appositive judgements, gerund and polar-noun objects,
the official speaking for a state, what stays neutral (questions, alternatives, claims), and the
confidence factors (headline, reported by another actor).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.test_stance import CEASEFIRE, PLAN, TALKS, TERRITORY, TROOPS, lexicon, nlp, polar, statements  # noqa: F401

GUARANTEES = {"security_guarantees": "security guarantees"}

CASES = [
    # (1) holders inside the cue's noun phrase, distributed over coordination
    (
        "The EU welcomed calls from France and China for a ceasefire.",
        CEASEFIRE,
        {
            ("European Union", "ceasefire", "support"),
            ("France", "ceasefire", "support"),
            ("China", "ceasefire", "support"),
        },
    ),
    (
        "The EU's push for a ceasefire gained ground this week.",
        CEASEFIRE,
        {("European Union", "ceasefire", "support")},
    ),
    # (2) rejecting someone else's position states two positions
    (
        "Kyiv dismissed calls from Moscow for a ceasefire.",
        CEASEFIRE,
        {("Ukraine", "ceasefire", "oppose"), ("Russia", "ceasefire", "support")},
    ),
    # (7) a bare response verb answers the previous sentence's demand
    (
        "Moscow demanded a ceasefire on its own terms. Kyiv has refused.",
        CEASEFIRE,
        {("Russia", "ceasefire", "support"), ("Ukraine", "ceasefire", "oppose")},
    ),
    # (7) "the measures" / "the scheme" refer to the previous sentence's one topic; governing cues compose
    (
        "The EU adopted new sanctions on Tuesday. Moscow dismissed the measures.",
        {"sanctions": "sanctions"},
        {("European Union", "sanctions", "support"), ("Russia", "sanctions", "oppose")},
    ),
    (
        "Europe drew up a ceasefire proposal. Putin refused to back the scheme.",
        CEASEFIRE,
        {("Europe", "ceasefire", "support"), ("Vladimir Putin", "ceasefire", "oppose")},
    ),
    # (7) an anaphoric judged subject, a referent two sentences back, and the same noun's own antecedent
    (
        "The EU imposed new sanctions on Moscow. Lavrov said the measures were counterproductive.",
        {"sanctions": "sanctions"},
        {("European Union", "sanctions", "support"), ("Sergei Lavrov", "sanctions", "oppose")},
    ),
    (
        "Russia proposed a ceasefire on Monday. The news came late at night. Kyiv dismissed the idea.",
        CEASEFIRE,
        {("Russia", "ceasefire", "support"), ("Ukraine", "ceasefire", "oppose")},
    ),
    (
        "Europe proposed a ceasefire in March. Talks went on all week. Putin rejected the proposal.",
        {**CEASEFIRE, "negotiations_summits": "talks"},
        {("Europe", "ceasefire", "support"), ("Vladimir Putin", "ceasefire", "oppose")},
    ),
    # (7) ... but not once the referent is out of reach
    (
        "Russia proposed a ceasefire. The news came late. A storm hit the coast. Kyiv dismissed the idea.",
        CEASEFIRE,
        {("Russia", "ceasefire", "support")},
    ),
    # (4) making something a condition or a demand is a position on it; a position noun's place is not
    (
        "Moscow has made sanctions relief a condition of any deal.",
        {"sanctions": "sanctions"},
        {("Russia", "sanctions", "oppose")},
    ),
    (
        "Kyiv has made security guarantees its first condition.",
        GUARANTEES,
        {("Ukraine", "security_guarantees", "support")},
    ),
    (
        "Moscow repeated its demand for a ceasefire in every round of talks.",
        {**CEASEFIRE, "negotiations_summits": "talks"},
        {("Russia", "ceasefire", "support")},
    ),
    # (4) judging through "as", preferring and floating, a priority, a phrasal cue on a talking verb
    (
        "Lavrov described the sanctions as illegal and counterproductive.",
        {"sanctions": "sanctions"},
        {("Sergei Lavrov", "sanctions", "oppose")},
    ),
    ("Putin described the summit as useful.", TALKS, {("Vladimir Putin", "negotiations_summits", "support")}),
    ("Lavrov described the sanctions in detail.", {"sanctions": "sanctions"}, set()),
    ("Trump has said he prefers a ceasefire.", CEASEFIRE, {("Donald Trump", "ceasefire", "support")}),
    (
        "Trump first floated a summit after the call.",
        TALKS,
        {("Donald Trump", "negotiations_summits", "support")},
    ),
    ("France's priority remains a ceasefire.", CEASEFIRE, {("France", "ceasefire", "support")}),
    (
        "The EU has asked for direct talks with Moscow.",
        TALKS,
        {("European Union", "negotiations_summits", "support")},
    ),
    ("Kyiv asked about the talks.", TALKS, set()),
    (
        "Lavrov said any foreign troops in Ukraine would be legitimate targets.",
        TROOPS,
        {("Sergei Lavrov", "troop_deployment", "oppose")},
    ),
    # (6) a state's position reported by one of its own officials is the official's; another's stays
    (
        "Macron thanked Trump and said France had accepted the ceasefire.",
        CEASEFIRE,
        {("Emmanuel Macron", "ceasefire", "support")},
    ),
    ("Macron said Russia had accepted the ceasefire.", CEASEFIRE, {("Russia", "ceasefire", "support")}),
    # (8) deeds in a relative clause on the doer and in a participle sharing the main subject
    (
        "France, which has supplied drones to Ukraine, hosted the talks.",
        {"weapons_aid": "drones"},
        {("France", "weapons_aid", "support")},
    ),
    (
        "Macron kept ties with Moscow, refusing to join sanctions while supplying Ukraine with drones.",
        {"weapons_aid": "drones"},
        {("Emmanuel Macron", "weapons_aid", "support")},
    ),
    ("France hosted a fair that supplied drones to Ukraine.", {"weapons_aid": "drones"}, set()),
    ("Trump said France had supplied drones to Ukraine.", {"weapons_aid": "drones"}, set()),
    # (5) a noun summing up the clause ("..., a demand X rejected") carries the clause to the relative cue
    (
        "Russia has insisted that Ukraine withdraw from Donetsk, a demand Zelenskyy rejected on Monday.",
        TERRITORY,
        {("Russia", "territory", "support"), ("Volodymyr Zelenskyy", "territory", "oppose")},
    ),
    # (6) "I"/"we" in a transcript are the speaker its line's label names; a journalist's label names no one
    (
        "Press conference of Emmanuel Macron\n\nMACRON: We support a ceasefire now. Putin may join.",
        CEASEFIRE,
        {("Emmanuel Macron", "ceasefire", "support")},
    ),
    ("Briefing\n\nJOURNALIST (AFP): Do you support a ceasefire? We support it.", CEASEFIRE, set()),
    # (6) a that-clause in the subjunctive is the speaker's demand
    ("Russia insisted that Kyiv cede Donetsk.", TERRITORY, {("Russia", "territory", "support")}),
    # evaluative nouns as framing objects and as predicates of an object
    (
        "Lavrov said the peace plan could form the basis of a settlement.",
        PLAN,
        {("Sergei Lavrov", "peace_plan", "support")},
    ),
    (
        "Putin called the new sanctions a mistake.",
        {"sanctions": "sanctions"},
        {("Vladimir Putin", "sanctions", "oppose")},
    ),
    # (4) a gerund object, and a polar noun of the sentence's topic as the object
    (
        "Meloni ruled out deploying troops this year.",
        TROOPS,
        {("Giorgia Meloni", "troop_deployment", "oppose")},
    ),
    (
        "Zelenskyy ruled out any withdrawal, saying the land belongs to Ukraine.",
        TERRITORY,
        {("Volodymyr Zelenskyy", "territory", "oppose")},
    ),
    # (6) the official speaking for a state holds the position
    (
        "Macron said France would not send troops.",
        TROOPS,
        {("Emmanuel Macron", "troop_deployment", "oppose")},
    ),
    # (4) a warning that the topic would bring harm opposes it; one with its own verdict keeps the verdict
    (
        "Lavrov warned that a deployment of troops would trigger a wider war.",
        TROOPS,
        {("Sergei Lavrov", "troop_deployment", "oppose")},
    ),
    (
        "Lavrov warned that any deployment of troops would be unacceptable.",
        TROOPS,
        {("Sergei Lavrov", "troop_deployment", "oppose")},
    ),
    # a circumstance clause ("while ...") is not what the cue is about
    ("Kyiv refused to sign the deal while troops gathered at the border.", TROOPS, set()),
    # (3) a position noun given up is no longer held (no row), a phrasal cue's particle is its scope
    ("Putin dropped his demand for a ceasefire.", CEASEFIRE, set()),
    ("Macron walked back his call for a ceasefire.", CEASEFIRE, set()),
    ("China balked at the new sanctions.", {"sanctions": "sanctions"}, {("China", "sanctions", "oppose")}),
    # (9) hedges are no deed and no position
    ("The EU may impose new sanctions.", {"sanctions": "sanctions"}, set()),
    ("Russia might accept a ceasefire.", CEASEFIRE, set()),
    # (9) no position: a question, an alternative not taken, a claim rejected, a deadline set for another
    ("Is Moscow ready for a ceasefire?", CEASEFIRE, set()),
    ("Instead of rejecting the peace plan, Zelenskyy proposed changes.", PLAN, set()),
    ("Lavrov dismissed the claim that the ceasefire was failing.", CEASEFIRE, set()),
    ("Lavrov repeated Moscow's view that a ceasefire would let Kyiv regroup.", CEASEFIRE, set()),
    ("Trump set a deadline for Kyiv to accept the ceasefire.", CEASEFIRE, set()),
    ("Zelenskyy said he would seek changes rather than reject the peace plan.", PLAN, set()),
    # a position or judging noun as the subject of a copula names what its predicate is
    (
        "Macron said the way forward was a ceasefire.",
        CEASEFIRE,
        {("Emmanuel Macron", "ceasefire", "support")},
    ),
    ("The priority is a ceasefire, Putin said.", CEASEFIRE, {("Vladimir Putin", "ceasefire", "support")}),
    (
        "Kyiv's priority remains security guarantees.",
        GUARANTEES,
        {("Ukraine", "security_guarantees", "support")},
    ),
    ("Russia's goal is to block a ceasefire.", CEASEFIRE, {("Russia", "ceasefire", "oppose")}),
    # an object pronoun stands for the one topic's term earlier in its sentence
    (
        "Lavrov called the ceasefire a trap and said Moscow would block it.",
        CEASEFIRE,
        {("Sergei Lavrov", "ceasefire", "oppose")},
    ),
    (
        "Lavrov discussed the ceasefire with Macron and urged him to reject it.",
        CEASEFIRE,
        {("Sergei Lavrov", "ceasefire", "oppose")},
    ),
    # ... but the object of a verb of control is the actor urged, not the term
    (
        "The EU discussed sanctions with China and urged it to stop buying oil.",
        {"sanctions": "sanctions"},
        set(),
    ),
    # initialling a text agrees to it, as signing does; "initial" as an adjective is no cue
    (
        "The leaders of Russia and Ukraine initialled the text of a peace plan.",
        PLAN,
        {("Russia", "peace_plan", "support"), ("Ukraine", "peace_plan", "support")},
    ),
    ("Russia criticised the initial draft of the peace plan.", PLAN, {("Russia", "peace_plan", "oppose")}),
    ("Russia studied the initial peace plan.", PLAN, set()),
    # a verb of saying set into the clause it reports
    (
        "The sanctions, Putin insisted, must be lifted completely.",
        {"sanctions": "sanctions"},
        {("Vladimir Putin", "sanctions", "oppose")},
    ),
    (
        "A ceasefire, Zelenskyy said, would be a mistake.",
        CEASEFIRE,
        {("Volodymyr Zelenskyy", "ceasefire", "oppose")},
    ),
    ("The ceasefire, Putin said, was signed on Monday.", CEASEFIRE, set()),
    # a meeting speaks for its members, also when the parser hangs the verb on a long subject as a modifier
    (
        "A joint summit of the EU and Russia in Geneva on 8 February called for an immediate and"
        " unconditional ceasefire.",
        CEASEFIRE,
        {("European Union", "ceasefire", "support"), ("Russia", "ceasefire", "support")},
    ),
    (
        "A meeting of the EU and Russia endorsed the ceasefire.",
        CEASEFIRE,
        {("European Union", "ceasefire", "support"), ("Russia", "ceasefire", "support")},
    ),
    # a verb of harm judges its subject; what it harms gets no position
    (
        "Lavrov said the sanctions would jeopardise the talks.",
        {"sanctions": "sanctions", **TALKS},
        {("Sergei Lavrov", "sanctions", "oppose")},
    ),
    (
        "Trump argued that a vote on sanctions now could derail talks with Moscow.",
        {"sanctions": "sanctions", **TALKS},
        {("Donald Trump", "sanctions", "oppose")},
    ),
    ("Russia undermined the ceasefire.", CEASEFIRE, set()),
    # what has not reached the holder is no side; what it received or studies is someone else's
    ("Russia says it has not received the new peace plan.", PLAN, set()),
    ("Lavrov said Moscow had not received any proposal to give up Crimea.", TERRITORY, set()),
    ("Russia is studying a proposal for a ceasefire.", CEASEFIRE, set()),
    (
        "Russia is studying Trump's proposal for a ceasefire.",
        CEASEFIRE,
        {("Donald Trump", "ceasefire", "support")},
    ),
    ("Russia made a proposal for a ceasefire.", CEASEFIRE, {("Russia", "ceasefire", "support")}),
    # an actor's stated position before a colon states the clause after it
    (
        "Ukraine's position is equally firm: any peace deal must include security guarantees.",
        GUARANTEES,
        {("Ukraine", "security_guarantees", "support")},
    ),
    (
        "Moscow's message was clear: the sanctions must be lifted.",
        {"sanctions": "sanctions"},
        {("Russia", "sanctions", "oppose")},
    ),
    ("Moscow's message was clear: the sanctions were lifted in May.", {"sanctions": "sanctions"}, set()),
    # ... not a noun with a complement of its own: the decision is what is judged
    (
        "The decision to impose sanctions was a mistake, Trump said.",
        {"sanctions": "sanctions"},
        {("Donald Trump", "sanctions", "oppose")},
    ),
]


@pytest.mark.parametrize(("text", "topics", "expected"), CASES, ids=[c[0][:48] for c in CASES])
def test_rule_families(nlp, lexicon, text, topics, expected):  # noqa: F811
    assert polar(statements(nlp, lexicon, text, topics)) == expected


def _confidence(nlp, lexicon, text, actor, topics):  # noqa: F811
    rows = [
        r for r in statements(nlp, lexicon, text, topics) if r["actor"] == actor and r["stance"] != "neutral"
    ]
    assert rows, f"no position of {actor} in {text!r}"
    return rows[0]["confidence"]


def test_second_hand_position_is_less_certain(nlp, lexicon):  # noqa: F811
    own = _confidence(nlp, lexicon, "Putin agreed to a ceasefire.", "Vladimir Putin", CEASEFIRE)
    reported = _confidence(
        nlp, lexicon, "Trump said Putin had agreed to a ceasefire.", "Vladimir Putin", CEASEFIRE
    )
    assert reported < own


def test_headline_position_is_less_certain(nlp, lexicon):  # noqa: F811
    body = _confidence(nlp, lexicon, "Moscow rejects a ceasefire.", "Russia", CEASEFIRE)
    title = _confidence(
        nlp, lexicon, "Moscow rejects ceasefire as talks stall\n\nThe talks went on.", "Russia", CEASEFIRE
    )
    assert title < body


def _bands_module():
    path = Path(__file__).resolve().parents[1] / "scripts" / "confidence_bands.py"
    spec = importlib.util.spec_from_file_location("confidence_bands", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_precision_by_band_counts_each_triple_once_at_its_highest_confidence():
    bands = _bands_module()
    gold = {"a.txt": {"stances": [{"actor": "Russia", "topic": "ceasefire", "stance": "oppose"}]}}
    rows = pd.DataFrame(
        [
            {
                "article_id": "A",
                "actor": "Russia",
                "topic": "ceasefire",
                "stance": "oppose",
                "confidence": 0.85,
            },
            {
                "article_id": "A",
                "actor": "Russia",
                "topic": "ceasefire",
                "stance": "oppose",
                "confidence": 0.5,
            },
            {
                "article_id": "A",
                "actor": "Ukraine",
                "topic": "ceasefire",
                "stance": "support",
                "confidence": 0.6,
            },
            {
                "article_id": "A",
                "actor": "Ukraine",
                "topic": "territory",
                "stance": "neutral",
                "confidence": 0.5,
            },
        ]
    )
    table = bands.precision_by_band(gold, rows, {"a.txt": "A"}, [0.8])
    assert table.loc[">= 0.80", "statements"] == 1 and table.loc[">= 0.80", "precision"] == 1.0
    assert table.loc["< 0.80", "statements"] == 1 and table.loc["< 0.80", "precision"] == 0.0
    assert bands.band_of(0.79, [0.8, 0.6]) == ">= 0.60"


SANCTIONS = {"sanctions": "sanctions"}
LONG = (
    "Putin rejected a ceasefire on Thursday in a long and combative speech at the Kremlin, before the"
    " Russian delegation left for the capital to discuss the details of prisoner exchanges, grain"
    " shipments and the return of children with the other side next week."
)


def test_long_sentence_position_is_less_certain(nlp, lexicon):  # noqa: F811
    short = _confidence(nlp, lexicon, "Putin rejected a ceasefire on Thursday.", "Vladimir Putin", CEASEFIRE)
    assert _confidence(nlp, lexicon, LONG, "Vladimir Putin", CEASEFIRE) < short


def test_sentence_run_over_a_line_break_is_less_certain(nlp, lexicon):  # noqa: F811
    from analysis.extract.stance.confidence import sentence_factor

    glued = next(nlp("Putin rejects truce\nMOSCOW - Putin rejected a ceasefire on Friday.").sents)
    plain = next(nlp("MOSCOW - Putin rejected a ceasefire on Friday.").sents)
    assert "\n" in glued.text  # the segmenter glued the heading to the sentence
    assert sentence_factor(glued, lexicon) < sentence_factor(plain, lexicon) == 1.0


def test_sentence_factor_scales_positions_not_neutral_rows():
    from analysis.extract.stance.confidence import scaled

    rows = [{"stance": "oppose", "confidence": 0.8}, {"stance": "neutral", "confidence": 0.5}]
    assert [r["confidence"] for r in scaled(rows, 0.5)] == [0.4, 0.5]
    assert scaled(rows, 1.0) is rows


def test_deed_named_in_passing_is_less_certain_than_a_reported_deed(nlp, lexicon):  # noqa: F811
    done = _confidence(nlp, lexicon, "The EU imposed new sanctions on Russia.", "European Union", SANCTIONS)
    text = "The sanctions imposed by the EU last year hurt Russia."
    assert _confidence(nlp, lexicon, text, "European Union", SANCTIONS) < done


@pytest.mark.parametrize(
    ("text", "topics", "actor", "rule"),
    [
        ("Russia rejected direct talks with Ukraine.", TALKS, "Russia", "verb/subject"),
        ("Moscow's demand for a ceasefire was heard.", CEASEFIRE, "Russia", "attitude/possessive"),
        ("The EU imposed new sanctions on Russia.", SANCTIONS, "European Union", "action/subject"),
        (
            "The sanctions imposed by the EU last year hurt Russia.",
            SANCTIONS,
            "European Union",
            "deed-agent/agent",
        ),
        ("Trump said Putin had agreed to a ceasefire.", CEASEFIRE, "Vladimir Putin", "verb/subject"),
    ],
)
def test_each_statement_names_the_rule_that_fired(nlp, lexicon, text, topics, actor, rule):  # noqa: F811
    rows = statements(nlp, lexicon, text, topics)
    assert {r["rule"] for r in rows if r["actor"] == actor and r["stance"] != "neutral"} == {rule}
    assert all(r["rule"] == "" for r in rows if r["stance"] == "neutral")
