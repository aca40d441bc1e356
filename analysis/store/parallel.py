"""Running the per-article analysis in this process, in N local processes, or on a Dask cluster.

Articles travel in partitions (lists of article rows); each worker process loads the spaCy pipeline and the
knowledge files once, the first time it sees a given `ResourceSpec`, and returns for every article its rows
(or the error that stopped it). Results come back to the building process, which caches them and writes
the one Parquet store, so every way of running produces the same tables.

A worker also returns the fingerprint of the code, model and knowledge files it really used: a cluster
worker running other code or other knowledge files stops the build instead of mixing results.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from analysis import settings
from analysis.extract.nlp import given_text
from analysis.extract.pipeline import Resources, analyse_article
from analysis.store import cache

log = logging.getLogger("parley.build")
# (record index, result, error, fingerprint the worker used or None)
OnResult = Callable[[int, dict | None, str | None, dict | None], None]
# per process: the resources last loaded, keyed by spec and fingerprint (edited knowledge files reload)
_LOADED: dict[tuple, Resources] = {}


@dataclass(frozen=True)
class ResourceSpec:
    """What a worker must load: a picklable recipe for `Resources` (paths must exist on the worker)."""

    model: str
    kb_path: str
    taxonomy_path: str
    lexicon_path: str

    @classmethod
    def from_settings(cls) -> ResourceSpec:
        return cls(
            settings.get("model"), *(str(settings.get_path(n)) for n in cache.KNOWLEDGE_SETTINGS.values())
        )

    def knowledge(self) -> dict[str, Path]:
        """The knowledge files by component (`cache.KNOWLEDGE_SETTINGS`: the fields are the settings)."""
        return {name: Path(getattr(self, field)) for name, field in cache.KNOWLEDGE_SETTINGS.items()}

    def fingerprint(self) -> dict[str, str]:
        return cache.fingerprint(self.model, self.knowledge())

    def load(self, fp: dict[str, str] | None = None) -> Resources:
        """The resources, loaded at most once per process for the same files (`fp`: their fingerprint)."""
        key = (self, tuple(sorted((fp or self.fingerprint()).items())))
        if key not in _LOADED:
            _LOADED.clear()  # keep one pipeline in memory, not one per knowledge-base edit
            _LOADED[key] = Resources.load(
                model=self.model,
                kb_path=Path(self.kb_path),
                taxonomy_path=Path(self.taxonomy_path),
                lexicon_path=Path(self.lexicon_path),
            )
        return _LOADED[key]


def model_info(res: Resources) -> dict[str, str]:
    """Model name, version and fallback notice of loaded resources, as the manifest records them."""
    meta = getattr(res.nlp, "meta", {}) or {}
    return {
        "model": f"{meta.get('lang', 'en')}_{meta.get('name', 'blank')}",
        "model_version": str(meta.get("version", "")),
        "model_notice": res.notice or "",
    }


def analyse_records(
    records: list[dict], res: Resources, batch_size: int = 32
) -> list[tuple[dict | None, str | None]]:
    """(result, error) for every article row in `records`, in order; one failure never stops the others."""
    try:
        docs = list(res.nlp.pipe((r["text"] for r in records), batch_size=batch_size))
    except Exception:  # a batch that breaks the pipeline: isolate the article that did it
        docs = [None] * len(records)
    out = []
    for record, doc in zip(records, docs, strict=True):
        try:
            doc = given_text(doc if doc is not None else res.nlp(record["text"]), record["text"])
            out.append((analyse_article(doc, record, res), None))
        except Exception as exc:
            log.exception("analysis failed for %s", record.get("file"))
            out.append((None, f"{type(exc).__name__}: {exc}"))
    return out


def analyse_partition(records: list[dict], source: ResourceSpec | Resources, batch_size: int = 32) -> dict:
    """Worker entry point: analyse one partition with resources loaded once per process."""
    components = source.fingerprint() if isinstance(source, ResourceSpec) else None
    res = source.load(components) if isinstance(source, ResourceSpec) else source
    return {
        "results": analyse_records(records, res, batch_size),
        "components": components,
        "model": model_info(res),
    }


def partitions(n: int, workers: int, max_size: int = 256) -> list[range]:
    """Index ranges: about four partitions per worker (load balance), at most `max_size` articles each so
    progress moves and a lost worker costs little."""
    if n == 0:
        return []
    size = min(max(1, math.ceil(n / (max(workers, 1) * 4))), max_size)
    return [range(i, min(i + size, n)) for i in range(0, n, size)]


def check_worker(reply: dict, expected: dict[str, str] | None, *, remote: bool) -> None:
    """Stop when a cluster worker's code, model or knowledge files differ from this build's.

    Locally a difference only means a file was edited during the build: the results are kept and cached
    under the fingerprint the worker reports, so the next build analyses those articles again.
    """
    got = reply.get("components")
    if not remote or expected is None or got is None or got == expected:
        return
    changed = ", ".join(cache.changed_components(got, expected))
    raise RuntimeError(
        f"a worker analysed with a different {changed} than this build uses; install the same Parley version "
        "and knowledge files on every worker (see README, 'Running on a cluster')"
    )


def _deliver(
    reply: dict, part: range, on_result: OnResult, expected: dict | None, remote: bool = False
) -> dict:
    check_worker(reply, expected, remote=remote)
    for index, (result, error) in zip(part, reply["results"], strict=True):
        on_result(index, result, error, reply.get("components"))
    return reply["model"]


def run_processes(records: list[dict], source, on_result: OnResult, workers: int, batch_size: int,
                  expected: dict | None) -> dict:  # fmt: skip
    """In `workers` local processes (started fresh, so the parent's threads and state stay out)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    info: dict = {}
    parts = partitions(len(records), workers)
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(parts)) or 1, mp_context=ctx) as pool:
        futures = {
            pool.submit(analyse_partition, [records[i] for i in p], source, batch_size): p for p in parts
        }
        for future in as_completed(futures):
            info = _deliver(future.result(), futures[future], on_result, expected)
    return info


