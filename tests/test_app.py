"""AppTest per page: every page runs without an exception, on invented tables and on empty ones, and a
filter change changes the data the page charts. The data folder comes from PARLEY_DATA_DIR.

Note: Streamlit's AppTest does not capture the entry script's sidebar after `switch_page`, so filters are
set through session state (the sidebar widgets' keys), exactly what the widgets would write.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis.store import schema
from analysis.store import tables as store
from dashboard import serve, synthetic

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
PAGES = [
    "overview",
    "actors",
    "positions",
    "review",
    "timeline",
    "articles",
    "data",
    "briefing",
    "add_articles",
]


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
    return serve.app_test(APP, page, state)


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


def _table_labels(at: AppTest) -> dict[str, str]:
    """The table picker's labels ("statements — 1,234 rows") by table."""
    return {label.split(" — ")[0]: label for label in at.selectbox(key="data_table").options}


def test_data_page_counts_follow_filters(synthetic_dir, monkeypatch):
    at = _open("data", synthetic_dir, monkeypatch)
    labels = _table_labels(at)
    assert len(at.dataframe) == 1 and at.selectbox(key="data_table").value == "statements"
    rows = at.dataframe[0].value.shape[0]
    at = _open("data", synthetic_dir, monkeypatch, f_search="rejected")
    assert _table_labels(at)["statements"] != labels["statements"]
    assert at.dataframe[0].value.shape[0] < rows
    at.selectbox(key="data_table").set_value("mentions").run()
    assert at.dataframe[0].value.shape[0] > 0 and at.get("download_button")[-1].label == "mentions.csv"


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


# --- the query engine: threads, and no page loads a whole table into pandas -------------------------------


def test_duckdb_threads_one_for_a_small_corpus_else_as_set(synthetic_dir, monkeypatch):
    from analysis.query import threads as query

    assert query.article_count(synthetic_dir) == 24
    assert query.threads_for(synthetic_dir, "auto") == 1  # 24 articles: small queries
    monkeypatch.setattr(query, "ONE_THREAD_BELOW", 24)
    assert query.threads_for(synthetic_dir, "Auto") is None  # DuckDB's one per core
    assert query.threads_for(synthetic_dir, "0") is None
    assert query.threads_for(synthetic_dir, "3") == 3
    with pytest.raises(ValueError, match="PARLEY_DUCKDB_THREADS"):
        query.threads_for(synthetic_dir, "many")


@pytest.mark.parametrize("page", ["overview", "actors", "positions", "timeline", "articles", "data"])
def test_large_corpus_pages_never_load_the_tables(page, tmp_path, monkeypatch):
    """No page reads a whole table into pandas: they ask the query engine for what they show."""
    folder = _write(tmp_path / "big", synthetic.make_tables(30))

    def refuse(*args, **kwargs):
        raise AssertionError("a table was loaded into pandas")

    monkeypatch.setattr(store, "load_tables", refuse)
    monkeypatch.setattr(store, "read_table", refuse)
    at = _open(page, folder, monkeypatch, f_actors=["Aldora"])
    _no_exception(at)
    assert at.title


def test_network_part_keeps_the_top_nodes_and_their_heaviest_edges():
    import pandas as pd

    from dashboard.figures_positions import network_part

    names = [f"a{i:02d}" for i in range(40)]
    edges = pd.DataFrame(
        [(a, b, (i * 7 + j) % 11 + 1) for i, a in enumerate(names) for j, b in enumerate(names) if a < b],
        columns=["actor_a", "actor_b", "w"],
    )
    nodes, kept = network_part(None, edges, node="actor", size="n", source="actor_a",
                               target="actor_b", weight="w", top=10, max_edges=15)  # fmt: skip
    totals = pd.concat(
        [edges.rename(columns={"actor_a": "actor"}), edges.rename(columns={"actor_b": "actor"})]
    )
    expected = totals.groupby("actor")["w"].sum().sort_values(ascending=False, kind="stable")
    assert set(nodes["actor"]) == set(
        expected.sort_index().sort_values(ascending=False, kind="stable").index[:10]
    )
    inside = edges[edges["actor_a"].isin(nodes["actor"]) & edges["actor_b"].isin(nodes["actor"])]
    assert len(kept) == 15 and kept["w"].min() >= inside["w"].nlargest(15).min()
    assert set(kept["actor_a"]) | set(kept["actor_b"]) <= set(nodes["actor"])


def test_busiest_rows_keeps_the_largest_totals():
    import pandas as pd

    from dashboard import charts

    df = pd.DataFrame({"actor": list("aabbbcd"), "n": [1, 1, 1, 1, 1, 5, 1]})
    assert set(charts.busiest_rows(df, "actor", "n", 2)["actor"]) == {"c", "b"}
    assert charts.busiest_rows(df, "actor", "n", 4) is df


def test_a_half_picked_date_range_filters_from_that_day(synthetic_dir, monkeypatch):
    """While the analyst has clicked only the first day of the range, the widget holds one date."""
    at = _open("overview", synthetic_dir, monkeypatch)
    days = sorted(store.load_tables(synthetic_dir)["articles"]["published"].dropna().unique())
    middle = dt.date.fromisoformat(days[len(days) // 2][:10])
    at = _open("overview", synthetic_dir, monkeypatch, f_dates=middle)
    _no_exception(at)
    assert at.query_params["start"] == middle.isoformat()
    assert "end" not in at.query_params
