"""Uploaded files are stored safely: names never choose the directory, limits hold, duplicates are found."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.uploads import METADATA_FILE, sanitize_name, save_uploads

TEXT = b"Negotiators met in Geneva on Monday to discuss a ceasefire, officials said."


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("article.txt", "article.txt"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\evil.md", "evil.md"),
        ("/abs/path/story.HTML", "story.html"),
        ("Rapport final (v2).TXT", "Rapport_final_v2.txt"),
        ("..", "upload"),
        (".hidden.txt", "hidden.txt"),
        ("naïve café.md", "na_ve_caf.md"),
        ("", "upload"),
    ],
)
def test_sanitize_name_keeps_only_a_plain_file_name(name, expected):
    assert sanitize_name(name) == expected


def test_sanitize_name_is_bounded():
    name = sanitize_name("x" * 500 + ".jsonl")
    assert len(name) <= 100 and name.endswith(".jsonl")


def test_traversal_names_are_stored_inside_the_folder(tmp_path):
    folder = tmp_path / "uploads"
    results = save_uploads(folder, [("../../outside.txt", TEXT)], max_bytes=10_000)
    assert results[0].status == "saved"
    assert (folder / "outside.txt").read_bytes() == TEXT
    assert not (tmp_path / "outside.txt").exists()


def test_rejects_wrong_type_empty_binary_and_oversized(tmp_path):
    files = [("image.png", b"\x89PNG"), ("empty.txt", b""), ("bin.txt", b"ab\x00cd"), ("big.txt", b"x" * 101)]
    results = save_uploads(tmp_path, files, max_bytes=100)
    assert [r.status for r in results] == ["rejected"] * 4
    assert "supported" in results[0].message and "empty" in results[1].message
    assert "binary" in results[2].message and "limit" in results[3].message
    assert list(tmp_path.iterdir()) == []


def test_identical_content_is_a_duplicate_and_stored_once(tmp_path):
    results = save_uploads(tmp_path, [("a.txt", TEXT), ("b.txt", TEXT)], max_bytes=10_000)
    assert [r.status for r in results] == ["saved", "duplicate"]
    again = save_uploads(tmp_path, [("c.txt", TEXT)], max_bytes=10_000)
    assert again[0].status == "duplicate" and again[0].stored == "a.txt"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_duplicate_of_a_known_corpus_folder(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "seed.txt").write_bytes(TEXT)
    results = save_uploads(tmp_path / "up", [("copy.txt", TEXT)], max_bytes=10_000, known_folders=[seeds])
    assert results[0].status == "duplicate"


def test_same_name_different_content_gets_a_new_name(tmp_path):
    save_uploads(tmp_path, [("story.txt", TEXT)], max_bytes=10_000)
    results = save_uploads(tmp_path, [("story.txt", TEXT + b" Updated.")], max_bytes=10_000)
    assert results[0].status == "saved" and results[0].stored == "story-2.txt"
    assert (tmp_path / "story.txt").read_bytes() == TEXT


def test_bad_file_does_not_lose_the_good_ones(tmp_path):
    results = save_uploads(tmp_path, [("good.txt", TEXT), ("bad.exe", b"MZ")], max_bytes=10_000)
    assert [r.status for r in results] == ["saved", "rejected"]
    assert (tmp_path / "good.txt").exists()


def test_metadata_is_mapped_to_stored_names_and_merged(tmp_path):
    save_uploads(tmp_path, [("story.txt", TEXT)], max_bytes=10_000)
    meta = b"file,source,published\nstory.txt,Harbor Times,2025-03-04\n"
    results = save_uploads(tmp_path, [("story.txt", TEXT + b"!"), ("metadata.csv", meta)], max_bytes=10_000)
    assert [r.status for r in results] == ["saved", "metadata"]
    stored = pd.read_csv(tmp_path / METADATA_FILE, dtype=str)
    # the second story.txt was stored as story-2.txt: its metadata row must follow it
    assert stored["file"].tolist() == ["story-2.txt"]
    more = save_uploads(
        tmp_path, [("metadata.csv", b"file,source\nstory.txt,Metro Wire\n")], max_bytes=10_000
    )
    assert more[0].status == "metadata"
    stored = pd.read_csv(tmp_path / METADATA_FILE, dtype=str, keep_default_na=False)
    assert sorted(stored["file"]) == ["story-2.txt", "story.txt"]
    assert stored.set_index("file").loc["story-2.txt", "source"] == "Harbor Times"


def test_metadata_without_file_column_is_rejected(tmp_path):
    results = save_uploads(tmp_path, [("metadata.csv", b"name,source\na.txt,X\n")], max_bytes=10_000)
    assert results[0].status == "rejected" and "'file'" in results[0].message
    assert not (tmp_path / METADATA_FILE).exists()


def test_no_temporary_files_are_left(tmp_path):
    save_uploads(tmp_path, [("a.txt", TEXT), ("metadata.csv", b"file,source\na.txt,X\n")], max_bytes=10_000)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
