"""Safe storage of uploaded corpus files under `data_dir/uploads/`.

An uploaded name is untrusted: it never chooses the directory (any path part is dropped), it is reduced
to a plain file name of letters, digits, `.`, `_` and `-`, and a name already taken by different content
gets a numbered suffix. Identical content already stored (or in another known corpus folder) is
recognised as a duplicate and not stored twice. Files are written aside and renamed into place, so a
failed upload never leaves a half-written file in the corpus.

An uploaded `metadata.csv` is merged into the stored one (new rows win), with its `file` column mapped
to the names the articles were stored under.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import datafile
from analysis.ingest import decode, formats

MB = 1_000_000  # a browser's MB in Streamlit's upload widget (but 1,048,576 bytes on Windows and the server)
ALLOWED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".csv", ".jsonl")
METADATA_FILE = "metadata.csv"
MAX_NAME = 100
MAX_SUFFIX = 16
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# device names that Windows refuses as file names, whatever the suffix (the folder may be copied there)
RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))]
)
# what a file holds when its first bytes say so, whatever its name claims
SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word, Excel or OpenDocument file)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"PAR1", "a Parquet file"),
)


@dataclass(frozen=True)
class UploadResult:
    """What happened to one uploaded file.

    Attributes:
        name: the name as uploaded.
        status: "saved" | "duplicate" | "rejected" | "metadata" | "removed".
        stored: the stored file name ("" when nothing was stored).
        message: a sentence for the user.
    """

    name: str
    status: str
    stored: str
    message: str


def rejected(name: str, message: str) -> UploadResult:
    """The result of a file refused for `message` (nothing stored)."""
    return UploadResult(name, "rejected", "", message)


def sanitize_name(name: str) -> str:
    """A safe plain file name for an uploaded `name`; the directory part is always dropped.

    Example:
        >>> sanitize_name("../../etc/passwd.txt")
        'passwd.txt'
        >>> sanitize_name("Rapport final (v2).TXT")
        'Rapport_final_v2.txt'
    """
    base = re.split(r"[\\/]", str(name))[-1].strip().replace("\x00", "")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = _UNSAFE.sub("_", stem).strip("._-") or "upload"
    suffix = _UNSAFE.sub("", suffix).lower()[:MAX_SUFFIX]
    stem = stem[: MAX_NAME - len(suffix) - 1]
    if stem.split(".")[0].upper() in RESERVED:
        stem = f"{stem}_"
    return f"{stem}.{suffix}" if suffix else stem


def upload_limit(max_bytes: int, server_mb: int) -> tuple[int, int]:
    """(the upload widget's limit in Streamlit's whole MB, the real limit of one file in bytes).

    The browser counts the widget's MB as 1,000,000 bytes (1,048,576 on Windows), the server as 1,048,576:
    the smallest whole MB of 1,000,000 bytes that admits `max_bytes` lets every browser pass what the app
    accepts, and the app refuses the rest by name. Never more than the server accepts (`server_mb`, the
    option server.maxUploadSize); the real limit is the smaller of the two.

    Example:
        >>> upload_limit(2_000_000, 200)
        (2, 2000000)
        >>> upload_limit(50_000_000, 2)
        (2, 2000000)
    """
    widget = max(1, min(-(-max_bytes // MB), server_mb))
    return widget, min(max_bytes, widget * MB)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def known_hashes(folders: list[Path]) -> dict[str, str]:
    """SHA-256 of every regular file directly in `folders` -> its name (for duplicate detection)."""
    hashes: dict[str, str] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.name != METADATA_FILE and not path.name.startswith("."):
                hashes.setdefault(content_hash(path.read_bytes()), path.name)
    return hashes


def count_rows(text: str, suffix: str, stop: int) -> int:
    """Article rows of a corpus file's text (CSV records after the header, or non-blank JSON lines),
    counted up to `stop` only, so a file of millions of rows costs no more than `stop` of them."""
    if suffix == ".jsonl":
        rows = (line for line in io.StringIO(text) if line.strip())
    else:
        rows = csv.reader(io.StringIO(text, newline=""))
        next(rows, None)  # the header
    n = 0
    try:
        for _ in rows:
            n += 1
            if n >= stop:
                break
    except csv.Error:
        pass  # malformed CSV: the build reports it, naming the file
    return n


def check_upload(name: str, data: bytes, *, max_bytes: int, max_rows: int | None = None) -> str | None:
    """Why `data` named `name` cannot be stored, or None when it can.

    Refused: an unsupported suffix, an empty file, one over `max_bytes`, one whose content is not text
    whatever its name claims (a PDF, ZIP, image...), and a `.csv`/`.jsonl` of more than `max_rows` rows
    (default: setting max_corpus_rows)."""
    suffix = Path(sanitize_name(name)).suffix
    if suffix not in ALLOWED_SUFFIXES:
        return f"{name!r} is not a supported file type; use one of {', '.join(ALLOWED_SUFFIXES)}"
    if not data:
        return f"{name!r} is empty"
    if len(data) > max_bytes:
        return (
            f"{name!r} is {len(data) / 1e6:,.1f} MB ({len(data):,} bytes), over the limit of "
            f"{max_bytes:,} bytes per file (setting max_article_bytes)"
        )
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            return f"{name!r} is named {suffix} but holds {kind}, not text; not stored"
    wide = any(data.startswith(bom) for bom, encoding in decode.BOMS if encoding != "utf-8-sig")
    if b"\x00" in data[:8192] and not wide:  # NUL bytes: binary, unless UTF-16/32 with a byte order mark
        return f"{name!r} looks like a binary file, not text (it holds NUL bytes)"
    text, note = decode.decode_bytes(data)
    if text is None:
        return f"{name!r} looks like a binary file, not text ({note})"
    limit = formats.max_rows() if max_rows is None else max_rows
    lines = data.count(b"\n") + data.count(b"\r")  # cheap: only a file with more lines is parsed
    if suffix in formats.CORPUS_SUFFIXES and lines > limit and count_rows(text, suffix, limit + 1) > limit:
        return (
            f"{name!r} holds more than {limit:,} rows, over the limit of {limit:,} articles per "
            "corpus file (setting max_corpus_rows); split it into smaller files"
        )
    return None


def free_name(folder: Path, name: str, taken: frozenset[str] = frozenset()) -> str:
    """`name`, or `name-2`, `name-3`… whichever is not taken in `folder` nor in `taken` (the names of the
    other corpus folders: the tables name an article by its file name alone)."""
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, i = name, 1
    while (folder / candidate).exists() or candidate == METADATA_FILE or candidate in taken:
        i += 1
        candidate = f"{stem}-{i}{suffix}"
    return candidate


def write_atomic(folder: Path, name: str, data: bytes) -> Path:
    """Write `data` to `folder/name` through a temporary file and a rename."""
    target = (folder / name).resolve()
    if target.parent != folder.resolve():  # belt and braces: a sanitised name has no path part
        raise ValueError(f"refusing to write {name!r} outside {folder}")
    return datafile.write_atomic(target, data)


def save_article(
    folder: Path,
    name: str,
    data: bytes,
    *,
    max_bytes: int,
    seen: dict[str, str],
    max_rows: int | None = None,
    taken: frozenset[str] = frozenset(),
) -> UploadResult:
    """Store one uploaded article file; `seen` (hash -> stored name) is updated and used for duplicates;
    `taken`: names of other corpus folders' files, never reused."""
    problem = check_upload(name, data, max_bytes=max_bytes, max_rows=max_rows)
    if problem:
        return rejected(name, problem)
    digest = content_hash(data)
    if digest in seen:
        return UploadResult(
            name, "duplicate", seen[digest], f"{name!r} is identical to {seen[digest]!r}; skipped"
        )
    stored = free_name(folder, sanitize_name(name), taken)
    write_atomic(folder, stored, data)
    seen[digest] = stored
    renamed = f" as {stored!r}" if stored != name else ""
    return UploadResult(name, "saved", stored, f"{name!r} saved{renamed}")


