"""Stance constructions of issue #16 on invented sentences: who holds a position when the parse hides it.

Lists hung as appositions ("A, B and C pledged"), the group noun's "of" phrase ("the leaders of A and B"),
passive agents in coordination, texts speaking for their issuers ("a statement signed by A and B"),
coordinated clauses with subjects of their own, and a cue describing a rule that a reversal verb does
away with ("removed the clause barring X"). Every sentence is written for this file.
"""

from __future__ import annotations

import pytest

from analysis.extract.stance import find_statements
from tests.test_stance import ACTORS, AFFILIATION, lexicon, mentions_of, nlp, polar, topics_of  # noqa: F401

MORE_ACTORS = {
    **ACTORS,
    "Britain": ("United Kingdom", "state"),
    "Germany": ("Germany", "state"),
    "Italy": ("Italy", "state"),
    "Poland": ("Poland", "state"),
    "Spain": ("Spain", "state"),
    "Merz": ("Friedrich Merz", "person"),
    "Tusk": ("Donald Tusk", "person"),
    "Sanchez": ("Pedro Sanchez", "person"),
    "Kallas": ("Kaja Kallas", "person"),
    "Hamas": ("Hamas", "organisation"),
}

TROOPS = {"troop_deployment": "troops"}
TERRITORY = {"territory": "territory; cedes"}
CEASEFIRE = {"ceasefire": "ceasefire"}
SANCTIONS = {"sanctions": "sanctions"}
TALKS = {"negotiations_summits": "talks"}


def _mentions(doc) -> list[dict]:
    return mentions_of(doc, MORE_ACTORS, AFFILIATION)


def stances(nlp, lexicon, text, topics):  # noqa: F811
    doc = nlp(text)
    return polar(find_statements(doc, _mentions(doc), topics_of(doc, topics), lexicon))


