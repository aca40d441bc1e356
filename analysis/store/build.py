"""Building the tables of a corpus: ingest, analyse every new or changed article (here, in local processes
or on a Dask cluster), reuse the cached analysis of the others, apply corrections, store atomically."""

from __future__ import annotations

import hashlib
import logging
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from analysis import settings
from analysis.extract.pipeline import Resources
from analysis.store import article_corrections, cache, corpus_dates, ingest_cache, parallel, schema
from analysis.store import tables as store

log = logging.getLogger("parley.build")
Progress = Callable[[int, int, str], None]
PER_ARTICLE = ("sentences", "mentions", "topics", "statements", "time_expressions", "events")
CORRECTIONS_FILE = "corrections.jsonl"
MODEL_FILE = "model.json"


@dataclass
class BuildResult:
    tables: dict[str, pd.DataFrame]
    manifest: dict
    seconds: float
    problems: pd.DataFrame = field(default_factory=lambda: schema.empty_table("problems"))

    def summary(self) -> str:
        counts = self.manifest["counts"]
        return (
            f"built {counts['articles']} articles, {counts['sentences']} sentences, "
            f"{counts['mentions']} mentions, {counts['statements']} statements, {counts['events']} events, "
            f"{counts['problems']} problems in {self.seconds:.1f} s"
        )


@dataclass
class Analysis:
    """Per-article results of one build, in corpus order, and what it took to get them."""

    results: list[dict]
    problems: list[dict]
    model: dict
    cache: dict


