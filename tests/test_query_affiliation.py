"""The "acting for" filter in the query engine: statements and events follow the affiliation each actor
acts for (`actor_affiliation`: its most frequent mention affiliation over all mentions; an actor without
one stands for itself), while tables with their own `affiliation` column (mentions) keep using it."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import query
from analysis.query import Filters, apply_filters
from analysis.store import schema
from analysis.store import tables as store


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("aff")
    mention = lambda i, actor, aff: {"article_id": "a1", "sentence_id": i, "actor": actor,  # noqa: E731
                                     "affiliation": aff, "surface": actor}  # fmt: skip
    mentions = [
        mention(0, "Jane Roe", "Freedonia"),
        mention(1, "Jane Roe", "Freedonia"),
        mention(2, "Jane Roe", "Sylvania"),  # a minority affiliation: Jane Roe acts for Freedonia
        mention(3, "Sylvania", None),  # no affiliation: stands for itself
        mention(4, "Max Mux", "Sylvania"),
    ]
    statement = lambda i, actor: {"statement_id": f"s{i}", "article_id": "a1", "sentence_id": i,  # noqa: E731
                                  "actor": actor, "topic": "ceasefire", "stance": "support"}  # fmt: skip
    statements = [statement(0, "Jane Roe"), statement(3, "Sylvania"), statement(4, "Max Mux"),
                  statement(5, "Bob Poe")]  # fmt: skip
    event = lambda i, actors: {"event_id": f"e{i}", "article_id": "a1", "sentence_id": i,  # noqa: E731
                               "date": "2025-01-02", "actors": actors}  # fmt: skip
    events = [event(0, "Jane Roe; Bob Poe"), event(1, "Freedonia"), event(2, "Max Mux"), event(3, "Nobody")]
    tables = {
        "articles": [{"article_id": "a1", "source": "Wire", "published": "2025-01-02"}],
        "sentences": [{"article_id": "a1", "sentence_id": i, "text": f"sentence {i}"} for i in range(6)],
        "mentions": mentions,
        "statements": statements,
        "statements_auto": statements,
        "events": events,
    }
    store.write_tables({k: schema.conform(pd.DataFrame(v), k) for k, v in tables.items()}, out, {})
    return out


@pytest.mark.parametrize(
    ("affiliations", "statements", "events", "mentions"),
    [
        (("Freedonia",), ["Jane Roe"], ["e0", "e1"], [0, 1]),
        (("Sylvania",), ["Sylvania", "Max Mux"], ["e2"], [2, 4]),
        (("Bob Poe",), ["Bob Poe"], ["e0"], []),  # no mention: Bob Poe stands for himself
        (("Nowhere",), [], [], []),
    ],
)
def test_acting_for_keeps_statements_and_events_of_the_actors(folder, affiliations, statements, events,
                                                               mentions):  # fmt: skip
    q = query.Query(folder)
    f = Filters(affiliations=affiliations)
    assert q.filtered("statements", f)["actor"].tolist() == statements
    assert q.filtered("statements_auto", f)["actor"].tolist() == statements
    assert q.filtered("events", f)["event_id"].tolist() == events
    assert q.filtered("mentions", f)["sentence_id"].tolist() == mentions  # their own affiliation decides
    assert q.count("statements", f) == len(statements)


def test_an_actor_or_an_affiliation_is_enough(folder):
    q = query.Query(folder)
    f = Filters(actors=("Bob Poe",), affiliations=("Freedonia",))
    assert q.filtered("statements", f)["actor"].tolist() == ["Jane Roe", "Bob Poe"]
    assert q.filtered("events", f)["event_id"].tolist() == ["e0", "e1"]
    assert query.position_matrix(q, **{"affiliations": ("Sylvania",)})["actor"].tolist() == [
        "Max Mux",
        "Sylvania",
    ]


@pytest.mark.parametrize("affiliations", [("Freedonia",), ("Sylvania",), ("Bob Poe",)])
def test_frames_and_the_parquet_store_filter_alike(folder, affiliations):
    """The same engine over the tables in memory (a notebook, a test) as over the store (the dashboard)."""
    tables = store.load_tables(folder)
    q, f = query.Query(folder), Filters(affiliations=affiliations)
    expected = apply_filters(tables, f)
    for name in ("statements", "statements_auto", "events", "mentions"):
        pd.testing.assert_frame_equal(q.filtered(name, f), expected[name], obj=f"{name} {affiliations}")
