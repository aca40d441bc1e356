"""Reading Parley's knowledge files (YAML), with errors that name the file and what was expected."""

from __future__ import annotations

from pathlib import Path

import yaml

# libyaml's C parser when PyYAML was built with it: the same data as the pure-Python SafeLoader, ~8x faster
# (the knowledge base alone took ~0.2 s of every build to parse)
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str):
    """`yaml.safe_load(text)`, with the C loader where available; raises `yaml.YAMLError` like it."""
    return yaml.load(text, Loader=SAFE_LOADER)


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
