"""Analyst corrections: the append-only log, undo, and applying it to statements."""

from __future__ import annotations

import json
import multiprocessing as mp

import pandas as pd
import pytest

from analysis.store.corrections import (
    add_correction,
    apply_corrections,
    load_corrections,
    orphan_corrections,
    statement_id,
    undo,
)
from analysis.store.schema import conform


def _statements() -> pd.DataFrame:
    rows = [
        ("a1", 0, "Russia", "territory", "support"),
        ("a1", 1, "Ukraine", "territory", "neutral"),
        ("a2", 3, "Donald Trump", "troop_deployment", "oppose"),
    ]
    return conform(
        [
            {
                "statement_id": statement_id(a, s, actor, topic),
                "article_id": a,
                "sentence_id": s,
                "actor": actor,
                "topic": topic,
                "stance": stance,
                "confidence": 0.8,
                "cue": "x",
                "evidence": f"sentence {s}",
                "origin": "auto",
                "note": "",
            }
            for a, s, actor, topic, stance in rows
        ],
        "statements",
    )


@pytest.fixture
def log(tmp_path):
    return tmp_path / "data" / "corrections.jsonl"


def test_statement_id_is_stable_and_distinguishes_its_parts():
    sid = statement_id("a1", 0, "Russia", "territory")
    assert sid == statement_id("a1", 0, "Russia", "territory")
    assert len(sid) == 16
    assert sid != statement_id("a1", 0, "Russia", "ceasefire")
    assert sid != statement_id("a1", 1, "Russia", "territory")


def test_missing_file_loads_empty(log):
    df = load_corrections(log)
    assert df.empty and list(df.columns)[:3] == ["id", "timestamp", "action"]


def test_change_sets_fields_origin_and_note(log):
    st = _statements()
    sid = st.loc[1, "statement_id"]
    add_correction(log, action="change", statement_id=sid, stance="oppose", note="does not want to give up")
    out = apply_corrections(st, load_corrections(log))
    row = out[out["statement_id"] == sid].iloc[0]
    assert (row["stance"], row["origin"], row["note"]) == ("oppose", "corrected", "does not want to give up")
    assert (out["origin"] == "auto").sum() == 2


def test_change_actor_keeps_statement_id_so_later_corrections_still_apply(log):
    st = _statements()
    sid = st.loc[0, "statement_id"]
    add_correction(log, action="change", statement_id=sid, actor="Vladimir Putin")
    add_correction(log, action="change", statement_id=sid, stance="oppose")
    out = apply_corrections(st, load_corrections(log))
    row = out[out["statement_id"] == sid].iloc[0]
    assert (row["actor"], row["stance"]) == ("Vladimir Putin", "oppose")


def test_delete_and_add(log):
    st = _statements()
    add_correction(log, action="delete", statement_id=st.loc[2, "statement_id"], note="false")
    new_id = add_correction(
        log,
        action="add",
        article_id="a2",
        sentence_id=5,
        actor="Europe",
        topic="ceasefire",
        stance="support",
        evidence="European leaders insist on a ceasefire.",
        note="missed",
    )
    corrections = load_corrections(log)
    out = apply_corrections(st, corrections)
    assert len(out) == 3
    assert st.loc[2, "statement_id"] not in set(out["statement_id"])
    added = out[out["origin"] == "added"].iloc[0]
    assert added["statement_id"] == statement_id("a2", 5, "Europe", "ceasefire")
    assert (added["actor"], added["stance"], added["note"]) == ("Europe", "support", "missed")
    assert added["rule"] == "analyst"  # no rule of the machine's read it
    assert corrections["id"].iloc[-1] == new_id


def test_apply_is_idempotent_and_does_not_mutate_input(log):
    st = _statements()
    before = st.copy()
    add_correction(log, action="change", statement_id=st.loc[0, "statement_id"], stance="oppose")
    add_correction(
        log,
        action="add",
        article_id="a1",
        sentence_id=2,
        actor="NATO",
        topic="nato_membership",
        stance="oppose",
    )
    add_correction(log, action="delete", statement_id=st.loc[2, "statement_id"])
    corrections = load_corrections(log)
    once = apply_corrections(st, corrections)
    twice = apply_corrections(once, corrections)
    pd.testing.assert_frame_equal(once, twice)
    assert len(once) == 3 and twice.attrs["orphans"] == []  # a delete already applied is no orphan
    pd.testing.assert_frame_equal(st, before)


