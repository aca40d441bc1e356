"""The per-article result cache behind incremental builds.

An article's analysis depends only on the article row and on a few inputs shared by every article: the
pipeline code, the spaCy model, the knowledge base, the topic taxonomy and the stance lexicon. An entry is
stored under the hash of the article row and records the fingerprint of those inputs it was computed with,
so a rebuild re-analyses exactly the new or changed articles plus those whose inputs changed, and can say
why ("knowledge base changed: 1,234 articles re-analysed").

Entries are JSON files written aside then renamed, so an interrupted build keeps every entry it finished.
Each starts with a checksum of its payload: a damaged entry is reported and recomputed, never trusted.
The cache holds analysis results before analyst corrections; corrections are applied after every build
and are never stored here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from analysis.datafile import write_atomic
from analysis.extract import kb_layers as knowledge_layers

FORMAT = 1
CACHE_DIR = ".parley-cache"
ANALYSIS_DIR = Path(__file__).resolve().parents[1]
# Modules that only orchestrate, store, filter or present results: editing them cannot change what an
# article's analysis returns (paths under analysis/; "pkg/": the whole subpackage). What an article's analysis
# returns is the ingest and extract packages, the top-level helpers they use and the data files: every module
# there (including new ones) is fingerprinted.
DOWNSTREAM = frozenset(
    {
        "__init__.py",
        "__main__.py",
        "cli.py",
        "settings.py",
        "ingest/uploads.py",
        "ingest/upload_admin.py",
        "knowledge/",
        "query/",
        "store/",
    }
)
COMPONENT_LABELS = {
    "format": "cache format",
    "code": "pipeline code",
    "model": "spaCy model",
    "kb": "knowledge base",
    "taxonomy": "topic taxonomy",
    "lexicon": "stance lexicon",
}
KNOWLEDGE_SETTINGS = {"kb": "kb_path", "taxonomy": "taxonomy_path", "lexicon": "lexicon_path"}


class CorruptEntry(ValueError):
    """A cache entry that cannot be trusted (truncated, edited or from another format)."""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def path_digest(path: Path | str) -> str:
    """Digest of a file, or of every file under a folder; 'missing' when it does not exist."""
    path = Path(path)
    if path.is_dir():
        parts = [
            f"{p.relative_to(path)}:{_digest(p.read_bytes())}" for p in sorted(path.rglob("*")) if p.is_file()
        ]
        return _digest("\n".join(parts).encode())
    try:
        return _digest(path.read_bytes())
    except OSError:
        return "missing"


def downstream(path: Path) -> bool:
    """Whether the module at `path` (relative to analysis/) is in `DOWNSTREAM`, itself or by its package."""
    return path.as_posix() in DOWNSTREAM or (len(path.parts) > 1 and f"{path.parts[0]}/" in DOWNSTREAM)


def code_digest(knowledge_paths: tuple[Path, ...] = ()) -> str:
    """Digest of the analysis code and of the data files it reads besides the three knowledge files."""
    skip = {Path(p).resolve() for p in knowledge_paths}
    files = [p for p in sorted(ANALYSIS_DIR.rglob("*.py")) if not downstream(p.relative_to(ANALYSIS_DIR))]
    files += [
        p for p in sorted((ANALYSIS_DIR / "data").rglob("*")) if p.is_file() and p.resolve() not in skip
    ]
    return _digest("\n".join(f"{p.relative_to(ANALYSIS_DIR)}:{path_digest(p)}" for p in files).encode())


def kb_digest(path: Path | str) -> str:
    """One digest of the knowledge base's three layers: the main file, the world KB (or 'none' when it is
    off) and the user's knowledge file (a missing file counts as 'missing')."""
    return "+".join(path_digest(p) if p else "none" for p in knowledge_layers.paths(Path(path)))


def model_id(model: str) -> str:
    """'name==version' of an installed spaCy model package, or 'name==not installed' (the fallback runs)."""
    from spacy.util import get_package_version

    try:
        version = get_package_version(model)
    except Exception:  # a broken install counts as missing: the fallback pipeline runs instead
        version = None
    return f"{model}=={version or 'not installed'}"


def fingerprint(model: str, knowledge: dict[str, Path]) -> dict[str, str]:
    """Every input an article's analysis depends on besides the article itself, one digest each.

    Args:
        model: spaCy model name as given to `Resources.load` (an installed package or a path).
        knowledge: paths of the knowledge files by component: `kb`, `taxonomy`, `lexicon`.
    """
    import spacy

    paths = {k: Path(v) for k, v in knowledge.items()}
    return {
        "format": str(FORMAT),
        "code": code_digest(tuple(paths.values())),
        "model": f"{model_id(model)}; spacy=={spacy.__version__}",
        **{name: path_digest(paths[name]) for name in KNOWLEDGE_SETTINGS},
        "kb": kb_digest(paths["kb"]),
    }


