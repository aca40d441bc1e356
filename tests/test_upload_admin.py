"""Managing uploaded files: status in the last build, details stored safely, remove and replace."""

from __future__ import annotations

import csv
import os

import pandas as pd
import pytest

from analysis.ingest import upload_admin as admin
from analysis.ingest.corpus import read_corpus
from analysis.ingest.uploads import METADATA_FILE

STORY = (
    "Mediators from Qatar and Egypt met both delegations in Cairo on Tuesday and proposed a new "
    "timetable for the exchange of prisoners, a spokesperson said."
)
OTHER = (
    "Trade ministers from the two blocs resumed talks in Brussels on Thursday, with tariffs on steel "
    "and cars still the main obstacle, officials said."
)


@pytest.fixture()
def folder(tmp_path):
    up = tmp_path / "uploads"
    up.mkdir()
    (up / "cairo.txt").write_text(STORY, encoding="utf-8")
    (up / "brussels.txt").write_text(OTHER, encoding="utf-8")
    return up


def articles_of(folder):
    articles, _ = read_corpus(folder)
    return articles.set_index("file")


def test_details_set_in_the_app_are_what_the_build_reads(folder):
    result = admin.set_details(
        folder,
        "cairo.txt",
        {
            "title": "Cairo talks",
            "source": "Wire",
            "url": "https://example.org/a",
            "published": "4 March 2025",
        },
    )
    assert result.status == "metadata", result.message
    row = articles_of(folder).loc["cairo.txt"]
    assert (row["title"], row["source"], row["url"], row["published"]) == (
        "Cairo talks",
        "Wire",
        "https://example.org/a",
        "2025-03-04",
    )
    assert admin.details(folder, "cairo.txt")["published"] == "2025-03-04"  # stored as ISO
    assert articles_of(folder).loc["brussels.txt", "title"] != "Cairo talks"


def test_other_rows_and_columns_of_metadata_survive(folder):
    (folder / METADATA_FILE).write_text(
        "file,date,desk\nbrussels.txt,2024-11-02,economy\ncairo.txt,2024-01-01,world\n", encoding="utf-8"
    )
    admin.set_details(folder, "cairo.txt", {"title": "New title", "published": "2025-05"})
    articles = articles_of(folder)
    # the synonym column 'date' still dates the other file; the edited file gets its new values
    assert articles.loc["brussels.txt", "published"] == "2024-11-02"
    assert articles.loc["cairo.txt", "published"] == "2025-05"
    assert articles.loc["cairo.txt", "title"] == "New title"
    assert '"desk": "economy"' in articles.loc["brussels.txt", "meta"]


def test_hostile_details_are_stored_as_one_line_of_plain_text(folder):
    title = 'He said "no", then <script>alert(1)</script>\n=cmd|x\x00\u202e [link](javascript:x)'
    result = admin.set_details(folder, "cairo.txt", {"title": title, "source": "A, B & C"})
    assert result.status == "metadata"
    with open(folder / METADATA_FILE, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 1
    stored = rows[0]["title"]
    assert "\n" not in stored and "\x00" not in stored and "\u202e" not in stored
    assert stored.startswith('He said "no", then <script>') and "[link](javascript:x)" in stored
    assert rows[0]["source"] == "A, B & C"


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"url": "javascript:alert(1)"}, "http"),
        ({"url": "example.org/a"}, "http"),
        ({"published": "soon"}, "not a date"),
        ({"published": "2025-02-30"}, "not a date"),
        ({"title": "x" * 301}, "over the limit"),
    ],
)
def test_bad_details_are_refused_and_nothing_is_written(folder, values, problem):
    result = admin.set_details(folder, "cairo.txt", values)
    assert result.status == "rejected" and problem in result.message and "cairo.txt" in result.message
    assert not (folder / METADATA_FILE).exists()


@pytest.mark.parametrize("name", ["../cairo.txt", "missing.txt", "/etc/passwd", METADATA_FILE, ".upload-x"])
def test_a_name_not_listed_in_the_folder_is_never_touched(folder, tmp_path, name):
    (tmp_path / "cairo.txt").write_text("outside", encoding="utf-8")
    assert admin.set_details(folder, name, {"title": "x"}).status == "rejected"
    assert admin.remove_upload(folder, name).status == "rejected"
    replaced = admin.replace_upload(folder, name, "cairo.txt", OTHER.encode() + b" New.", max_bytes=10_000)
    assert replaced.status == "rejected"
    assert (tmp_path / "cairo.txt").read_text(encoding="utf-8") == "outside"
    assert sorted(p.name for p in folder.iterdir()) == ["brussels.txt", "cairo.txt"]


def test_details_of_a_corpus_file_are_its_columns(folder):
    (folder / "many.csv").write_text(f"text,title\n{STORY} Two.,T\n", encoding="utf-8")
    result = admin.set_details(folder, "many.csv", {"title": "x"})
    assert result.status == "rejected" and "columns" in result.message


def test_remove_deletes_the_file_and_its_row_and_keeps_the_rest(folder):
    admin.set_details(folder, "cairo.txt", {"title": "Cairo"})
    admin.set_details(folder, "brussels.txt", {"title": "Brussels"})
    result = admin.remove_upload(folder, "cairo.txt")
    assert result.status == "removed" and "cairo.txt" in result.message
    assert not (folder / "cairo.txt").exists()
    articles, problems = read_corpus(folder)
    assert list(articles["file"]) == ["brussels.txt"] and list(articles["title"]) == ["Brussels"]
    assert problems.empty  # no metadata row naming a missing file


