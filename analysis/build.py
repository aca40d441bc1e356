"""Building the tables of a corpus: ingest, analyse every article, apply corrections, store atomically."""

from __future__ import annotations

import hashlib
import logging
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from analysis import schema, settings, store
from analysis.ingest import read_corpus
from analysis.pipeline import Resources, analyse_article

log = logging.getLogger("parley.build")
Progress = Callable[[int, int, str], None]
PER_ARTICLE = ("sentences", "mentions", "topics", "statements", "time_expressions", "events")
CORRECTIONS_FILE = "corrections.jsonl"


@dataclass
class BuildResult:
    tables: dict[str, pd.DataFrame]
    manifest: dict
    seconds: float
    problems: pd.DataFrame = field(default_factory=lambda: schema.empty_table("problems"))

    def summary(self) -> str:
        counts = self.manifest["counts"]
        return (f"built {counts['articles']} articles, {counts['sentences']} sentences, "
                f"{counts['mentions']} mentions, {counts['statements']} statements, {counts['events']} events, "
                f"{counts['problems']} problems in {self.seconds:.1f} s")


def file_digest(path: Path | str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
    except OSError:
        return ""


def analyse_corpus(articles: pd.DataFrame, res: Resources, *, progress: Progress | None = None,
                   batch_size: int = 32) -> tuple[dict[str, pd.DataFrame], list[dict]]:
    """Run the pipeline over every article; an article whose analysis fails becomes a problem row."""
    rows: dict[str, list[dict]] = {name: [] for name in PER_ARTICLE}
    published: dict[str, dict] = {}
    problems: list[dict] = []
    records = articles.to_dict("records")
    docs = res.nlp.pipe((a["text"] for a in records), batch_size=batch_size)
    for done, (article, doc) in enumerate(zip(records, docs), start=1):
        try:
            result = analyse_article(doc, article, res)
        except Exception as exc:  # one bad article must not stop the corpus
            log.exception("analysis failed for %s", article["file"])
            problems.append({"file": article["file"], "severity": "error",
                             "message": f"analysis failed ({type(exc).__name__}: {exc}); article kept without analysis"})
            result = {}
        for name in PER_ARTICLE:
            rows[name].extend(result.get(name, []))
        if result.get("published"):
            published[article["article_id"]] = result["published"][0]
        if progress:
            progress(done, len(records), article["file"])
    tables = {name: schema.conform(rows[name], name) for name in PER_ARTICLE}
    tables["articles"] = settle_published(articles, published)
    return tables, problems


def settle_published(articles: pd.DataFrame, published: dict[str, dict]) -> pd.DataFrame:
    """Articles with the publication date, origin and reason the timeline settled on."""
    out = articles.copy()
    for col in ("published", "published_from", "published_reason"):
        values = out["article_id"].map(lambda a, c=col: published.get(a, {}).get(c))
        out[col] = values.where(values.notna(), out[col]).astype("string")
    return out


def apply_corrections(statements: pd.DataFrame, out_dir: Path) -> tuple[pd.DataFrame, list[dict]]:
    from analysis import corrections

    path = Path(out_dir) / CORRECTIONS_FILE
    if not path.exists():
        return statements, []
    try:
        return corrections.apply_corrections(statements, corrections.load_corrections(path)), []
    except Exception as exc:  # a broken corrections file must never cost the build or the file itself
        return statements, [{"file": CORRECTIONS_FILE, "severity": "error",
                             "message": f"corrections could not be applied ({exc}); the file is kept unchanged"}]


def make_manifest(tables: dict[str, pd.DataFrame], res: Resources, corpus_dirs: list[Path], seconds: float) -> dict:
    import spacy

    meta = getattr(res.nlp, "meta", {}) or {}
    ids = sorted(tables["articles"]["article_id"].astype(str))
    return {
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(seconds, 2),
        "corpus": [str(d) for d in corpus_dirs],
        "corpus_hash": hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16],
        "model": f"{meta.get('lang', 'en')}_{meta.get('name', 'blank')}",
        "model_version": meta.get("version", ""),
        "model_notice": res.notice or "",
        "versions": {"python": platform.python_version(), "spacy": spacy.__version__, "pandas": pd.__version__},
        "knowledge": {name: file_digest(settings.get_path(name)) for name in ("kb_path", "taxonomy_path", "lexicon_path")},
        "counts": {name: int(len(frame)) for name, frame in tables.items()},
    }


def build(corpus_dirs: list[Path] | Path, out_dir: Path, *, progress: Progress | None = None,
          resources: Resources | None = None, lock_wait: float = 0.0) -> BuildResult:
    """Build every table for the corpus in `corpus_dirs` and store it in `out_dir`.

    Raises `store.StoreBusy` when another build holds `out_dir` for longer than `lock_wait` seconds.
    """
    start = time.perf_counter()
    corpus_dirs = [Path(corpus_dirs)] if isinstance(corpus_dirs, Path | str) else [Path(d) for d in corpus_dirs]
    out_dir = Path(out_dir)
    with store.build_lock(out_dir, wait=lock_wait):
        articles, problems = read_corpus(corpus_dirs, max_bytes=settings.get_int("max_article_bytes"))
        res = resources or Resources.load()
        extra = [{"file": "", "severity": "warning", "message": res.notice}] if res.notice else []
        tables, failed = analyse_corpus(articles, res, progress=progress, batch_size=settings.get_int("batch_size"))
        tables["statements"], corr_problems = apply_corrections(tables["statements"], out_dir)
        tables["problems"] = schema.conform(
            pd.concat([problems, pd.DataFrame(extra + failed + corr_problems, columns=problems.columns)]), "problems"
        )
        seconds = time.perf_counter() - start
        manifest = make_manifest(tables, res, corpus_dirs, seconds)
        store.write_tables(tables, out_dir, manifest)
    return BuildResult(tables=tables, manifest=manifest, seconds=seconds, problems=tables["problems"])
