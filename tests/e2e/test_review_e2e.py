"""The review queue and article corrections in a real browser.

- Review: confirm the least sure statement (it leaves the queue, the checked count goes up), skip with the
  keyboard to a statement with a side and flip it with its key, then undo the *older* entry (the confirm)
  from the history: it shows as undone, the flip stays, and the log says exactly that.
- Articles: give an undated article a publication date in the reader, re-analyse from the reader, and the
  date is in the reader's header, the Data page's articles table and the stored tables; a later rebuild
  from the command line keeps it.

The server runs on its own copy of the seed tables, so nothing here reaches the other e2e tests.
"""

from __future__ import annotations

import re
import time

import pandas as pd
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ROOT, build_corpus, streamlit_server
from tests.e2e.helpers import ROW_HEIGHT, grid_rows, idle, log_entries, no_exception, open_page, wait_log

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def review_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("review_data")
    build_corpus(ROOT / "seeds", data)
    with streamlit_server(data) as url:
        yield url, data


def card(page: Page):
    return page.locator(".st-key-review_card")


def checked(page: Page) -> tuple[int, int]:
    text = page.get_by_text(re.compile(r"Checked [\d,]+ of [\d,]+ statements")).first.inner_text()
    done, total = re.search(r"Checked ([\d,]+) of ([\d,]+)", text).groups()
    return int(done.replace(",", "")), int(total.replace(",", ""))


def card_text(page: Page) -> str:
    expect(card(page)).to_be_visible()
    return card(page).inner_text()


def wait_new_card(page: Page, old: str) -> str:
    """The card's text once it shows another statement than `old` (the rerun after a decision)."""
    expect(card(page)).not_to_have_text(old, timeout=60_000)
    idle(page)
    return card_text(page)


def history_rows(page: Page, check, timeout: float = 30.0) -> list[dict]:
    """The history table's rows once `check(rows)` holds (drawn only once on screen; redrawn by reruns)."""
    grid = (
        page.locator('[data-testid="stExpander"]')
        .filter(has_text="Corrections history")
        .locator('[data-testid="stDataFrame"]')
    )
    deadline, rows = time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        try:
            grid.scroll_into_view_if_needed(timeout=5_000)
            rows = grid_rows(grid)
        except PlaywrightError:
            rows = []
        if check(rows):
            return rows
        page.wait_for_timeout(250)
    raise AssertionError(f"the history did not reach the expected state; rows: {rows}")


def test_confirm_flip_and_undo_an_older_entry(page, review_server, tmp_path_factory):
    server, data = review_server
    log = data / "corrections.jsonl"
    open_page(page, server, "review")
    done, total = checked(page)
    assert total > 0 and done == 0
    first = card_text(page)

    page.get_by_role("button", name="Confirm").click()
    second = wait_new_card(page, first)
    confirm = wait_log(log, 1)[-1]
    assert confirm["action"] == "confirm"
    expect(page.get_by_text(f"Checked 1 of {total:,} statements")).to_be_visible()

    # skip one with the keyboard (N), then only statements with a side: flip the first with its key (F)
    page.locator("body").press("n")
    second = wait_new_card(page, second)
    expect(card(page)).to_contain_text("1 skipped")
    page.locator(".st-key-rv_sides").get_by_text("Only with a side").click()
    second = wait_new_card(page, second)
    expect(card(page)).to_contain_text("unchecked with a side")
    label = page.get_by_role("button", name=re.compile("Flip to")).inner_text()
    stance = "support" if "Flip to support" in label else "oppose"
    page.locator("body").press("f")
    wait_new_card(page, second)
    flip = wait_log(log, 2)[-1]
    assert flip["action"] == "change" and flip["fields"] == {"stance": stance}
    assert flip["statement_id"] != confirm["statement_id"]
    expect(page.get_by_text(f"Checked 2 of {total:,} statements")).to_be_visible()

    # the history, newest first: row 0 the flip, row 1 the confirm; undo the confirm (not the last entry)
    expect(page.get_by_text("Corrections history (1 corrections, 1 confirmed)")).to_be_visible()
    rows = history_rows(page, lambda rs: [r.get("action") for r in rs] == ["change", "confirm"])
    grid = (
        page.locator('[data-testid="stExpander"]')
        .filter(has_text="Corrections history")
        .locator('[data-testid="stDataFrame"]')
    )
    assert rows[0]["old → new"].endswith(f"→ {stance}") and rows[1]["status"] == "in force"
    button = page.get_by_role("button", name="Undo the selected entry")
    expect(button).to_be_disabled()
    grid.scroll_into_view_if_needed()
    for _ in range(3):
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 18, box["y"] + ROW_HEIGHT * 2 + ROW_HEIGHT / 2)
        try:
            expect(button).to_be_enabled(timeout=10_000)
            break
        except AssertionError:
            continue
    idle(page)
    page.screenshot(
        path=str(tmp_path_factory.getbasetemp() / "e2e-review-history-selected.png"), full_page=True
    )
    button.click()
    undo = wait_log(log, 3)[-1]
    assert undo["action"] == "undo" and undo["reverts"] == confirm["id"]
    idle(page)
    expect(page.get_by_text(f"Checked 1 of {total:,} statements")).to_be_visible()
    expect(page.get_by_text("Corrections history (1 corrections, 0 confirmed, 1 undone)")).to_be_visible()
    rows = history_rows(page, lambda rs: len(rs) == 2 and rs[1]["status"].startswith("undone"))
    assert rows[0]["status"] == "in force"  # the flip stays; the undo is no row of its own
    page.screenshot(path=str(tmp_path_factory.getbasetemp() / "e2e-review.png"), full_page=True)
    no_exception(page)


