"""Position matrices on a tiny invented statements table."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.positions import (
    agreement_network,
    cell_evidence,
    position_matrix,
    positions_over_time,
)
from analysis.schema import TABLES, conform, empty_table

# (article, sentence, actor, topic, stance)
STATEMENTS = [
    ("a1", 0, "Vladimir Putin", "territory", "support"),
    ("a1", 1, "Sergei Lavrov", "territory", "support"),
    ("a1", 2, "Volodymyr Zelenskyy", "territory", "oppose"),
    ("a1", 3, "Volodymyr Zelenskyy", "ceasefire", "support"),
    ("a2", 0, "Vladimir Putin", "territory", "oppose"),
    ("a2", 1, "Vladimir Putin", "ceasefire", "neutral"),
    ("a2", 2, "Europe", "ceasefire", "support"),
    ("a3", 0, "Vladimir Putin", "territory", "support"),
    ("a3", 1, "Europe", "territory", "oppose"),
]
ARTICLES = [("a1", "Reuters", "2025-08-04"), ("a2", "AP", "2025-08-20"), ("a3", "Reuters", "")]
AFFILIATION = {
    "Vladimir Putin": "Russia",
    "Sergei Lavrov": "Russia",
    "Volodymyr Zelenskyy": "Ukraine",
    "Europe": "Europe",
}


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    st = [
        {
            "statement_id": f"{a}{s}",
            "article_id": a,
            "sentence_id": s,
            "actor": actor,
            "topic": topic,
            "stance": stance,
            "confidence": 0.8,
            "cue": "",
            "evidence": f"{actor} on {topic}",
            "origin": "auto",
        }
        for a, s, actor, topic, stance in STATEMENTS
    ]
    mentions = [
        {"article_id": a, "sentence_id": s, "actor": actor, "affiliation": AFFILIATION[actor]}
        for a, s, actor, _, _ in STATEMENTS
    ]
    topics = [{"article_id": a, "sentence_id": s, "topic": t, "terms": t} for a, s, _, t, _ in STATEMENTS]
    sentences = [
        {"article_id": a, "sentence_id": s, "text": f"{actor} on {t}"} for a, s, actor, t, _ in STATEMENTS
    ]
    articles = [
        {"article_id": a, "source": src, "published": pub, "title": "", "text": ""}
        for a, src, pub in ARTICLES
    ]
    out = {name: empty_table(name) for name in TABLES}
    out.update(
        statements=conform(st, "statements"),
        mentions=conform(mentions, "mentions"),
        topics=conform(topics, "topics"),
        sentences=conform(sentences, "sentences"),
        articles=conform(articles, "articles"),
    )
    return out


def _cell(frame, actor, topic):
    rows = frame[(frame["actor"] == actor) & (frame["topic"] == topic)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_matrix_counts_net_and_sources(tables):
    m = position_matrix(tables)
    putin = _cell(m, "Vladimir Putin", "territory")
    assert (putin["support"], putin["oppose"], putin["neutral"], putin["n"]) == (2, 1, 0, 3)
    assert putin["net"] == pytest.approx(1 / 3)
    assert (putin["n_sources"], putin["n_articles"]) == (2, 3)
    neutral_only = _cell(m, "Vladimir Putin", "ceasefire")
    assert (neutral_only["neutral"], neutral_only["net"]) == (1, 0.0)
    assert m["net"].between(-1, 1).all()
    assert len(m) == 7  # distinct (actor, topic) pairs in STATEMENTS


def test_matrix_at_affiliation_level_merges_officials(tables):
    m = position_matrix(tables, level="affiliation")
    russia = _cell(m, "Russia", "territory")
    assert (russia["support"], russia["oppose"]) == (3, 1)
    assert "Vladimir Putin" not in set(m["actor"])


def test_matrix_applies_filters(tables):
    m = position_matrix(tables, sources=("AP",))
    assert set(m["actor"]) == {"Vladimir Putin", "Europe"}
    assert _cell(m, "Vladimir Putin", "territory")["oppose"] == 1
    by_topic = position_matrix(tables, topics=("ceasefire",))
    assert set(by_topic["topic"]) == {"ceasefire"}
    by_affiliation = position_matrix(tables, affiliations=("Russia",))
    assert set(by_affiliation["actor"]) == {"Vladimir Putin", "Sergei Lavrov"}


def test_unknown_filter_or_level_fails_loudly(tables):
    with pytest.raises(TypeError, match="unknown filter"):
        position_matrix(tables, actor=("Russia",))
    with pytest.raises(ValueError, match="level must be one of"):
        position_matrix(tables, level="country")


def test_empty_statements_give_an_empty_matrix(tables):
    tables["statements"] = empty_table("statements")
    m = position_matrix(tables)
    assert m.empty and list(m.columns)[:4] == ["actor", "topic", "support", "oppose"]


def test_agreement_network_agree_and_conflict(tables):
    edges = agreement_network(tables).set_index(["actor_a", "actor_b"])
    # Putin holds territory support and oppose; Zelenskyy territory oppose, ceasefire support
    pz = edges.loc[("Vladimir Putin", "Volodymyr Zelenskyy")]
    assert (pz["agree"], pz["conflict"]) == (1, 1)
    lz = edges.loc[("Sergei Lavrov", "Volodymyr Zelenskyy")]
    assert (lz["agree"], lz["conflict"], lz["net"]) == (0, 1, -1.0)
    assert lz["conflict_norm"] == pytest.approx(1 / 1.5)
    ez = edges.loc[("Europe", "Volodymyr Zelenskyy")]
    assert (ez["agree"], ez["topics"]) == (2, "ceasefire; territory")
    assert edges[["agree_norm", "conflict_norm"]].le(1).all().all()


def test_agreement_network_ignores_neutral(tables):
    tables["statements"] = tables["statements"].assign(stance="neutral")
    assert agreement_network(tables).empty


def test_network_at_affiliation_level(tables):
    edges = agreement_network(tables, level="affiliation")
    assert set(edges["actor_a"]) | set(edges["actor_b"]) == {"Russia", "Ukraine", "Europe"}


def test_positions_over_time_by_month_and_week(tables):
    monthly = positions_over_time(tables, freq="M")
    assert set(monthly["period"]) == {"2025-08-01"}
    assert _cell(monthly, "Vladimir Putin", "territory")["oppose"] == 1
    assert monthly.attrs["undated"] == 2  # the two statements of the undated article a3
    weekly = positions_over_time(tables, freq="W")
    assert set(weekly["period"]) == {"2025-08-04", "2025-08-18"}  # Monday-starting weeks
    with pytest.raises(ValueError, match="freq"):
        positions_over_time(tables, freq="D")


def test_cell_evidence_lists_the_sentences_behind_a_cell(tables):
    ev = cell_evidence(tables, "Russia", "territory", level="affiliation")
    assert len(ev) == 4
    assert set(ev["actor"]) == {"Vladimir Putin", "Sergei Lavrov"}
    assert ev["evidence"].str.contains("territory").all()
