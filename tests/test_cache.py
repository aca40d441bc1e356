"""The per-article cache behind incremental builds: what is reused, what is re-analysed and why, damaged
entries, interrupted builds and analyst corrections. A fake analysis (blank spaCy, counted calls) keeps
these tests fast and independent of the rules."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import spacy

from analysis import settings
from analysis.extract.pipeline import Resources
from analysis.ingest import corpus as ingest
from analysis.store import cache, corrections, ingest_cache, parallel
from analysis.store import tables as store
from analysis.store.build import build

ARTICLE = (
    "{name} said on Monday that the ceasefire talks in Geneva would continue. Officials disagreed. {extra}"
)


def fake_analyse(doc, article, res):
    """One mention per sentence naming its first word, and one neutral statement per article."""
    calls.append(article["file"])
    if "EXPLODE" in article["text"]:
        raise ValueError("bad article")
    if "INTERRUPT" in article["text"]:
        raise KeyboardInterrupt
    aid = article["article_id"]
    sents = list(doc.sents)
    sentences = [
        {
            "article_id": aid,
            "sentence_id": i,
            "start_char": s.start_char,
            "end_char": s.end_char,
            "text": s.text,
        }
        for i, s in enumerate(sents)
    ]
    mentions = [
        {"article_id": aid, "sentence_id": i, "actor": s[0].text, "surface": s[0].text, "linked": False}
        for i, s in enumerate(sents)
    ]
    statement = {"article_id": aid, "sentence_id": 0, "statement_id": f"st-{aid}", "actor": sents[0][0].text,
                 "topic": "ceasefire", "stance": "neutral", "confidence": 0.5, "origin": "auto"}  # fmt: skip
    published = {"published": "2025-08-21", "published_from": "inferred", "published_reason": "test"}
    return {"sentences": sentences, "mentions": mentions, "statements": [statement], "published": [published]}


calls: list[str] = []


@pytest.fixture(scope="module")
def blank_nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


@pytest.fixture
def env(tmp_path, monkeypatch, blank_nlp):
    """A corpus of three articles, private knowledge files, and the fake analysis in place."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, name in enumerate(["Smith", "Jones", "Brown"]):
        (corpus / f"a{i}.txt").write_text(ARTICLE.format(name=name, extra=f"Article number {i}."))
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    for setting in ("kb_path", "taxonomy_path", "lexicon_path"):
        target = knowledge / settings.get_path(setting).name
        shutil.copy(settings.get_path(setting), target)
        monkeypatch.setenv(settings.Setting(setting, "", "").env, str(target))
    monkeypatch.setattr(parallel, "analyse_article", fake_analyse)
    # the real code digest changes whenever anyone edits analysis/: pin it so only the test changes it
    monkeypatch.setattr(cache, "code_digest", lambda *a: "code-v1")
    calls.clear()
    res = Resources(nlp=blank_nlp, kb=None, taxonomy=None, lexicon=None)
    return corpus, tmp_path / "out", knowledge, res


def run(env, **kw):
    corpus, out, _, res = env
    calls.clear()
    return build(corpus, out, resources=res, **kw)


def test_entries_round_trip_and_damage_is_detected():
    data, payload = cache.encode(
        {"code": "x"}, {"mentions": [{"actor": "A", "start_char": 3}, {"actor": "B"}]}
    )
    assert cache.decode(data) == payload
    assert payload["result"]["mentions"] == {"actor": ["A", "B"], "start_char": [3, None]}
    for damaged in (data[:-5], data.replace(b'"A"', b'"Z"'), b"", b"not json at all"):
        with pytest.raises(cache.CorruptEntry):
            cache.decode(damaged)


def test_article_key_follows_text_and_metadata():
    def art(text: str, **kw) -> dict:
        return {"article_id": ingest.article_id(text), "text": text, "published": "2025-01-01", **kw}

    assert cache.article_key(art("Some words here.")) == cache.article_key(art("Some words here."))
    assert cache.article_key(art("Some words here.")) != cache.article_key(art("Other words here."))
    assert cache.article_key(art("Some words.")) != cache.article_key(
        art("Some words.", published="2025-01-02")
    )


