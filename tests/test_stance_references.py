"""Positions on a topic named only by reference across sentences: general nouns for what was done or put
forward ("welcomed the decision"), "them" for a plural term, "on this point" agreement, and "it" for the
one noun topic. Sentences written for these tests; they run the real model, knowledge base, topic tagger
and stance rules, on the shipped taxonomy and on the DRC test taxonomy."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.extract.actors import find_mentions
from analysis.extract.stance import find_statements, load_lexicon
from analysis.extract.topics import load_taxonomy, tag_topics

DRC_TAXONOMY = Path(__file__).parent / "domain_drc_taxonomy.yaml"


@pytest.fixture(scope="module")
def parts():
    from analysis.extract.nlp import load_kb, load_nlp

    kb = load_kb()
    return load_nlp(kb=kb)[0], kb


def _runner(parts, taxonomy):
    nlp, kb = parts
    lexicon = load_lexicon(None, taxonomy)

    def statements(text: str) -> list[dict]:
        doc = nlp(text)
        return find_statements(doc, find_mentions(doc, kb), tag_topics(doc, taxonomy), lexicon, kb)

    return statements


@pytest.fixture(scope="module")
def run(parts):
    return _runner(parts, load_taxonomy())


@pytest.fixture(scope="module")
def topics_of(parts):
    nlp, tax = parts[0], load_taxonomy()

    def rows(text: str) -> dict[int, dict[str, dict]]:
        out: dict[int, dict[str, dict]] = {}
        for row in tag_topics(nlp(text), tax):
            out.setdefault(row["sentence_id"], {})[row["topic"]] = row
        return out

    return rows


def polar(rows: list[dict]) -> set[tuple[str, str, str]]:
    return {(r["actor"], r["topic"], r["stance"]) for r in rows if r["stance"] != "neutral"}


def row_of(rows: list[dict], actor: str, topic: str) -> dict:
    return next(r for r in rows if r["actor"] == actor and r["topic"] == topic and r["stance"] != "neutral")


def test_a_general_noun_takes_the_topic_of_the_sentence_before(run):
    rows = run(
        "Kinshasa and Kigali agreed to a ceasefire on Friday. The African Union welcomed the decision."
    )
    assert ("African Union", "ceasefire", "support") in polar(rows)
    taken = row_of(rows, "African Union", "ceasefire")
    assert "agreed to a ceasefire" in taken["evidence"] and "welcomed the decision" in taken["evidence"]
    direct = run("The African Union welcomed the ceasefire.")
    assert taken["confidence"] < row_of(direct, "African Union", "ceasefire")["confidence"]


def test_the_reference_is_recorded_on_the_topic_row(topics_of):
    rows = topics_of(
        "Kinshasa and Kigali agreed to a ceasefire on Friday. The African Union welcomed the decision."
    )
    ref = rows[1]["ceasefire"]
    assert ref["reference"] is True and ref["antecedent"] == 0 and "the decision" in ref["terms"]


def test_a_general_noun_looks_three_sentences_back_but_no_further(topics_of):
    near = topics_of("Moscow demanded a ceasefire. It rained all day. Snow fell. Kyiv rejected the proposal.")
    assert "ceasefire" in near.get(3, {})
    far = topics_of(
        "Moscow demanded a ceasefire. It rained. Snow fell. Rivers froze. Kyiv rejected the proposal."
    )
    assert "ceasefire" not in far.get(4, {})


def test_no_antecedent_no_position(run):
    rows = run(
        "The weather was cold in Brussels. Analysts said the market was calm. "
        "The Kremlin condemned the decision."
    )
    assert not polar(rows)


def test_two_competing_topics_give_no_position(run):
    rows = run(
        "Diplomats said sanctions and a ceasefire were both discussed. The Kremlin condemned the decision."
    )
    assert not any(r[0] == "Russia" for r in polar(rows))


def test_the_topic_the_sentence_reports_wins_over_a_side_clause(topics_of):
    rows = topics_of(
        "The EU imposed new sanctions on Moscow, while the ceasefire talks stalled. "
        "The Kremlin condemned the decision."
    )
    assert "sanctions" in rows.get(1, {}) and "ceasefire" not in rows.get(1, {})


def test_a_forward_or_described_noun_is_not_a_reference(topics_of):
    forward = topics_of(
        "Kinshasa and Kigali agreed to a ceasefire. The mediator said the next step would be hard."
    )
    assert "ceasefire" not in forward.get(1, {})
    own = topics_of(
        "Kinshasa and Kigali agreed to a ceasefire. The mediator welcomed the decision on grain exports."
    )
    assert "ceasefire" not in own.get(1, {})


def test_them_repeats_the_one_plural_term_along_a_chain(run):
    rows = run(
        "Security guarantees are the crux of the matter. Kyiv has made them its first condition. "
        "Washington has promised them in principle."
    )
    assert {
        ("Ukraine", "security_guarantees", "support"),
        ("United States", "security_guarantees", "support"),
    } <= polar(rows)
    promised = row_of(rows, "United States", "security_guarantees")
    assert promised["evidence"].startswith("Security guarantees are the crux")  # the naming sentence first


def test_them_with_another_plural_before_is_no_topic_reference(topics_of):
    rows = topics_of("European leaders discussed security guarantees on Monday. Washington welcomed them.")
    assert "security_guarantees" not in rows.get(1, {})
    rows = topics_of("Security guarantees matter to Paris and Berlin. Washington welcomed them.")
    assert "security_guarantees" not in rows.get(1, {})


def test_agreeing_on_this_point_shares_the_position_before(run):
    rows = run(
        "Kallas said a cap on Ukraine's army would be a gift to the aggressor. "
        "On this point at least, Paris and Berlin are fully aligned."
    )
    assert {("France", "military_limits", "oppose"), ("Germany", "military_limits", "oppose")} <= polar(rows)
    assert "gift to the aggressor" in row_of(rows, "France", "military_limits")["evidence"]


def test_agreement_on_this_point_negated_or_with_someone_is_not_shared_here(run):
    base = "Kallas said a cap on Ukraine's army would be a gift to the aggressor. "
    assert not any(
        r[0] == "France" for r in polar(run(base + "On this point, Paris and Berlin are not aligned."))
    )
    assert not any(r[0] == "France" for r in polar(run(base + "Paris and Berlin agree on something else.")))


def test_it_stands_for_the_noun_topic_not_the_action(run):
    rows = run(
        "Senator Wicker said the 28-point plan would force Ukraine to give up its land. "
        "Congressman Gregory Meeks called it a capitulation."
    )
    assert ("Gregory Meeks", "peace_plan", "oppose") in polar(rows)
    assert not any(r[0] == "Gregory Meeks" and r[1] == "territory" for r in polar(rows))


def test_a_far_antecedent_is_quoted_with_a_gap_mark(run):
    rows = run(
        "Senators introduced a Russia sanctions bill on Tuesday. The weather was cold. "
        "Snow fell in the capital. "
        "The Kremlin dismissed the bill as theatre."
    )
    taken = row_of(rows, "Russia", "sanctions")
    assert (
        taken["evidence"].startswith("Senators introduced")
        and " … The Kremlin dismissed" in taken["evidence"]
    )


def test_general_references_work_from_another_taxonomy(parts):
    run_drc = _runner(parts, load_taxonomy(DRC_TAXONOMY))
    rows = run_drc("The M23 agreed to withdraw from Goma on Tuesday. Kinshasa welcomed the decision.")
    assert ("Democratic Republic of the Congo", "m23_withdrawal", "support") in polar(rows)


def test_a_text_whose_content_was_given_earlier_is_about_that_topic(run):
    rows = run(
        "Senators tabled a bill to impose tariffs on buyers of Russian oil. Weeks passed. "
        "Snow fell in Washington. Markets shrugged. The Kremlin dismissed the bill."
    )
    assert ("Russia", "sanctions", "oppose") in polar(rows)
    rows = run(
        "The council adopted a resolution calling for an immediate ceasefire. Moscow rejected the resolution."
    )
    assert ("Russia", "ceasefire", "oppose") in polar(rows)


def test_a_noun_the_article_gave_a_content_of_its_own_is_not_the_next_topic(topics_of):
    rows = topics_of(
        "Senators tabled a bill to fund new schools. Weeks passed. The EU imposed new sanctions on Moscow. "
        "The Kremlin dismissed the bill."
    )
    assert "sanctions" not in rows.get(3, {})
