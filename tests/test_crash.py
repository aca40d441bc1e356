"""Builds killed with SIGKILL at random moments, and two builds at once, on a real corpus and the real model:
the previous tables stay whole (or the new ones are whole — never a mix), the analysts' corrections file is
untouched, the lock is released by the kernel, and the next build succeeds."""

from __future__ import annotations

import fcntl
import importlib.util
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis.store import corrections, schema
from analysis.store import tables as store

ROOT = Path(__file__).resolve().parent.parent
SEED = 20250821
ROUNDS = 5  # random kill moments
WRITE_ROUNDS = 2  # kills the moment the build starts writing its new generation


def gen_corpus():
    spec = importlib.util.spec_from_file_location("gen_corpus", ROOT / "bench" / "gen_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_corpus(folder: Path, n: int, start: int = 0) -> None:
    module = gen_corpus()
    folder.mkdir(parents=True, exist_ok=True)
    module.write(module.generate(n, seed=SEED, start=start), folder, "jsonl")
    (folder / "corpus.jsonl").rename(folder / f"corpus-{start}.jsonl")


def start_build(corpus: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "analysis", "build", str(corpus), "--out", str(out), "--quiet", *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen, timeout: float = 600) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def build_ok(corpus: Path, out: Path, *extra: str) -> float:
    start = time.monotonic()
    code, stdout, stderr = finish(start_build(corpus, out, *extra))
    assert code == 0, stderr
    return time.monotonic() - start


def tables_only(out: Path) -> dict[str, pd.DataFrame]:
    tables, manifest = store.snapshot(out)
    assert manifest.get("counts"), "no manifest beside the tables"
    assert {k: len(v) for k, v in tables.items()} == manifest["counts"], "tables and manifest disagree"
    return tables


def same_tables(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> bool:
    try:
        for name in schema.TABLES:
            pd.testing.assert_frame_equal(a[name], b[name], obj=name)
    except AssertionError:
        return False
    return True


def kill_when_writing(proc: subprocess.Popen, out: Path, timeout: float = 300) -> bool:
    """SIGKILL `proc` as soon as a generation that is not current appears (it is writing its tables)."""
    root = out / store.TABLES_DIR
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        current = os.readlink(root / store.CURRENT) if (root / store.CURRENT).is_symlink() else None
        old = {p for p in os.listdir(root) if p not in (current, store.CURRENT)} if root.is_dir() else set()
        if any(name not in KNOWN for name in old):
            proc.send_signal(signal.SIGKILL)
            return True
        time.sleep(0.001)
    return False


KNOWN: set[str] = set()


@pytest.mark.slow
def test_sigkill_at_random_moments_leaves_the_store_whole(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "data"
    write_corpus(corpus, 12)
    first_seconds = build_ok(corpus, out)
    before = tables_only(out)
    statements = before["statements"]
    log = out / corrections.FILE_NAME
    corrections.add_correction(log, action="change", statement_id=statements["statement_id"].iloc[0],
                               stance="oppose", note="analyst")  # fmt: skip
    corrections.add_correction(log, action="delete", statement_id=statements["statement_id"].iloc[1])
    log_bytes = log.read_bytes()
    assert build_ok(corpus, out)  # the corrections are part of the "previous tables"
    before = tables_only(out)
    write_corpus(corpus, 30, start=12)  # the next build has 30 new articles to analyse

    rng = random.Random(SEED)
    observed, killed = [], 0
    for i in range(ROUNDS + WRITE_ROUNDS):
        KNOWN.clear()
        KNOWN.update(os.listdir(out / store.TABLES_DIR))
        proc = start_build(corpus, out)
        if i < ROUNDS:
            time.sleep(rng.uniform(0.2, first_seconds))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                killed += 1
        else:
            killed += kill_when_writing(proc, out)
        code, _, stderr = finish(proc)
        assert code in (0, -signal.SIGKILL), stderr
        observed.append(tables_only(out))  # loads, whole, no damaged-file problems
        assert not store.load_tables(out)["problems"]["message"].str.contains("damaged").any()
        assert log.read_bytes() == log_bytes
    assert killed >= ROUNDS // 2, "the builds finished before they could be killed: use a bigger corpus"
    print(f"{killed} of {ROUNDS + WRITE_ROUNDS} builds killed; first build {first_seconds:.1f} s")

    build_ok(corpus, out)  # no --wait: the killed builds' locks were released by the kernel
    after = tables_only(out)
    assert len(after["articles"]) == 42 and not same_tables(after, before)
    assert after["statements"]["origin"].eq("corrected").sum() == 1  # the corrections still apply
    for i, tables in enumerate(observed):
        assert same_tables(tables, before) or same_tables(tables, after), f"round {i}: a mix of two builds"
    assert log.read_bytes() == log_bytes
    leftovers = [p for p in (out / store.TABLES_DIR).iterdir() if p.name != store.CURRENT]
    assert len(leftovers) <= 2  # killed builds' unfinished generations were cleaned up


def lock_is_held(out: Path) -> bool:
    with open(out / store.LOCK, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
        return False


@pytest.mark.slow
def test_two_builds_at_once_refuse_or_wait_and_readers_never_see_half_a_store(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "data"
    write_corpus(corpus, 6)
    build_ok(corpus, out)
    write_corpus(corpus, 10, start=6)
    stop, seen, errors = threading.Event(), [], []

    def reader():
        while not stop.is_set():
            try:
                seen.append(len(tables_only(out)["articles"]))
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))
            time.sleep(0.05)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        first = start_build(corpus, out, "--wait", "60")  # waits (harmlessly) should the probe below race it
        deadline = time.monotonic() + 120
        while not lock_is_held(out):
            assert first.poll() is None and time.monotonic() < deadline, "the first build never took the lock"
            time.sleep(0.02)
        code, _, err = finish(start_build(corpus, out))  # no --wait: refused at once
        assert code == 3 and "another build is writing to" in err and "--wait" in err
        waiter = start_build(corpus, out, "--wait", "300")
        code, _, err = finish(first)
        assert code == 0, err
        first_done = time.monotonic()
        code, stdout, err = finish(waiter)
        assert code == 0, err
        assert "nothing changed; 16 reused" in stdout  # it ran after the first build, not beside it
        assert time.monotonic() >= first_done
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert set(seen) <= {6, 16} and 6 in seen  # the old store or the new one, never anything between
    assert len(tables_only(out)["articles"]) == 16


@pytest.mark.slow
def test_damaged_tables_and_cache_entries_are_reported_then_rebuilt(tmp_path):
    from analysis.store import cache

    corpus, out = tmp_path / "corpus", tmp_path / "data"
    write_corpus(corpus, 4)
    build_ok(corpus, out)
    good = tables_only(out)
    table = store.store_dir(out) / "mentions.parquet"
    table.write_bytes(table.read_bytes()[: table.stat().st_size // 3])  # truncated
    entry = next((out / cache.CACHE_DIR / "articles").glob("*/*.json"))
    data = bytearray(entry.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte
    entry.write_bytes(bytes(data))

    loaded = store.load_tables(out)
    assert loaded["mentions"].empty and len(loaded["articles"]) == len(good["articles"])
    assert "mentions.parquet is damaged" in " ".join(loaded["problems"]["message"])

    code, stdout, stderr = finish(start_build(corpus, out))
    assert code == 0, stderr
    rebuilt = tables_only(out)
    messages = " ".join(rebuilt["problems"]["message"])
    assert "mentions.parquet of the previous build was damaged" in messages
    assert "cached analysis was damaged" in messages and "analysed again" in messages
    for name in schema.TABLES:
        if name != "problems":
            pd.testing.assert_frame_equal(rebuilt[name], good[name], obj=name)
    build_ok(corpus, out)
    assert tables_only(out)["problems"].empty  # repaired: nothing left to report