CASES = [
    # a list the parser hangs as appositions, or whose first names it hangs elsewhere: every name holds it
    (
        "Tusk, Sanchez and Merz pledged troops to the mission.",
        TROOPS,
        {
            ("Donald Tusk", "troop_deployment", "support"),
            ("Pedro Sanchez", "troop_deployment", "support"),
            ("Friedrich Merz", "troop_deployment", "support"),
        },
    ),
    (
        "After the vote, Tusk, Sanchez and Merz called for a ceasefire.",
        CEASEFIRE,
        {
            ("Donald Tusk", "ceasefire", "support"),
            ("Pedro Sanchez", "ceasefire", "support"),
            ("Friedrich Merz", "ceasefire", "support"),
        },
    ),
    # ... but an apposition that renames is no list
    (
        "Moscow's envoy, Ushakov, rejected the ceasefire.",
        CEASEFIRE,
        {("Yuri Ushakov", "ceasefire", "oppose")},
    ),
    # the group noun's "of" phrase names the states, each of them
    (
        "The leaders of Poland and Spain endorsed the ceasefire on Friday.",
        CEASEFIRE,
        {("Poland", "ceasefire", "support"), ("Spain", "ceasefire", "support")},
    ),
    # a text speaks for those who issued or signed it
    (
        "A joint statement issued by Germany and Italy demanded new sanctions.",
        SANCTIONS,
        {("Germany", "sanctions", "support"), ("Italy", "sanctions", "support")},
    ),
    (
        "The declaration, signed by Poland, Spain and Britain, rejects any ceasefire on Russian terms.",
        CEASEFIRE,
        {
            ("Poland", "ceasefire", "oppose"),
            ("Spain", "ceasefire", "oppose"),
            ("United Kingdom", "ceasefire", "oppose"),
        },
    ),
    # a text with no named source holds nothing
    ("The statement rejected new sanctions.", SANCTIONS, set()),
    # a passive agent in coordination
    (
        "The ceasefire was rejected by Poland and Spain.",
        CEASEFIRE,
        {("Poland", "ceasefire", "oppose"), ("Spain", "ceasefire", "oppose")},
    ),
    # a coordinated clause with its own subject: its judgement climbs to the speaker, not the first subject
    (
        "Kallas has argued that the talks are a farce and that new sanctions would be a mistake.",
        SANCTIONS,
        {("Kaja Kallas", "sanctions", "oppose")},
    ),
    # a rule or clause that a reversal verb does away with: its holder takes the other side
    (
        "Poland and Spain removed the clause barring foreign troops from the mission.",
        TROOPS,
        {("Poland", "troop_deployment", "support"), ("Spain", "troop_deployment", "support")},
    ),
    (
        "Germany repealed a rule prohibiting sanctions on grain traders.",
        SANCTIONS,
        {("Germany", "sanctions", "support")},
    ),
    (
        "Poland removed a clause that bars foreign troops.",
        TROOPS,
        {("Poland", "troop_deployment", "support")},
    ),
    # ... while writing such a clause is read as the clause says
    (
        "Germany drafted a law barring foreign troops from the mission.",
        TROOPS,
        {("Germany", "troop_deployment", "oppose")},
    ),
    # (8) signing or refusing to sign is a position on what is signed
    (
        "Poland and Spain signed the ceasefire on Sunday.",
        CEASEFIRE,
        {("Poland", "ceasefire", "support"), ("Spain", "ceasefire", "support")},
    ),
    ("Italy refused to sign the ceasefire.", CEASEFIRE, {("Italy", "ceasefire", "oppose")}),
    # a group noun with the actor as its modifier ("the Hamas movement") is that actor
    ("The Hamas movement signed the ceasefire.", CEASEFIRE, {("Hamas", "ceasefire", "support")}),
    # the nearest term may be one the cue does not speak for; a later one of the same topic is read
    (
        "Kyiv would not sign any deal that cedes territory.",
        TERRITORY,
        {("Ukraine", "territory", "oppose")},
    ),
    # a passive participle with its agent is about the noun it modifies
    (
        "The ceasefire, backed by Poland and Spain, took effect at noon.",
        CEASEFIRE,
        {("Poland", "ceasefire", "support"), ("Spain", "ceasefire", "support")},
    ),
    (
        "Germany rejected the sanctions championed by Italy.",
        SANCTIONS,
        {("Germany", "sanctions", "oppose"), ("Italy", "sanctions", "support")},
    ),
    # ... and one without an agent names no holder, not even the speaker around it
    ("Tusk recalled that the last ceasefire was never signed.", CEASEFIRE, set()),
    ("Kallas said the sanctions were rejected in March.", SANCTIONS, set()),
    # (4) a step towards something, a document in support of it
    (
        "Merz called the summit a first step towards a ceasefire.",
        CEASEFIRE,
        {("Friedrich Merz", "ceasefire", "support")},
    ),
    ("Spain is firmly in support of the ceasefire.", CEASEFIRE, {("Spain", "ceasefire", "support")}),
    # (8) hosting, convening, brokering or mediating talks or a deal is a position for it
    ("Poland hosted the talks in Warsaw last week.", TALKS, {("Poland", "negotiations_summits", "support")}),
    ("Italy brokered the ceasefire in June.", CEASEFIRE, {("Italy", "ceasefire", "support")}),
    # ... but the nouns of those verbs name a person or a thing
    ("Merz thanked his host for the talks.", TALKS, set()),
    # a reported passive with its agent is the agent's, not the speaker's
    (
        "Tusk said the ceasefire was brokered by Merz.",
        CEASEFIRE,
        {("Friedrich Merz", "ceasefire", "support")},
    ),
    # (9) what is not a position: unfinished business, a reported possibility, unnamed others, "you"
    ("Spain has not yet accepted the ceasefire.", CEASEFIRE, set()),
    ("Tusk said they have not yet found a ceasefire formula.", CEASEFIRE, set()),
    ("Merz said Spain might accept the ceasefire.", CEASEFIRE, set()),
    ("Merz said the two governments had agreed to a ceasefire.", CEASEFIRE, set()),
    ("Merz said you cannot back a ceasefire if the shelling goes on.", CEASEFIRE, set()),
    # ... while a group the speaker speaks for, committing to the future, is the speaker's
    (
        "Merz says the panel he leads will press for a ceasefire.",
        CEASEFIRE,
        {("Friedrich Merz", "ceasefire", "support")},
    ),
    # a term described as a bad instance of itself: the cue is about that kind, not the topic
    ("Merz said he does not want a wasted summit.", {"negotiations_summits": "summit"}, set()),
    ("Spain rejected an unfair ceasefire.", CEASEFIRE, set()),
    ("Spain rejected the ceasefire.", CEASEFIRE, {("Spain", "ceasefire", "oppose")}),
    # (4) committing to something; a relative clause of containing carries the noun's content
    (
        "The declaration, signed by Poland and Spain, commits both to deploy troops.",
        TROOPS,
        {("Poland", "troop_deployment", "support"), ("Spain", "troop_deployment", "support")},
    ),
    (
        "Italy proposed a plan that included a ceasefire.",
        CEASEFIRE,
        {("Italy", "ceasefire", "support")},
    ),
    ("Italy proposed a plan that mentioned a ceasefire.", CEASEFIRE, set()),
    # "as part of" frames what is committed, it is not its object
    ("Spain will commit ships as part of the ceasefire.", CEASEFIRE, set()),
    # (4) praise and commendation; (1) the owner of a cue noun named by an adjective; a decision
    ("Tusk praised the ceasefire.", CEASEFIRE, {("Donald Tusk", "ceasefire", "support")}),
    (
        "The Ukrainian proposal for a ceasefire was welcomed by Spain.",
        CEASEFIRE,
        {("Ukraine", "ceasefire", "support"), ("Spain", "ceasefire", "support")},
    ),
    ("Italy's decision to send troops surprised Merz.", TROOPS, {("Italy", "troop_deployment", "support")}),
    # the means of what a cue supports is supported too ("a settlement through talks")
    (
        "Spain supports a settlement through talks.",
        TALKS,
        {("Spain", "negotiations_summits", "support")},
    ),
]


