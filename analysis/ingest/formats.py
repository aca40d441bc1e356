"""One corpus file to raw articles, by format, turning every bad input into a `problems` row.

Accepted: `.txt`, `.md`, `.html`/`.htm` (text extracted with trafilatura), and corpus files `.jsonl`/`.csv`
with one article per row (`text` required; `title`, `source`, `url`, `published`, `id` optional). Common
column names are read as these fields (`published_date`, `date`, `pub_date` -> `published`;
`source_domain`, `outlet`, `publisher` -> `source`; see `COLUMN_SYNONYMS`), and a problem row says which
column was used; a column that only looks like one of them ("release_time") is reported as not read.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import settings
from analysis.ingest import decode
from analysis.ingest.dates import body_only_date
from analysis.store import schema

log = logging.getLogger("parley.ingest")

ARTICLE_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}
CORPUS_SUFFIXES = {".jsonl", ".csv"}
META_FIELDS = ("title", "source", "url", "published")
# other names under which a metadata or corpus column holds a field, in order of preference
COLUMN_SYNONYMS = {
    "title": ("headline",),
    "source": ("source_domain", "outlet", "publisher", "source_name", "site_name", "sitename", "domain"),
    "url": ("link", "source_url", "article_url"),
    "published": (
        "published_date", "date", "pub_date", "publication_date", "published_at", "pubdate",
        "date_published", "datetime",
    ),
}  # fmt: skip
# words that make an unread column look like a field ("release_time", "news_site")
_LOOKS_LIKE = {
    "published": ("date", "time", "publish", "day"),
    "source": ("source", "outlet", "site", "domain", "publisher", "media"),
}


@dataclass
class Raw:
    """One article as read, before cleaning: text plus what its container said about it."""

    file: str
    text: str
    fields: dict


class Problems:
    """Collects problem rows and logs each as a one-line warning."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, file: str, severity: str, message: str) -> None:
        self.rows.append({"file": file, "severity": severity, "message": message})
        log.warning("%s: %s: %s", file or "corpus", severity, message)

    def frame(self) -> pd.DataFrame:
        return schema.conform(self.rows, "problems")


def _html_to_text(html: str) -> tuple[str, dict]:
    import trafilatura

    # the extensive date search also reads the body ("since 2022" as 2022-01-01): see `body_only_date`
    doc = trafilatura.bare_extraction(html, include_comments=False, include_tables=False, with_metadata=True)
    if doc is None:
        return "", {}
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    found = {k: data.get(k) or "" for k in ("title", "url")}
    found["source"] = data.get("sitename") or ""
    date = data.get("date") or ""
    found["published"] = "" if body_only_date(date, data.get("text") or "", html) else date
    found["byline"] = data.get("author") or ""
    return data.get("text") or "", found


def _markdown_to_text(md: str) -> str:
    """Plain text of a Markdown file: one paragraph per block, inline markup and link targets dropped."""
    from markdown_it import MarkdownIt

    blocks = []
    for token in MarkdownIt("commonmark").parse(md):
        if token.type == "inline":
            words = [c.content for c in token.children or [] if c.type in ("text", "code_inline")]
            blocks.append("".join(words) if words else token.content)
    return "\n\n".join(blocks)


def read_article_file(path: Path, problems: Problems, max_bytes: int) -> Iterator[Raw]:
    """Yield the article(s) in one file; problems go to `problems`."""
    name = path.name
    size = path.stat().st_size
    if size == 0:
        problems.add(name, "error", "the file is empty; skipped")
        return
    suffix = path.suffix.lower()
    if suffix in ARTICLE_SUFFIXES and size > max_bytes:
        problems.add(
            name,
            "error",
            f"the file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit "
            "for one article (setting max_article_bytes); skipped",
        )
        return
    text, note = decode.decode_bytes(path.read_bytes())
    if text is None:
        problems.add(name, "error", f"{note}; skipped")
        return
    if note:
        problems.add(name, "info", note)
    if suffix in CORPUS_SUFFIXES:
        yield from read_corpus_file(name, suffix, text, problems, max_bytes)
    elif suffix in (".html", ".htm") or (suffix in (".txt", ".md", ".markdown") and looks_like_html(text)):
        if suffix not in (".html", ".htm"):
            problems.add(name, "info", f"named {suffix} but holds an HTML page; its text was extracted")
        body, found = _html_to_text(text)
        if not body.strip():
            problems.add(
                name,
                "error",
                "no article text found in the HTML (only markup, scripts or navigation); skipped",
            )
            return
        yield Raw(name, body, found)
    elif suffix in (".md", ".markdown"):
        yield Raw(name, _markdown_to_text(text), {})
    else:
        yield Raw(name, text, {})


def max_rows() -> int:
    """Rows read from one corpus file (setting max_corpus_rows)."""
    return settings.get_int("max_corpus_rows")


