"""The store: atomic writes, the lock, reading absent tables, and the schema docs."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest

from analysis import schema, store

ROOT = Path(__file__).resolve().parent.parent


def articles(n: int) -> pd.DataFrame:
    return schema.conform(
        [{"article_id": f"a{i}", "file": f"{i}.txt", "text": "x", "n_words": 1} for i in range(n)], "articles"
    )


def test_write_and_load_round_trip(tmp_path):
    store.write_tables({"articles": articles(3)}, tmp_path, {"counts": {}})
    tables = store.load_tables(tmp_path)
    assert set(tables) == set(schema.TABLES)
    assert list(tables["articles"]["article_id"]) == ["a0", "a1", "a2"]
    for name, frame in tables.items():
        assert list(frame.columns) == [c.name for c in schema.TABLES[name]]
    assert store.tables_exist(tmp_path)
    assert not list(tmp_path.glob(".*.tmp"))


def test_crash_mid_write_leaves_the_previous_table_readable(tmp_path, monkeypatch):
    store.write_tables({"articles": articles(2)}, tmp_path, {"counts": {}})

    def crash(self, path, **kwargs):
        Path(path).write_bytes(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", crash)
    with pytest.raises(OSError):
        store.write_tables({"articles": articles(5)}, tmp_path, {"counts": {}})
    monkeypatch.undo()
    assert len(store.read_table(tmp_path, "articles")) == 2
    assert not list(tmp_path.glob(".*.tmp"))


def test_missing_table_loads_empty_with_schema(tmp_path):
    frame = store.read_table(tmp_path, "events")
    assert frame.empty and list(frame.columns) == [c.name for c in schema.TABLES["events"]]


def test_second_build_lock_refuses_with_a_clear_message(tmp_path):
    held, release = threading.Event(), threading.Event()

    def holder():
        with store.build_lock(tmp_path):
            held.set()
            release.wait(5)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(5)
    try:
        with pytest.raises(store.StoreBusy, match="another build"), store.build_lock(tmp_path, wait=0.3):
            pass
    finally:
        release.set()
        thread.join()
    with store.build_lock(tmp_path):  # free again
        pass


def test_conform_rejects_unknown_tables_and_fills_missing_columns():
    with pytest.raises(KeyError, match="unknown table"):
        schema.conform([], "nope")
    frame = schema.conform([{"article_id": "a", "sentence_id": 1}], "topics")
    assert list(frame.columns) == ["article_id", "sentence_id", "topic", "terms"]
    assert frame["topic"].isna().all()


def test_docs_tables_md_is_generated_from_the_schema():
    assert (ROOT / "docs" / "tables.md").read_text(encoding="utf-8").strip() == schema.markdown().strip()