def test_replace_keeps_the_name_and_details(folder):
    admin.set_details(folder, "cairo.txt", {"title": "Cairo talks"})
    new = (STORY + " The talks will resume on Friday.").encode()
    result = admin.replace_upload(folder, "cairo.txt", "cairo (v2).TXT", new, max_bytes=10_000)
    assert result.status == "saved", result.message
    assert (folder / "cairo.txt").read_bytes() == new
    row = articles_of(folder).loc["cairo.txt"]
    assert row["title"] == "Cairo talks" and "resume on Friday" in row["text"]
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_replace_refuses_another_type_a_duplicate_and_a_bad_file(folder, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "s.txt").write_bytes(b"A seed article about talks in Doha between the two delegations today.")
    cases = [
        ("cairo.html", b"<p>" + STORY.encode() + b" More.</p>", "a .txt file"),
        ("x.txt", OTHER.encode(), "identical to 'brussels.txt'"),
        ("x.txt", (seeds / "s.txt").read_bytes(), "identical to 's.txt'"),
        ("x.txt", STORY.encode(), "nothing changed"),
        ("big.txt", b"y" * 10_001, "over the limit"),
        ("scan.txt", b"%PDF-1.7 binary", "PDF"),
    ]
    for new_name, data, message in cases:
        result = admin.replace_upload(
            folder, "cairo.txt", new_name, data, max_bytes=10_000, known_folders=[seeds]
        )
        assert result.status != "saved" and message in result.message, (new_name, result.message)
        assert new_name in result.message
    assert (folder / "cairo.txt").read_text(encoding="utf-8") == STORY


# --- status -------------------------------------------------------------------------------------------


def frames(articles: list[dict], problems: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    cols = ["file", *admin.DETAIL_FIELDS]
    return (
        pd.DataFrame(articles, columns=cols).astype("string").fillna(""),
        pd.DataFrame(problems, columns=["file", "severity", "message"]),
    )


def test_status_of_analysed_problem_and_waiting_files():
    files = [admin.Stored(n, 100.0) for n in ("a.txt", "b.txt", "c.csv", "d.txt", "e.txt")]
    files.append(admin.Stored("late.txt", 300.0))
    articles, problems = frames(
        [
            {"file": "a.txt", "title": "A", "published": "2025-01-02"},
            {"file": "c.csv#1", "title": "C1"},
            {"file": "c.csv#2", "title": "C2"},
            {"file": "late.txt", "title": "old version"},
        ],
        [
            {"file": "b.txt", "severity": "warning", "message": "same text as a.txt; counted once"},
            {"file": "c.csv#3", "severity": "warning", "message": "row has no text; skipped"},
            {"file": "d.txt", "severity": "info", "message": "a note"},
            {"file": "d.txt", "severity": "error", "message": "only 2 words of article text"},
        ],
    )
    rows = admin.status_rows(files, articles, problems, started=200.0).set_index("file")
    assert rows.loc["a.txt", "status"] == "analysed" and rows.loc["a.txt", "message"] == "1 article"
    assert rows.loc["a.txt", "published"] == "2025-01-02"
    assert rows.loc["b.txt", "status"] == "problem" and "same text as a.txt" in rows.loc["b.txt", "message"]
    assert rows.loc["c.csv", "status"] == "analysed" and rows.loc["c.csv", "articles"] == 2
    assert "row has no text" in rows.loc["c.csv", "message"]
    assert rows.loc["d.txt", "message"] == "only 2 words of article text"  # the error before the note
    assert rows.loc["e.txt", "status"] == "waiting for build"  # not in the build at all
    assert rows.loc["late.txt", "status"] == "waiting for build"  # changed after the build read it
    assert admin.status_rows(files, articles, problems, started=None)["status"].eq("waiting for build").all()


def test_details_changed_since_the_build_wait_for_it():
    files = [admin.Stored("a.txt", 100.0)]
    articles, problems = frames([{"file": "a.txt", "title": "Old", "published": "2025-01-02"}], [])
    meta = {"a.txt": {"title": "New"}}
    assert (
        admin.status_rows(files, articles, problems, 200.0, meta, 300.0)["status"][0] == "waiting for build"
    )
    assert admin.status_rows(files, articles, problems, 200.0, meta, 150.0)["status"][0] == "analysed"
    same = {"a.txt": {"title": "Old", "published": "2 January 2025"}}
    assert admin.status_rows(files, articles, problems, 200.0, same, 300.0)["status"][0] == "analysed"


def test_folder_status_reads_the_folder(folder):
    admin.set_details(folder, "cairo.txt", {"title": "Cairo talks"})
    articles, problems = read_corpus(folder)
    started = max(p.stat().st_mtime for p in folder.iterdir()) + 1
    rows = admin.folder_status(folder, articles, problems, started).set_index("file")
    assert rows["status"].eq("analysed").all() and rows.loc["cairo.txt", "title"] == "Cairo talks"
    os.utime(folder / "brussels.txt", (started + 5, started + 5))
    rows = admin.folder_status(folder, articles, problems, started).set_index("file")
    assert rows.loc["brussels.txt", "status"] == "waiting for build"


def test_build_started_is_the_manifest_time_less_the_build():
    assert admin.build_started({"seconds": 12.5}, 1000.0) == 987.5
    assert admin.build_started({}, 1000.0) is None and admin.build_started({"seconds": 1}, None) is None
