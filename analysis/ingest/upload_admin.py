"""Managing the files already uploaded to `data_dir/uploads/`: their status in the last build, their
details (title, source, URL, publication date) kept in the folder's `metadata.csv`, removing one and
replacing one with a new version.

Every function takes the name of a stored file and acts only when that name is one of the files listed
in the folder: a name typed or sent by a browser never builds a path. Details are plain text, cleaned
of control characters and bounded in length; a URL must be http(s) and a date must be a date. The
metadata file is rewritten aside and renamed into place (`uploads.write_atomic`), so the other rows,
and the columns an uploaded metadata.csv brought, are never lost.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.ingest import corpus as ingest
from analysis.ingest import uploads
from analysis.ingest.dates import parse_date
from analysis.ingest.uploads import METADATA_FILE, UploadResult, rejected

DETAIL_FIELDS = ingest.META_FIELDS  # title, source, url, published
MAX_DETAIL = {"title": 300, "source": 120, "url": 2000, "published": 40}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]+")
_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.I)
STATUS_ANALYSED, STATUS_PROBLEM, STATUS_WAITING = "analysed", "problem", "waiting for build"
_RANK = {"error": 0, "warning": 1}
STATUSES = (STATUS_ANALYSED, STATUS_PROBLEM, STATUS_WAITING)
CORPUS_SUFFIXES = tuple(sorted(ingest.CORPUS_SUFFIXES))


@dataclass(frozen=True)
class Stored:
    """One uploaded file as stored: its name and modification time (seconds since the epoch)."""

    name: str
    mtime: float


def stored_files(folder: Path) -> list[Stored]:
    """The uploaded article and corpus files in `folder`, in name order (metadata and hidden files not)."""
    if not folder.is_dir():
        return []
    return [Stored(p.name, p.stat().st_mtime) for p in ingest.corpus_files(folder)]


def _find(folder: Path, name: str) -> Path | None:
    """The stored file called exactly `name`, taken from the folder's own listing (never built from it)."""
    return next((folder / s.name for s in stored_files(folder) if s.name == name), None)


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def build_started(manifest: dict, manifest_mtime: float | None) -> float | None:
    """When the last build read the corpus (epoch seconds): the manifest's write time less the build's
    duration (the manifest is written last; this errs late by the time the tables took to write).
    None when there is no build."""
    if not manifest or manifest_mtime is None:
        return None
    return manifest_mtime - float(manifest.get("seconds") or 0.0)


