"""Position matrices on a tiny invented statements table."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from analysis.query.positions import (
    agreement_edges,
    agreement_network,
    cell_evidence,
    position_matrix,
    positions_over_time,
)
from analysis.store.schema import TABLES, conform, empty_table

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


def test_positions_over_time_of_one_topic(tables):
    one = positions_over_time(tables, freq="W", topic="ceasefire")
    assert set(one["topic"]) == {"ceasefire"}
    whole = positions_over_time(tables, freq="W")
    pd.testing.assert_frame_equal(one, whole[whole["topic"] == "ceasefire"].reset_index(drop=True))


def _random_view(seed: int, n_holders: int, n_topics: int, n: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "holder": pd.array([f"h{i:03d}" for i in rng.integers(0, n_holders, n)], dtype="string"),
            "topic": pd.array([f"t{i:02d}" for i in rng.integers(0, n_topics, n)], dtype="string"),
            "stance": pd.array(rng.choice(["support", "oppose", "neutral"], n), dtype="string"),
        }
    )


def _plain_edges(view: pd.DataFrame) -> pd.DataFrame:
    """The agreement edges written out pair by pair (the definition in the docstring)."""
    pos = view[view["stance"].isin(["support", "oppose"])].drop_duplicates()
    held = {h: set(zip(g["topic"], g["stance"], strict=True)) for h, g in pos.groupby("holder")}
    rows = []
    for a, b in itertools.combinations(sorted(held), 2):
        ta, tb = {t for t, _ in held[a]}, {t for t, _ in held[b]}
        shared = ta & tb
        if not shared:
            continue
        agree = len(held[a] & held[b])
        rows.append((a, b, agree, "; ".join(sorted(shared))))
    return pd.DataFrame(rows, columns=["actor_a", "actor_b", "agree", "topics"])


@pytest.mark.parametrize("n_topics", [5, 70])  # one 64-bit word per holder, and two
def test_agreement_edges_equal_the_pairwise_definition(n_topics):
    view = _random_view(1, 40, n_topics, 600)
    got = agreement_edges(view).sort_values(["actor_a", "actor_b"]).reset_index(drop=True)
    want = _plain_edges(view)
    pd.testing.assert_frame_equal(got[["actor_a", "actor_b", "agree", "topics"]], want, check_dtype=False)


def test_agreement_edges_of_the_top_holders():
    view = _random_view(2, 60, 8, 900)
    every = agreement_edges(view)
    weight = every["agree"] + every["conflict"]
    totals = (
        pd.concat(
            [pd.Series(weight.to_numpy(), index=every[end].to_numpy()) for end in ("actor_a", "actor_b")]
        )
        .groupby(level=0)
        .sum()
    )
    busiest = set(totals.reset_index().sort_values([0, "index"], ascending=[False, True])["index"].head(12))
    top = agreement_edges(view, top=12)
    assert set(top["actor_a"]) | set(top["actor_b"]) <= busiest
    inside = every[every["actor_a"].isin(busiest) & every["actor_b"].isin(busiest)].reset_index(drop=True)
    pd.testing.assert_frame_equal(top.reset_index(drop=True), inside)
    assert len(top) < len(every)


@pytest.mark.parametrize("topics", [(), ("ceasefire",)])
def test_the_agreement_network_is_that_of_the_actors_positions(tables, topics):
    """The network from the matrix equals the edges of every actor's distinct support/oppose positions."""
    st = tables["statements"]
    st = st[st["stance"].isin(["support", "oppose"]) & (st["topic"].isin(topics) if topics else True)]
    positions = st.rename(columns={"actor": "holder"})[["holder", "topic", "stance"]].drop_duplicates()
    for top in (None, 2):
        pd.testing.assert_frame_equal(
            agreement_network(tables, top=top, topics=topics).reset_index(drop=True),
            agreement_edges(positions.astype("string")).reset_index(drop=True)
            if top is None
            else agreement_edges(positions.astype("string"), top=top).reset_index(drop=True),
            check_dtype=False,
            obj=f"{top} {topics}",
        )
