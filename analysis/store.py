"""The table store: one Parquet file per table in the data folder, written aside then renamed, plus a
`manifest.json`. An interrupted build leaves the previous tables readable; a lock keeps builds apart."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from analysis import schema

MANIFEST = "manifest.json"
LOCK = ".build.lock"


class StoreBusy(RuntimeError):
    """Another build holds the data folder's lock."""


def _write_aside(path: Path, write) -> None:
    """Write through `write(tmp_path)` to a temporary file beside `path`, fsync, then rename over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_table(frame: pd.DataFrame, out_dir: Path, name: str) -> Path:
    path = Path(out_dir) / f"{name}.parquet"
    table = schema.conform(frame, name)
    _write_aside(path, lambda tmp: table.to_parquet(tmp, index=False))
    return path


def write_json(obj: dict, path: Path) -> None:
    _write_aside(
        Path(path), lambda tmp: tmp.write_text(json.dumps(obj, indent=2, default=str), encoding="utf-8")
    )


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path, manifest: dict) -> None:
    """Write every table of the contract (missing ones empty) and then the manifest."""
    for name in schema.TABLES:
        write_table(tables.get(name), out_dir, name)
    write_json(manifest, Path(out_dir) / MANIFEST)


def read_table(out_dir: Path, name: str) -> pd.DataFrame:
    """Table `name` from `out_dir`, conformed to the contract; empty when absent."""
    path = Path(out_dir) / f"{name}.parquet"
    if not path.exists():
        return schema.empty_table(name)
    return schema.conform(pd.read_parquet(path), name)


def load_tables(out_dir: Path) -> dict[str, pd.DataFrame]:
    return {name: read_table(out_dir, name) for name in schema.TABLES}


def tables_exist(out_dir: Path) -> bool:
    return (Path(out_dir) / MANIFEST).exists() and (Path(out_dir) / "articles.parquet").exists()


def read_manifest(out_dir: Path) -> dict:
    path = Path(out_dir) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@contextlib.contextmanager
def build_lock(out_dir: Path, *, wait: float = 0.0) -> Iterator[None]:
    """Hold the data folder's build lock; wait up to `wait` seconds, then raise StoreBusy."""
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    with open(Path(out_dir) / LOCK, "a+") as fh:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        f"another build is writing to {out_dir}; try again when it has finished"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
