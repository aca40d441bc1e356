"""Throughput of the actor/topic analysis next to plain `nlp.pipe` of the same model, in the same run.

    python bench/bench_pipeline.py [CORPUS_DIR] [--runs 5] [--copies 4] [--batch-size 32] [--model NAME]

Reads the corpus (default `seeds/`) with `analysis.ingest.corpus.read_corpus`, repeats the cleaned texts
`--copies` times so each run is long enough to time, then alternates, `--runs` times:

- plain:    `spacy.load(model)` and `list(nlp.pipe(texts))`
- analysis: `load_nlp(model)` (the same model + the actor entity ruler), `nlp.pipe(texts)`,
            then `find_mentions` and `tag_topics` on every Doc
- full:     the analysis plus stance and timeline (`pipeline.analyse_article`), when those modules load

and prints the median words/s of each and the overhead of the analysis over plain `nlp.pipe`.
Times are CPU seconds of this process (`time.process_time`), so other jobs on a shared machine
disturb the comparison less than wall-clock time would.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import spacy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.extract.actors import find_mentions  # noqa: E402
from analysis.extract.kb import load_kb  # noqa: E402
from analysis.extract.nlp import DEFAULT_MODEL, load_nlp  # noqa: E402
from analysis.extract.topics import load_taxonomy, tag_topics  # noqa: E402


def read_texts(folder: Path) -> list[dict]:
    """Cleaned articles of the corpus as row dicts (raw .txt files when ingest is unavailable)."""
    try:
        from analysis.ingest.corpus import read_corpus

        articles, _problems = read_corpus(folder)
        return articles.to_dict("records")
    except ImportError:
        return [
            {"text": p.read_text(encoding="utf-8"), "article_id": p.stem}
            for p in sorted(folder.glob("*.txt"))
        ]


def time_plain(nlp, texts: list[str], batch_size: int) -> float:
    start = time.process_time()
    for _doc in nlp.pipe(texts, batch_size=batch_size):
        pass
    return time.process_time() - start


def time_analysis(nlp, texts: list[str], kb, taxonomy, batch_size: int) -> float:
    start = time.process_time()
    for doc in nlp.pipe(texts, batch_size=batch_size):
        find_mentions(doc, kb)
        tag_topics(doc, taxonomy)
    return time.process_time() - start


def time_full(nlp, articles: list[dict], resources, batch_size: int) -> float:
    from analysis.extract.pipeline import analyse_article

    start = time.process_time()
    for doc, article in zip(
        nlp.pipe([a["text"] for a in articles], batch_size=batch_size), articles, strict=True
    ):
        analyse_article(doc, article, resources)
    return time.process_time() - start


def full_resources(nlp, kb, taxonomy):
    """The Resources `analyse_article` needs, or None when the stance/timeline modules are missing."""
    try:
        from analysis import settings
        from analysis.extract import stance
        from analysis.extract.pipeline import Resources

        lexicon = stance.load_lexicon(settings.get_path("lexicon_path"))
        return Resources(nlp=nlp, kb=kb, taxonomy=taxonomy, lexicon=lexicon)
    except Exception as err:  # noqa: BLE001 - an optional line of the report
        print(f"(full pipeline skipped: {type(err).__name__}: {err})")
        return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(ROOT / "seeds"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--copies", type=int, default=4)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--model", default=DEFAULT_MODEL)
    args = ap.parse_args(argv)

    articles = read_texts(Path(args.corpus)) * args.copies
    texts = [a["text"] for a in articles]
    words = sum(len(t.split()) for t in texts)
    kb, taxonomy = load_kb(), load_taxonomy()
    plain = spacy.load(args.model)
    nlp, notice = load_nlp(args.model, kb)
    if notice:
        print(notice)
    resources = full_resources(nlp, kb, taxonomy)
    time_plain(plain, texts[:2], args.batch_size)  # warm-up
    time_analysis(nlp, texts[:2], kb, taxonomy, args.batch_size)
    runs: dict[str, list[float]] = {"plain nlp.pipe": [], "analysis (ruler+mentions+topics)": []}
    if resources is not None:
        runs["full analyse_article"] = []
    for _ in range(args.runs):
        runs["plain nlp.pipe"].append(time_plain(plain, texts, args.batch_size))
        runs["analysis (ruler+mentions+topics)"].append(
            time_analysis(nlp, texts, kb, taxonomy, args.batch_size)
        )
        if resources is not None:
            runs["full analyse_article"].append(time_full(nlp, articles, resources, args.batch_size))
    print(f"{len(texts)} texts, {words} words, model {args.model}, median of {args.runs} runs")
    medians = {name: statistics.median(times) for name, times in runs.items()}
    for name, seconds in medians.items():
        print(f"{name:36s} {words / seconds:10.0f} words/s  ({seconds:.2f} s)")
    base = medians["plain nlp.pipe"]
    for name, seconds in list(medians.items())[1:]:
        print(f"overhead of {name} over plain nlp.pipe: {100 * (seconds / base - 1):+.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