def undated_article(data) -> pd.Series:
    arts = pd.read_parquet(data / "articles.parquet")
    undated = arts[arts["published"].fillna("") == ""]
    if undated.empty:
        pytest.skip("every seed article is dated")
    return undated.iloc[0]


def test_an_article_date_correction_survives_a_rebuild(page, review_server, tmp_path_factory):
    server, data = review_server
    art = undated_article(data)
    n_log = len(log_entries(data / "corrections.jsonl"))
    open_page(page, server, "articles")
    picker = page.locator('[data-testid="stSelectbox"]').filter(has_text="Article (").first
    picker.click()
    page.keyboard.type(art["title"][:30])
    page.keyboard.press("Enter")
    idle(page)
    expect(page.locator('[data-testid="stText"]').filter(has_text=art["title"]).first).to_be_visible()

    page.locator('[data-testid="stExpander"] summary').filter(has_text="Correct this article").click()
    field = page.locator(f".st-key-art_fix_{art['article_id']}_published input")  # this article's form
    form = page.locator('[data-testid="stForm"]').filter(has=field)
    expect(field).to_be_editable()
    field.fill("2025-08-25")
    expect(field).to_have_value("2025-08-25")  # the value is in before the save is clicked
    idle(page)
    form.get_by_role("button", name="Save the article correction").click()
    entry = wait_log(data / "corrections.jsonl", n_log + 1)[-1]
    assert entry["action"] == "article" and entry["article_id"] == art["article_id"]
    assert entry["fields"] == {"published": "2025-08-25"} and entry["old"] == {"published": ""}
    expect(page.get_by_text("Corrected, not yet in the tables")).to_be_visible()

    page.get_by_role("button", name="Re-analyse now").click()
    header = page.locator('[data-testid="stText"]').filter(has_text=art["title"]).first
    expect(header).to_contain_text("2025-08-25 (analyst)", timeout=180_000)
    idle(page)
    expect(page.get_by_text("Corrected, not yet in the tables")).to_have_count(0)
    page.screenshot(path=str(tmp_path_factory.getbasetemp() / "e2e-article-corrected.png"), full_page=True)

    # a rebuild from the command line applies it again; the Data page's articles table shows it
    build_corpus(ROOT / "seeds", data)
    stored = pd.read_parquet(data / "articles.parquet").set_index("article_id")
    assert stored.loc[art["article_id"], "published"] == "2025-08-25"
    assert stored.loc[art["article_id"], "published_from"] == "analyst"
    open_page(page, server, "data")
    table = page.locator('[data-testid="stSelectbox"]').filter(has_text="Table").first
    table.click()
    page.get_by_role("option", name=re.compile("^articles")).click()
    idle(page)
    rows = grid_rows(page.locator('[data-testid="stDataFrame"]').first)
    shown = {r.get("title"): r.get("published") for r in rows}  # ids sit at the right, off screen
    assert shown.get(art["title"]) == "2025-08-25", shown
    no_exception(page)