def test_orphan_correction_is_kept_and_reported(log):
    st = _statements()
    cid = add_correction(log, action="change", statement_id="0000000000000000", stance="oppose")
    out = apply_corrections(st, load_corrections(log))
    assert out.attrs["orphans"] == [cid]
    assert len(out) == len(st)
    assert list(orphan_corrections(st, load_corrections(log))["id"]) == [cid]
    assert len(load_corrections(log)) == 1  # the log keeps it for a later build


def test_undo_last_and_specific(log):
    st = _statements()
    first = add_correction(log, action="change", statement_id=st.loc[0, "statement_id"], stance="oppose")
    add_correction(log, action="delete", statement_id=st.loc[1, "statement_id"])
    undo(log)  # reverts the delete
    out = apply_corrections(st, load_corrections(log))
    assert len(out) == 3 and out.loc[0, "stance"] == "oppose"
    undo(log, first)
    out = apply_corrections(st, load_corrections(log))
    assert out.loc[0, "stance"] == "support" and set(out["origin"]) == {"auto"}
    assert undo(log) is None  # nothing left
    assert list(load_corrections(log)["action"]) == ["change", "delete", "undo", "undo"]


def test_undo_unknown_id_fails_loudly(log):
    add_correction(log, action="delete", statement_id="abc")
    with pytest.raises(ValueError, match="no active correction 'nope'"):
        undo(log, "nope")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"action": "rename", "statement_id": "x"}, "action must be"),
        ({"action": "change", "stance": "oppose"}, "needs the statement_id"),
        ({"action": "change", "statement_id": "x", "stance": "against"}, "stance must be one of"),
        ({"action": "change", "statement_id": "x", "colour": "red"}, "unknown fields"),
        ({"action": "change", "statement_id": "x"}, "at least one of"),
        (
            {"action": "add", "article_id": "a", "actor": "X", "topic": "t", "stance": "support"},
            "sentence_id",
        ),
    ],
)
def test_invalid_corrections_are_rejected_and_not_written(log, kwargs, message):
    with pytest.raises(ValueError, match=message):
        add_correction(log, **kwargs)
    assert not log.exists() or load_corrections(log).empty


def test_bad_lines_are_skipped_and_reported(log):
    log.parent.mkdir(parents=True)
    good = {"id": "c1", "timestamp": "t", "action": "delete", "statement_id": "s", "fields": {}, "note": ""}
    log.write_text("not json\n" + json.dumps(good) + "\n" + json.dumps({"action": "explode"}) + "\n")
    df = load_corrections(log)
    assert list(df["id"]) == ["c1"]
    assert len(df.attrs["problems"]) == 2 and df.attrs["problems"][0].startswith("line 1")


def _writer(path, n, tag):
    for i in range(n):
        add_correction(path, action="delete", statement_id=f"{tag}-{i}")


def test_concurrent_writers_never_lose_an_entry(log):
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(log, 40, f"p{k}")) for k in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    df = load_corrections(log)
    assert len(df) == 160 and df["id"].is_unique and not df.attrs["problems"]
    assert set(df["statement_id"]) == {f"p{k}-{i}" for k in range(4) for i in range(40)}


def test_add_to_an_empty_table(log):
    from analysis.store.schema import empty_table

    add_correction(
        log,
        action="add",
        article_id="a9",
        sentence_id=0,
        actor="NATO",
        topic="ceasefire",
        stance="support",
        evidence="NATO backs a ceasefire.",
    )
    add_correction(log, action="change", statement_id="missing", stance="oppose")
    out = apply_corrections(empty_table("statements"), load_corrections(log))
    assert list(out["actor"]) == ["NATO"] and list(out["origin"]) == ["added"]
    assert out["confidence"].dtype == "float64" and len(out.attrs["orphans"]) == 1