@pytest.mark.parametrize(("text", "topics", "expected"), CASES, ids=[c[0][:48] for c in CASES])
def test_constructions(nlp, lexicon, text, topics, expected):  # noqa: F811
    assert stances(nlp, lexicon, text, topics) == expected


def test_insisting_on_the_line_of_contact_opposes_ceding_territory(nlp, lexicon):  # noqa: F811
    """The territory topic's polarity (topics.yaml): holding to the line of contact is no concession."""
    topics = {"territory": "line of contact"}
    text = "Poland insisted on the current line of contact as the basis of any deal."
    assert stances(nlp, lexicon, text, topics) == {("Poland", "territory", "oppose")}
    text = "Russia rejected the line of contact as a basis for talks."
    assert stances(nlp, lexicon, text, topics) == {("Russia", "territory", "support")}


PRONOUN_CASES = [
    # a name inside a phrase opening the pronoun's own clause is not its antecedent
    (
        "Merz flew to Warsaw. After a long lunch with Tusk, he said Germany would send troops.",
        TROOPS,
        {("Friedrich Merz", "troop_deployment", "support")},
    ),
    # with no subject to go by, the first actor of the latest sentence naming one
    (
        "The summit ended.\n\nA day later, in Madrid, Sanchez met Merz.\n\nHe said Spain would send troops.",
        TROOPS,
        {("Pedro Sanchez", "troop_deployment", "support")},
    ),
    # "X said he ...": an unnamed reporter ("the minister") is the pronoun's referent, not a name nearby
    (
        "Merz met Tusk on Monday. The minister has said he is ready to send troops.",
        TROOPS,
        set(),
    ),
    # "the country" is the state last named as a subject
    (
        "Spain hosted the talks with Italy. Its king met Merz, and the country has rejected new sanctions.",
        SANCTIONS,
        {("Spain", "sanctions", "oppose")},
    ),
    # a coordinated verb of saying does not report its sibling clause ("maintain" is also a verb of saying)
    (
        "Sanchez maintains close ties with Merz, and Spain has rejected new sanctions.",
        SANCTIONS,
        {("Spain", "sanctions", "oppose")},
    ),
]


@pytest.mark.parametrize(
    ("text", "topics", "expected"), PRONOUN_CASES, ids=[c[0][:40] for c in PRONOUN_CASES]
)
def test_pronouns_and_definites(nlp, lexicon, text, topics, expected):  # noqa: F811
    doc = nlp(text)
    rows = _mentions(doc)
    for m in rows:  # the speakers of a state: Sanchez speaks for Spain, Merz for Germany
        m["affiliation"] = {"Pedro Sanchez": "Spain", "Friedrich Merz": "Germany"}.get(m["actor"], m["actor"])
    assert polar(find_statements(doc, rows, topics_of(doc, topics), lexicon)) == expected


def test_transcript_label_matches_the_surname_as_the_article_spells_it(nlp, lexicon):  # noqa: F811
    """The label "SANCHES:" (one spelling) names the person the article mentions as "Sanches"."""
    text = "Press conference with Pedro Sanches\n\nSANCHES: We support a ceasefire now."
    doc = nlp(text)
    rows = _mentions(doc)
    start = text.index("Pedro Sanches")
    rows.append(
        {
            "sentence_id": 0,
            "actor": "Pedro Sanchez",
            "actor_type": "person",
            "affiliation": "Spain",
            "surface": "Pedro Sanches",
            "start_char": start,
            "end_char": start + len("Pedro Sanches"),
        }
    )
    rows.sort(key=lambda r: r["start_char"])
    found = polar(find_statements(doc, rows, topics_of(doc, CEASEFIRE), lexicon))
    assert found == {("Pedro Sanchez", "ceasefire", "support")}


def test_reported_negation_is_less_certain(nlp, lexicon):  # noqa: F811
    """A reported clause reversed by a negation that is no polar word of its own ("could not be forced to")
    ranks below one without (cues.yaml confidence `negated`; a refusal, "would not send", does not: see
    tests/test_stance_negation_reading.py)."""

    def conf(text):
        doc = nlp(text)
        rows = find_statements(doc, _mentions(doc), topics_of(doc, TROOPS), lexicon)
        return next(
            r["confidence"] for r in rows if r["actor"] == "Emmanuel Macron" and r["stance"] != "neutral"
        )

    assert conf("Macron said France could not be forced to send troops.") < conf(
        "Macron said France would send troops."
    )
