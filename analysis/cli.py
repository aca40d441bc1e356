"""`python -m analysis`: build the tables of a corpus, print the table contract and the settings."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from analysis import settings
from analysis.knowledge import cli as knowledge_cli
from analysis.store import schema


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Parley: turn a folder of news articles into tables of actors, topics, positions and "
        "events.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    b = sub.add_parser(
        "build",
        help="analyse a corpus folder and write its tables (Parquet) to OUT_DIR",
        description="Read every article in CORPUS_DIR (.txt .md .html .htm .jsonl .csv, optional "
        "metadata.csv), analyse it and write one Parquet file per table plus manifest.json to "
        "OUT_DIR, atomically. Bad files are reported in the problems table and skipped. Builds are "
        "incremental: only new or changed articles, and articles whose inputs (code, model, knowledge "
        "base, taxonomy, lexicon) changed, are analysed again; the manifest says why.",
    )
    b.add_argument(
        "corpus",
        nargs="*",
        type=Path,
        metavar="CORPUS_DIR",
        help=f"folder(s) of articles (default: setting corpus_dir, {settings.get('corpus_dir')})",
    )
    b.add_argument(
        "--out",
        type=Path,
        metavar="OUT_DIR",
        help=f"folder for the tables (default: setting data_dir, {settings.get('data_dir')})",
    )
    b.add_argument("--model", help=f"spaCy model package (default: setting model, {settings.get('model')})")
    b.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for another build on OUT_DIR to finish (default: refuse at once)",
    )
    b.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="analyse in N local processes (each loads the spaCy model once; default: 1, this process)",
    )
    b.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="run the analysis on an existing Dask distributed cluster (start one with `dask scheduler` "
        "and `dask worker tcp://HOST:PORT` run from this project's environment); wins over --workers",
    )
    b.add_argument("--quiet", action="store_true", help="no progress bar and no per-file warnings")
    s = sub.add_parser("schema", help="print the table contract (every table and column)")
    s.add_argument("--markdown", action="store_true", help="as the Markdown of docs/tables.md")
    sub.add_parser("settings", help="print every setting, its environment variable and current value")
    knowledge_cli.add_parser(sub)
    return parser


def _progress_bar(quiet: bool):
    if quiet:
        return None, None
    from tqdm import tqdm

    bar = tqdm(total=0, unit="article", file=sys.stderr, dynamic_ncols=True)

    def update(done: int, total: int, message: str) -> None:
        bar.total = total
        bar.set_postfix_str(message[-40:], refresh=False)
        bar.update(done - bar.n)

    return bar, update


def cmd_build(args: argparse.Namespace) -> int:
    from analysis.extract.topics import TaxonomyError
    from analysis.store import tables as store
    from analysis.store.build import build

    if args.model:
        os.environ[settings.env_var("model")] = args.model
    logging.basicConfig(level=logging.ERROR if args.quiet else logging.WARNING, format="warning: %(message)s")
    logging.getLogger("parley.build").setLevel(logging.CRITICAL)  # failures are reported as problems
    corpus = args.corpus or [settings.get_path("corpus_dir")]
    out = args.out or settings.get_path("data_dir")
    if args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    bar, update = _progress_bar(args.quiet)
    try:
        result = build(
            corpus, out, progress=update, lock_wait=args.wait, workers=args.workers, scheduler=args.scheduler
        )
    except store.StoreBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except TaxonomyError as exc:  # a taxonomy or cue file that does not validate: say where and why
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        if bar is not None:
            bar.close()
    if result.manifest.get("model_notice"):
        print(f"notice: {result.manifest['model_notice']}", file=sys.stderr)
    print(f"tables written to {out}")
    print(f"analysis: {result.manifest['rebuild_reason']}")
    print(result.summary())
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "build":
        return cmd_build(args)
    if args.command == "knowledge":
        return knowledge_cli.run(args)
    if args.command == "schema":
        if args.markdown:
            print(schema.markdown())
        else:
            for name, cols in schema.TABLES.items():
                print(f"{name}: {', '.join(c.name for c in cols)}")
        return 0
    for s in settings.SETTINGS:
        print(f"{s.name} ({s.env}) = {settings.get(s.name)}\n    {s.help}")
    return 0
