"""Browser tests of the honest time views: the Overview's undated count opens the list of undated
articles, and a time axis opens on the dense period despite one article dated years earlier (and widens
on request). The corpus is built in a temporary folder from copies of the seeds with altered metadata."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from analysis.query import periods
from dashboard import serve
from tests.e2e.conftest import ROOT, build_corpus, new_page, streamlit_server
from tests.e2e.helpers import grid_rows, no_exception

pytestmark = pytest.mark.e2e

DENSE = pd.date_range("2025-08-04", periods=14, freq="2D")  # four weeks of coverage
OUTLIER = "2021-06-10"  # one article four years early
UNDATED = 3
MONTH_ONLY = "2025-08"


def outlier_corpus(folder: Path) -> dict:
    """Copies of the seed articles (each made distinct by a closing line of its own) with metadata: 14
    articles in four weeks of August 2025, one dated `OUTLIER`, one dated only `MONTH_ONLY`, `UNDATED`
    without a date. Returns what was written (for the assertions)."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    dates = [d.strftime("%Y-%m-%d") for d in DENSE] + [OUTLIER, MONTH_ONLY] + [""] * UNDATED
    rows = []
    for i, date in enumerate(dates):
        text = seeds[i % len(seeds)].read_text(encoding="utf-8")
        name = f"copy_{i:02d}.txt"
        head, _, rest = text.strip().partition("\n\n")  # a sentence of its own inside the body
        line = f"Analysts from office number {i + 1} of the institute followed these talks closely."
        (folder / name).write_text(f"{head}\n\n{line}\n\n{rest}\n", encoding="utf-8")
        title = f"Report {i:02d}"
        rows.append({"file": name, "title": title, "source": ["Wire A", "Wire B"][i % 2], "published": date})
    with open(folder / "metadata.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["file", "title", "source", "published"])
        writer.writeheader()
        writer.writerows(rows)
    return {"dated": len(DENSE), "undated": [r["title"] for r in rows if not r["published"]]}  # as written


@pytest.fixture(scope="module")
def outlier(tmp_path_factory):
    """The outlier corpus, built, with a server over it; yields (url, articles table, temp folder)."""
    base = tmp_path_factory.mktemp("time_views")
    corpus, data = base / "corpus", base / "data"
    outlier_corpus(corpus)
    build_corpus(corpus, data)
    articles = pd.read_parquet(data / "articles.parquet")
    with streamlit_server(data, corpus) as url:
        yield url, articles, base


@pytest.fixture()
def opage(browser, outlier):
    context, pg = new_page(browser)
    yield pg
    context.close()


def _open(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator("h1").first).to_be_visible(timeout=180_000)
    serve.idle(page, 120_000)


# the x-axis range (as days) and the note above the plot of the chart whose title starts with `title`
AXIS_JS = """(title) => {
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    const fl = gd._fullLayout;
    if (!fl || !fl.title || !String(fl.title.text).startsWith(title)) continue;
    return {range: fl.xaxis.range.map(String), notes: (fl.annotations || []).map((a) => a.text).join(' | ')};
  }
  return null;
}"""


def _axis(page: Page, title: str) -> dict:
    page.wait_for_function(f"() => ({AXIS_JS})({title!r}) !== null", timeout=60_000)
    got = page.evaluate(AXIS_JS, title)
    notes = got["notes"].replace("\u00a0", " ").replace("<br>", " ")  # wrapped lines read as one
    return {"range": [pd.Timestamp(x[:10]) for x in got["range"]], "notes": notes}


def test_the_overview_counts_the_undated_and_lists_them(opage, outlier):
    url, articles, base = outlier
    undated = articles[[periods.precision(v) is None for v in articles["published"]]]
    assert len(undated) >= 2  # the corpus has undated articles (metadata dates left empty)
    _open(opage, url)
    box = opage.locator('[data-testid="stMetric"]').filter(has_text="Undated").first
    assert int(box.locator('[data-testid="stMetricValue"]').inner_text()) == len(undated)
    # the source note says it too
    expect(opage.get_by_text(f"({len(undated)} undated)", exact=False).first).to_be_visible()
    coverage = _axis(opage, "Coverage over time")
    assert f"{len(undated)} undated articles not shown" in coverage["notes"]
    # the count opens the list of those articles, with why each is undated
    opage.get_by_text(f"{len(undated)} undated articles", exact=False).first.click()
    grid = opage.locator('.st-key-undated_list [data-testid="stDataFrame"]').first
    expect(grid).to_be_visible(timeout=30_000)
    serve.idle(opage)
    rows = grid_rows(grid)
    none = [r for r in rows if r.get("Date known") == "none"]
    assert sorted(r["Title"] for r in none) == sorted(undated["title"].fillna("").replace("", "(no title)"))
    assert all(r["Why"] for r in none)  # the build's reason, e.g. "no date in metadata or text"
    assert any(r["Date known"] == "Aug 2025" for r in rows)  # the month-only article is listed too
    no_exception(opage)
    opage.screenshot(path=str(base / "overview-undated.png"), full_page=True)


def test_the_axis_opens_on_the_dense_period_despite_an_outlier(opage, outlier):
    url, articles, base = outlier
    _open(opage, url)
    coverage = _axis(opage, "Coverage over time")
    lo, hi = coverage["range"]
    assert lo > pd.Timestamp(OUTLIER) + pd.Timedelta(days=365 * 3)  # not stretched back to 2021
    assert lo <= DENSE[0] and hi >= DENSE[-1]  # and every day of the dense weeks is on it
    assert (hi - lo).days < 60
    assert f"1 article before {periods.day_label(DENSE[0])} not shown" in coverage["notes"]
    assert "1 article in Aug 2025" in coverage["notes"]  # the month-only article, shaded
    # the control widens the axis to the whole period
    opage.get_by_text("Whole period").first.click()
    opage.wait_for_function(
        f"() => {{ const a = ({AXIS_JS})('Coverage over time'); return a && a.range[0] < '2022'; }}",
        timeout=60_000,
    )
    assert _axis(opage, "Coverage over time")["range"][0] < pd.Timestamp(OUTLIER)
    no_exception(opage)
    opage.screenshot(path=str(base / "overview-whole.png"), full_page=True)


def test_the_timeline_opens_on_the_current_events(opage, outlier):
    url, _, base = outlier
    _open(opage, f"{url}/timeline")
    events = _axis(opage, "Timeline of events")
    lo, hi = events["range"]
    assert lo > pd.Timestamp("2025-01-01")  # the background history (2014, 2022) does not stretch it
    assert "background history" in events["notes"] and "not shown" in events["notes"]
    rows = opage.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')][0]._fullLayout.yaxis.categoryarray"
    )
    assert rows and "(none)" not in rows
    no_exception(opage)
    opage.screenshot(path=str(base / "timeline.png"), full_page=True)