_HTML_START = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S
)


def looks_like_html(text: str) -> bool:
    """True for a whole HTML page (it opens with a doctype or an <html> tag), whatever the file's name."""
    return bool(_HTML_START.match(text[:4096]))


def read_corpus_file(name: str, suffix: str, text: str, problems: Problems, max_bytes: int) -> Iterator[Raw]:
    """Rows of a `.jsonl` or `.csv` corpus file, one article each; at most `max_rows()` of them."""
    limit = max_rows()
    reader = _jsonl_rows if suffix == ".jsonl" else _csv_rows
    n, columns = 0, {}
    for i, row in reader(name, text, problems, limit + 1):
        n += 1
        if n == 1:
            columns = field_columns(list(row), name, problems, skip=("text", "id", "byline"))
        if n > limit:
            problems.add(
                name,
                "warning",
                f"the file holds more than {limit:,} rows; only the first {limit:,} were read "
                "(setting max_corpus_rows)",
            )
            return
        ident = str(row.get("id") or i)
        body = row.get("text")
        where = f"{name}#{ident}"
        if not isinstance(body, str) or not body.strip():
            problems.add(where, "warning", "row has no text; skipped")
            continue
        if len(body.encode("utf-8")) > max_bytes:
            problems.add(
                where, "error", f"row text is over the {max_bytes / 1e6:.1f} MB article limit; skipped"
            )
            continue
        fields = {
            k: str(row[c])
            for k, c in (columns or field_columns(list(row))).items()
            if isinstance(row.get(c), str | int | float) and pd.notna(row[c])
        }
        yield Raw(where, body, fields)
    if n == 0 and not any(p["file"].split("#")[0] == name for p in problems.rows):
        problems.add(name, "error", "the file holds no article rows; skipped")


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` one at a time (no list of millions of lines in memory)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        yield text[start:end].rstrip("\r")
        start = end + 1


def _jsonl_rows(name: str, text: str, problems: Problems, limit: int) -> Iterator[tuple[int, dict]]:
    rows = 0
    for i, line in enumerate(_lines(text), start=1):
        if not line.strip():
            continue
        rows += 1
        if rows > limit:
            return
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.add(f"{name}#{i}", "warning", f"line {i} is not valid JSON ({exc.msg}); skipped")
            continue
        if not isinstance(row, dict):
            problems.add(f"{name}#{i}", "warning", f"line {i} is not a JSON object; skipped")
            continue
        yield i, {k: scrub(v) if isinstance(v, str) else v for k, v in row.items()}


def scrub(text: str) -> str:
    """`text` with lone surrogates (JSON escapes such as \\ud800, which no file can hold) made U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _csv_rows(name: str, text: str, problems: Problems, limit: int) -> Iterator[tuple[int, dict]]:
    import io

    try:
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, on_bad_lines="warn", nrows=limit
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        problems.add(name, "error", f"could not read the CSV ({exc}); skipped")
        return
    if "text" not in frame.columns:
        problems.add(
            name, "error", f"corpus CSV has no 'text' column (columns: {', '.join(frame.columns)}); skipped"
        )
        return
    yield from enumerate(frame.to_dict("records"), start=1)


def field_columns(
    columns: list[str], where: str = "", problems: Problems | None = None, skip: tuple[str, ...] = ()
) -> dict[str, str]:
    """Field -> the column holding it: the field's own name, else its first synonym present.

    With `problems`, a synonym read, a synonym ignored (the field's own column or an earlier synonym won)
    and an unread column that looks like a field are each reported once under `where`.
    """
    present = {str(c).strip().casefold(): str(c) for c in columns}
    found: dict[str, str] = {}
    for field in META_FIELDS:
        names = [n for n in (field, *COLUMN_SYNONYMS.get(field, ())) if n in present]
        if not names:
            continue
        found[field] = present[names[0]]
        if problems is not None and names[0] != field:
            problems.add(where, "info", f"column {present[names[0]]!r} read as the article's {field}")
        for other in names[1:] if problems is not None else ():
            read = present[names[0]]
            message = f"column {present[other]!r} ignored: {field} is read from {read!r}"
            problems.add(where, "warning", message)
    used = {c.casefold() for c in found.values()} | set(skip) | set(META_FIELDS)
    for key, column in present.items() if problems is not None else ():
        field = next((f for f, words in _LOOKS_LIKE.items() if any(w in key for w in words)), None)
        if key in used or field is None or any(key in COLUMN_SYNONYMS[f] for f in COLUMN_SYNONYMS):
            continue
        problems.add(
            where,
            "warning",
            f"column {column!r} looks like the article's {field} but was not read "
            f"(kept as extra metadata; name it {field!r} to use it)",
        )
    return found
