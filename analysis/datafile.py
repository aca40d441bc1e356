"""Parley's own files: reading its knowledge files (YAML), with errors that name the file and what was
expected, and writing a file atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml

# libyaml's C parser when PyYAML was built with it: the same data as the pure-Python SafeLoader, ~8x faster
# (the knowledge base alone took ~0.2 s of every build to parse)
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str):
    """`yaml.safe_load(text)`, with the C loader where available; raises `yaml.YAMLError` like it."""
    return yaml.load(text, Loader=SAFE_LOADER)


def write_atomic(path: Path, data: bytes) -> Path:
    """Write `data` to `path` through a hidden temporary file beside it, renamed over it: readers, and a
    crash, never meet half a file. No fsync (callers that need one sync themselves)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_yaml_list(path: Path, key: str, what: str) -> tuple[dict, list]:
    """The mapping in YAML file `path` and the list under `key` in it.

    Raises:
        FileNotFoundError: the file does not exist (the message says which knowledge file it is).
        ValueError: the file is not valid YAML, or has no list under `key`.
    """
    if not path.exists():
        raise FileNotFoundError(f"{what} not found: {path}")
    try:
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise ValueError(f"{path}: expected a mapping with a list under '{key}'")
    return data, data[key]
