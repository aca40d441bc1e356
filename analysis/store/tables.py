"""The table store: one Parquet file per table plus `manifest.json`, switched in all at once.

Layout of a data folder:

    .tables/g<time>-<random>/   one generation: every <table>.parquet, manifest.json and store.json
    .tables/current             symlink to the generation in use
    <table>.parquet, manifest.json   symlinks through `.tables/current` (for DuckDB and other readers)

A build writes a whole new generation beside the current one, flushes it to disk, then replaces the
`current` symlink in one rename: readers see the old tables or the new ones, never a mix, and a build
killed at any moment leaves the previous tables as they were (its unfinished generation is deleted by the
next build). The previous generation is kept one build longer for readers still using it.

A table file that is truncated or damaged is detected (Parquet page checksums, row counts) and reported:
`load_tables` returns it empty and adds a row to `problems` naming the file; the next build rewrites it.
A lock keeps builds apart.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from analysis.store import schema

log = logging.getLogger("parley.store")

MANIFEST = "manifest.json"
LOCK = ".build.lock"
TABLES_DIR = ".tables"
CURRENT = "current"
STORE_INFO = "store.json"  # row count of every table, written with the generation
REBUILD_HINT = "rebuild the corpus to restore it"


class StoreBusy(RuntimeError):
    """Another build holds the data folder's lock."""


class DamagedTable(ValueError):
    """A table file that cannot be read or does not hold what its generation recorded."""


# --- writing -------------------------------------------------------------------------------------------


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _symlink_over(target: str, link: Path) -> None:
    """Make `link` a symlink to `target`, replacing whatever is there in one rename."""
    tmp = link.parent / f".{link.name}.{os.getpid()}.{time.time_ns()}.lnk"
    os.symlink(target, tmp)
    try:
        os.replace(tmp, link)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path, manifest: dict) -> None:
    """Write every table of the contract (missing ones empty) and the manifest as a new generation, then
    make it current in one rename. Call it holding `build_lock`."""
    out_dir = Path(out_dir)
    root = out_dir / TABLES_DIR
    root.mkdir(parents=True, exist_ok=True)
    previous = _current_name(out_dir)
    gen = Path(tempfile.mkdtemp(prefix=f"g{time.time_ns():020d}-", dir=root))
    try:
        os.chmod(gen, 0o755)  # mkdtemp makes it private; the tables are as readable as the folder
        rows = {}
        for name in schema.TABLES:
            table = schema.conform(tables.get(name), name)
            rows[name] = len(table)
            table.to_parquet(gen / f"{name}.parquet", index=False, write_page_checksum=True)
        (gen / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
        (gen / STORE_INFO).write_text(json.dumps({"rows": rows}), encoding="utf-8")
        for path in gen.iterdir():
            _fsync(path)
        _fsync(gen)
        _symlink_over(gen.name, root / CURRENT)
        _fsync(root)
    except BaseException:
        if _current_name(out_dir) != gen.name:
            shutil.rmtree(gen, ignore_errors=True)
        raise
    _link_top_level(out_dir)
    _prune(root, keep={gen.name, previous})


def _link_top_level(out_dir: Path) -> None:
    """`<table>.parquet` and `manifest.json` in `out_dir` as symlinks through `.tables/current`."""
    for file in [*(f"{name}.parquet" for name in schema.TABLES), MANIFEST]:
        link, target = out_dir / file, f"{TABLES_DIR}/{CURRENT}/{file}"
        with contextlib.suppress(OSError):
            if os.readlink(link) == target:
                continue
        _symlink_over(target, link)
    for stray in out_dir.glob(".*.tmp"):  # left by the single-file writes of earlier versions
        stray.unlink(missing_ok=True)
    _fsync(out_dir)


def _prune(root: Path, keep: set[str | None]) -> None:
    """Delete generations other than `keep` (unfinished ones of killed builds, and older ones)."""
    for path in root.iterdir():
        if path.name == CURRENT or path.name in keep:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)  # a symlink left by a rename that never happened


# --- reading -------------------------------------------------------------------------------------------


def _current_name(out_dir: Path) -> str | None:
    try:
        return os.readlink(Path(out_dir) / TABLES_DIR / CURRENT)
    except OSError:
        return None


def store_dir(out_dir: Path) -> Path:
    """The folder holding the current tables: the current generation, or `out_dir` itself for a data
    folder written before generations existed."""
    name = _current_name(out_dir)
    return Path(out_dir) / TABLES_DIR / name if name else Path(out_dir)


