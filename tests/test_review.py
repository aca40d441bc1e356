"""The review queue, the corrections history and article corrections: log semantics (undo any entry, an
undo is no correction, confirm), the queue's order and filters, the checked share, article corrections
applied by a real build, and a network layout that a changed edge does not move."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.query import engine, review
from analysis.store import article_corrections as ac
from analysis.store.corrections import (
    add_correction,
    apply_corrections,
    load_corrections,
    statement_id,
    tally,
    undo,
)
from analysis.store.schema import conform

ROWS = [  # article, sentence, actor, topic, stance, confidence, sentence text
    ("a1", 0, "Russia", "ceasefire", "oppose", 0.9, "Russia rejected the ceasefire plan."),
    ("a1", 1, "Ukraine", "ceasefire", "support", 0.4, "Ukraine welcomed the truce proposal."),
    ("a2", 0, "NATO", "sanctions", "support", 0.6, "NATO backed tougher sanctions."),
    ("a2", 2, "Hungary", "sanctions", "neutral", 0.2, "Hungary spoke about the sanctions."),
]


def _statements() -> pd.DataFrame:
    keys = ("article_id", "sentence_id", "actor", "topic", "stance", "confidence", "evidence")
    rows = [
        dict(zip(keys, row, strict=True), statement_id=statement_id(*row[:4]), cue="", origin="auto", note="")
        for row in ROWS
    ]
    return conform(rows, "statements")


def _tables() -> dict[str, pd.DataFrame]:
    articles = conform(
        [
            {"article_id": "a1", "title": "Truce talks", "source": "Wire A", "published": "2025-03-01"},
            {"article_id": "a2", "title": "Sanctions", "source": "Wire B", "published": ""},
        ],
        "articles",
    )  # fmt: skip
    st = _statements()
    return {"articles": articles, "statements": st, "statements_auto": st}


@pytest.fixture
def log(tmp_path):
    return tmp_path / "corrections.jsonl"


def _sid(i: int) -> str:
    return statement_id(*ROWS[i][:4])


def test_any_entry_can_be_undone_not_only_the_last(log):
    first = add_correction(log, action="change", statement_id=_sid(0), stance="support")
    middle = add_correction(log, action="delete", statement_id=_sid(1))
    add_correction(log, action="change", statement_id=_sid(2), actor="EU")
    undo(log, middle)  # the middle one: the others stay in force
    out = apply_corrections(_statements(), load_corrections(log)).set_index("statement_id")
    assert _sid(1) in out.index  # the deleted statement is back
    assert out.loc[_sid(0), "stance"] == "support" and out.loc[_sid(2), "actor"] == "EU"
    undo(log, first)
    out = apply_corrections(_statements(), load_corrections(log)).set_index("statement_id")
    assert out.loc[_sid(0), "stance"] == "oppose" and out.loc[_sid(2), "actor"] == "EU"
    with pytest.raises(ValueError, match="no active correction"):
        undo(log, middle)  # an undone entry cannot be undone twice


def test_an_undo_is_not_counted_as_a_correction(log):
    a = add_correction(log, action="change", statement_id=_sid(0), stance="neutral")
    add_correction(log, action="confirm", statement_id=_sid(1))
    add_correction(log, action="article", article_id="a2", published="2025-03-04")
    assert tally(load_corrections(log)) == {"corrections": 2, "confirmed": 1, "undone": 0}
    undo(log, a)
    assert tally(load_corrections(log)) == {"corrections": 1, "confirmed": 1, "undone": 1}


def test_confirm_marks_checked_and_a_later_change_makes_it_corrected(log):
    add_correction(log, action="confirm", statement_id=_sid(0))
    out = apply_corrections(_statements(), load_corrections(log)).set_index("statement_id")
    assert out.loc[_sid(0), "origin"] == "confirmed" and out.loc[_sid(0), "stance"] == "oppose"
    assert (out["origin"] == "auto").sum() == 3
    add_correction(log, action="change", statement_id=_sid(0), stance="support")
    out = apply_corrections(_statements(), load_corrections(log)).set_index("statement_id")
    assert out.loc[_sid(0), "origin"] == "corrected"


def test_queue_is_least_confident_first_and_confirmed_leave_it(log):
    q = engine.Query(_tables(), corrections=log)
    assert list(review.queue(q)["actor"]) == ["Hungary", "Ukraine", "NATO", "Russia"]
    assert review.progress(q) == {"checked": 0, "total": 4, "unchecked": 4}
    add_correction(log, action="confirm", statement_id=_sid(3))
    add_correction(log, action="change", statement_id=_sid(1), stance="oppose")
    out = review.queue(q)
    assert list(out["actor"]) == ["NATO", "Russia"] and out.attrs["remaining"] == 2
    assert set(out.columns) >= {"confidence", "cue", "rule", "evidence", "title", "source", "published"}
    assert review.progress(q) == {"checked": 2, "total": 4, "unchecked": 2}


def test_queue_and_progress_respect_the_filters(log):
    q = engine.Query(_tables(), corrections=log)
    add_correction(log, action="confirm", statement_id=_sid(0))
    assert list(review.queue(q, topics=("ceasefire",))["actor"]) == ["Ukraine"]
    assert review.progress(q, topics=("ceasefire",)) == {"checked": 1, "total": 2, "unchecked": 1}
    assert review.progress(q, sources=("Wire B",)) == {"checked": 0, "total": 2, "unchecked": 2}
    cells = review.progress_by_cell(q).set_index(["actor", "topic"])
    assert cells.loc[("Russia", "ceasefire"), ["checked", "total"]].tolist() == [1, 1]
    assert cells.loc[("NATO", "sanctions"), "share"] == 0.0


def test_history_reads_sentence_old_new_who_when_and_folds_undos(log, monkeypatch):
    monkeypatch.setenv("PARLEY_USER", "analyst-1")
    q = engine.Query(_tables(), corrections=log)
    changed = add_correction(
        log, action="change", statement_id=_sid(0), stance="support", old={"stance": "oppose"}
    )
    add_correction(
        log, action="change", statement_id=_sid(2), topic="ceasefire"
    )  # no old: the automatic value
    add_correction(log, action="article", article_id="a2", published="2025-03-04", old={"published": ""})
    undo(log, changed)
    rows = review.history(
        q, load_corrections(log), labels={"ceasefire": "Ceasefire", "sanctions": "Sanctions"}
    )
    assert len(rows) == 3  # the undo is the status of the entry it reverts, not a row
    article, topic, stance = rows.to_dict("records")  # newest first
    assert stance["sentence"] == "Russia rejected the ceasefire plan."
    assert stance["change"] == "stance: oppose → support" and stance["status"].startswith("undone")
    assert not stance["undoable"] and stance["who"] == "analyst-1" and stance["when"].endswith("UTC")
    assert topic["change"] == "topic: Sanctions → Ceasefire" and topic["undoable"]
    assert (
        article["sentence"] == "article: Sanctions" and article["change"] == "published: (none) → 2025-03-04"
    )


@pytest.mark.parametrize("bad", ["2025-02-30", "2025-13", "25-01-01", "March 2025"])
def test_article_correction_needs_an_iso_date(log, bad):
    with pytest.raises(ValueError, match="published"):
        add_correction(log, action="article", article_id="a1", published=bad)
    assert not log.exists() or load_corrections(log).empty


def test_article_fixes_fold_in_log_order_and_skip_undone(log):
    add_correction(log, action="article", article_id="a1", published="2025-01", title="First")
    later = add_correction(log, action="article", article_id="a1", published="2025-01-05")
    add_correction(log, action="article", article_id="a2", source="Wire C")
    fixes = ac.article_fixes(load_corrections(log))
    assert {k: v for k, v in fixes["a1"].items() if not k.startswith("_")} == {
        "published": "2025-01-05",
        "title": "First",
    }
    undo(log, later)
    assert ac.article_fixes(load_corrections(log))["a1"]["published"] == "2025-01"
    arts, dated, problems = ac.apply_before(_tables()["articles"], log)
    arts = ac.mark_after(arts.set_index("article_id", drop=False), dated)
    assert arts.loc["a1", "published"] == "2025-01" and arts.loc["a1", "published_from"] == "analyst"
    assert arts.loc["a1", "title"] == "First" and arts.loc["a2", "source"] == "Wire C"
    assert "was 2025-03-01" in arts.loc["a1", "published_reason"] and not problems
    assert ac.pending({"article_id": "a2", "source": "Wire B"}, ac.article_fixes(load_corrections(log))) == {
        "source": "Wire C"
    }


def test_a_broken_log_costs_no_build(tmp_path):
    path = tmp_path / "corrections.jsonl"
    path.write_bytes(b"\xff\xfe not utf-8 at all\n")
    arts = _tables()["articles"]
    out, dated, problems = ac.apply_before(arts, path)
    assert out is arts and not dated
    assert len(problems) == 1 and "kept unchanged" in problems[0]["message"]
    assert path.read_bytes().startswith(b"\xff\xfe")  # the file is kept as it was


def test_a_rebuild_applies_the_article_date_and_the_undone_one_goes(tmp_path):
    """A real build: an undated article given a date is dated, its relative dates resolve against it, only
    it is analysed again; after the undo the next build reverts it."""
    from analysis.store import build

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "talks.txt").write_text(
        "Envoys resume truce talks\n\nThe envoys met in Vienna yesterday and agreed to meet again next week. "
        "The foreign minister said the government rejected the ceasefire plan.\n",
        encoding="utf-8",
    )
    (corpus / "other.txt").write_text(
        "Harbour reopens\n\nThe harbour reopened after repairs, officials said on Monday.\n", encoding="utf-8"
    )
    out = tmp_path / "data"
    first = build.build(corpus, out)
    arts = first.tables["articles"].set_index("file")
    talks = arts.loc["talks.txt"]
    assert not talks["published"]  # nothing in the text dates it
    cid = add_correction(out / "corrections.jsonl", action="article", article_id=talks["article_id"],
                         published="2025-03-12", source="Test Wire")  # fmt: skip
    second = build.build(corpus, out)
    arts = second.tables["articles"].set_index("file")
    assert arts.loc["talks.txt", "published"] == "2025-03-12"
    assert (
        arts.loc["talks.txt", "published_from"] == "analyst"
        and arts.loc["talks.txt", "source"] == "Test Wire"
    )
    assert second.manifest["cache"]["analysed"] == 1 and second.manifest["cache"]["reused"] == 1
    events = second.tables["events"]
    dates = set(events.loc[events["article_id"] == talks["article_id"], "date"].dropna())
    assert "2025-03-11" in dates  # "yesterday", from the corrected date
    undo(out / "corrections.jsonl", cid)
    third = build.build(corpus, out)
    assert not third.tables["articles"].set_index("file").loc["talks.txt", "published"]


def test_network_layout_does_not_move_when_one_edge_changes():
    from dashboard import figures

    edges = pd.DataFrame(
        {
            "actor_a": ["A", "A", "B", "C"],
            "actor_b": ["B", "C", "D", "D"],
            "n": [5, 3, 2, 1],
            "net": [1, -1, 1, 0],
        }
    )

    def places(fig) -> dict[str, tuple[float, float]]:
        nodes = fig.data[-1]
        return dict(zip(nodes.customdata, zip(nodes.x, nodes.y, strict=True), strict=True))

    before = places(figures.network(None, edges, source="actor_a", target="actor_b", sign="net"))
    heavier = edges.assign(n=[5, 3, 2, 40])  # one edge changes: D becomes the biggest node
    after = places(figures.network(None, heavier, source="actor_a", target="actor_b", sign="net"))
    assert after == before
    assert len(set(before.values())) == 4


def test_queue_with_sides_only_leaves_out_neutral_statements(log):
    q = engine.Query(_tables(), corrections=log)
    out = review.queue(q, sides_only=True)
    assert list(out["actor"]) == ["Ukraine", "NATO", "Russia"] and out.attrs["remaining"] == 3
    add_correction(log, action="change", statement_id=_sid(1), stance="neutral")  # checked: it leaves too
    assert list(review.queue(q, sides_only=True)["actor"]) == ["NATO", "Russia"]
    assert review.progress(q, sides_only=True) == {"checked": 0, "total": 2, "unchecked": 2}
