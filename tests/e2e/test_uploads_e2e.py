"""Managing uploads in a real browser: two files are uploaded and listed as analysed, one is replaced by a
new version, the other removed, and every seed article stays; an upload's title and date are set in the
app and the Articles page then shows them.

The server runs on its own data folder (the seed tables built beforehand), so these uploads never reach
the other e2e tests. Screenshots of the Add articles page are written to the pytest base temp folder.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from analysis.store import tables as store
from tests.e2e.conftest import ROOT, build_corpus, streamlit_server
from tests.e2e.helpers import grid_rows, idle, no_exception, open_page

pytestmark = pytest.mark.e2e

CAIRO = (
    "Mediators meet in Cairo\n\nMediators from Qatar and Egypt met both delegations in Cairo on Tuesday "
    "and proposed a new timetable for the exchange of prisoners, a spokesperson said."
)
CAIRO_V2 = CAIRO + " A second round is due in Doha next week, the mediators added."
OSLO = (
    "Fishing talks stall in Oslo\n\nNegotiators from Norway and the European Union ended a third day of "
    "talks in Oslo on Friday without agreeing on quotas for the coming season, officials said."
)
LIMIT = 1_500_000
SEEDS = sorted(p.name for p in (ROOT / "seeds").iterdir() if p.suffix in (".txt", ".md", ".html"))


@pytest.fixture(scope="module")
def uploads_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("uploads_data")
    build_corpus(ROOT / "seeds", data)
    # a byte limit below the widget's whole MB: the widget says 2 MB, the app refuses over 1,500,000 bytes
    with streamlit_server(data, env={"PARLEY_MAX_ARTICLE_BYTES": str(LIMIT)}) as url:
        yield url, data


@pytest.fixture()
def up(browser, uploads_server):
    context = browser.new_context(viewport={"width": 1600, "height": 1200})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg, *uploads_server
    context.close()


def built_articles(data: Path) -> pd.DataFrame:
    return store.read_table(data, "articles")


def status(page: Page, expected: dict[str, str], timeout: float = 60.0, where=None) -> list[dict]:
    """The rows of the 'Uploaded files' table once each named file has the expected status (and `where(rows)`
    holds: the table is redrawn by the rerun after the save, which can end after the message shows)."""
    deadline = time.monotonic() + timeout
    rows: list[dict] = []
    while time.monotonic() < deadline:
        grid = page.locator('.st-key-upload_status [data-testid="stDataFrame"]')
        try:
            rows = grid_rows(grid) if grid.count() else []
        except PlaywrightError:
            rows = []
        got = {r.get("file"): r.get("status") for r in rows}
        done = all(got.get(f) == s for f, s in expected.items()) and set(got) == set(expected)
        if done and (where is None or where(rows)):
            return rows
        page.wait_for_timeout(300)
    raise AssertionError(f"upload status {rows} never became {expected}")


def upload_results(page: Page, names: set[str], timeout: float = 30.0) -> dict[str, dict]:
    """The rows of the table of what happened to each uploaded file, by name, once all `names` show."""
    deadline = time.monotonic() + timeout
    rows: list[dict] = []
    while time.monotonic() < deadline:
        try:
            rows = grid_rows(page.locator('[data-testid="stDataFrame"]').first)
        except PlaywrightError:
            rows = []
        if names <= {r.get("name") for r in rows}:
            return {r["name"]: r for r in rows}
        page.wait_for_timeout(300)
    raise AssertionError(f"the upload results {rows} never named {names}")


def pick(page: Page, name: str) -> None:
    """Choose `name` in the 'Uploaded file' selectbox."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Uploaded file")
    box.click()
    page.get_by_role("option", name=name, exact=True).click()
    expect(box.get_by_role("combobox")).to_have_value(name)
    idle(page)


def file_input(page: Page, index: int = 0):
    return page.locator('[data-testid="stFileUploader"] input[type="file"]').nth(index)


def shot(page: Page, tmp_path_factory, name: str) -> None:
    idle(page)
    page.screenshot(path=str(tmp_path_factory.getbasetemp() / f"e2e-uploads-{name}.png"), full_page=True)