def merge_results(results: list[dict], articles: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The per-article tables from columnar results (see `cache.columnar`), in the order given."""
    tables = {}
    for name in PER_ARTICLE:
        columns: dict[str, list] = {c.name: [] for c in schema.TABLES[name]}
        for result in results:
            part = result.get(name) or {}
            n = len(next(iter(part.values()), []))
            for col, values in columns.items():
                values.extend(part.get(col) or [None] * n)
        tables[name] = schema.conform(pd.DataFrame(columns), name)
    published = {}
    for result in results:
        row = result.get("published") or {}
        if row.get("article_id"):
            published[row["article_id"][0]] = {k: v[0] for k, v in row.items()}
    tables["articles"] = settle_published(articles, published)
    return tables


def settle_published(articles: pd.DataFrame, published: dict[str, dict]) -> pd.DataFrame:
    """Articles with the publication date, origin and reason the timeline settled on."""
    out = articles.copy()
    for col in ("published", "published_from", "published_reason"):
        values = out["article_id"].map(lambda a, c=col: published.get(a, {}).get(c))
        out[col] = values.where(values.notna(), out[col]).astype("string")
    unread = out["published_from"] == "stated"  # a date line no analysis read (the article was not analysed)
    out.loc[unread, "published"] = ""
    out.loc[unread, "published_from"] = "none"
    return out


def _with_article(result: dict, article_id: str) -> dict:
    # the pipeline's one-row `published` list carries no article id; add it so the columnar form is keyed
    for row in result.get("published", []):
        row["article_id"] = article_id
    return result


def resources_fingerprint(spec: parallel.ResourceSpec, resources: Resources | None) -> dict[str, str]:
    """The cache fingerprint: from the files in the settings, with the model of `resources` when given."""
    fp = spec.fingerprint()
    if resources is not None:
        info = parallel.model_info(resources)
        fp["model"] = f"{info['model']}=={info['model_version'] or 'unknown'}; given by the caller"
    return fp


def stored_model(entries: cache.ArticleCache, spec: parallel.ResourceSpec, fp: dict, resources) -> dict:
    """Model info for the manifest when no article needed the model (so it was never loaded)."""
    if resources is not None:
        return parallel.model_info(resources)
    saved = entries.read_json(MODEL_FILE)
    if saved.get("component") == fp["model"]:
        return {k: saved.get(k, "") for k in ("model", "model_version", "model_notice")}
    version = cache.model_id(spec.model).split("==", 1)[1]
    return {
        "model": spec.model,
        "model_version": "" if version == "not installed" else version,
        "model_notice": "",
    }


@dataclass
class Collector:
    """Receives each analysed article (in any order): caches it, keeps its result, reports progress."""

    records: list[dict]
    keys: list[str]
    todo: list[int]  # record indices being analysed; results arrive by position in this list
    entries: cache.ArticleCache
    fp: dict[str, str]
    results: dict[str, dict]
    problems: list[dict]
    progress: Progress | None = None
    done: int = 0

    def __call__(self, j: int, result: dict | None, error: str | None, used: dict | None) -> None:
        record, key = self.records[self.todo[j]], self.keys[self.todo[j]]
        self.done += 1
        if result is None:
            message = f"analysis failed ({error}); article kept without analysis"
            self.problems.append({"file": record["file"], "severity": "error", "message": message})
        else:
            # cached under the fingerprint the worker really used (a file edited mid-build re-runs next time)
            data, payload = cache.encode(used or self.fp, _with_article(result, record["article_id"]))
            self.entries.put(key, data)
            self.results[key] = payload["result"]
        if self.progress:
            self.progress(self.done, len(self.records), record["file"])


def _stats(found: cache.Lookup, results: dict, todo: list[int], fp: dict) -> dict:
    reasons = {k: r for k, r in found.reasons.items() if k in results}
    why = cache.summarise(reasons, len(found.hits))
    return {"reused": len(found.hits), "analysed": len(reasons), "failed": len(todo) - len(reasons),
            "damaged": len(found.corrupt), "why": why, "fingerprint": fp}  # fmt: skip


def analyse(articles: pd.DataFrame, entries: cache.ArticleCache, *, spec: parallel.ResourceSpec,
            fp: dict[str, str], resources: Resources | None = None, workers: int = 1, scheduler=None,
            progress: Progress | None = None) -> Analysis:  # fmt: skip
    """Results for every article: cached where the article and its inputs (`fp`) are unchanged, else analysed
    with the resources `spec` describes (or `resources` when given)."""
    records = articles.to_dict("records")
    keys = [cache.article_key(r) for r in records]
    found = entries.lookup(keys, fp)
    todo = [i for i, k in enumerate(keys) if k not in found.hits]
    file_of = dict(zip(keys, (r["file"] for r in records), strict=True))
    damaged = "its cached analysis was damaged ({}); analysed again"
    problems = [
        {"file": file_of[k], "severity": "info", "message": damaged.format(why)} for k, why in found.corrupt
    ]
    collect = Collector(
        records, keys, todo, entries, fp, dict(found.hits), problems, progress, len(found.hits)
    )
    if progress and records:
        progress(collect.done, len(records), f"{collect.done} unchanged articles reused")
    model = parallel.run([records[i] for i in todo], resources or spec, collect, workers=workers,
                         scheduler=scheduler, batch_size=settings.get_int("batch_size"),
                         expected=fp if resources is None else None)  # fmt: skip
    if model:
        entries.write_json(MODEL_FILE, {"component": fp["model"], **model})
    else:
        model = stored_model(entries, spec, fp, resources)
    entries.prune(set(keys))
    results = collect.results
    return Analysis([results.get(k, {}) for k in keys], problems, model, _stats(found, results, todo, fp))


def apply_corrections(statements: pd.DataFrame, out_dir: Path) -> tuple[pd.DataFrame, list[dict]]:
    from analysis.store import corrections

    path = Path(out_dir) / CORRECTIONS_FILE
    if not path.exists():
        return statements, []
    try:
        return corrections.apply_corrections(statements, corrections.load_corrections(path)), []
    except Exception as exc:  # a broken corrections file must never cost the build or the file itself
        return statements, [
            {
                "file": CORRECTIONS_FILE,
                "severity": "error",
                "message": f"corrections could not be applied ({exc}); the file is kept unchanged",
            }
        ]


def make_manifest(
    tables: dict[str, pd.DataFrame], run: Analysis, corpus_dirs: list[Path], seconds: float, how: dict
) -> dict:
    import spacy

    ids = sorted(tables["articles"]["article_id"].astype(str))
    return {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 2),
        "corpus": [str(d) for d in corpus_dirs],
        "corpus_hash": hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16],
        **run.model,
        "versions": {
            "python": platform.python_version(),
            "spacy": spacy.__version__,
            "pandas": pd.__version__,
        },
        # the digests the cache already took of the knowledge files, under their setting names
        "knowledge": {
            setting: run.cache["fingerprint"][name] for name, setting in cache.KNOWLEDGE_SETTINGS.items()
        },
        "rebuild_reason": run.cache["why"],
        "cache": {**run.cache, **how},
        "counts": {name: int(len(frame)) for name, frame in tables.items()},
    }


def build(
    corpus_dirs: list[Path] | Path,
    out_dir: Path,
    *,
    progress: Progress | None = None,
    resources: Resources | None = None,
    lock_wait: float = 0.0,
    workers: int = 1,
    scheduler=None,
    cache_dir: Path | None = None,
) -> BuildResult:
    """Build every table for the corpus in `corpus_dirs` and store it in `out_dir`.

    Only new or changed articles, and those whose inputs (code, model, knowledge files) changed, are
    analysed; the others come from the cache in `cache_dir` (default `out_dir/.parley-cache`).

    Args:
        workers: local processes for the analysis (1: in this process).
        scheduler: a Dask scheduler address ('tcp://host:8786') or `distributed.Client`; wins over `workers`.

    Raises `store.StoreBusy` when another build holds `out_dir` for longer than `lock_wait` seconds.
    """
    start = time.perf_counter()
    corpus_dirs = (
        [Path(corpus_dirs)] if isinstance(corpus_dirs, Path | str) else [Path(d) for d in corpus_dirs]
    )
    out_dir = Path(out_dir)
    with store.build_lock(out_dir, wait=lock_wait):
        root = Path(cache_dir or out_dir / cache.CACHE_DIR)
        spec = parallel.ResourceSpec.from_settings()
        fp = resources_fingerprint(spec, resources)
        files = cache.ArticleCache(root / "ingest")
        max_bytes = settings.get_int("max_article_bytes")
        articles, problems = ingest_cache.read_corpus(
            corpus_dirs, files, max_bytes=max_bytes, code=fp["code"]
        )
        # the analyst's article corrections (date, title, source) before the analysis, which reads the date
        articles, dated, fix_problems = article_corrections.apply_before(articles, out_dir / CORRECTIONS_FILE)
        entries = cache.ArticleCache(root)
        run = analyse(articles, entries, spec=spec, fp=fp, resources=resources, workers=workers,
                      scheduler=scheduler, progress=progress)  # fmt: skip
        tables = merge_results(run.results, articles)
        # corpus-level dating over the merged tables: each article's cached analysis stays its own
        tables, date_problems = corpus_dates.anchor_corpus(tables)
        tables["articles"] = article_corrections.mark_after(tables["articles"], dated)
        notice = run.model.get("model_notice")
        extra = [{"file": "", "severity": "warning", "message": notice}] if notice else []
        tables["statements_auto"] = tables["statements"]  # kept so that an undone correction can be shown
        tables["statements"], corr_problems = apply_corrections(tables["statements"], out_dir)
        corr_problems += store.check(out_dir)  # damaged table files of the previous build, replaced now
        found = extra + run.problems + date_problems + corr_problems + fix_problems
        tables["problems"] = schema.conform(
            pd.concat([problems, pd.DataFrame(found, columns=problems.columns)]),
            "problems",
        )
        seconds = time.perf_counter() - start
        how = {
            "workers": workers,
            "scheduler": scheduler if isinstance(scheduler, str) else ("client" if scheduler else ""),
        }
        manifest = make_manifest(tables, run, corpus_dirs, seconds, how)
        store.write_tables(tables, out_dir, manifest)
    return BuildResult(tables=tables, manifest=manifest, seconds=seconds, problems=tables["problems"])
