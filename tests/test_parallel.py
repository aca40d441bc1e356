"""Distributed analysis: `--workers 2` and a Dask LocalCluster build the same tables as one process."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.store import cache, parallel
from analysis.store import tables as store
from analysis.store.build import build

ROOT = Path(__file__).resolve().parent.parent


def assert_same_build(single: Path, other: Path) -> None:
    fp = store.read_manifest(single)["cache"]["fingerprint"]
    assert store.read_manifest(other)["cache"]["fingerprint"] == fp, (
        "analysis code or knowledge edited mid-test"
    )
    a, b = store.load_tables(single), store.load_tables(other)
    assert set(a) == set(b) and len(a["mentions"]) > 50
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        shutil.copy(path, folder)
    return folder


@pytest.fixture(scope="module")
def single(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("single")
    build(corpus, out)
    return out


def test_partitions_cover_every_article_once():
    for n, workers in ((1, 2), (7, 2), (1000, 2), (5000, 3)):
        parts = parallel.partitions(n, workers)
        assert [i for p in parts for i in p] == list(range(n))
        assert len(parts) >= min(n, workers) and max(len(p) for p in parts) <= 256
    assert parallel.partitions(0, 2) == []


def test_a_cluster_worker_with_other_knowledge_stops_the_build():
    reply = {"components": {"code": "a", "kb": "old"}}
    with pytest.raises(RuntimeError, match="knowledge base"):
        parallel.check_worker(reply, {"code": "a", "kb": "new"}, remote=True)
    parallel.check_worker(reply, {"code": "a", "kb": "old"}, remote=True)
    parallel.check_worker(reply, {"code": "a", "kb": "new"}, remote=False)  # local: an edit during the build


def test_two_local_processes_build_the_same_tables(corpus, single, tmp_path):
    args = ["build", str(corpus), "--out", str(tmp_path), "--workers", "2", "--quiet"]
    proc = subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert store.read_manifest(tmp_path)["cache"]["workers"] == 2
    assert_same_build(single, tmp_path)


def test_a_dask_local_cluster_builds_the_same_tables(corpus, single, tmp_path):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = build(corpus, tmp_path, scheduler=cluster.scheduler_address)
        assert result.manifest["cache"]["analysed"] == 5
        assert result.manifest["cache"]["scheduler"] == cluster.scheduler_address
        assert_same_build(single, tmp_path)
        # a second build on the cluster reuses the cache and sends nothing to the workers
        again = build(corpus, tmp_path, scheduler=cluster.scheduler_address)
    assert again.manifest["cache"]["reused"] == 5 and again.manifest["cache"]["analysed"] == 0
    assert len(list((tmp_path / cache.CACHE_DIR / "articles").glob("*/*.json"))) == 5


def test_the_cli_documents_workers_and_scheduler():
    cmd = [sys.executable, "-m", "analysis", "build", "--help"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    assert "--workers N" in proc.stdout and "--scheduler tcp://HOST:PORT" in proc.stdout
    assert "dask worker" in " ".join(proc.stdout.split())  # argparse wraps lines anywhere
