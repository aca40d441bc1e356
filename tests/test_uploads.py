"""Uploaded files are stored safely: names never choose the directory, limits hold, duplicates are found."""

from __future__ import annotations

import random
import re
import time

import pandas as pd
import pytest

from analysis.ingest.uploads import METADATA_FILE, RESERVED, sanitize_name, save_uploads, upload_limit

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


# --- hostile names, limits and contents (issue #8) ------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../../../../etc/cron.d/evil.txt",
        "/etc/passwd.txt",
        "C:\\Windows\\System32\\drivers.txt",
        "\\\\server\\share\\a.txt",
        "a/../../b.txt",
        "evil.txt\x00.png",
        "CON.txt",
        "nul.md",
        "LPT1.csv",
        "aux",
        "...",
        ".build.lock.txt",
        "manifest.json.txt",
        "ê" * 300 + ".txt",
        "x" * 5000 + ".txt",
        "a." + "t" * 300,
        "\u202etxt.exe.txt",
        "line\nbreak.txt",
    ],
)
def test_hostile_names_are_stored_inside_the_folder_under_a_safe_name(tmp_path, name):
    folder = tmp_path / "data" / "uploads"
    results = save_uploads(folder, [(name, TEXT)], max_bytes=10_000)
    stored = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(p.parent == folder for p in stored), stored  # nothing outside the uploads folder
    result = results[0]
    if result.status == "saved":
        assert [p.name for p in stored] == [result.stored]
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", result.stored) and len(result.stored) <= 100
        assert result.stored.split(".")[0].upper() not in RESERVED
        assert not result.stored.startswith(".")  # a hidden file would be skipped by the build
    else:
        assert result.status == "rejected" and stored == [] and "supported" in result.message


def test_same_name_twice_in_one_upload_keeps_both(tmp_path):
    results = save_uploads(tmp_path, [("a.txt", TEXT), ("a.txt", TEXT + b" More.")], max_bytes=10_000)
    assert [(r.status, r.stored) for r in results] == [("saved", "a.txt"), ("saved", "a-2.txt")]
    assert (tmp_path / "a.txt").read_bytes() == TEXT and (
        tmp_path / "a-2.txt"
    ).read_bytes() == TEXT + b" More."


def test_over_the_size_limit_names_the_file_size_and_setting(tmp_path):
    result = save_uploads(tmp_path, [("big.csv", b"text\n" + b"x" * 3_000_000)], max_bytes=2_000_000)[0]
    assert result.status == "rejected" and list(tmp_path.iterdir()) == []
    assert "'big.csv'" in result.message and "3.0 MB" in result.message
    assert "2,000,000" in result.message and "max_article_bytes" in result.message


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_corpus_file_of_millions_of_rows_is_refused_quickly(tmp_path, suffix):
    row = b"Talks resumed in Geneva on Monday, officials said.\n"
    line = row if suffix == ".csv" else b'{"text": "Talks resumed in Geneva on Monday, officials said."}\n'
    data = (b"text\n" if suffix == ".csv" else b"") + line * 2_000_000
    start = time.perf_counter()
    result = save_uploads(tmp_path, [(f"huge{suffix}", data)], max_bytes=len(data), max_rows=100_000)[0]
    seconds = time.perf_counter() - start
    assert result.status == "rejected" and list(tmp_path.iterdir()) == []
    assert "more than 100,000 rows" in result.message and "max_corpus_rows" in result.message
    assert seconds < 20, seconds  # stops counting at the limit (typically well under a second)


def test_rows_are_counted_as_records_not_lines(tmp_path):
    # 3 records, each with a quoted text spanning many lines: under a limit of 5 rows, not over it
    record = '"' + "Talks resumed.\n" * 10 + '"\n'
    data = ("text\n" + record * 3).encode()
    result = save_uploads(tmp_path, [("multi.csv", data)], max_bytes=10_000, max_rows=5)[0]
    assert result.status == "saved"
    over = save_uploads(
        tmp_path, [("more.csv", ("text\n" + record * 6).encode())], max_bytes=10_000, max_rows=5
    )
    assert over[0].status == "rejected" and "more than 5 rows" in over[0].message


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("report.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >>\nendobj\n", "PDF"),
        ("story.md", b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "ZIP"),
        ("photo.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        ("data.csv", b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip"),
        ("table.jsonl", b"PAR1\x15\x04\x15", "Parquet"),
    ],
)
def test_a_file_claiming_one_type_and_holding_another_is_refused(tmp_path, name, data, kind):
    result = save_uploads(tmp_path, [(name, data)], max_bytes=10_000)[0]
    assert result.status == "rejected" and kind in result.message and name in result.message
    assert list(tmp_path.iterdir()) == []


def test_utf16_text_is_text_not_binary(tmp_path):
    data = TEXT.decode().encode("utf-16")  # full of NUL bytes, yet text the build reads
    result = save_uploads(tmp_path, [("wide.txt", data)], max_bytes=10_000)[0]
    assert result.status == "saved", result.message


def test_random_binary_under_a_text_name_is_refused(tmp_path):
    rng = random.Random(8)
    data = bytes(rng.randrange(256) for _ in range(4000))
    result = save_uploads(tmp_path, [("noise.txt", data)], max_bytes=10_000)[0]
    assert result.status == "rejected" and "binary" in result.message


def test_a_name_of_another_corpus_folder_is_not_reused(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "story.txt").write_bytes(b"A seed article about a summit in Doha between both delegations.")
    results = save_uploads(tmp_path / "up", [("story.txt", TEXT)], max_bytes=10_000, known_folders=[seeds])
    assert results[0].status == "saved" and results[0].stored == "story-2.txt"


@pytest.mark.parametrize(
    ("max_bytes", "server_mb", "expected"),
    [
        (2_000_000, 200, (2, 2_000_000)),
        (2_000_001, 200, (3, 2_000_001)),  # the widget admits it; the app is the byte-exact limit
        (2 * 1024 * 1024, 200, (3, 2 * 1024 * 1024)),
        (500, 200, (1, 500)),
        (50_000_000, 2, (2, 2_000_000)),  # the server's limit is the real one
    ],
)
def test_upload_limit_is_the_smallest_whole_mb_and_never_above_the_server(max_bytes, server_mb, expected):
    assert upload_limit(max_bytes, server_mb) == expected
