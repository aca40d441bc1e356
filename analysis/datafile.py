"""Reading Parley's knowledge files (YAML), with errors that name the file and what was expected."""

from __future__ import annotations

from pathlib import Path

import yaml


def read_yaml_list(path: Path, key: str, what: str) -> tuple[dict, list]:
    """The mapping in YAML file `path` and the list under `key` in it.

    Raises:
        FileNotFoundError: the file does not exist (the message says which knowledge file it is).
        ValueError: the file is not valid YAML, or has no list under `key`.
    """
    if not path.exists():
        raise FileNotFoundError(f"{what} not found: {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise ValueError(f"{path}: expected a mapping with a list under '{key}'")
    return data, data[key]