def test_upload_replace_and_remove_keep_the_rest_of_the_corpus(up, tmp_path, tmp_path_factory):
    page, server, data = up
    (tmp_path / "cairo.txt").write_text(CAIRO, encoding="utf-8")
    (tmp_path / "oslo.txt").write_text(OSLO, encoding="utf-8")
    open_page(page, server, "add_articles")
    help_text = page.locator('[data-testid="stFileUploader"]').first.inner_text()
    assert "2MB per file" in help_text and "200MB" not in help_text  # as max_article_bytes says
    file_input(page).set_input_files([str(tmp_path / "cairo.txt"), str(tmp_path / "oslo.txt")])
    page.get_by_role("button", name="Add to the corpus and analyse").click()
    expect(page.get_by_text("The corpus was re-analysed")).to_be_visible(timeout=240_000)
    status(page, {"cairo.txt": "analysed", "oslo.txt": "analysed"})
    expect(page.get_by_text("2 uploaded files: 2 analysed")).to_be_visible()
    shot(page, tmp_path_factory, "listed")
    assert set(built_articles(data)["file"]) == {*SEEDS, "cairo.txt", "oslo.txt"}

    # replace cairo.txt with a new version: same name, new text
    (tmp_path / "cairo_v2.txt").write_text(CAIRO_V2, encoding="utf-8")
    open_page(page, server, "add_articles")
    pick(page, "cairo.txt")
    page.get_by_text("Replace with a new version").click()
    file_input(page, 1).set_input_files(str(tmp_path / "cairo_v2.txt"))
    page.get_by_role("button", name="Replace and re-analyse").click()
    expect(page.get_by_text("replaced by")).to_be_visible(timeout=240_000)
    status(page, {"cairo.txt": "analysed", "oslo.txt": "analysed"})
    articles = built_articles(data).set_index("file")
    assert "second round is due in Doha" in articles.loc["cairo.txt", "text"]
    assert set(articles.index) == {*SEEDS, "cairo.txt", "oslo.txt"}

    # remove oslo.txt: the seeds and the replaced upload stay
    pick(page, "oslo.txt")
    remove = page.get_by_role("button", name="Remove and re-analyse")
    expect(remove).to_be_disabled()  # nothing is removed without ticking the box first
    page.get_by_text("Remove oslo.txt and its articles").click()
    remove.click()
    expect(page.get_by_text("'oslo.txt' removed from the corpus")).to_be_visible(timeout=240_000)
    status(page, {"cairo.txt": "analysed"})
    assert set(built_articles(data)["file"]) == {*SEEDS, "cairo.txt"}
    assert not (data / "uploads" / "oslo.txt").exists()
    shot(page, tmp_path_factory, "after-remove")
    no_exception(page)


def test_details_set_in_the_app_show_after_the_build(up, tmp_path_factory):
    page, server, data = up
    open_page(page, server, "add_articles")
    pick(page, "cairo.txt")
    form = page.locator('[data-testid="stForm"]')
    form.get_by_label("Title").fill("Cairo round <b>two</b>")
    form.get_by_label("Published (YYYY-MM-DD, YYYY-MM or YYYY)").fill("not a date")
    form.get_by_role("button", name="Save details and re-analyse").click()
    expect(page.get_by_text("is not a date")).to_be_visible()  # refused, named, nothing saved
    assert not (data / "uploads" / "metadata.csv").exists()

    form.get_by_label("Published (YYYY-MM-DD, YYYY-MM or YYYY)").fill("2025-03-04")
    form.get_by_role("button", name="Save details and re-analyse").click()
    expect(page.get_by_text("Details of 'cairo.txt' saved")).to_be_visible(timeout=240_000)
    rows = status(
        page, {"cairo.txt": "analysed"}, where=lambda rows: rows[0].get("published") == "2025-03-04"
    )
    assert rows[0]["title"] == "Cairo round <b>two</b>" and rows[0]["published"] == "2025-03-04"
    shot(page, tmp_path_factory, "details")

    open_page(page, server, "articles")
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Article (")
    box.click()
    page.get_by_role("option", name="Cairo round <b>two</b>", exact=False).first.click()
    header = page.locator('[data-testid="stText"]').first
    expect(header).to_contain_text("Cairo round <b>two</b>")  # shown as typed, not as HTML
    expect(header).to_contain_text("2025-03-04")
    assert page.locator('[data-testid="stText"] b').count() == 0
    no_exception(page)


def test_limits_are_stated_and_enforced_and_an_unusable_file_is_a_problem(up, tmp_path, tmp_path_factory):
    page, server, data = up
    open_page(page, server, "add_articles")
    expect(page.get_by_text("Limits: 1,500,000 bytes (1.5 MB) per file")).to_be_visible()
    # over the widget's 2 MB: the browser refuses it before it is sent
    huge = tmp_path / "huge_report.txt"
    huge.write_text("Negotiators met again on Monday. " * 70_000, encoding="utf-8")
    file_input(page).set_input_files(str(huge))
    expect(page.locator('[data-testid="stFileUploader"]').first).to_contain_text("huge_report.txt")
    expect(page.locator('[data-testid="stFileUploader"]').first).to_contain_text("2.0MB or smaller")
    shot(page, tmp_path_factory, "too-large")
    open_page(page, server, "add_articles")
    # over max_article_bytes but under the widget's whole MB: the app refuses it, naming the file
    big = tmp_path / "long_report.txt"
    big.write_text(("Negotiators met again on Monday. " * 70_000)[: LIMIT + 100_000], encoding="utf-8")
    short = tmp_path / "short.txt"
    short.write_text("Talks resume soon.", encoding="utf-8")
    file_input(page).set_input_files([str(big), str(short)])
    page.get_by_role("button", name="Add to the corpus and analyse").click()
    expect(page.get_by_text("The corpus was re-analysed")).to_be_visible(timeout=240_000)
    by_name = upload_results(page, {"long_report.txt", "short.txt"})
    assert by_name["long_report.txt"]["status"] == "rejected", by_name
    message = by_name["long_report.txt"]["message"]
    assert "'long_report.txt' is 1.6 MB (1,600,000 bytes), over the limit of 1,500,000 bytes" in message
    assert not (data / "uploads" / "long_report.txt").exists()
    rows = status(page, {"cairo.txt": "analysed", "short.txt": "problem"})
    assert "words of article text" in {r["file"]: r for r in rows}["short.txt"]["details"]
    shot(page, tmp_path_factory, "problem")
    no_exception(page)