def merge_metadata(folder: Path, data: bytes, renames: dict[str, str]) -> UploadResult:
    """Merge an uploaded metadata.csv into `folder/metadata.csv`; `renames` maps uploaded -> stored names."""
    try:
        new = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        return rejected(METADATA_FILE, f"metadata.csv could not be read: {exc}")
    if "file" not in new.columns:
        return rejected(METADATA_FILE, "metadata.csv needs a 'file' column naming each article")
    new["file"] = [renames.get(f, renames.get(sanitize_name(f), sanitize_name(f))) for f in new["file"]]
    path = folder / METADATA_FILE
    if path.exists():
        old = pd.read_csv(path, dtype=str, keep_default_na=False)
        new = pd.concat([old[~old["file"].isin(new["file"])], new], ignore_index=True).fillna("")
    write_atomic(folder, METADATA_FILE, new.to_csv(index=False).encode("utf-8"))
    return UploadResult(METADATA_FILE, "metadata", METADATA_FILE, f"metadata for {len(new)} file(s) stored")


def save_uploads(
    folder: Path,
    files: list[tuple[str, bytes]],
    *,
    max_bytes: int,
    known_folders: list[Path] | None = None,
    max_rows: int | None = None,
) -> list[UploadResult]:
    """Store uploaded `(name, bytes)` pairs in `folder`, articles first, then any metadata.csv.

    Args:
        folder: the uploads folder (created when missing).
        files: uploaded names and contents.
        max_bytes: the size limit of one file.
        known_folders: other corpus folders whose files count as duplicates (e.g. the seed corpus).
        max_rows: the row limit of one .csv/.jsonl file (default: setting max_corpus_rows).

    Returns:
        One result per uploaded file, in upload order.
    """
    folder.mkdir(parents=True, exist_ok=True)
    seen = known_hashes([folder, *(known_folders or [])])
    taken = frozenset(p.name for d in known_folders or [] if d.is_dir() for p in d.iterdir())
    results: dict[int, UploadResult] = {}
    renames: dict[str, str] = {}
    for i, (name, data) in enumerate(files):
        if sanitize_name(name).lower() == METADATA_FILE:
            continue
        results[i] = save_article(
            folder, name, data, max_bytes=max_bytes, seen=seen, max_rows=max_rows, taken=taken
        )
        if results[i].stored:
            renames[re.split(r"[\\/]", name)[-1]] = results[i].stored
    for i, (name, data) in enumerate(files):
        if i not in results:
            problem = check_upload(name, data, max_bytes=max_bytes, max_rows=max_rows)
            results[i] = rejected(name, problem) if problem else merge_metadata(folder, data, renames)
    return [results[i] for i in range(len(files))]
