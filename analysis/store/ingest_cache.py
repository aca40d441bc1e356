"""`read_corpus` with a per-file cache, so an unchanged corpus is not decoded and cleaned again.

Cleaning costs milliseconds per article: on a 10,000-article corpus that alone would dwarf a rebuild
whose analysis all comes from the cache. Each corpus file's outcome (its article rows and problem rows,
in the order they arose) is stored under the hash of the file's bytes, its `metadata.csv` row, the size
limit and the code fingerprint; the folder walk, the metadata checks and the duplicate check are re-run
exactly as `ingest.read_corpus` runs them (a test checks both give the same tables).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from analysis.ingest import corpus as ingest
from analysis.store import cache, schema

Item = tuple[str, dict]  # ("article" | "problem", row)


def read_file_items(path: Path, meta: dict, max_bytes: int) -> list[Item]:
    """Articles and problems of one file, in the order `read_corpus` meets them (before duplicates go)."""
    problems = ingest.Problems()
    items: list[Item] = []
    flushed = 0
    try:
        for raw in ingest.read_article_file(path, problems, max_bytes):
            row = ingest.make_article(raw, meta, problems)
            items += [("problem", p) for p in problems.rows[flushed:]]
            flushed = len(problems.rows)
            if row is not None:
                items.append(("article", row))
    except OSError as exc:
        problems.add(path.name, "error", f"could not be read ({exc.strerror or exc}); skipped")
    items += [("problem", p) for p in problems.rows[flushed:]]
    return items


def file_key(path: Path, meta: dict, max_bytes: int, code: str) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    extra = json.dumps(
        [path.name, meta, max_bytes, ingest.max_rows(), code], sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(f"{digest}|{extra}".encode()).hexdigest()[:32]


def cached_items(path: Path, meta: dict, max_bytes: int, code: str, store: cache.ArticleCache,
                 used: set[str]) -> list[Item]:  # fmt: skip
    """The file's items from the cache; read and cached when the file, its metadata or the code changed."""
    try:
        key = file_key(path, meta, max_bytes, code)
    except OSError:
        return read_file_items(path, meta, max_bytes)  # reports the read error as read_corpus does
    used.add(key)
    try:
        payload = store.get(key)
    except cache.CorruptEntry:
        payload = None  # recomputed below and overwritten
    if payload is not None:
        return [(kind, row) for kind, row in payload["result"]["items"]]
    items = read_file_items(path, meta, max_bytes)
    store.put(key, _encode_items(items))
    return items


def _encode_items(items: list[Item]) -> bytes:
    body = json.dumps(
        {"components": {}, "result": {"items": items}}, ensure_ascii=False, default=cache._plain
    )
    data = body.encode("utf-8")
    return cache._digest(data).encode() + b"\n" + data


def _folder_items(
    folder: Path, problems: ingest.Problems, max_bytes: int, code: str, store, used
) -> list[Item]:
    meta = ingest.read_metadata(folder, problems)
    files = ingest.corpus_files(folder)
    names = {p.name for p in files}
    for missing in sorted(set(meta) - names):
        problems.add(
            ingest.METADATA_FILE, "warning", f"metadata row names {missing!r}, which is not in the folder"
        )
    items: list[Item] = [("problem", p) for p in problems.rows]
    problems.rows.clear()
    for path in files:
        if path.suffix.lower() not in ingest.ARTICLE_SUFFIXES | ingest.CORPUS_SUFFIXES:
            problems.add(path.name, "warning", f"unsupported file type {path.suffix or '(none)'!r}; skipped "
                         "(accepted: .txt .md .html .htm .jsonl .csv)")  # fmt: skip
            items.append(("problem", problems.rows.pop()))
            continue
        items += cached_items(path, meta.get(path.name, {}), max_bytes, code, store, used)
    return items


def read_corpus(folders: Path | list[Path], store: cache.ArticleCache, *, max_bytes: int = 2_000_000,
                code: str = "") -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """Like `ingest.read_corpus`, reusing each unchanged file's articles; prunes the file entries not used."""
    problems = ingest.Problems()
    items: list[Item] = []
    used: set[str] = set()
    for folder in [folders] if isinstance(folders, Path | str) else folders:
        folder = Path(folder)
        if not folder.is_dir():
            problems.add(str(folder), "error", "corpus folder does not exist")
            items.append(("problem", problems.rows.pop()))
            continue
        items += _folder_items(folder, problems, max_bytes, code, store, used)
    articles, seen = [], {}
    for kind, row in items:
        if kind == "problem":
            problems.rows.append(row)
        elif row["article_id"] in seen:
            problems.add(row["file"], "warning", f"same text as {seen[row['article_id']]}; counted once")
        else:
            seen[row["article_id"]] = row["file"]
            articles.append(row)
    store.prune(used)
    return schema.conform(articles, "articles"), problems.frame()
