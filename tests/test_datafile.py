"""Knowledge files: a missing or broken file is named in the error, for every loader that reads one."""

from __future__ import annotations

import pytest

from analysis.extract.actors import load_kb
from analysis.extract.topics import load_taxonomy


@pytest.mark.parametrize("loader, key", [(load_kb, "actors"), (load_taxonomy, "topics")])
def test_broken_knowledge_files_are_named(tmp_path, loader, key):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(FileNotFoundError, match="nope.yaml"):
        loader(missing)
    broken = tmp_path / "broken.yaml"
    broken.write_text(f"{key}: [a: b: c", encoding="utf-8")
    with pytest.raises(ValueError, match="broken.yaml: not valid YAML"):
        loader(broken)
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("something: else\n", encoding="utf-8")
    with pytest.raises(ValueError, match=f"list under '{key}'"):
        loader(wrong)
