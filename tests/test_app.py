"""AppTest per page: every page runs without an exception, on invented tables and on empty ones, and a
filter change changes the data the page charts. The data folder comes from PARLEY_DATA_DIR.

Note: Streamlit's AppTest does not capture the entry script's sidebar after `switch_page`, so filters are
set through session state (the sidebar widgets' keys), exactly what the widgets would write.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis import schema, store
from dashboard import synthetic

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
PAGES = ["overview", "actors", "positions", "timeline", "articles", "data", "briefing", "add_articles"]


def _write(folder: Path, tables: dict) -> Path:
    store.write_tables(tables, folder, {"counts": {k: len(v) for k, v in tables.items()}, "built_at": "test"})
    return folder


@pytest.fixture(scope="module")
def synthetic_dir(tmp_path_factory) -> Path:
    return _write(tmp_path_factory.mktemp("app_data"), synthetic.make_tables(24))


@pytest.fixture(scope="module")
def empty_dir(tmp_path_factory) -> Path:
    return _write(
        tmp_path_factory.mktemp("empty_data"), {name: schema.empty_table(name) for name in schema.TABLES}
    )


def _open(page: str, data_dir: Path, monkeypatch, **state) -> AppTest:
    """Run `page` once with the sidebar widgets' session state preset to `state`.

    AppTest drops the entry script's widgets after the first run of an st.navigation app, and with them
    their state, so the state is set again before the page's run.
    """
    monkeypatch.setenv("PARLEY_DATA_DIR", str(data_dir))
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py")
        for key, value in state.items():
            at.session_state[key] = value
        at.run()
    return at


def _specs(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def _no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_on_synthetic_tables(page, synthetic_dir, monkeypatch):
    at = _open(page, synthetic_dir, monkeypatch)
    _no_exception(at)
    assert at.title, f"{page} has no title"


@pytest.mark.parametrize("page", PAGES)
def test_page_shows_an_empty_state_on_empty_tables(page, empty_dir, monkeypatch):
    at = _open(page, empty_dir, monkeypatch)
    _no_exception(at)
    assert not at.error, [e.value for e in at.error]


def test_overview_filter_changes_counts_chart_and_url(synthetic_dir, monkeypatch):
    at = _open("overview", synthetic_dir, monkeypatch)
    before = {m.label: m.value for m in at.metric}
    assert len(_specs(at)[1]["data"][0]["y"]) == len(synthetic.ACTORS)
    at = _open("overview", synthetic_dir, monkeypatch, f_actors=["Aldora"])
    after = {m.label: m.value for m in at.metric}
    assert int(after["Mentions"].replace(",", "")) < int(before["Mentions"].replace(",", ""))
    assert _specs(at)[1]["data"][0]["y"] == ["Aldora"]
    assert at.multiselect(key="f_actors").value == ["Aldora"]
    assert at.query_params["actors"] == "Aldora"


def test_url_filters_seed_the_sidebar(synthetic_dir, monkeypatch):
    monkeypatch.setenv("PARLEY_DATA_DIR", str(synthetic_dir))
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["topics"] = "ceasefire|no_such_topic"
    at.query_params["sources"] = "Harbor Times"
    at.run()
    _no_exception(at)
    assert at.multiselect(key="f_topics").value == ["ceasefire"]  # unknown values are dropped
    assert at.multiselect(key="f_sources").value == ["Harbor Times"]
    assert at.query_params["topics"] == "ceasefire"
    assert at.query_params["sources"] == "Harbor Times"


def test_actors_page_stack_and_filter(synthetic_dir, monkeypatch):
    at = _open("actors", synthetic_dir, monkeypatch, actors_stack="source")
    assert {t["name"] for t in _specs(at)[0]["data"]} == set(synthetic.SOURCES)  # stacked by source
    at = _open("actors", synthetic_dir, monkeypatch, actors_stack="source", f_sources=["Harbor Times"])
    assert {t["name"] for t in _specs(at)[0]["data"]} == {"Harbor Times"}


def test_positions_filter_changes_the_heatmap(synthetic_dir, monkeypatch):
    at = _open("positions", synthetic_dir, monkeypatch)
    heat = _specs(at)[0]["data"][0]
    assert heat["type"] == "heatmap" and len(heat["x"]) == len(synthetic.TOPICS)
    at = _open("positions", synthetic_dir, monkeypatch, f_topics=["sanctions"])
    _no_exception(at)
    assert len(_specs(at)[0]["data"][0]["x"]) == 1  # one topic column (shown by its taxonomy label)


def test_timeline_rows_follow_the_actor_filter(synthetic_dir, monkeypatch):
    at = _open("timeline", synthetic_dir, monkeypatch, f_actors=["Corvia", "Dana Holt"])
    rows = set(_specs(at)[0]["data"][0]["y"])
    assert rows == {"Corvia", "Dana Holt"}


def test_articles_picker_follows_the_source_filter(synthetic_dir, monkeypatch):
    at = _open("articles", synthetic_dir, monkeypatch)
    n_all = len(at.selectbox(key="article_pick").options)
    at = _open("articles", synthetic_dir, monkeypatch, f_sources=["Metro Wire"])
    options = at.selectbox(key="article_pick").options
    assert 0 < len(options) < n_all and all("Metro Wire" in o for o in options)


def test_article_text_is_escaped(tmp_path, monkeypatch):
    tables = synthetic.make_tables(2)
    evil = "Aldora <script>alert(1)</script> **bold** [x](javascript:alert(1))"
    tables["articles"].loc[0, "text"] = evil
    at = _open("articles", _write(tmp_path, tables), monkeypatch)
    at.selectbox(key="article_pick").set_value(tables["articles"].loc[0, "article_id"]).run()
    html_blocks = [el.proto.body for el in at.get("html")]
    assert any("&lt;script&gt;" in body for body in html_blocks)
    assert not any("<script>" in body for body in html_blocks)


def test_data_page_counts_follow_filters(synthetic_dir, monkeypatch):
    at = _open("data", synthetic_dir, monkeypatch)
    label = next(e.label for e in at.expander if e.label.startswith("statements"))
    at = _open("data", synthetic_dir, monkeypatch, f_search="rejected")
    filtered = next(e.label for e in at.expander if e.label.startswith("statements"))
    assert filtered != label


def test_first_start_builds_the_corpus(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "talks.txt").write_text(
        "Leaders meet for talks\n\nThe foreign ministers of two neighbouring states met in Vienna on Tuesday "
        "to discuss a ceasefire. Both sides said the talks were constructive and agreed to meet again.",
        encoding="utf-8",
    )
    monkeypatch.setenv("PARLEY_CORPUS_DIR", str(corpus))
    data = tmp_path / "data"
    at = _open("overview", data, monkeypatch)
    _no_exception(at)
    assert store.tables_exist(data)
    assert {m.label: m.value for m in at.metric}["Articles"] == "1"
