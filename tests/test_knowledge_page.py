"""The Knowledge page runs on synthetic and on empty tables (AppTest, no browser), and its actor buttons
write the user's knowledge file in the data folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis.knowledge.actors import read_knowledge
from analysis.store import schema
from analysis.store import tables as store
from dashboard import synthetic

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


def _write(folder: Path, tables: dict) -> Path:
    store.write_tables(tables, folder, {"counts": {k: len(v) for k, v in tables.items()}, "built_at": "test"})
    return folder


def _open(data_dir: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("PARLEY_DATA_DIR", str(data_dir))
    monkeypatch.delenv("PARLEY_KNOWLEDGE_PATH", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("app_pages/knowledge.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("kind", ["synthetic", "empty"])
def test_knowledge_page_runs(kind, tmp_path, monkeypatch):
    tables = (
        synthetic.make_tables(12)
        if kind == "synthetic"
        else {name: schema.empty_table(name) for name in schema.TABLES}
    )
    at = _open(_write(tmp_path, tables), monkeypatch)
    assert at.title[0].value == "Knowledge"
    assert not at.error, [e.value for e in at.error]


def test_not_an_actor_button_writes_the_knowledge_file(tmp_path, monkeypatch):
    tables = synthetic.make_tables(12)
    mentions = tables["mentions"]
    if not (~mentions["linked"].astype(bool)).any():
        mentions.loc[mentions.index[0], ["linked", "actor_type"]] = [False, "organisation"]
    at = _open(_write(tmp_path, tables), monkeypatch)
    blocks = [b for b in at.button if b.key and b.key.startswith("kn_block_")]
    assert blocks, "no suggestion listed"
    blocks[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    saved = read_knowledge(tmp_path / "knowledge.yaml")
    assert len(saved["not_actors"]) == 1
