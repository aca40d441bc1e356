"""Analyst corrections of statements and articles: an append-only log applied on every build.

The log is a JSON Lines file (`corrections.jsonl` in the data folder), one object per line:
`{"id", "timestamp", "action", "statement_id", "article_id", "fields", "old", "note", "reverts", "by"}`
with action one of
- `change`: set some of `stance`, `actor`, `topic` (and optionally `confidence`) of a statement;
- `delete`: drop a false statement;
- `add`: a missed statement; `fields` hold article_id, sentence_id, actor, topic, stance (evidence optional);
- `confirm`: the analyst checked a statement and it is right (its `origin` becomes `confirmed`);
- `article`: set some of `published`, `title`, `source` of the article `article_id` (applied by the build
  before the analysis, `analysis.store.article_corrections`);
- `undo`: revert the earlier entry whose id is in `reverts` (any entry, not only the last).
`old` holds the values the analyst saw before the change (for the history; optional), `by` who made it
(`PARLEY_USER`, else the login name). Entries written before these keys existed simply lack them.
Entries are never rewritten: several dashboard sessions may write at once, so every write appends one
line under an exclusive `fcntl` lock, and undo is itself an entry. A build never touches the file.

Example:
    >>> cid = add_correction(path, action="change", statement_id="3f2a…", stance="oppose", note="negated")
    >>> statements = apply_corrections(statements, load_corrections(path))
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

try:  # POSIX only; elsewhere writes are unlocked (single-user use)
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

FILE_NAME = "corrections.jsonl"
ACTIONS = ("change", "delete", "add", "confirm", "article", "undo")
STATEMENT_ACTIONS = ("change", "delete", "add", "confirm")  # what `apply_corrections` applies
CORRECTING = ("change", "delete", "add", "article")  # what counts as a correction (not confirm, not undo)
STANCES = ("support", "oppose", "neutral")
CHANGEABLE = ("stance", "actor", "topic", "confidence")
ARTICLE_FIELDS = ("published", "title", "source")
ADD_REQUIRED = ("article_id", "sentence_id", "actor", "topic", "stance")
ADD_OPTIONAL = ("evidence", "confidence", "cue")
COLUMNS = (
    "id",
    "timestamp",
    "action",
    "statement_id",
    "article_id",
    "fields",
    "old",
    "note",
    "reverts",
    "by",
)
ISO_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


from analysis.store.schema import statement_id  # noqa: E402 - re-exported: the id of the table contract

_make_id = statement_id  # add_correction's keyword `statement_id` shadows the function


@contextlib.contextmanager
def _locked(path: Path, mode: str):
    """Open `path` holding an exclusive (`a+`) or shared (`r`) lock for the whole block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, mode, encoding="utf-8") as fh:
        if fcntl is not None:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX if "a" in mode else fcntl.LOCK_SH)
        try:
            yield fh
        finally:
            if fcntl is not None:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _parse(lines: list[str]) -> tuple[list[dict], list[str]]:
    entries, problems = [], []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {n}: not JSON ({exc.msg}); ignored")
            continue
        if not isinstance(obj, dict) or obj.get("action") not in ACTIONS or not obj.get("id"):
            problems.append(f"line {n}: needs an id and an action in {ACTIONS}; ignored")
            continue
        entries.append(obj)
    return entries, problems


def _frame(entries: list[dict], problems: list[str]) -> pd.DataFrame:
    rows = [{c: e.get(c) for c in COLUMNS} for e in entries]
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    for col in ("fields", "old"):
        df[col] = df[col].map(lambda f: f if isinstance(f, dict) else {})
    df["note"] = df["note"].fillna("").astype(str)
    df.attrs["problems"] = problems
    return df


def load_corrections(path: str | Path) -> pd.DataFrame:
    """Every log entry in file order (columns `COLUMNS`); an absent file gives an empty frame.

    Unreadable lines are skipped and listed in `df.attrs["problems"]`.
    """
    path = Path(path)
    if not path.exists():
        return _frame([], [])
    with _locked(path, "r") as fh:
        lines = fh.read().splitlines()
    return _frame(*_parse(lines))


def _check_stance(value) -> None:
    if value not in STANCES:
        raise ValueError(f"stance must be one of {STANCES}, got {value!r}")


def _check_published(value) -> str:
    """An ISO date of any precision (YYYY, YYYY-MM, YYYY-MM-DD, a real day), or '' for no date."""
    text = str(value or "").strip()
    if text and not ISO_DATE.match(text):
        raise ValueError(f"published must be an ISO date (YYYY-MM-DD, YYYY-MM or YYYY), got {value!r}")
    if len(text) == 10:
        try:
            datetime.strptime(text, "%Y-%m-%d")
        except ValueError:
            raise ValueError(f"published: {text} is not a day of the calendar") from None
    return text


