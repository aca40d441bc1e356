"""Evidence one click away, in a real browser: an evidence row's link opens the reader at its sentence
(highlighted, scrolled into view, the filters kept), the reader's address reopens it for a new user, a
timeline point leads to its sentence, and a heatmap click sets "Topic over time" to the cell's topic."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from dashboard import reader, serve
from tests.e2e.conftest import new_page
from tests.e2e.helpers import no_exception, open_url, wait_plot

pytestmark = pytest.mark.e2e

HEADER_PX = 35  # the grid's header row
FOCUS = f"#{reader.FOCUS_ID}"

# every heatmap cell that has evidence: its actor, topic id, topic label and page position
CELLS_JS = """() => {
  const gd = document.querySelectorAll('.js-plotly-plot')[0];
  const fl = gd._fullLayout, cells = gd._fullData[1], r = gd.getBoundingClientRect();
  return cells.customdata.map((c, i) => c && c.length === 2 ? {
    actor: c[0], topic: c[1], label: String(cells.x[i]),
    x: r.left + fl.xaxis._offset + fl.xaxis.d2p(cells.x[i]),
    y: r.top + fl.yaxis._offset + fl.yaxis.d2p(cells.y[i])} : null).filter((c) => c);
}"""
# the first timeline point and its page position
POINT_JS = """() => {
  const gd = document.querySelectorAll('.js-plotly-plot')[0];
  const fl = gd._fullLayout, t = gd._fullData[0], r = gd.getBoundingClientRect();
  return {x: r.left + fl.xaxis._offset + fl.xaxis.d2p(t.x[0]),
          y: r.top + fl.yaxis._offset + fl.yaxis.d2p(t.y[0]), id: t.customdata[0]};
}"""
# the grid's accessible table: header names, its rows' cell texts, and the drawn row height
GRID_JS = """(grid) => {
  const names = {};
  for (const h of grid.querySelectorAll('[role="columnheader"]')) {
    names[h.getAttribute('aria-colindex')] = h.innerText.trim();
  }
  const rows = [...grid.querySelectorAll('tbody [role="row"]')].map((row) => Object.fromEntries(
    [...row.querySelectorAll('[role="gridcell"]')].map(
      (c) => [names[c.getAttribute('aria-colindex')] || '?', c.innerText.trim()])));
  const inner = grid.querySelector('.dvn-scroll-inner');
  const total = Number(grid.querySelector('[role="grid"]').getAttribute('aria-rowcount')) - 1;
  return {rows, rowHeight: (inner.getBoundingClientRect().height - 35) / total};
}"""


@pytest.fixture(scope="module", autouse=True)
def built(browser, server):
    """The seeds analysed (an empty data folder is built on the app's first start) before any test."""
    context, page = new_page(browser)
    page.goto(server)
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible(timeout=300_000)
    context.close()


def words(text: str) -> str:
    return " ".join(text.split())


def click_cell(page: Page, cell: dict) -> None:
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    fresh = next(
        c for c in page.evaluate(CELLS_JS) if (c["actor"], c["topic"]) == (cell["actor"], cell["topic"])
    )
    page.mouse.move(fresh["x"], fresh["y"])
    page.mouse.click(fresh["x"], fresh["y"])
    expect(page.get_by_role("heading", name=f"Evidence: {cell['actor']} on")).to_be_visible(timeout=30_000)
    serve.idle(page)


def open_row_link(page: Page, grid: Locator, index: int, column_px: range) -> Page:
    """Click the reader link of row `index` of `grid` (a canvas: the link's text is found by clicking
    across its column at the row's middle) and return the reader's tab once it has drawn."""
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    info = grid.evaluate(GRID_JS)
    box = grid.bounding_box()
    y = box["y"] + HEADER_PX + info["rowHeight"] * (index + 0.5)
    for dx in column_px:
        try:
            with page.context.expect_page(timeout=3_000) as opened:
                page.mouse.click(box["x"] + dx, y)
        except Exception:  # noqa: BLE001 - not on the link's text: try further right
            continue
        tab = opened.value
        expect(tab.locator("h1").first).to_have_text("Articles", timeout=120_000)
        serve.idle(tab, timeout=120_000)
        return tab
    raise AssertionError("no reader link opened from the evidence row")


def query(url: str) -> dict:
    return dict(parse_qsl(urlsplit(url).query))


def wait_url(page: Page, check, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not check(page.url):
        page.wait_for_timeout(200)
    return page.url


def assert_reader_at(tab: Page, article: str, sentence: str, text: str) -> None:
    focus = tab.locator(FOCUS)
    expect(focus).to_be_visible(timeout=60_000)
    expect(focus).to_be_in_viewport(timeout=15_000)  # scrolled to
    assert words(focus.inner_text()) == words(text)
    background = focus.evaluate("(el) => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), background  # highlighted
    url = wait_url(tab, lambda u: (query(u).get("article"), query(u).get("sentence")) == (article, sentence))
    assert query(url).get("article") == article and query(url).get("sentence") == sentence, url
    no_exception(tab)


def test_evidence_row_opens_the_reader_at_its_sentence_and_the_address_reopens_it(
    browser, server, tmp_path_factory
):
    shots = tmp_path_factory.getbasetemp()
    context, page = new_page(browser)
    open_url(page, f"{server}/positions")
    wait_plot(page, 2)
    cells = page.evaluate(CELLS_JS)
    assert cells, "the seed heatmap has no cell with evidence"
    click_cell(page, cells[0])
    grid = page.locator('[data-testid="stDataFrame"]').first
    expect(grid).to_be_visible()
    row = grid.evaluate(GRID_JS)["rows"][0]
    link = query(row["reader"])
    article, sentence = link["article"], link["sentence"]
    assert row["sentence"] and info_height_ok(grid)
    grid.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "e2e-evidence-positions.png"))

    tab = open_row_link(page, grid, 0, range(20, 130, 8))
    assert_reader_at(tab, article, sentence, row["sentence"])
    tab.screenshot(path=str(shots / "e2e-evidence-reader.png"))
    shared = tab.url
    context.close()

    # a new user pastes the address: same article, same sentence, highlighted
    context, fresh = new_page(browser)
    open_url(fresh, shared)
    assert_reader_at(fresh, article, sentence, row["sentence"])
    # and the short form (no filters) works too
    open_url(fresh, f"{server}/articles?article={article}&sentence={sentence}")
    assert_reader_at(fresh, article, sentence, row["sentence"])
    context.close()


def info_height_ok(grid: Locator) -> bool:
    """The evidence rows are tall enough to wrap (Streamlit wraps only above 64 px) when a sentence is
    longer than a line, and one line high otherwise."""
    info = grid.evaluate(GRID_JS)
    longest = max(len(r.get("sentence", "")) for r in info["rows"])
    return info["rowHeight"] > 64 if longest > 70 else info["rowHeight"] >= 30


def test_the_filters_travel_with_the_evidence_link(browser, server):
    context, page = new_page(browser)
    open_url(page, f"{server}/positions?affiliations=Russia")
    wait_plot(page, 2)
    cells = page.evaluate(CELLS_JS)
    assert cells
    click_cell(page, cells[0])
    grid = page.locator('[data-testid="stDataFrame"]').first
    row = grid.evaluate(GRID_JS)["rows"][0]
    assert query(row["reader"]).get("affiliations") == "Russia"
    tab = open_row_link(page, grid, 0, range(20, 130, 8))
    assert_reader_at(tab, query(row["reader"])["article"], query(row["reader"])["sentence"], row["sentence"])
    assert query(tab.url).get("affiliations") == "Russia"
    sidebar = tab.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("Russia", exact=True).first).to_be_visible()
    expect(sidebar.get_by_text("Acting for").first).to_be_visible()
    context.close()


