"""Property-based tests (hypothesis) of ingestion and of the whole analysis on hostile text: arbitrary
Unicode, control characters, NUL bytes, zero-width and right-to-left marks, emoji, lone surrogates, a
100,000-character line, text without sentences, only punctuation, only numbers, other languages, broken
encodings and corpus files. The build never raises; every file yields articles or a `problems` row naming
it; every offset points into the article text; every table has the schema's columns and dtypes.

Profiles: `parley` (default, a few minutes at most) and `parley-deep` (ten times the examples); choose with
`HYPOTHESIS_PROFILE=parley-deep python -m pytest tests/test_properties.py`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analysis.extract.pipeline import Resources
from analysis.ingest.clean import clean_text
from analysis.ingest.corpus import MIN_WORDS, article_id, read_corpus
from analysis.store import schema
from analysis.store import tables as store
from analysis.store.build import build

settings.register_profile(
    "parley",
    max_examples=150,
    deadline=None,
    database=None,  # nothing written into the repository; a failure prints its reproduction blob
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("parley-deep", parent=settings.get_profile("parley"), max_examples=1500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "parley"))
WHOLE_EXAMPLES = max(8, settings().max_examples // 8)  # a build with the real model per example

SPECIALS = [
    "\x00", "\x01", "\x07", "\x08", "\x1b", "\x7f", "\x85", "\x9f", "\u200b", "\u200c", "\u200d", "\u200e",
    "\u200f", "\u202a", "\u202b", "\u202e", "\u2066", "\u2067", "\u2069", "\ufeff", "\u00ad", "\ufffd",
    "\u2028", "\u2029", "\r", "\r\n", "\t", "\f", "\v", "\u00a0", "\u3000", "\U0001f600",
    "\U0001f469\u200d\U0001f469\u200d\U0001f467", "\U0001f1fa\U0001f1e6", "\U0010ffff", "\ue000", "e\u0301",
    "\ufb01", "\u0130", "\u00df", "\u2019", "\u201c", "\u201d", "\u2026", "\ud800", "\udfff",
]  # fmt: skip
OTHER_LANGUAGES = [
    "Переговоры продолжатся в Женеве в понедельник, заявил министр.",
    "停火谈判将于周一在日内瓦继续。",
    "ستستأنف المحادثات في جنيف يوم الاثنين، قال الوزير.",
    "השיחות יתחדשו בז'נבה ביום שני.",
    "Die Gespräche werden am Montag in Genf fortgesetzt, sagte der Minister.",
    "जिनेवा में सोमवार को वार्ता फिर से शुरू होगी।",
    "Οι συνομιλίες θα συνεχιστούν τη Δευτέρα στη Γενεύη.",
]
ENGLISH = [
    "Ukraine and Russia agreed on Monday to resume ceasefire talks in Geneva, officials said.",
    "The European Union rejected the proposal on 3 March 2025, according to a spokesperson.",
    "President Zelenskyy said Kyiv would never accept territorial concessions.",
    "NATO ministers will meet next week to discuss security guarantees.",
    "Talks collapsed in 2014 after Russia annexed Crimea.",
    "The Kremlin welcomed the plan but said sanctions must be lifted first.",
]
PUNCTUATION = ".,;:!?-\u2014()[]{}\"'\u2026/\\*&%$#@"


def fragments() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=40),
        st.sampled_from(SPECIALS),
        st.sampled_from(OTHER_LANGUAGES),
        st.sampled_from(ENGLISH),
        st.text(alphabet=PUNCTUATION + " \n", min_size=1, max_size=60),  # only punctuation
        st.text(alphabet="0123456789 .,-:/", min_size=1, max_size=60),  # only numbers
        st.sampled_from(["\n", "\n\n", " ", "\n\n\n", "# ", "<p>", "</p>", "<script>x</script>"]),
    )


articles_text = st.lists(fragments(), max_size=25).map("".join)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252", "latin-1"]


def encode(text: str, encoding: str) -> bytes:
    if encoding in ("cp1252", "latin-1"):
        return text.encode(encoding, errors="replace")
    return text.encode(encoding, errors="surrogatepass")  # lone surrogates make invalid UTF-8/16 bytes


analysable_text = st.tuples(st.sampled_from(ENGLISH), articles_text, st.sampled_from(ENGLISH)).map(" ".join)


@st.composite
def corpus_files(draw, analysable: bool = False) -> list[tuple[str, bytes]]:
    """1-4 files of every accepted kind (and one unsupported), with their bytes; with `analysable`, first
    a `main.txt` of English sentences around hostile fragments, so the analysis always has work."""
    files = [("main.txt", encode(draw(analysable_text), "utf-8"))] if analysable else []
    for i in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["txt", "md", "html", "jsonl", "csv", "bin", "docx"]))
        if kind == "jsonl":
            rows = draw(
                st.lists(st.fixed_dictionaries({"text": articles_text, "title": articles_text}), max_size=4)
            )
            lines = [json.dumps(r, ensure_ascii=draw(st.booleans())) for r in rows]
            lines += draw(
                st.lists(st.sampled_from(["{broken", "[1, 2]", "", "null", '{"text": 5}']), max_size=2)
            )
            data = encode("\n".join(lines), "utf-8")
        elif kind == "csv":
            rows = draw(
                st.lists(st.fixed_dictionaries({"text": articles_text, "source": articles_text}), max_size=4)
            )
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerows([["text", "source"], *([r["text"], r["source"]] for r in rows)])
            data = encode(buffer.getvalue(), draw(st.sampled_from(["utf-8", "utf-16"])))
        elif kind == "html":
            body = draw(articles_text)
            data = encode(f"<html><body><article><p>{body}</p></article></body></html>", "utf-8")
        elif kind == "bin":
            kind, data = "txt", draw(st.binary(max_size=300))
        else:
            data = encode(draw(articles_text), draw(st.sampled_from(ENCODINGS)))
        files.append((f"{i}.{kind}", data))
    return files


def write_files(folder: Path, files: list[tuple[str, bytes]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files:
        (folder / name).write_bytes(data)


def assert_every_file_accounted_for(files, articles: pd.DataFrame, problems: pd.DataFrame) -> None:
    named = set(articles["file"]) | set(problems["file"])
    for name, _ in files:
        assert any(f == name or f.startswith(f"{name}#") for f in named), f"{name}: no article and no problem"


def assert_schema(tables: dict[str, pd.DataFrame]) -> None:
    for name, frame in tables.items():
        assert [(c, str(t)) for c, t in frame.dtypes.items()] == [
            (c.name, c.dtype) for c in schema.TABLES[name]
        ], name


def assert_articles_are_sound(articles: pd.DataFrame) -> None:
    for row in articles.itertuples():
        assert row.text and row.n_words >= MIN_WORDS and row.article_id == article_id(row.text)
        assert "\x00" not in row.text and "\u200b" not in row.text and "\u202e" not in row.text
        row.text.encode("utf-8")  # no lone surrogates reach the analysis or the Parquet files
    assert articles["article_id"].is_unique


# --- ingestion alone (fast) -----------------------------------------------------------------------------


@given(text=articles_text)
@example(text="word " * 20_000)  # a 100,000-character line
@example(text="x" * 100_000)  # one 100,000-character "word"
@example(text="\x00" * 50 + "Talks resume in Geneva on Monday, officials said.")
@example(text="." * 5000)
@example(text="1234567890 " * 100)
def test_clean_text_never_raises_and_leaves_no_invisible_or_control_characters(text):
    result = clean_text(text)
    bad = {ch for ch in result.text if (ord(ch) < 32 and ch != "\n") or 0x7F <= ord(ch) < 0xA0}
    assert not bad and not set("\u200b\u200e\u200f\u202a\u202b\u202e\ufeff") & set(result.text)
    assert "\n\n\n" not in result.text and result.text == result.text.strip()
    result.text.encode("utf-8")  # no lone surrogates


@given(files=corpus_files())
def test_read_corpus_never_raises_and_accounts_for_every_file(files):
    with tempfile.TemporaryDirectory() as tmp:
        write_files(Path(tmp), files)
        articles, problems = read_corpus(Path(tmp), max_bytes=200_000)
    assert_every_file_accounted_for(files, articles, problems)
    assert_schema({"articles": articles, "problems": problems})
    assert_articles_are_sound(articles)
    assert set(problems["severity"]) <= {"error", "warning", "info"}
    assert problems["message"].str.len().gt(0).all()


# --- the whole analysis with the real model -------------------------------------------------------------


@pytest.fixture(scope="module")
def resources() -> Resources:
    res = Resources.load()
    assert res.notice is None, res.notice  # the real model, not the fallback
    return res


def check_build(files: list[tuple[str, bytes]], res: Resources) -> dict[str, pd.DataFrame]:
    with tempfile.TemporaryDirectory() as tmp:
        write_files(Path(tmp) / "corpus", files)
        result = build(Path(tmp) / "corpus", Path(tmp) / "out", resources=res)
        stored = store.load_tables(Path(tmp) / "out")
    tables = result.tables
    for name in schema.TABLES:  # what was stored is what was built
        pd.testing.assert_frame_equal(stored[name], tables[name], obj=name)
    assert_every_file_accounted_for(files, tables["articles"], tables["problems"])
    assert_schema(tables)
    assert_articles_are_sound(tables["articles"])
    assert not tables["problems"]["message"].str.contains("analysis failed").any(), tables["problems"]
    text = tables["articles"].set_index("article_id")["text"]
    for table, surface in (
        ("sentences", "text"),
        ("mentions", "surface"),
        ("time_expressions", "expression"),
    ):
        for row in tables[table].itertuples():
            body = text[row.article_id]
            assert 0 <= row.start_char < row.end_char <= len(body), (table, row)
            assert body[row.start_char : row.end_char] == getattr(row, surface), (table, row)
    for table in ("sentences", "mentions", "topics", "statements", "events", "time_expressions"):
        assert set(tables[table]["article_id"]) <= set(text.index), table
    n_sentences = tables["sentences"].groupby("article_id")["sentence_id"].max()
    for table in ("mentions", "topics", "statements", "events"):
        ids = tables[table][["article_id", "sentence_id"]].dropna()
        assert (ids["sentence_id"].to_numpy() <= n_sentences.reindex(ids["article_id"]).to_numpy()).all()
    return tables


@settings(max_examples=WHOLE_EXAMPLES)
@given(files=corpus_files(analysable=True))
def test_the_whole_build_never_raises_and_its_tables_hold(resources, files):
    tables = check_build(files, resources)
    problems = tables["problems"]
    if "main.txt" in set(tables["articles"]["file"]):
        assert len(tables["sentences"]) > 0
    else:  # only a text more than 5% control characters is refused, as binary
        assert problems[problems["file"] == "main.txt"]["message"].str.contains("binary").all()


@pytest.mark.parametrize(
    "body",
    [
        " ".join(ENGLISH) * 0
        + ("Negotiators met again " * 4546)[:100_000],  # 100,000 characters, no full stop
        "x" * 100_000,  # one word of 100,000 characters
        (" ".join(ENGLISH) + " ") * 180,  # a 100,000-character line of real sentences
        "\u202e" + " ".join(OTHER_LANGUAGES) + " \U0001f600" * 50,
        "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 2025 2026 " * 20,
        "! ? ... -- ; : , " * 200 + " ".join(ENGLISH),
    ],
    ids=["100k-no-sentences", "100k-one-word", "100k-line", "rtl-and-emoji", "numbers", "punctuation"],
)
def test_the_whole_build_on_extreme_articles(resources, body):
    tables = check_build([("a.txt", body.encode("utf-8"))], resources)
    assert len(tables["articles"]) + len(tables["problems"]) >= 1