def article_key(article: dict) -> str:
    """Content hash of an article row (text and metadata): what the analysis of this article sees.

    The text enters through `article_id`, already a hash of it, which keeps keying 10,000 articles cheap.
    """
    fields = {k: v for k, v in article.items() if k != "text"} if article.get("article_id") else article
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def _plain(value):
    """JSON fallback for numpy scalars and pandas missing values inside result rows."""
    if hasattr(value, "item"):
        return value.item()
    if value is None or str(value) in ("<NA>", "NaT", "nan"):
        return None
    return str(value)


def columnar(result: dict[str, list[dict]]) -> dict[str, dict[str, list]]:
    """A result (table -> rows) as table -> column -> values: compact, and cheap to concatenate."""
    out = {}
    for table, rows in result.items():
        names = list(dict.fromkeys(k for row in rows for k in row))
        out[table] = {name: [row.get(name) for row in rows] for name in names} if rows else {}
    return out


def pack(payload: dict) -> bytes:
    """The bytes of an entry holding `payload`: the checksum of its JSON, a newline, the JSON (`decode`)."""
    data = json.dumps(payload, ensure_ascii=False, default=_plain).encode("utf-8")
    return _digest(data).encode() + b"\n" + data


def encode(fp: dict[str, str], result: dict[str, list[dict]]) -> tuple[bytes, dict]:
    """The bytes of an entry and the decoded payload, so fresh and cached results are identical."""
    data = pack({"components": fp, "result": columnar(result)})
    return data, json.loads(data.partition(b"\n")[2])


def decode(data: bytes) -> dict:
    """Payload of an entry; raises CorruptEntry when the checksum or the JSON does not hold."""
    head, sep, body = data.partition(b"\n")
    if not sep or _digest(body).encode() != head:
        raise CorruptEntry("checksum mismatch (the entry was cut short or altered)")
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise CorruptEntry(f"not valid JSON ({exc})") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("result"), dict):
        raise CorruptEntry("unexpected layout")
    return payload


def changed_components(old: dict, new: dict[str, str]) -> list[str]:
    return [COMPONENT_LABELS.get(k, k) for k in new if old.get(k) != new[k]]


@dataclass
class Lookup:
    """What the cache holds for a corpus: reusable results by key, and why each other key is analysed."""

    hits: dict[str, dict] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)  # key -> reason for (re-)analysis
    corrupt: list[tuple[str, str]] = field(default_factory=list)  # (key, what was wrong)


class ArticleCache:
    """Per-article entries under `root/articles/<2 hex>/<key>.json`."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.entries = self.root / "articles"

    def path(self, key: str) -> Path:
        return self.entries / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict | None:
        """The payload stored under `key`, None when absent; raises CorruptEntry when damaged."""
        try:
            data = self.path(key).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise CorruptEntry(f"unreadable ({exc.strerror or exc})") from None
        return decode(data)

    def put(self, key: str, data: bytes) -> None:
        """Store encoded entry bytes atomically: written aside, then renamed over the old entry.

        No fsync: after a power cut a renamed-but-unflushed entry fails its checksum and is recomputed,
        which is cheaper than syncing thousands of small files on every build.
        """
        write_atomic(self.path(key), data)

    def lookup(self, keys: list[str], fp: dict[str, str]) -> Lookup:
        """Split `keys` into results computed with fingerprint `fp` and keys to analyse, with reasons."""
        found = Lookup()
        for key in keys:
            try:
                payload = self.get(key)
            except CorruptEntry as exc:
                found.corrupt.append((key, str(exc)))
                found.reasons[key] = "damaged cache entry"
                continue
            if payload is None:
                found.reasons[key] = "new or changed article"
                continue
            changed = changed_components(payload.get("components") or {}, fp)
            if changed:
                found.reasons[key] = " and ".join(changed) + " changed"
            else:
                found.hits[key] = payload["result"]
        return found

    def prune(self, keep: set[str]) -> int:
        """Delete entries (and stray temporary files) whose key is not in `keep`; returns how many."""
        removed = 0
        if not self.entries.is_dir():
            return 0
        for path in self.entries.glob("*/*"):
            key = path.name.split(".")[0] if not path.name.startswith(".") else ""
            if key not in keep:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def read_json(self, name: str) -> dict:
        try:
            return json.loads((self.root / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def write_json(self, name: str, obj: dict) -> None:
        write_atomic(self.root / name, json.dumps(obj, indent=2, ensure_ascii=False).encode("utf-8"))


def summarise(reasons: dict[str, str], reused: int) -> str:
    """Why this build analysed what it did, e.g. 'knowledge base changed: 1,234 articles re-analysed'."""
    counts: dict[str, int] = {}
    for reason in reasons.values():
        counts[reason] = counts.get(reason, 0) + 1
    parts = []
    for reason, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        noun = "article" if n == 1 else "articles"
        verb = "analysed" if reason == "new or changed article" else "re-analysed"
        label = "new or changed" if reason == "new or changed article" else reason
        parts.append(f"{label}: {n:,} {noun} {verb}")
    if not parts:
        parts.append("nothing changed")
    return "; ".join(parts) + f"; {reused:,} reused from the cache"