def test_summary_names_the_reason_and_counts():
    reasons = {f"k{i}": "knowledge base changed" for i in range(1234)} | {"n": "new or changed article"}
    text = cache.summarise(reasons, 10)
    assert text.startswith("knowledge base changed: 1,234 articles re-analysed")
    assert "new or changed: 1 article analysed" in text and text.endswith("10 reused from the cache")
    assert cache.summarise({}, 3) == "nothing changed; 3 reused from the cache"


def test_unchanged_rebuild_analyses_nothing_and_gives_the_same_tables(env):
    first = run(env)
    assert len(calls) == 3 and first.manifest["cache"]["analysed"] == 3
    second = run(env)
    assert calls == []
    assert second.manifest["rebuild_reason"] == "nothing changed; 3 reused from the cache"
    for name in ("articles", "sentences", "mentions", "statements"):
        pd.testing.assert_frame_equal(first.tables[name], second.tables[name])
    assert second.tables["articles"]["published"].eq("2025-08-21").all()


def test_a_new_or_edited_article_is_the_only_one_analysed(env):
    corpus = env[0]
    run(env)
    (corpus / "a3.txt").write_text(ARTICLE.format(name="Green", extra="A new one."))
    (corpus / "a1.txt").write_text(ARTICLE.format(name="Jones", extra="Edited since."))
    result = run(env)
    assert sorted(calls) == ["a1.txt", "a3.txt"]
    assert result.manifest["rebuild_reason"].startswith("new or changed: 2 articles analysed")
    assert set(result.tables["mentions"]["actor"]) >= {"Green", "Smith"}
    entries = list((env[1] / cache.CACHE_DIR / "articles").glob("*/*.json"))
    assert len(entries) == 4  # the old a1 entry is gone


def test_a_knowledge_base_change_re_analyses_and_says_why(env):
    run(env)
    kb = Path(settings.get("kb_path"))
    kb.write_text(kb.read_text() + "\n# edited\n")
    result = run(env)
    assert len(calls) == 3
    assert (
        result.manifest["rebuild_reason"]
        == "knowledge base changed: 3 articles re-analysed; 0 reused from the cache"
    )
    (Path(settings.get("lexicon_path"))).write_text(
        Path(settings.get("lexicon_path")).read_text() + "\n# x\n"
    )
    assert run(env).manifest["rebuild_reason"].startswith("stance lexicon changed: 3 articles")


def test_a_code_change_re_analyses_everything(env, monkeypatch):
    run(env)
    monkeypatch.setattr(cache, "code_digest", lambda *a: "code-v2")
    result = run(env)
    assert len(calls) == 3
    assert result.manifest["rebuild_reason"].startswith("pipeline code changed: 3 articles re-analysed")


def test_the_real_code_digest_follows_analysis_sources_not_presentation_ones():
    digest = cache.code_digest()
    assert len(digest) == 16 and digest == cache.code_digest()
    presented = ["store/build.py", "query/engine.py", "ingest/uploads.py", "ingest/upload_admin.py"]
    presented += ["knowledge/actors.py", "cli.py"]
    analysed = [
        "extract/pipeline.py",
        "extract/stance/__init__.py",
        "extract/time/events.py",
        "ingest/clean.py",
    ]
    assert all(cache.downstream(Path(p)) for p in presented)
    assert not any(cache.downstream(Path(p)) for p in analysed)


def test_a_damaged_entry_is_reported_and_recomputed(env):
    first = run(env)
    entry = next((env[1] / cache.CACHE_DIR / "articles").glob("*/*.json"))
    entry.write_bytes(entry.read_bytes()[:40])
    result = run(env)
    assert len(calls) == 1
    info = result.tables["problems"]
    assert info["message"].str.contains("cached analysis was damaged").sum() == 1
    pd.testing.assert_frame_equal(first.tables["mentions"], result.tables["mentions"])
    assert run(env).manifest["cache"]["damaged"] == 0 and calls == []


def test_an_interrupted_build_keeps_the_finished_articles(env):
    corpus = env[0]
    (corpus / "a9.txt").write_text(ARTICLE.format(name="Late", extra="INTERRUPT here."))
    with pytest.raises(KeyboardInterrupt):
        run(env)
    assert not (env[1] / "manifest.json").exists()
    done = set(calls) - {"a9.txt"}
    assert done  # at least one article finished before the interruption
    (corpus / "a9.txt").write_text(ARTICLE.format(name="Late", extra="Fine now."))
    run(env)
    assert "a9.txt" in calls and not done & set(calls)