def run_dask(records: list[dict], source, on_result: OnResult, scheduler, batch_size: int,
             expected: dict | None) -> dict:  # fmt: skip
    """On a Dask distributed cluster: `scheduler` is an address ('tcp://host:8786') or a `Client`."""
    from distributed import Client, as_completed

    client = scheduler if isinstance(scheduler, Client) else Client(scheduler, set_as_default=False)
    try:
        n_workers = max(len(client.scheduler_info().get("workers", {})), 1)
        parts = partitions(len(records), n_workers)
        if isinstance(source, Resources):  # ship loaded resources once per worker, not once per partition
            source = client.scatter(source, broadcast=True)
        futures = {
            client.submit(analyse_partition, [records[i] for i in p], source, batch_size, pure=False): p
            for p in parts
        }
        info: dict = {}
        for future, reply in as_completed(futures, with_results=True, loop=client.loop):
            info = _deliver(reply, futures[future], on_result, expected, remote=True)
        return info
    finally:
        if client is not scheduler:
            client.close()


def run(
    records: list[dict],
    source,
    on_result: OnResult,
    *,
    workers: int = 1,
    scheduler=None,
    batch_size: int = 32,
    expected: dict | None = None,
) -> dict:
    """Analyse `records` here, in `workers` processes or on the cluster at `scheduler`; returns model info.

    Args:
        records: article rows (dicts with the `articles` columns).
        source: a `ResourceSpec` (workers load it) or loaded `Resources` (pickled to the workers).
        on_result: called in this process for every article as its result arrives (any order).
        expected: the fingerprint every worker must report (None: not checked).
    """
    if not records:
        return {}
    if scheduler is not None:
        return run_dask(records, source, on_result, scheduler, batch_size, expected)
    if workers > 1 and len(records) > 1:
        return run_processes(records, source, on_result, workers, batch_size, expected)
    info: dict = {}
    for part in partitions(len(records), 1):  # in this process
        reply = analyse_partition([records[i] for i in part], source, batch_size)
        info = _deliver(reply, part, on_result, expected)
    return info
