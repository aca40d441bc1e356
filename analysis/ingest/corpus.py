"""Reading a corpus folder into clean articles, turning every bad input into a `problems` row.

Each file is read by its format (`analysis.ingest.formats`), then cleaned (`analysis.ingest.clean`). An
optional `metadata.csv` sidecar (column `file` required; `title`, `source`, `url`, `published`, `byline`;
other columns kept as extra metadata, column names read as in `formats.field_columns`) always wins over
what is found in the text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from analysis.ingest import decode
from analysis.ingest.clean import clean_text
from analysis.ingest.dates import parse_date
from analysis.ingest.formats import (
    ARTICLE_SUFFIXES,
    CORPUS_SUFFIXES,
    META_FIELDS,
    Problems,
    Raw,
    field_columns,
    read_article_file,
)
from analysis.store import schema

METADATA_FILE = "metadata.csv"
MIN_WORDS = 5  # fewer words after cleaning: nothing to analyse
Item = tuple[str, dict]  # ("article" | "problem", row)
FileReader = Callable[[Path, dict], list[Item]]  # (path, its metadata row) -> the file's items


def article_id(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def read_metadata(folder: Path, problems: Problems) -> dict[str, dict]:
    """`metadata.csv` rows by file name; a malformed file is reported and ignored."""
    path = folder / METADATA_FILE
    if not path.exists():
        return {}
    text, _ = decode.decode_bytes(path.read_bytes())
    try:
        import io

        frame = pd.read_csv(io.StringIO(text or ""), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        problems.add(
            METADATA_FILE, "error", f"metadata.csv could not be read ({exc}); articles analysed without it"
        )
        return {}
    if "file" not in frame.columns:
        problems.add(
            METADATA_FILE, "error", "metadata.csv has no 'file' column; articles analysed without it"
        )
        return {}
    columns = field_columns(list(frame.columns), METADATA_FILE, problems, skip=("file", "byline"))
    frame = frame.rename(columns={c: k for k, c in columns.items() if c != k})
    meta = {}
    for row in frame.to_dict("records"):
        name = str(row.pop("file")).strip()
        if name:
            meta[name] = {k: v.strip() for k, v in row.items() if isinstance(v, str) and v.strip()}
    return meta


def corpus_files(folder: Path) -> list[Path]:
    """Article and corpus files in `folder` (not recursive), in name order; hidden files skipped."""
    return sorted(
        p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".") and p.name != METADATA_FILE
    )


def make_article(raw: Raw, meta: dict, problems: Problems) -> dict | None:
    """Clean one raw article and settle its fields: metadata > container fields > found in the text."""
    cleaned = clean_text(raw.text)
    n_words = len(cleaned.text.split())
    if n_words < MIN_WORDS:
        problems.add(raw.file, "error", f"only {n_words} words of article text after cleaning; skipped")
        return None
    found = {"title": cleaned.title, "source": cleaned.source, "url": "", "published": cleaned.published_text}
    fields = {k: meta.get(k) or raw.fields.get(k) or found.get(k) or "" for k in META_FIELDS}
    published, published_from = _settle_published(raw.file, fields["published"], meta, raw.fields, problems)
    extra = {k: v for k, v in meta.items() if k not in (*META_FIELDS, "byline")}
    return {
        "article_id": article_id(cleaned.text),
        "file": raw.file,
        **{k: fields[k] for k in ("title", "source", "url")},
        "published": published or "",
        "published_from": published_from,
        "published_reason": _published_reason(published_from, fields["published"]),
        "byline": meta.get("byline") or raw.fields.get("byline") or cleaned.byline,
        "n_words": n_words,
        "text": cleaned.text,
        "meta": json.dumps(extra, ensure_ascii=False) if extra else "",
    }


def _settle_published(file: str, value: str, meta: dict, fields: dict, problems: Problems) -> tuple[str, str]:
    if not value:
        return "", "none"
    parsed = parse_date(value)
    origin = "metadata" if meta.get("published") or fields.get("published") else "text"
    if parsed is None:
        if origin == "text":
            # a date line or dateline as news pages write it ('Moscow, 3 December 2025', 'KYIV, Dec. 3,
            # 2025 (Reuters) -'), which the cleaner took off the top: the analysis reads it
            # (`extract.time.events.infer_published`); `published` holds the line until then
            return value, "stated"
        problems.add(
            file, "warning", f"published date {value!r} is not a date (use ISO, e.g. 2025-08-21); ignored"
        )
        return "", "none"
    return parsed, origin


def _published_reason(origin: str, value: str) -> str:
    return {
        "metadata": f"given as {value!r} in the metadata",
        "text": f"stated in the article: {value!r}",
        "stated": f"stated in the article: {value!r}",
    }.get(origin, "")


def file_items(path: Path, meta: dict, max_bytes: int) -> list[Item]:
    """The articles and problems of one corpus file, in the order they arise (before duplicates go)."""
    problems = Problems()
    items: list[Item] = []
    flushed = 0
    try:
        for raw in read_article_file(path, problems, max_bytes):
            row = make_article(raw, meta, problems)
            items += [("problem", p) for p in problems.rows[flushed:]]
            flushed = len(problems.rows)
            if row is not None:
                items.append(("article", row))
    except OSError as exc:
        problems.add(path.name, "error", f"could not be read ({exc.strerror or exc}); skipped")
    items += [("problem", p) for p in problems.rows[flushed:]]
    return items


def read_corpus(
    folders: Path | list[Path], *, max_bytes: int = 2_000_000, read_file: FileReader | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read every article in `folders`; return (articles, problems) tables. Never raises on bad input.

    `read_file(path, meta)`: a file's items (default `file_items`; the build's reuses cached ones).
    An article whose text an earlier one has is counted once.
    """
    read_file = read_file or (lambda path, meta: file_items(path, meta, max_bytes))
    problems = Problems()
    articles: list[dict] = []
    seen: dict[str, str] = {}
    for folder in [folders] if isinstance(folders, Path | str) else folders:
        folder = Path(folder)
        if not folder.is_dir():
            problems.add(str(folder), "error", "corpus folder does not exist")
            continue
        meta = read_metadata(folder, problems)
        files = corpus_files(folder)
        for missing in sorted(set(meta) - {p.name for p in files}):
            problems.add(
                METADATA_FILE, "warning", f"metadata row names {missing!r}, which is not in the folder"
            )
        for path in files:
            if path.suffix.lower() not in ARTICLE_SUFFIXES | CORPUS_SUFFIXES:
                suffix = path.suffix or "(none)"
                problems.add(path.name, "warning", f"unsupported file type {suffix!r}; skipped "
                             "(accepted: .txt .md .html .htm .jsonl .csv)")  # fmt: skip
                continue
            for kind, row in read_file(path, meta.get(path.name, {})):
                if kind == "problem":
                    problems.rows.append(row)
                elif row["article_id"] in seen:
                    problems.add(
                        row["file"], "warning", f"same text as {seen[row['article_id']]}; counted once"
                    )
                else:
                    seen[row["article_id"]] = row["file"]
                    articles.append(row)
    return schema.conform(articles, "articles"), problems.frame()
