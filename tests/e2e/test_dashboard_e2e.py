"""The dashboard in a real browser: first start builds the seeds, every page loads, filters change the
view and live in the URL, a heatmap click shows the evidence, PNG and briefing-pack downloads are valid,
and uploads add articles. Tests run in file order (the upload test changes the corpus, so it is last).
"""

from __future__ import annotations

import io
import struct
import time
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect
from pptx import Presentation

from dashboard import serve
from tests.e2e.helpers import idle, no_exception, open_page, wait_plot

pytestmark = pytest.mark.e2e

PAGES = {
    "actors": "Actors",
    "positions": "Positions",
    "timeline": "Timeline",
    "articles": "Articles",
    "data": "Data",
    "briefing": "Briefing pack",
    "add_articles": "Add articles",
}


def metric(page: Page, label: str) -> int:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return int(box.locator('[data-testid="stMetricValue"]').inner_text().replace(",", ""))


def metric_change(page: Page, label: str, old: int, timeout: float = 30.0) -> int:
    """The metric's value once it differs from `old` (the rerun after a filter change is asynchronous)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = metric(page, label)
        except (ValueError, PlaywrightError):
            value = old
        if value != old:
            return value
        page.wait_for_timeout(250)
    return old


def test_first_start_builds_and_shows_the_overview(page, server, tmp_path_factory):
    page.goto(server)
    # First start: the seeds are analysed (progress bar), then the overview shows the corpus.
    expect(page.get_by_text("Articles", exact=True).first).to_be_visible(timeout=180_000)
    idle(page, timeout=180_000)
    no_exception(page)
    assert metric(page, "Articles") == len(list(Path("seeds").glob("*.txt")))
    assert metric(page, "Statements") > 0
    page.screenshot(path=str(tmp_path_factory.getbasetemp() / "e2e-overview-first.png"), full_page=True)


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_loads(page, server, path, tmp_path_factory):
    open_page(page, server, path)
    expect(page.locator("h1").first).to_contain_text(PAGES[path])
    no_exception(page)
    page.screenshot(path=str(tmp_path_factory.getbasetemp() / f"e2e-{path}.png"), full_page=True)


def _choose_top_actor(page: Page) -> str:
    """Pick the first (most mentioned) actor in the sidebar's Actors filter; returns its name."""
    box = (
        page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]')
        .filter(has_text="Actors")
        .first
    )
    box.click()
    option = page.get_by_role("option").filter(has_not_text="Select all").first
    name = option.inner_text().strip()
    option.click()
    page.keyboard.press("Escape")
    idle(page)
    return name


def test_filter_changes_the_view_and_the_url(page, server):
    open_page(page, server)
    before = metric(page, "Mentions")
    actor = _choose_top_actor(page)
    after = metric_change(page, "Mentions", before)
    assert "actors=" in page.url
    assert 0 < after < before
    # the address shares the view: a new page on the same URL shows the same numbers and the chip
    shared = page.url
    page.goto(shared)
    expect(page.locator("h1").first).to_be_visible()
    idle(page)
    assert metric(page, "Mentions") == after
    expect(page.locator('[data-testid="stSidebar"]').get_by_text(actor, exact=True).first).to_be_visible()


CELL_JS = serve.HEATMAP_CELL_JS


def test_heatmap_click_shows_the_evidence(page, server, tmp_path_factory):
    open_page(page, server, "positions")
    wait_plot(page)
    plot = page.locator(".js-plotly-plot").first
    plot.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    cell = page.evaluate(CELL_JS)
    page.mouse.move(cell["x"], cell["y"])
    page.mouse.click(cell["x"], cell["y"])
    heading = page.get_by_role("heading", name=f"Evidence: {cell['actor']} on")
    expect(heading).to_be_visible(timeout=30_000)
    idle(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    expect(grid).to_be_visible()
    no_exception(page)
    page.screenshot(path=str(tmp_path_factory.getbasetemp() / "e2e-positions-evidence.png"), full_page=True)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_png_download_is_full_hd(page, server):
    open_page(page, server, "positions")
    # the chart's Download menu (Plotly's own toolbar also has a "Download plot" button)
    page.locator('[data-testid="stPopover"] button').first.click()
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="PNG 1920×1080").first.click()
    path = info.value.path()
    assert info.value.suggested_filename.endswith(".png")
    assert _png_size(Path(path).read_bytes()) == (1920, 1080)


def test_briefing_pack_download(page, server):
    open_page(page, server, "briefing")
    checked = page.locator('[data-testid="stCheckbox"] input:checked').count()
    assert checked >= 1
    with page.expect_download(timeout=180_000) as info:
        page.get_by_role("button", name="Download the pack").click()
    assert info.value.suggested_filename.endswith(".pptx")
    prs = Presentation(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert len(prs.slides) == checked + 1  # title slide + one per chart
    notes = [s.notes_slide.notes_text_frame.text for s in list(prs.slides)[1:]]
    assert any("Key evidence" in n for n in notes)


def test_upload_adds_an_article_and_recognises_duplicates(page, server, tmp_path):
    open_page(page, server)
    n_before = metric(page, "Articles")
    story = tmp_path / "uploaded_story.txt"
    story.write_text(
        "Envoys agree to resume talks\n\nDiplomats from both countries met in Geneva on Wednesday and agreed "
        "to resume negotiations next month, a spokesperson said. The sides rejected a proposal for an "
        "immediate ceasefire but backed further talks.",
        encoding="utf-8",
    )
    open_page(page, server, "add_articles")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(story))
    page.get_by_role("button", name="Add to the corpus and analyse").click()
    expect(page.get_by_text("The corpus was re-analysed")).to_be_visible(timeout=240_000)
    open_page(page, server)
    assert metric(page, "Articles") == n_before + 1
    # the same file again is recognised and nothing is rebuilt
    open_page(page, server, "add_articles")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(story))
    page.get_by_role("button", name="Add to the corpus and analyse").click()
    expect(page.get_by_text("Nothing new to analyse")).to_be_visible(timeout=60_000)
    no_exception(page)