def _read_info(folder: Path) -> dict:
    try:
        return json.loads((folder / STORE_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _read(folder: Path, name: str, rows: int | None) -> pd.DataFrame:
    """Table `name` from `folder`; empty when absent; raises DamagedTable when it cannot be trusted."""
    path = folder / f"{name}.parquet"
    if not path.exists():
        if not folder.exists():
            raise FileNotFoundError(folder)  # the generation went away mid-read: the caller retries
        return schema.empty_table(name)
    try:
        frame = pd.read_parquet(path, page_checksum_verification=True)
        table = schema.conform(frame, name)
    except FileNotFoundError:
        raise
    except Exception as exc:  # pyarrow raises several types for truncated or garbled files
        raise DamagedTable(f"{name}.parquet is damaged ({_reason(exc)}); {REBUILD_HINT}") from None
    if rows is not None and len(table) != rows:
        raise DamagedTable(
            f"{name}.parquet is damaged (it holds {len(table)} rows, the build wrote {rows}); {REBUILD_HINT}"
        )
    return table


def _reason(exc: Exception) -> str:
    """The first line of an exception's message (pyarrow's can be long), or its type's name."""
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def read_table(out_dir: Path, name: str) -> pd.DataFrame:
    """Table `name` from `out_dir`, conformed to the contract; empty when absent or damaged (logged)."""
    for _ in range(3):
        folder = store_dir(out_dir)
        try:
            return _read(folder, name, _read_info(folder).get("rows", {}).get(name))
        except DamagedTable as exc:
            log.warning("%s", exc)
            return schema.empty_table(name)
        except FileNotFoundError:  # the generation was replaced while reading: read the new one
            continue
    return schema.empty_table(name)


def snapshot(out_dir: Path) -> tuple[dict[str, pd.DataFrame], dict]:
    """Every table and the manifest, all from one generation. A damaged table is returned empty, with a
    row in `problems` naming it (and a logged warning); never raises on damaged files."""
    for attempt in range(5):
        folder = store_dir(out_dir)
        rows = _read_info(folder).get("rows", {})
        tables, damaged = {}, []
        try:
            for name in schema.TABLES:
                try:
                    tables[name] = _read(folder, name, rows.get(name))
                except DamagedTable as exc:
                    log.warning("%s", exc)
                    tables[name] = schema.empty_table(name)
                    damaged.append({"file": f"{name}.parquet", "severity": "error", "message": str(exc)})
            manifest = _read_manifest_in(folder)
        except FileNotFoundError:  # a newer build replaced the generation mid-read (and pruned this one)
            if attempt == 4:
                raise
            continue
        if damaged:
            tables["problems"] = schema.conform(
                pd.concat([schema.conform(damaged, "problems"), tables["problems"]]), "problems"
            )
        return tables, manifest
    raise AssertionError("unreachable")


def load_tables(out_dir: Path) -> dict[str, pd.DataFrame]:
    """Every table of the contract from the current generation (see `snapshot`)."""
    return snapshot(out_dir)[0]


def check(out_dir: Path) -> list[dict]:
    """Problem rows for current table files that are truncated or hold other row counts than written.

    Cheap (reads only each file's footer), so a build can say which damaged files it is replacing."""
    import pyarrow.parquet as pq

    folder = store_dir(out_dir)
    rows = _read_info(folder).get("rows", {})
    problems = []
    for name in schema.TABLES:
        path = folder / f"{name}.parquet"
        if not path.exists():
            continue
        try:
            n = pq.read_metadata(path).num_rows
            bad = f"it holds {n} rows, the build wrote {rows[name]}" if rows.get(name, n) != n else ""
        except Exception as exc:
            bad = _reason(exc)
        if bad:
            message = f"{name}.parquet of the previous build was damaged ({bad}); written anew"
            problems.append({"file": f"{name}.parquet", "severity": "warning", "message": message})
    return problems


def tables_exist(out_dir: Path) -> bool:
    folder = store_dir(out_dir)
    return (folder / MANIFEST).exists() and (folder / "articles.parquet").exists()


def _read_manifest_in(folder: Path) -> dict:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        if folder.parent.name == TABLES_DIR and not folder.exists():
            raise  # the generation went away mid-read: the caller retries
        return {}
    except (OSError, ValueError):
        return {}


def read_manifest(out_dir: Path) -> dict:
    """The manifest of the current tables; {} when there is none or it cannot be read."""
    for _ in range(3):
        with contextlib.suppress(FileNotFoundError):
            return _read_manifest_in(store_dir(out_dir))
    return {}


# --- the lock ------------------------------------------------------------------------------------------


@contextlib.contextmanager
def build_lock(out_dir: Path, *, wait: float = 0.0) -> Iterator[None]:
    """Hold the data folder's build lock; wait up to `wait` seconds, then raise StoreBusy.

    The lock is an `flock` on `.build.lock`: the kernel releases it when the holder exits, even by SIGKILL.
    """
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    with open(Path(out_dir) / LOCK, "a+") as fh:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    waited = f" after waiting {wait:g} s" if wait else ""
                    raise StoreBusy(
                        f"another build is writing to {out_dir}{waited}; try again when it has finished "
                        "(or pass --wait SECONDS)"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
