"""The pages at 1600, 1280 and 800 px wide, in a real browser, over the development set (15 articles,
30 actors in the networks): the sidebar gives way on a narrow window, the heatmap scrolls sideways
with readable cells and every topic named, no legend covers its plot, network labels sit on their own
nodes. Screenshots go to PARLEY_SHOTS (default: a temporary folder) to be looked at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.e2e.helpers import idle, no_exception, open_page

pytestmark = pytest.mark.e2e

WIDTHS = (1600, 1280, 800)
PAGES = ("", "positions", "actors", "timeline", "briefing")


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("PARLEY_SHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("shots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _page(browser, width: int) -> tuple:
    context = browser.new_context(viewport={"width": width, "height": 1400})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    return context, pg


# Each Plotly chart's legend and plot area, as page rectangles (None when the chart has no legend).
BOXES_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(el => {
  const plot = el.querySelector('.nsewdrag') || el.querySelector('.bglayer rect');
  const legend = el.querySelector('g.legend');
  const box = n => { if (!n) return null; const r = n.getBoundingClientRect();
                     return r.width && r.height ? [r.left, r.top, r.right, r.bottom] : null; };
  return {plot: box(plot), legend: box(legend)};
})"""


# The y labels of the chart whose labels include "Ceasefire" (the overview's "Topics covered").
TOPIC_TICKS_JS = """() => { for (const el of document.querySelectorAll('.js-plotly-plot')) {
  const ticks = [...el.querySelectorAll('.ytick text')].map(t => t.textContent);
  if (ticks.includes('Ceasefire')) return ticks; } return null; }"""


def _overlap(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(0.0, w) * max(0.0, h)


def _charts_drawn(page: Page) -> None:
    page.wait_for_selector(".js-plotly-plot", timeout=120_000)
    idle(page)
    page.wait_for_timeout(800)  # Plotly's resize after the layout settles


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_stay_usable_at_each_width(browser, devset_server, shots, width):
    context, page = _page(browser, width)
    try:
        for path in PAGES:
            open_page(page, devset_server, path)
            if path != "briefing":
                _charts_drawn(page)
            no_exception(page)
            page.screenshot(path=str(shots / f"{path or 'overview'}-{width}.png"), full_page=True)
            for chart in page.evaluate(BOXES_JS):
                if chart["plot"] and chart["legend"]:
                    assert _overlap(chart["plot"], chart["legend"]) < 1, (path, width, chart)
            sidebar = page.locator('[data-testid="stSidebar"]')
            collapsed = sidebar.get_attribute("data-collapsed")
            assert collapsed == ("true" if width <= 1280 else "false"), (
                "the sidebar gives way at 1280 px or less"
            )
            main = page.locator('[data-testid="stMain"]').bounding_box()
            assert main["width"] >= (0.95 * width if width <= 1280 else 0.6 * width)
            if not path:  # the overview's topic chart names every topic, however narrow
                ticks = page.evaluate(TOPIC_TICKS_JS)
                assert ticks and len(ticks) == len(set(ticks)) >= 10, ticks
    finally:
        context.close()


HEAT_JS = """() => {
  const box = document.querySelector('.st-key-scroll_positions');
  const chart = box && box.querySelector('.js-plotly-plot');
  if (!chart) return null;
  const ticks = [...chart.querySelectorAll('.xtick text')].map(t => t.textContent);
  const cells = [...chart.querySelectorAll('.heatmaplayer image, .hm image')];
  const plot = chart.querySelector('.nsewdrag').getBoundingClientRect();
  return {ticks, scroll: box.scrollWidth, client: box.clientWidth, plot: plot.width};
}"""


@pytest.mark.parametrize("width", (1280, 800))
def test_the_heatmap_scrolls_with_readable_cells_and_every_topic(browser, devset_server, width):
    context, page = _page(browser, width)
    try:
        open_page(page, devset_server, "positions")
        _charts_drawn(page)
        heat = page.evaluate(HEAT_JS)
        assert heat is not None, "the heatmap is drawn in its scrolling box"
        topics = page.evaluate("() => document.querySelectorAll('.st-key-scroll_positions .xtick').length")
        assert topics == len(set(heat["ticks"])) and topics >= 10  # the devset states ten topics or more
        assert heat["plot"] / topics >= 56, "each topic column at least 56 px wide: '+2 −1' fits"
        if width == 800:
            assert heat["scroll"] > heat["client"], "a narrow window scrolls the heatmap sideways"
    finally:
        context.close()