def _of_file(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Rows of `frame` that come from the file `name` (a corpus file's rows are `name#id`)."""
    if frame is None or frame.empty or "file" not in frame.columns:
        return frame.iloc[0:0] if frame is not None else pd.DataFrame()
    files = frame["file"].astype(str)
    return frame[(files == name) | files.str.startswith(f"{name}#")]


def _details_changed(meta: dict, built: pd.DataFrame) -> bool:
    """True when a detail set in the metadata is not what the build shows for the file's article."""
    if built.empty:
        return bool(meta)
    row = built.iloc[0]
    for field in DETAIL_FIELDS:
        wanted = meta.get(field, "")
        if not wanted:
            continue
        shown = "" if pd.isna(row.get(field)) else str(row.get(field))
        if field == "published":
            wanted = parse_date(wanted) or wanted
            shown = shown[:10] if len(wanted) == 10 else shown[: len(wanted)]
        if shown != wanted:
            return True
    return False


def status_rows(
    files: list[Stored],
    articles: pd.DataFrame,
    problems: pd.DataFrame,
    started: float | None,
    meta: dict[str, dict] | None = None,
    meta_mtime: float | None = None,
) -> pd.DataFrame:
    """One row per uploaded file: its status in the last build and what the build shows of it.

    Status: "waiting for build" (changed since the last build read the corpus, or not in it),
    "analysed" (its articles are in the tables; any problem with part of it is in the message),
    "problem" (the build read it and kept no article: the message says why).

    Args:
        files: the stored files (`stored_files`).
        articles, problems: the last build's tables (columns `file`, … and `file`, `severity`, `message`).
        started: when the last build read the corpus (`build_started`), None when there is none.
        meta: the folder's metadata rows by file name; meta_mtime: when metadata.csv last changed.
    """
    meta = meta or {}
    out = []
    for f in files:
        mine, trouble = _of_file(articles, f.name), _of_file(problems, f.name)
        if "severity" in trouble.columns and not trouble.empty:
            trouble = trouble.sort_values("severity", key=lambda s: s.map(_RANK).fillna(2), kind="stable")
        notes = [str(m) for m in trouble.get("message", [])]
        changed = started is not None and meta_mtime is not None and meta_mtime > started
        if started is None or f.mtime > started or (mine.empty and trouble.empty):
            status, message = STATUS_WAITING, "not analysed yet: re-analyse the corpus to include it"
        elif changed and f.name in meta and _details_changed(meta[f.name], mine):
            status, message = STATUS_WAITING, "details changed: re-analyse the corpus to show them"
        elif not mine.empty:
            status = STATUS_ANALYSED
            message = f"{len(mine)} article{'s' if len(mine) != 1 else ''}"
            if notes:
                more = f" (and {len(notes) - 1} more)" if len(notes) > 1 else ""
                message += f"; {notes[0]}{more}"
        else:
            status, message = STATUS_PROBLEM, notes[0] if notes else "no article found"
        first = mine.iloc[0] if len(mine) == 1 else None
        shown = {k: _text(None if first is None else first.get(k)) for k in DETAIL_FIELDS}
        out.append({"file": f.name, "status": status, "message": message, "articles": len(mine), **shown})
    columns = ["file", "status", "message", "articles", *DETAIL_FIELDS]
    return pd.DataFrame(out, columns=columns)


def folder_status(
    folder: Path, articles: pd.DataFrame, problems: pd.DataFrame, started: float | None
) -> pd.DataFrame:
    """`status_rows` of every file uploaded to `folder`, with the folder's own metadata rows."""
    frame = read_rows(folder)
    meta = {
        str(row.pop("file")): {k: v for k, v in row.items() if k in DETAIL_FIELDS and v}
        for row in frame.to_dict("records")
    }
    path = folder / METADATA_FILE
    meta_mtime = path.stat().st_mtime if path.is_file() else None
    return status_rows(stored_files(folder), articles, problems, started, meta, meta_mtime)


def read_rows(folder: Path) -> pd.DataFrame:
    """The folder's metadata.csv as strings (empty frame with a `file` column when there is none or it
    cannot be read), a synonym column ("date", "headline", …) renamed to its field."""
    path = folder / METADATA_FILE
    if not path.is_file():
        return pd.DataFrame(columns=["file"])
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
        return pd.DataFrame(columns=["file"])
    if "file" not in frame.columns:
        return pd.DataFrame(columns=["file"])
    columns = ingest.field_columns(list(frame.columns))
    return frame.rename(columns={c: k for k, c in columns.items() if c != k})


def details(folder: Path, name: str) -> dict[str, str]:
    """The details set for the stored file `name` in the folder's metadata.csv ("" when not set)."""
    frame = read_rows(folder)
    rows = frame[frame["file"].astype(str) == name]
    row = rows.iloc[-1].to_dict() if not rows.empty else {}
    return {k: str(row.get(k, "") or "") for k in DETAIL_FIELDS}


def clean_detail(field: str, value: object) -> tuple[str, str | None]:
    """(`value` as stored, a problem or None): one line of plain text without control characters, within
    the field's length; a URL must be http(s), a date must be a date (stored as ISO)."""
    text = " ".join(_CONTROL.sub(" ", str(value or "")).split())
    if not text:
        return "", None
    if len(text) > MAX_DETAIL[field]:
        return text, f"the {field} is {len(text):,} characters long, over the limit of {MAX_DETAIL[field]:,}"
    if field == "url" and not _URL.match(text):
        return text, f"the URL {text!r} does not start with http:// or https://"
    if field == "published":
        iso = parse_date(text)
        if iso is None:
            return text, f"the date {text!r} is not a date (use ISO, e.g. 2025-08-21, 2025-08 or 2025)"
        return iso, None
    return text, None


def _write_rows(folder: Path, frame: pd.DataFrame) -> None:
    buf = io.StringIO()
    frame.to_csv(buf, index=False)
    uploads.write_atomic(folder, METADATA_FILE, buf.getvalue().encode("utf-8"))


def set_details(folder: Path, name: str, values: dict[str, object]) -> UploadResult:
    """Store the title, source, URL and publication date of the uploaded file `name` (an empty value: use
    what the article itself says). Other rows and columns of metadata.csv are kept."""
    path = _find(folder, name)
    if path is None:
        return rejected(name, f"there is no uploaded file named {name!r}")
    if path.suffix.lower() in ingest.CORPUS_SUFFIXES:
        return rejected(name, f"{name!r} holds one article per row: set their title, source, URL and date in "
                        "its columns and replace the file")  # fmt: skip
    cleaned, problems = {}, []
    for field in DETAIL_FIELDS:
        cleaned[field], problem = clean_detail(field, values.get(field, ""))
        if problem:
            problems.append(problem)
    if problems:
        return rejected(name, f"{name!r}: details not saved: {'; '.join(problems)}")
    frame = read_rows(folder)
    for field in DETAIL_FIELDS:
        if field not in frame.columns:
            frame[field] = ""
    mine = frame["file"].astype(str) == name
    if not mine.any():
        frame = pd.concat([frame, pd.DataFrame([{"file": name}])], ignore_index=True).fillna("")
        mine = frame["file"].astype(str) == name
    for field in DETAIL_FIELDS:
        frame.loc[mine, field] = cleaned[field]
    _write_rows(folder, frame)
    return UploadResult(name, "metadata", name, f"details of {name!r} saved")


def _drop_row(folder: Path, name: str) -> None:
    frame = read_rows(folder)
    if (frame["file"].astype(str) == name).any():
        _write_rows(folder, frame[frame["file"].astype(str) != name])


def remove_upload(folder: Path, name: str) -> UploadResult:
    """Delete the uploaded file `name` and its metadata row; the other files stay."""
    path = _find(folder, name)
    if path is None:
        return rejected(name, f"there is no uploaded file named {name!r}")
    path.unlink()
    _drop_row(folder, name)
    return UploadResult(name, "removed", "", f"{name!r} removed from the corpus")


def replace_upload(
    folder: Path,
    name: str,
    new_name: str,
    data: bytes,
    *,
    max_bytes: int,
    known_folders: list[Path] | None = None,
) -> UploadResult:
    """Store `data` (uploaded as `new_name`) as the new version of the uploaded file `name`, which keeps
    its name and details. Refused: a file the upload checks refuse, one of another type than `name`, and
    one identical to another file of the corpus."""
    path = _find(folder, name)
    if path is None:
        return rejected(new_name, f"there is no uploaded file named {name!r}")
    problem = uploads.check_upload(new_name, data, max_bytes=max_bytes)
    if problem:
        return rejected(new_name, problem)
    suffix, new_suffix = path.suffix.lower(), Path(uploads.sanitize_name(new_name)).suffix
    if new_suffix != suffix:
        kind = new_suffix or "typeless"
        return rejected(new_name, f"{new_name!r} is a {kind} file: replace {name!r} with a {suffix} file")
    digest = uploads.content_hash(data)
    if digest == uploads.content_hash(path.read_bytes()):
        message = f"{new_name!r} is identical to {name!r}; nothing changed"
        return UploadResult(new_name, "duplicate", name, message)
    seen = uploads.known_hashes([folder, *(known_folders or [])])
    if digest in seen:
        return UploadResult(
            new_name, "duplicate", seen[digest], f"{new_name!r} is identical to {seen[digest]!r}; not stored"
        )
    uploads.write_atomic(folder, path.name, data)
    return UploadResult(new_name, "saved", path.name, f"{name!r} replaced by {new_name!r}")