def _validate(action: str, sid: str | None, fields: dict, article_id: str | None = None) -> dict:
    if action not in CORRECTING + ("confirm",):
        raise ValueError(
            f"action must be one of {CORRECTING + ('confirm',)} (use undo() to revert), got {action!r}"
        )
    if action in ("change", "delete", "confirm") and not sid:
        raise ValueError(f"a {action} correction needs the statement_id it applies to")
    if action == "article" and not article_id:
        raise ValueError("an article correction needs the article_id it applies to")
    allowed = {"change": CHANGEABLE, "delete": (), "confirm": (), "article": ARTICLE_FIELDS,
               "add": ADD_REQUIRED + ADD_OPTIONAL}[action]  # fmt: skip
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValueError(f"{action} correction: unknown fields {unknown}; allowed are {list(allowed)}")
    if action in ("change", "article") and not fields:
        raise ValueError(f"a {action} correction needs at least one of {list(allowed)}")
    if action == "article":
        fields = {k: str(v or "").strip() for k, v in fields.items()}
        if "published" in fields:
            fields["published"] = _check_published(fields["published"])
    if action == "add":
        missing = [f for f in ADD_REQUIRED if fields.get(f) in (None, "")]
        if missing:
            raise ValueError(f"an add correction needs {list(ADD_REQUIRED)}; missing {missing}")
        fields = {**fields, "sentence_id": int(fields["sentence_id"])}
    if "stance" in fields:
        _check_stance(fields["stance"])
    return fields


def _write(fh, entry: dict) -> None:
    """Append `entry` as one line to the log open (and locked) as `fh`, synced to disk."""
    fh.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
    fh.flush()
    os.fsync(fh.fileno())


