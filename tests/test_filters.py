"""The one filter function: table-driven checks on a tiny hand-made corpus."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from analysis.query import Query, apply_filters
from analysis.query.filters import Filters, describe, filters_from_query, filters_to_query
from analysis.store import schema


@pytest.fixture()
def tables():
    arts = [
        {
            "article_id": "a1",
            "source": "Wire",
            "published": "2025-08-18",
            "title": "Summit",
            "text": "Putin met Trump.",
        },
        {
            "article_id": "a2",
            "source": "Daily",
            "published": "2025-08-25",
            "title": "Guarantees",
            "text": "Zelenskyy wants guarantees.",
        },
        {"article_id": "a3", "source": "Daily", "published": "", "title": "Undated", "text": "Trump spoke."},
    ]
    sents = [
        {"article_id": "a1", "sentence_id": 0, "text": "Putin met Trump."},
        {"article_id": "a2", "sentence_id": 0, "text": "Zelenskyy wants guarantees."},
        {"article_id": "a3", "sentence_id": 0, "text": "Trump spoke."},
    ]
    ments = [
        {"article_id": "a1", "sentence_id": 0, "actor": "Vladimir Putin", "affiliation": "Russia"},
        {"article_id": "a1", "sentence_id": 0, "actor": "Donald Trump", "affiliation": "United States"},
        {"article_id": "a2", "sentence_id": 0, "actor": "Volodymyr Zelenskyy", "affiliation": "Ukraine"},
        {"article_id": "a3", "sentence_id": 0, "actor": "Donald Trump", "affiliation": "United States"},
    ]
    tops = [
        {"article_id": "a1", "sentence_id": 0, "topic": "negotiations_summits"},
        {"article_id": "a2", "sentence_id": 0, "topic": "security_guarantees"},
    ]
    stmts = [
        {
            "article_id": "a2",
            "sentence_id": 0,
            "actor": "Volodymyr Zelenskyy",
            "topic": "security_guarantees",
            "stance": "support",
        },
    ]
    events = [
        {
            "article_id": "a1",
            "sentence_id": 0,
            "date": "2025-08-15",
            "actors": "Vladimir Putin; Donald Trump",
            "topics": "negotiations_summits",
        }
    ]
    rows = {
        "articles": arts,
        "sentences": sents,
        "mentions": ments,
        "topics": tops,
        "statements": stmts,
        "events": events,
    }
    return {name: schema.conform(rows.get(name), name) for name in schema.TABLES}


@pytest.mark.parametrize(
    "filters, table, expected",
    [
        (Filters(), "articles", ["a1", "a2", "a3"]),
        (Filters(sources=("Daily",)), "articles", ["a2", "a3"]),
        (Filters(start="2025-08-20"), "articles", ["a2"]),
        (Filters(end="2025-08-20"), "mentions", ["a1", "a1"]),
        (Filters(actors=("Donald Trump",)), "mentions", ["a1", "a3"]),
        (Filters(actors=("Donald Trump",)), "articles", ["a1", "a3"]),
        (Filters(affiliations=("Russia",)), "mentions", ["a1"]),
        # statements and events have no affiliation of their own: their actors act for one
        (Filters(affiliations=("Ukraine",)), "statements", ["a2"]),
        (Filters(affiliations=("Russia",)), "statements", []),
        (Filters(affiliations=("Russia",)), "events", ["a1"]),
        (Filters(affiliations=("Ukraine",)), "events", []),
        (Filters(actors=("Donald Trump",)), "events", ["a1"]),
        (Filters(actors=("Donald Trump",)), "sentences", ["a1", "a3"]),
        (Filters(topics=("security_guarantees",)), "mentions", ["a2"]),
        (Filters(topics=("security_guarantees",)), "statements", ["a2"]),
        (Filters(topics=("negotiations_summits",)), "events", ["a1"]),
        (Filters(topics=("negotiations_summits",)), "articles", ["a1"]),
        (Filters(search="GUARANTEES"), "sentences", ["a2"]),
        (Filters(search="spoke"), "articles", ["a3"]),
        (Filters(sources=("Wire",), topics=("security_guarantees",)), "statements", []),
    ],
)
def test_apply_filters(tables, filters, table, expected):
    assert list(apply_filters(tables, filters)[table]["article_id"]) == expected


def test_filters_do_not_mutate_and_keep_problems(tables):
    before = {k: v.copy() for k, v in tables.items()}
    out = apply_filters(tables, Filters(actors=("Donald Trump",)))
    for name, frame in before.items():
        assert frame.equals(tables[name])
    pd.testing.assert_frame_equal(out["problems"], schema.conform(tables["problems"], "problems"))


def test_query_round_trip_and_description():
    f = Filters(
        actors=("Donald Trump", "Vladimir Putin"), topics=("ceasefire",), start="2025-08-01", search="deal"
    )
    query = filters_to_query(f)
    assert query["actors"] == "Donald Trump|Vladimir Putin"
    assert filters_from_query(query) == f
    assert filters_from_query({}) == Filters()
    assert describe(Filters()) == "All articles"
    assert "Topics: ceasefire" in describe(f) and "2025-08-01" in describe(f)


# --- the integer-keyed implementation equals the plain definition ---------------------------------------


def _reference(tables: dict, f: Filters) -> dict:
    """`apply_filters` written out plainly from the module docstring (the pre-optimisation version)."""
    if not f.active:
        return dict(tables)

    def keys(frame):
        return pd.MultiIndex.from_frame(frame[["article_id", "sentence_id"]].astype({"sentence_id": "Int64"}))

    # who acts for whom: each actor's most frequent mention affiliation, ties alphabetical
    m_all = tables["mentions"].dropna(subset=["actor"])
    m_all = m_all[m_all["affiliation"].fillna("") != ""]
    tally = m_all.groupby(["actor", "affiliation"]).size().reset_index(name="k")
    main = tally.sort_values(["actor", "k", "affiliation"], ascending=[True, False, True]).drop_duplicates(
        "actor"
    )
    main = dict(zip(main["actor"], main["affiliation"], strict=True))

    def acts_for_chosen(actor):
        return pd.notna(actor) and main.get(actor, actor) in f.affiliations

    acting = {a for a in set(main) | set(f.affiliations) if acts_for_chosen(a)}

    def actor_rows(frame):
        keep = pd.Series(False, index=frame.index)
        if f.actors:
            keep |= frame["actor"].isin(f.actors)
        if f.affiliations and "affiliation" in frame:
            keep |= frame["affiliation"].isin(f.affiliations)
        elif f.affiliations:
            keep |= frame["actor"].map(acts_for_chosen).astype(bool)
        return keep

    def contains_any(column, values):
        return column.fillna("").str.split("; ").map(lambda items: bool(set(values).intersection(items)))

    arts = tables["articles"]
    keep = pd.Series(True, index=arts.index)
    if f.sources:
        keep &= arts["source"].fillna("").isin(f.sources)
    published = arts["published"].fillna("")
    if f.start:
        keep &= (published != "") & (published.str.slice(0, 10) >= f.start[:10])
    if f.end:
        keep &= (published != "") & (published.str.slice(0, 10) <= f.end[:10])
    if f.search:
        text = arts["title"].fillna("") + "\n" + arts["text"].fillna("")
        keep &= text.str.contains(f.search, case=False, regex=False)
    ids = set(arts.loc[keep.fillna(False), "article_id"])
    m, t, s = tables["mentions"], tables["topics"], tables["sentences"]
    actor_sents = keys(m[actor_rows(m)]) if (f.actors or f.affiliations) else None
    topic_sents = keys(t[t["topic"].isin(f.topics)]) if f.topics else None
    search_sents = (
        keys(s[s["text"].fillna("").str.contains(f.search, case=False, regex=False)]) if f.search else None
    )
    out = dict(tables)
    for name, frame in tables.items():
        if name == "problems" or "article_id" not in frame:
            continue
        keep = frame["article_id"].isin(ids)
        if name == "articles":
            for sents in (actor_sents, topic_sents):
                if sents is not None:
                    keep &= frame["article_id"].isin(set(sents.get_level_values(0)))
        else:
            has_sentence = "sentence_id" in frame

            def in_(sents, frame=frame):
                return pd.Series(keys(frame).isin(sents), index=frame.index)

            if f.actors or f.affiliations:
                if "actor" in frame:
                    keep &= actor_rows(frame)
                elif name == "events":
                    keep &= contains_any(frame["actors"], f.actors + f.affiliations + tuple(acting))
                elif has_sentence:
                    keep &= in_(actor_sents)
            if f.topics:
                if "topic" in frame:
                    keep &= frame["topic"].isin(f.topics)
                elif name == "events":
                    keep &= contains_any(frame["topics"], f.topics)
                elif has_sentence:
                    keep &= in_(topic_sents)
            if f.search and has_sentence:
                keep &= in_(search_sents)
        out[name] = frame[keep.fillna(False).astype(bool)].reset_index(drop=True)
    return out


def _random_tables(seed: int) -> dict:
    """Small random tables with the awkward cases: missing values, unknown articles, month/year dates."""
    rng = random.Random(seed)
    actors = [("Ann", "Aland"), ("Bo", "Bland"), ("Aland", "Aland"), ("Cy", None), ("Di", "Bland")]
    topics, sources = ["t1", "t2", "t3"], ["S1", "S2", None, ""]
    dates = ["2025-01-05", "2025-02-10", "2025-02", "2025", "", None, "2025-03-15"]
    words = ["talks", "Deal", "ceasefire", "the", "x\ny"]
    arts, sents, ments, tops, stmts, events = [], [], [], [], [], []
    for i in range(rng.randint(3, 12)):
        aid = f"a{i}"
        arts.append({"article_id": aid, "source": rng.choice(sources), "published": rng.choice(dates),
                     "title": rng.choice(words), "text": " ".join(rng.sample(words, 2))})  # fmt: skip
        for j in range(rng.randint(0, 5)):
            sid = j if rng.random() > 0.05 else None
            sents.append({"article_id": aid, "sentence_id": sid, "text": " ".join(rng.sample(words, 2))})
            picked = rng.sample(actors, rng.randint(0, 3))
            for actor, aff in picked:
                ments.append({"article_id": aid, "sentence_id": sid, "actor": actor, "affiliation": aff})
            for topic in rng.sample(topics, rng.randint(0, 2)):
                tops.append({"article_id": aid, "sentence_id": sid, "topic": topic})
                for actor, _ in picked[:1]:
                    stmts.append({"article_id": aid, "sentence_id": sid, "actor": actor, "topic": topic,
                                  "stance": rng.choice(["support", "oppose", "neutral"])})  # fmt: skip
            if picked and rng.random() < 0.5:
                named = "; ".join(a for a, _ in picked)
                events.append({"article_id": aid, "sentence_id": sid, "date": "2025-01-01", "actors": named,
                               "topics": rng.choice(topics + [None])})  # fmt: skip
    ments.append({"article_id": "orphan", "sentence_id": 0, "actor": "Ann", "affiliation": "Aland"})
    rows = {"articles": arts, "sentences": sents, "mentions": ments, "topics": tops, "statements": stmts,
            "events": events}  # fmt: skip
    return {name: schema.conform(rows.get(name), name) for name in schema.TABLES}


FILTER_CASES = [
    Filters(actors=("Ann",)),
    Filters(actors=("Bo", "Cy")),
    Filters(affiliations=("Bland",)),
    Filters(actors=("Cy",), affiliations=("Aland",)),
    Filters(topics=("t1",)),
    Filters(topics=("t2", "t3"), actors=("Ann",)),
    Filters(sources=("S1",)),
    Filters(sources=("",)),
    Filters(start="2025-02-01"),
    Filters(end="2025-02-10"),
    Filters(start="2025-01-01", end="2025-02-28", search="deal"),
    Filters(search="TALKS"),
    Filters(search="x\ny"),
    Filters(actors=("Nobody",)),
    Filters(actors=("Ann",), topics=("t1",), search="the", sources=("S2",)),
]


@pytest.mark.parametrize("seed", range(8))
def test_apply_filters_equals_the_plain_definition(seed):
    tables = _random_tables(seed)
    q = Query(tables)
    for f in FILTER_CASES:
        expected = _reference(tables, f)
        got = {name: q.filtered(name, f) for name in tables}
        for name in tables:
            pd.testing.assert_frame_equal(got[name], expected[name], check_dtype=False, obj=f"{name} {f}")
        counted = q.counts(list(tables), f)
        assert counted == {name: len(expected[name]) for name in tables}, f
