"""`python -m analysis knowledge actors|topics`: suggestions for the user's knowledge and taxonomy files.

    python -m analysis knowledge actors [--data DATA_DIR] [--out FILE] [--limit N]
    python -m analysis knowledge topics [--data DATA_DIR] [--out FILE] [--topics N]

Both read the tables of a build (default: setting data_dir). `actors` prints the unlinked people and
organisations with counts, examples and a proposed entry; with `--out` it writes them as a knowledge file
(proposed entries under `actors`, names that look like places or outlets under `not_actors`) to review and
use as the setting `knowledge_path`. `topics` prints candidate topics; with `--out` it writes them as a
taxonomy in the `topics.yaml` layout to review and use as the setting `taxonomy_path`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from analysis import settings


def add_parser(sub) -> None:
    k = sub.add_parser("knowledge", help="suggest actors or topics for the knowledge and taxonomy files")
    k.add_argument("what", choices=["actors", "topics"], help="what to suggest")
    k.add_argument(
        "--data", type=Path, metavar="DATA_DIR", help="the built tables (default: setting data_dir)"
    )
    k.add_argument("--out", type=Path, metavar="FILE", help="write a knowledge / taxonomy YAML file here")
    k.add_argument("--limit", type=int, default=100, help="at most this many actors (default 100)")
    k.add_argument("--topics", type=int, default=12, help="at most this many topics (default 12)")


def proposals_to_knowledge(suggestions: list[dict]) -> dict:
    """Accept every suggestion: proposed entries as actors, hinted places and outlets as not actors."""
    from analysis.knowledge.actors import add_actor, mark_not_actor

    data: dict = {}
    for s in suggestions:
        if s["hint"]:
            data = mark_not_actor(data, s["name"])
        else:
            data = add_actor(data, s["name"], s["type"], affiliation=s["affiliation"], aliases=s["aliases"])
    return data


def run(args: argparse.Namespace) -> int:
    from analysis.store import tables as store

    data_dir = args.data or settings.get_path("data_dir")
    if not store.tables_exist(data_dir):
        print(f"error: no built tables in {data_dir}; run `python -m analysis build` first", file=sys.stderr)
        return 2
    tables = store.load_tables(data_dir)
    if args.what == "actors":
        from analysis.extract.kb import load_kb
        from analysis.knowledge.actors import suggest_actors, write_knowledge

        found = suggest_actors(tables, load_kb(settings.get_path("kb_path")), limit=args.limit)
        if args.out:
            write_knowledge(args.out, proposals_to_knowledge(found))
            print(f"wrote {len(found)} proposed actors to {args.out}")
        else:
            print(yaml.safe_dump({"suggestions": found}, allow_unicode=True, sort_keys=False, width=110))
        return 0
    import spacy

    from analysis.knowledge.topics import suggest_topics, taxonomy_yaml

    nlp = spacy.load(settings.get("model"), exclude=["ner"])
    s = tables["sentences"]
    found = suggest_topics(list(zip(s["article_id"], s["text"], strict=True)), nlp, n_topics=args.topics)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(taxonomy_yaml(found), encoding="utf-8")
        print(f"wrote {len(found)} suggested topics to {args.out}")
    else:
        print(yaml.safe_dump({"topics": found}, allow_unicode=True, sort_keys=False, width=110))
    return 0