def who() -> str:
    """Who makes a correction: the `PARLEY_USER` setting of the environment, else the login name."""
    name = os.environ.get("PARLEY_USER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (a container without a passwd entry)
        return ""


def _entry(action: str, sid: str | None, fields: dict, note: str, reverts: str | None = None, *,
           article_id: str | None = None, old: dict | None = None, by: str | None = None
           ) -> dict:  # fmt: skip
    return {
        "id": uuid.uuid4().hex[:12],
        "timestamp": datetime.now(UTC).isoformat(timespec="microseconds"),
        "action": action,
        "statement_id": sid,
        "article_id": article_id,
        "fields": fields,
        "old": {k: (None if v is None else str(v)) for k, v in (old or {}).items()},
        "note": note,
        "reverts": reverts,
        "by": who() if by is None else str(by),
    }


def add_correction(path: str | Path, *, action: str, statement_id: str | None = None,
                   article_id: str | None = None, note: str = "", old: dict | None = None,
                   by: str | None = None, **fields) -> str:  # fmt: skip
    """Append one analyst decision to the log and return its id.

    Args:
        path: the corrections file (created when absent).
        action: change | delete | add | confirm | article.
        statement_id: the statement changed, deleted or confirmed; for add, computed from the fields when
            None.
        article_id: the article an `article` correction applies to.
        note: the analyst's reason, shown beside the statement.
        old: the values before the change, as the analyst saw them (shown in the history as old → new).
        by: who made it (default `who()`).
        **fields: change: any of stance, actor, topic, confidence; add: article_id, sentence_id, actor,
            topic, stance and optionally evidence, confidence, cue; article: any of published (ISO, or ''
            for no date), title, source.

    Raises:
        ValueError: an unknown action or field, a missing field, a stance outside support|oppose|neutral
            or a publication date that is not an ISO date.
    """
    if action == "add" and article_id is not None:  # an added statement's article is one of its fields
        fields = {"article_id": article_id, **fields}
    fields = _validate(action, statement_id, fields, article_id)
    if action == "add" and not statement_id:
        statement_id = _make_id(fields["article_id"], fields["sentence_id"], fields["actor"], fields["topic"])
    entry = _entry(action, statement_id, fields, str(note or ""), article_id=article_id, old=old, by=by)
    with _locked(Path(path), "a+") as fh:
        _write(fh, entry)
    return entry["id"]


def undone_ids(corrections: pd.DataFrame) -> set[str]:
    """Ids of entries reverted by an undo entry."""
    if corrections.empty:
        return set()
    return set(corrections.loc[corrections["action"] == "undo", "reverts"].dropna().astype(str))


def active_corrections(corrections: pd.DataFrame, actions: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The entries still in force (not undo entries, not undone), in log order; only `actions` if given."""
    if corrections.empty:
        return corrections
    keep = (corrections["action"] != "undo") & ~corrections["id"].astype(str).isin(undone_ids(corrections))
    if actions is not None:
        keep &= corrections["action"].isin(actions)
    return corrections[keep]


def tally(corrections: pd.DataFrame) -> dict[str, int]:
    """How many entries are in force: `corrections` (change, delete, add, article), `confirmed`
    (statements confirmed), and how many were `undone`. An undo entry counts as none of them."""
    active = active_corrections(corrections)
    n_active = int(active["action"].isin(CORRECTING).sum()) if len(active) else 0
    n_confirmed = int((active["action"] == "confirm").sum()) if len(active) else 0
    return {"corrections": n_active, "confirmed": n_confirmed, "undone": len(undone_ids(corrections))}


def undo(path: str | Path, correction_id: str | None = None) -> str | None:
    """Revert a correction by appending an undo entry; returns the undo entry's id.

    Args:
        path: the corrections file.
        correction_id: the entry to revert (any entry in force, however old); None reverts the last
            one not yet undone.

    Returns:
        The new entry's id, or None when there is nothing left to undo.

    Raises:
        ValueError: `correction_id` is not an active correction in the log (unknown, or undone already).
    """
    path = Path(path)
    with _locked(path, "a+") as fh:  # read and append under one lock so two undos never pick the same entry
        fh.seek(0)
        active = active_corrections(_frame(*_parse(fh.read().splitlines())))
        ids = list(active["id"].astype(str)) if not active.empty else []
        if correction_id is None:
            if not ids:
                return None
            correction_id = ids[-1]
        elif correction_id not in ids:
            raise ValueError(f"no active correction {correction_id!r} in {path}; active ids: {ids[-10:]}")
        entry = _entry("undo", None, {}, "", reverts=correction_id)
        _write(fh, entry)
    return entry["id"]


def _mask(statements: pd.DataFrame, sid: str) -> pd.Series:
    return statements["statement_id"].astype(str) == str(sid)


def _added_row(entry: pd.Series, columns) -> dict:
    f = entry["fields"]
    row = {c: None for c in columns}
    row.update({k: f.get(k) for k in ADD_REQUIRED + ADD_OPTIONAL if k in f})
    row.update(statement_id=entry["statement_id"], origin="added", note=entry["note"], cue=f.get("cue") or "")
    row["rule"] = "analyst"
    row["confidence"] = float(f.get("confidence", 1.0))
    return row


def _apply_one(out: pd.DataFrame, entry: pd.Series) -> tuple[pd.DataFrame, bool]:
    """Apply one entry; returns the frame and whether its statement was found (adds always are)."""
    mask = _mask(out, entry["statement_id"]) if len(out) else pd.Series(dtype=bool)
    if entry["action"] == "add":
        if mask.any():  # already there (re-applied, or the rules found it since): set its fields
            for key, value in entry["fields"].items():
                out.loc[mask, key] = value
            out.loc[mask & (out["origin"] == "auto"), "origin"] = "corrected"
            out.loc[mask, "note"] = entry["note"]
            return out, True
        row = _added_row(entry, out.columns)
        return pd.concat(
            [out, pd.DataFrame([row]).astype(out.dtypes.to_dict(), errors="ignore")], ignore_index=True
        ), True
    if entry["action"] == "delete":  # a statement already absent is what the analyst asked for
        return out[~mask].reset_index(drop=True) if mask.any() else out, True
    if entry["action"] == "confirm":  # checked and right: nothing changes but its origin
        out.loc[mask & (out["origin"] == "auto"), "origin"] = "confirmed"
        return out, True
    if not mask.any():
        return out, False
    for key, value in entry["fields"].items():
        out.loc[mask, key] = value
    out.loc[mask & (out["origin"] != "added"), "origin"] = "corrected"
    if entry["note"]:
        out.loc[mask, "note"] = entry["note"]
    return out, True


def apply_corrections(statements: pd.DataFrame, corrections: pd.DataFrame) -> pd.DataFrame:
    """Statements with the analyst's corrections applied (idempotent: applying twice changes nothing).

    Rows keep their `statement_id` even when actor or topic change, so later corrections still find
    them. `origin` is `auto`, `confirmed`, `corrected` or `added` (all but `auto`: checked by the analyst;
    a later change of a confirmed statement makes it `corrected`). A change whose statement no longer
    exists (the rules stopped finding it) is kept in the log and listed in `result.attrs["orphans"]`
    (their ids).

    Apply it to the automatic statements of a build: on an already corrected table, an undone correction
    cannot be reverted (the original values are gone).
    """
    out = statements.copy()
    for col, default in (("origin", "auto"), ("note", "")):
        if col not in out:
            out[col] = default
        out[col] = out[col].fillna(default).astype("string")
    orphans = []
    for _, entry in active_corrections(corrections, STATEMENT_ACTIONS).iterrows():
        out, found = _apply_one(out, entry)
        if not found:
            orphans.append(str(entry["id"]))
    out = out.reset_index(drop=True)
    out.attrs["orphans"] = orphans
    return out


def orphan_corrections(statements: pd.DataFrame, corrections: pd.DataFrame) -> pd.DataFrame:
    """Active change entries whose statement is not in `statements` (for the dashboard to show)."""
    active = active_corrections(corrections)
    if active.empty:
        return active
    known = set(statements["statement_id"].astype(str)) if len(statements) else set()
    pending = (active["action"] == "change") & ~active["statement_id"].astype(str).isin(known)
    return active[pending].reset_index(drop=True)


__all__ = [
    "ARTICLE_FIELDS",
    "FILE_NAME",
    "active_corrections",
    "add_correction",
    "apply_corrections",
    "load_corrections",
    "orphan_corrections",
    "statement_id",
    "tally",
    "undo",
]