def test_a_failed_article_is_a_problem_and_is_retried(env):
    (env[0] / "bad.txt").write_text(ARTICLE.format(name="Bad", extra="EXPLODE now."))
    result = run(env)
    assert result.tables["problems"]["message"].str.contains("analysis failed").any()
    assert result.manifest["cache"]["failed"] == 1
    run(env)
    assert calls == ["bad.txt"]


def test_corrections_survive_cached_rebuilds(env):
    first = run(env)
    out = env[1]
    sid = first.tables["statements"]["statement_id"].iloc[0]
    path = out / corrections.FILE_NAME
    corrections.add_correction(path, action="change", statement_id=sid, stance="oppose", note="analyst")
    before = path.read_bytes()
    result = run(env)
    assert calls == []
    row = result.tables["statements"].set_index("statement_id").loc[sid]
    assert row["stance"] == "oppose" and row["origin"] == "corrected"
    assert path.read_bytes() == before
    stored = store.read_table(out, "statements").set_index("statement_id").loc[sid]
    assert stored["stance"] == "oppose"
    entry = json.loads(
        next((out / cache.CACHE_DIR / "articles").rglob("*.json")).read_bytes().split(b"\n", 1)[1]
    )
    assert "corrected" not in json.dumps(entry)  # the cache holds the automatic analysis only


def test_prune_removes_stale_entries_and_stray_temporary_files(tmp_path):
    entries = cache.ArticleCache(tmp_path)
    data, _ = cache.encode({}, {})
    for key in ("aa11", "aa22"):
        entries.put(key, data)
    (tmp_path / "articles" / "aa" / ".aa33.x.tmp").write_text("half")
    assert entries.prune({"aa11"}) == 2
    assert [p.name for p in (tmp_path / "articles").rglob("*") if p.is_file()] == ["aa11.json"]


def test_cached_ingest_equals_read_corpus_on_a_messy_folder(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))[:2]:
        shutil.copy(path, folder)
    shutil.copy(next(folder.glob("*.txt")), folder / "zz_copy.txt")  # a duplicate
    (folder / "empty.txt").write_bytes(b"")
    (folder / "notes.pdf").write_bytes(b"%PDF")
    rows = [
        {"id": "r1", "text": ARTICLE.format(name="Smith", extra="Row one."), "source": "Wire"},
        {"id": "r2"},
    ]
    (folder / "rows.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n")
    (folder / "metadata.csv").write_text("file,source,published\nrows.jsonl,Daily,2025-02-30\ngone.txt,X,\n")
    expected = ingest.read_corpus([folder, tmp_path / "missing"])
    entries = cache.ArticleCache(tmp_path / "cache")
    for _ in range(2):  # first from the files, then from the cache
        got = ingest_cache.read_corpus([folder, tmp_path / "missing"], entries, code="x")
        pd.testing.assert_frame_equal(got[0], expected[0])
        pd.testing.assert_frame_equal(got[1], expected[1])
    assert (
        len(expected[1]) >= 5 and len(list((tmp_path / "cache" / "articles").glob("*/*.json"))) == 5
    )  # 5 article files


def test_an_unchanged_file_is_not_cleaned_again(tmp_path, monkeypatch):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE.format(name="Smith", extra="One."))
    (folder / "b.txt").write_text(ARTICLE.format(name="Jones", extra="Two."))
    entries = cache.ArticleCache(tmp_path / "cache")
    ingest_cache.read_corpus(folder, entries, code="x")
    cleaned = []
    real = ingest.make_article
    monkeypatch.setattr(ingest, "make_article", lambda raw, *a: cleaned.append(raw.file) or real(raw, *a))
    (folder / "b.txt").write_text(ARTICLE.format(name="Jones", extra="Two, edited."))
    articles, _ = ingest_cache.read_corpus(folder, entries, code="x")
    assert cleaned == ["b.txt"] and len(articles) == 2
    ingest_cache.read_corpus(folder, entries, code="other code")
    assert cleaned == ["b.txt", "a.txt", "b.txt"]
