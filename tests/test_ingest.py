"""Ingestion: every format, every bad-input case, metadata precedence, duplicates, seed cleaning."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.ingest.corpus import read_corpus
from analysis.store import schema

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
BODY = (
    "The foreign minister said on Tuesday that talks would resume next week in Geneva. "
    "Officials from both delegations confirmed the schedule and described the mood as constructive."
)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def problem_for(problems: pd.DataFrame, file: str) -> pd.DataFrame:
    return problems[problems["file"] == file]


def test_reads_txt_md_html_jsonl_csv(tmp_path):
    write(tmp_path, "a.txt", "Talks resume\n\n" + BODY)
    write(
        tmp_path, "b.md", "# Ministers meet\n\nThe **minister** said [talks](http://x.test) resumed. " + BODY
    )
    html = (
        "<html><head><title>Envoy visit</title></head><body><nav>Home | World</nav><article><h1>Envoy visit"
        f"</h1><p>{BODY}</p><p>The envoy will travel to the capital for two days of meetings.</p></article>"
        "<footer>Copyright</footer></body></html>"
    )
    write(tmp_path, "c.html", html)
    rows = [
        {"id": "x1", "text": "Row one. " + BODY, "source": "Wire", "published": "2025-08-21"},
        {"id": "x2", "text": "Row two. " + BODY, "title": "Second"},
    ]
    write(tmp_path, "d.jsonl", "\n".join(json.dumps(r) for r in rows))
    pd.DataFrame([{"text": "Csv row. " + BODY, "title": "From CSV", "url": "https://example.test/a"}]).to_csv(
        tmp_path / "e.csv", index=False
    )
    articles, problems = read_corpus(tmp_path)
    assert list(articles.columns) == [c.name for c in schema.TABLES["articles"]]
    assert sorted(articles["file"]) == ["a.txt", "b.md", "c.html", "d.jsonl#x1", "d.jsonl#x2", "e.csv#1"]
    by_file = articles.set_index("file")
    assert "**" not in by_file.loc["b.md", "text"] and "http://x.test" not in by_file.loc["b.md", "text"]
    assert "Home | World" not in by_file.loc["c.html", "text"] and BODY[:40] in by_file.loc["c.html", "text"]
    assert by_file.loc["d.jsonl#x1", "source"] == "Wire"
    assert by_file.loc["d.jsonl#x1", "published"] == "2025-08-21"
    assert by_file.loc["d.jsonl#x1", "published_from"] == "metadata"
    assert by_file.loc["e.csv#1", "url"] == "https://example.test/a"
    assert problems.empty


@pytest.mark.parametrize(
    "name, content, severity, words",
    [
        ("empty.txt", b"", "error", "empty"),
        ("blank.txt", b"   \n\n  ", "error", "words"),
        ("binary.txt", bytes(range(256)) * 40, "error", "binary"),
        (
            "markup.html",
            b"<html><head><script>var a=1;</script></head><body><div></div></body></html>",
            "error",
            "no article text",
        ),
        ("notes.docx", b"PK\x03\x04 zip", "warning", "unsupported"),
    ],
)
def test_bad_files_become_problems_and_the_rest_is_read(tmp_path, name, content, severity, words):
    write(tmp_path, "good.txt", BODY)
    write(tmp_path, name, content)
    articles, problems = read_corpus(tmp_path)
    assert list(articles["file"]) == ["good.txt"]
    rows = problem_for(problems, name)
    assert len(rows) == 1, problems
    assert rows.iloc[0]["severity"] == severity
    assert words in rows.iloc[0]["message"]


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-16"])
def test_legacy_and_utf16_encodings_are_decoded(tmp_path, encoding):
    text = "Caf\u00e9 talks: the minister\u2019s \u201cfinal\u201d offer. " + BODY
    if encoding == "latin-1":
        text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    write(tmp_path, "legacy.txt", text.encode(encoding))
    articles, problems = read_corpus(tmp_path)
    assert len(articles) == 1
    assert "Caf\u00e9 talks" in articles.iloc[0]["text"]
    assert "minister's" in articles.iloc[0]["text"]  # typographic quotes normalised, words unchanged


def test_oversized_file_is_skipped_with_the_limit_named(tmp_path):
    write(tmp_path, "huge.txt", ("word " * 200_000).encode())  # ~1 MB
    write(tmp_path, "good.txt", BODY)
    articles, problems = read_corpus(tmp_path, max_bytes=500_000)
    assert list(articles["file"]) == ["good.txt"]
    message = problem_for(problems, "huge.txt").iloc[0]["message"]
    assert "limit" in message and "max_article_bytes" in message


def test_metadata_wins_and_extra_columns_are_kept(tmp_path):
    write(tmp_path, "a.txt", "Detected Title From Text\n\nPublished: 3 March 2024\n\n" + BODY)
    write(
        tmp_path,
        "metadata.csv",
        "file,title,source,published,desk\na.txt,Given Title,Given Source,2025-08-19,Europe\n",
    )
    articles, problems = read_corpus(tmp_path)
    row = articles.iloc[0]
    assert (row["title"], row["source"], row["published"]) == ("Given Title", "Given Source", "2025-08-19")
    assert row["published_from"] == "metadata"
    assert json.loads(row["meta"]) == {"desk": "Europe"}
    assert problems.empty


def test_date_stated_in_text_is_used_without_metadata(tmp_path):
    write(tmp_path, "a.txt", "Envoys Meet Again\n\nPublished: 3 March 2024\n\n" + BODY)
    row = read_corpus(tmp_path)[0].iloc[0]
    assert (row["published"], row["published_from"]) == ("2024-03-03", "text")
    assert "Published" not in row["text"]


def test_malformed_metadata_is_reported_and_articles_still_read(tmp_path):
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "metadata.csv", "title,source\nx,y\n")  # no 'file' column
    articles, problems = read_corpus(tmp_path)
    assert len(articles) == 1
    assert "no 'file' column" in problem_for(problems, "metadata.csv").iloc[0]["message"]


def test_metadata_row_naming_a_missing_file(tmp_path):
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "metadata.csv", "file,title\na.txt,A\nghost.txt,Ghost\n")
    articles, problems = read_corpus(tmp_path)
    assert articles.iloc[0]["title"] == "A"
    assert "ghost.txt" in problem_for(problems, "metadata.csv").iloc[0]["message"]


def test_bad_metadata_date_is_a_warning(tmp_path):
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "metadata.csv", "file,published\na.txt,sometime soon\n")
    articles, problems = read_corpus(tmp_path)
    assert articles.iloc[0]["published"] == "" and articles.iloc[0]["published_from"] == "none"
    assert problem_for(problems, "a.txt").iloc[0]["severity"] == "warning"


def test_same_article_under_two_names_is_counted_once(tmp_path):
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "copy-of-a.txt", BODY + "\n\nLeave a Reply")  # differs only by furniture
    articles, problems = read_corpus(tmp_path)
    assert list(articles["file"]) == ["a.txt"]
    assert "same text as a.txt" in problem_for(problems, "copy-of-a.txt").iloc[0]["message"]


def test_corpus_file_rows_without_text_and_bad_json(tmp_path):
    write(
        tmp_path, "c.jsonl", json.dumps({"text": BODY}) + "\n{not json\n" + json.dumps({"title": "no text"})
    )
    articles, problems = read_corpus(tmp_path)
    assert len(articles) == 1
    assert set(problems["file"]) == {"c.jsonl#2", "c.jsonl#3"}
    write(tmp_path, "d.csv", "title,body\nx,y\n")
    _, problems = read_corpus(tmp_path)
    assert "no 'text' column" in problem_for(problems, "d.csv").iloc[0]["message"]


def test_missing_folder_is_a_problem_not_a_crash(tmp_path):
    articles, problems = read_corpus(tmp_path / "nope")
    assert articles.empty and problems.iloc[0]["severity"] == "error"


# --- the seeds ---------------------------------------------------------------------------------------

FURNITURE = [
    "Home »",
    "Leave a Comment",
    "Leave a Reply",
    "Akismet",
    "Adblock",
    "AdBlocker",
    "You may also like",
    "Required fields",
    "Header Ads Widget",
    "Post a Comment",
    "0 Comments",
    "Share your thoughts",
    "Douglas Murray",
    "Chicago Mayor",
    "Written by Staff Reports",
    "by James Carter",
]


@pytest.fixture(scope="module")
def seeds():
    return read_corpus(SEEDS)


def test_seeds_are_read_without_problems(seeds):
    articles, problems = seeds
    assert len(articles) == 5 and problems.empty


@pytest.mark.parametrize("phrase", FURNITURE)
def test_cleaned_seeds_hold_no_site_furniture(seeds, phrase):
    articles, _ = seeds
    assert not articles["text"].str.contains(phrase, regex=False).any()


def test_no_cleaned_seed_repeats_a_paragraph(seeds):
    for text in seeds[0]["text"]:
        paragraphs = text.split("\n\n")
        assert len(paragraphs) == len(set(paragraphs))


def test_seed_with_a_repeated_body_keeps_each_paragraph_once():
    raw = (SEEDS / "004_45077a99e14fa0ca.txt").read_text(encoding="utf-8")
    articles, _ = read_corpus(SEEDS)
    text = articles.set_index("file").loc["004_45077a99e14fa0ca.txt", "text"]
    first = "During the Washington meeting on Monday"
    assert raw.count(first) == 2 and text.count(first) == 1


def test_seed_bylines_and_titles_come_from_metadata(seeds):
    by_file = seeds[0].set_index("file")
    assert by_file.loc["001_8c7d39ed671b8841.txt", "byline"] == "Written by Staff Reports"
    assert by_file.loc["003_6455e6dab78b474c.txt", "title"].startswith("Trump Pulls Back")
    assert by_file.loc["002_bccc835c740b20f3.txt", "title"] == ""  # none in the text: left empty


def test_wire_and_liveblog_furniture_rules():
    from analysis.ingest.clean import clean_text

    page = "\n\n".join(
        [
            "World | Europe",
            "Tuesday 25 November 2025",
            "LIVE Updated 16:48 GMT",
            "Key events",
            "By TOM HARDING, FOREIGN EDITOR",
            "GENEVA, Nov 23 (Reuters) - Officials said on Sunday they had made progress in talks, "
            "and the sides would meet again next week to finish the text.",
            "(Reporting by Jane Roe in Geneva; Editing by John Doe)",
            "Our Standards: The Thomson Reuters Trust Principles.",
        ]
    )
    result = clean_text(page)
    assert result.text.startswith("GENEVA, Nov 23 (Reuters) - Officials") and "\n" not in result.text
    assert result.source == "Reuters"  # from the dateline; "FOREIGN EDITOR" is a job title, not an outlet
    assert result.byline == "By TOM HARDING, FOREIGN EDITOR"
    assert result.published_text == "Tuesday 25 November 2025"


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Published date: 8 October 2025 13:10 BST", "2025-10-08"),
        ("Last modified on Sun 23 Nov 2025 16.20 GMT", "2025-11-23"),
        ("Posted on Aug. 21, 2025 at 5:30 p.m. ET", "2025-08-21"),
        ("Thursday 21 August 2025", "2025-08-21"),
    ],
)
def test_stated_date_lines_give_the_publication_date(tmp_path, line, expected):
    write(tmp_path, "a.txt", f"Envoys Meet Again\n\n{line}\n\n{BODY}")
    row = read_corpus(tmp_path)[0].iloc[0]
    assert (row["published"], row["published_from"]) == (expected, "text")
    assert line not in row["text"]


# --- limits and mislabelled files (issue #8) ------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_corpus_file_of_a_million_rows_is_read_up_to_the_row_limit(tmp_path, monkeypatch, suffix):
    import time

    monkeypatch.setenv("PARLEY_MAX_CORPUS_ROWS", "50")
    line = json.dumps({"text": BODY}) if suffix == ".jsonl" else BODY
    rows = "\n".join(
        f"{line[:-1]} {i}." if suffix == ".csv" else line.replace('."}', f' {i}."}}')
        for i in range(1_000_000)
    )
    write(tmp_path, f"big{suffix}", ("text\n" if suffix == ".csv" else "") + rows)
    start = time.perf_counter()
    articles, problems = read_corpus(tmp_path, max_bytes=10_000_000)
    seconds = time.perf_counter() - start
    assert len(articles) == 50
    message = problem_for(problems, f"big{suffix}").iloc[0]["message"]
    assert "more than 50 rows" in message and "max_corpus_rows" in message
    assert seconds < 30, seconds  # only 51 rows are parsed, whatever the file's length


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("header-only.csv", "text,title\n", "no article rows"),
        ("blank.jsonl", "\n\n   \n", "no article rows"),
        ("lines.csv", "\n".join(json.dumps({"text": BODY + str(i)}) for i in range(3)), "no 'text' column"),
    ],
)
def test_corpus_files_without_articles_are_named_in_problems(tmp_path, name, content, words):
    write(tmp_path, "good.txt", BODY)
    write(tmp_path, name, content)
    articles, problems = read_corpus(tmp_path)
    assert list(articles["file"]) == ["good.txt"]
    assert words in " ".join(problem_for(problems, name)["message"])


def test_a_jsonl_file_holding_csv_reports_each_line(tmp_path):
    write(tmp_path, "table.jsonl", f'text,title\n"{BODY}",A\n')
    articles, problems = read_corpus(tmp_path)
    assert articles.empty
    assert set(problems["file"]) == {"table.jsonl#1", "table.jsonl#2"}
    assert problems["message"].str.contains("not valid JSON").all()


def test_lone_surrogates_in_json_do_not_crash_the_build(tmp_path):
    # "\\ud800" is valid JSON but not text: it cannot be encoded, stored in Parquet or shown
    write(tmp_path, "s.jsonl", '{"text": "' + BODY + ' \\ud800 end", "title": "\\udfff Title"}\n')
    articles, problems = read_corpus(tmp_path)
    row = articles.iloc[0]
    assert "\ufffd" in row["text"] and "\ufffd" in row["title"]
    row["text"].encode("utf-8")


def test_a_txt_file_holding_an_html_page_is_read_as_html(tmp_path):
    page = (
        "<!DOCTYPE html><html><head><title>T</title><script>var tracking = 1;</script></head><body>"
        f"<nav>Home | World | Sport</nav><article><p>{BODY}</p></article></body></html>"
    )
    write(tmp_path, "saved-page.txt", page)
    articles, problems = read_corpus(tmp_path)
    text = articles.iloc[0]["text"]
    assert BODY[:40] in text and "<p>" not in text and "tracking" not in text
    assert "holds an HTML page" in problem_for(problems, "saved-page.txt").iloc[0]["message"]


def test_metadata_synonym_columns_are_read_and_reported(tmp_path):
    write(tmp_path, "a.txt", "Published: 3 March 2024\n\n" + BODY)
    write(tmp_path, "metadata.csv", "file,published_date,source_domain\na.txt,2025-10-09,example.org\n")
    articles, problems = read_corpus(tmp_path)
    row = articles.iloc[0]
    assert (row["published"], row["source"]) == ("2025-10-09", "example.org")
    assert row["published_from"] == "metadata"
    messages = " | ".join(problem_for(problems, "metadata.csv")["message"])
    assert "'published_date' read as the article's published" in messages
    assert "'source_domain' read as the article's source" in messages


def test_a_second_date_column_is_ignored_and_a_lookalike_is_named(tmp_path):
    write(tmp_path, "a.txt", BODY)
    meta = "file,published,pub_date,release_time\na.txt,2025-10-09,2024-01-01,noon\n"
    write(tmp_path, "metadata.csv", meta)
    articles, problems = read_corpus(tmp_path)
    assert articles.iloc[0]["published"] == "2025-10-09"
    rows = problem_for(problems, "metadata.csv")
    ignored = rows[rows["message"].str.contains("'pub_date' ignored")]
    assert len(ignored) == 1 and ignored.iloc[0]["severity"] == "warning"
    looks = rows[rows["message"].str.contains("'release_time' looks like the article's published")]
    assert len(looks) == 1
    assert json.loads(articles.iloc[0]["meta"])["release_time"] == "noon"


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_corpus_file_synonym_columns(tmp_path, suffix):
    rows = [{"text": BODY, "date": "2025-03-04", "outlet": "Example Wire"}]
    if suffix == ".csv":
        content = pd.DataFrame(rows).to_csv(index=False)
    else:
        content = "\n".join(json.dumps(r) for r in rows)
    write(tmp_path, "corpus" + suffix, content)
    articles, problems = read_corpus(tmp_path)
    row = articles.iloc[0]
    assert (row["published"], row["source"]) == ("2025-03-04", "Example Wire")
    notes = problem_for(problems, "corpus" + suffix)
    assert len(notes) == 2 and set(notes["severity"]) == {"info"}


BODY_PARA = (
    "Delegations from the two governments met in Vienna on Monday and agreed to continue the talks on "
    "prisoner exchanges next week, according to a joint statement released after the meeting."
)


@pytest.mark.parametrize(
    "boilerplate",
    [
        "Stay informed with free updates",
        "Stay up to date with the latest news",
        "Simply sign up to the Europe digest",
        "Sign up for our newsletter",
        "Sign up to our daily briefing newsletter.",
        "Get the best stories of the day delivered to your inbox",
        "Subscribe now",
        "Tags: Russia, Ukraine, Diplomacy",
        "Topics",
        "Filed under: Europe, Diplomacy",
        "Share this article",
        "Share on Facebook Twitter WhatsApp",
        "Copy link",
        "Save article",
        "Listen to this article",
        "4 min read",
    ],
)
def test_boilerplate_lines_are_dropped_and_never_the_title(boilerplate):
    from analysis.ingest.clean import clean_text

    result = clean_text("\n\n".join([boilerplate, "Vienna talks on prisoners to resume", BODY_PARA]))
    assert result.title == "Vienna talks on prisoners to resume"
    assert boilerplate not in result.text and result.text.endswith("after the meeting.")


@pytest.mark.parametrize(
    "credit",
    [
        "Photo: Maria Lopez/Reuters",
        "(Photo by Samuel Green/AFP via Getty Images)",
        "Image source, Getty Images",
        "Ana Petrova/AP Photo",
        "Delegates arrive for the talks. Getty Images",
        "Jane Whitfield, Diplomatic Correspondent",
        "Omar Haddad | Senior Middle East Editor",
        "By Laura Price and Tom Okafor",
        "3 hours ago",
    ],
)
def test_credits_bylines_and_timestamps_are_not_titles(credit):
    from analysis.ingest.clean import clean_text

    page = "\n\n".join(["By Kim Arden", credit, "Vienna talks on prisoners to resume", BODY_PARA])
    assert clean_text(page).title == "Vienna talks on prisoners to resume"
    alone = clean_text("\n\n".join([credit, BODY_PARA]))
    assert alone.title == ""  # nothing else is headline-like: no title rather than a wrong one


@pytest.mark.parametrize(
    "headline",
    [
        "Kremlin silent on talks, analysts say",
        "Sign of progress as envoys meet in Doha",
        "Share prices rise as ceasefire holds",
        "Photographs of the summit show a tense mood",
        "Getting the Tags right: EU rules on labels",
        "Ukraine talks resume in Geneva | Reuters",
        "Editors meet the Prime Minister",
    ],
)
def test_real_headlines_stay_titles(headline):
    from analysis.ingest.clean import clean_text

    result = clean_text("\n\n".join([headline, BODY_PARA]))
    assert result.title == headline and result.text.startswith(headline)


def test_a_newsletter_prompt_ending_the_page_still_marks_the_teasers_before_it():
    from analysis.ingest.clean import clean_text

    page = "\n\n".join(["Vienna talks on prisoners to resume", BODY_PARA, "Why the Arctic council matters"])
    assert clean_text(page).text.endswith("Why the Arctic council matters")  # one short line: kept
    result = clean_text(page + "\n\nSubscribe to our weekly briefing")
    assert result.text.endswith("after the meeting.")  # a teaser, then furniture: the page's tail
    assert "Why the Arctic council matters" in result.removed