def test_timeline_point_leads_to_its_sentence(browser, server):
    context, page = new_page(browser)
    open_url(page, f"{server}/timeline")
    wait_plot(page, 1)
    plot = page.locator(".js-plotly-plot").first
    plot.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    point = page.evaluate(POINT_JS)
    page.mouse.move(point["x"], point["y"])
    page.mouse.click(point["x"], point["y"])
    expect(page.get_by_role("heading", name="The event's sentence")).to_be_visible(timeout=30_000)
    serve.idle(page)
    row = page.locator('[data-testid="stDataFrame"]').first.evaluate(GRID_JS)["rows"][0]
    target = query(row["reader"])
    page.get_by_role("link", name="Read it in the article").click()
    expect(page.locator("h1").first).to_have_text("Articles", timeout=60_000)
    serve.idle(page)
    assert_reader_at(page, target["article"], target["sentence"], row["sentence"])
    context.close()


def test_heatmap_click_sets_topic_over_time(browser, server):
    context, page = new_page(browser)
    open_url(page, f"{server}/positions")
    wait_plot(page, 2)
    picker = page.get_by_role("combobox", name="Topic over time")
    before = picker.input_value()
    cell = next(c for c in page.evaluate(CELLS_JS) if c["label"] != before)
    click_cell(page, cell)
    expect(picker).to_have_value(cell["label"], timeout=30_000)
    expect(page.get_by_text(f"Positions over time: {cell['label']}").first).to_be_visible()
    # the analyst can still pick another topic: the remembered cell does not take it back
    other = next(c["label"] for c in page.evaluate(CELLS_JS) if c["label"] != cell["label"])
    picker.click()
    page.keyboard.type(other)
    expect(page.get_by_role("option", name=other, exact=True).first).to_be_visible()
    page.keyboard.press("Enter")
    serve.idle(page)
    expect(picker).to_have_value(other)
    expect(page.get_by_text(f"Positions over time: {other}").first).to_be_visible()
    no_exception(page)
    context.close()
