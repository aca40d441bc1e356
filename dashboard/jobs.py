"""Builds run in a background thread, one per data folder per process, shared by every session.

A build started from a page must survive that page's script run being interrupted (a rerun, a second
browser tab, a reconnect): sessions only watch the job's progress, so two sessions never start two
builds of the same folder, and an interrupted page simply shows the progress again on its next run.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from analysis.ingest.upload_admin import build_started
from analysis.store import tables as store
from analysis.store.build import build

_lock = threading.Lock()
_jobs: dict[str, BuildJob] = {}


@dataclass
class BuildJob:
    """Progress and outcome of one build (attributes are written by the worker thread only)."""

    out_dir: Path
    corpus_dirs: list[Path]
    done: int = 0
    total: int = 0
    message: str = "Reading the corpus…"
    summary: str = ""
    error: str = ""
    finished: threading.Event = field(default_factory=threading.Event)

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0

    @property
    def text(self) -> str:
        if self.total:
            return f"Analysing {self.done}/{self.total}: {self.message}"
        return self.message

    def _progress(self, done: int, total: int, message: str) -> None:
        self.done, self.total, self.message = done, total, message

    def run(self) -> None:
        try:
            result = build(self.corpus_dirs, self.out_dir, progress=self._progress, lock_wait=600)
            self.summary = result.summary()
        except Exception as exc:  # noqa: BLE001 - reported to every session watching the job
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.finished.set()


def start(out_dir: Path, corpus_dirs: list[Path]) -> BuildJob:
    """The running build of `out_dir`, or a new one started in the background."""
    key = str(Path(out_dir).resolve())
    with _lock:
        job = _jobs.get(key)
        if job is not None and not job.finished.is_set():
            return job
        job = BuildJob(Path(out_dir), list(corpus_dirs))
        _jobs[key] = job
        threading.Thread(target=job.run, name=f"parley-build-{key}", daemon=True).start()
        return job


def running(out_dir: Path) -> BuildJob | None:
    """The build of `out_dir` still in progress, if any."""
    job = _jobs.get(str(Path(out_dir).resolve()))
    return job if job is not None and not job.finished.is_set() else None


def last_read(out_dir: Path) -> float | None:
    """When the last finished build of `out_dir` read the corpus (epoch seconds), None when there is none."""
    path = Path(out_dir) / store.MANIFEST
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return build_started(store.read_manifest(Path(out_dir)), mtime)
