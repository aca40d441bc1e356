"""What the browser tests share: opening a page and waiting for its script run, the exception check,
waiting for a Plotly chart, reading a dataframe's rows, the corrections log, and a download.

A helper lives here, not in a test module, so a test module imports helpers and never another test module.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from dashboard import serve

ROW_HEIGHT = 35  # Streamlit's dataframe header is 35 px high (rows too, unless they wrap their sentence)

idle = serve.idle


def open_url(page: Page, url: str) -> None:
    """Go to `url` and wait until the page has a heading and its script run has finished."""
    page.goto(url)
    expect(page.locator("h1").first).to_be_visible(timeout=180_000)
    idle(page, timeout=180_000)


def open_page(page: Page, server: str, path: str = "", query: str = "") -> None:
    """Open the app's page `path` (with the query string `query`) on `server`."""
    open_url(page, f"{server}/{path}{'?' + query if query else ''}")


def no_exception(page: Page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]'
    ).first.inner_text()


def wait_plot(page: Page, traces: int = 0) -> None:
    """Wait until the first Plotly chart has been drawn, with at least `traces` traces (Plotly is loaded
    lazily)."""
    page.wait_for_function(
        f"() => {{ const gd = document.querySelector('.js-plotly-plot'); "
        f"return gd && gd._fullLayout && (gd._fullData || []).length >= {traces}; }}",
        timeout=60_000,
    )


# The rows of a dataframe as objects, read from the grid's accessible table in one go (the grid is
# redrawn by every rerun, so reading it cell by cell could mix two versions).
ROWS_JS = """(grid) => {
  const names = {};
  for (const h of grid.querySelectorAll('[role="columnheader"]')) {
    names[h.getAttribute('aria-colindex')] = h.innerText.trim();
  }
  return [...grid.querySelectorAll('[role="row"]')].slice(1).map((row) => Object.fromEntries(
    [...row.querySelectorAll('[role="gridcell"]')].map(
      (c) => [names[c.getAttribute('aria-colindex')] || '?', c.innerText.trim()])));
}"""


def grid_rows(grid: Locator) -> list[dict]:
    """The rows of a dataframe as dicts (visible rows only: the grid draws what is on screen)."""
    return grid.evaluate(ROWS_JS)


def log_entries(path: Path) -> list[dict]:
    """The entries of a corrections log (none when there is no log yet)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def wait_log(path: Path, n: int, timeout: float = 60.0) -> list[dict]:
    """The log once it has `n` entries (a save is written by the server after the click returns)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        entries = log_entries(path)
        if len(entries) >= n:
            return entries
        time.sleep(0.2)
    raise AssertionError(f"{path} has {len(log_entries(path))} entries after {timeout:.0f} s, expected {n}")


def download(button: Locator, timeout: float = 180_000) -> bytes:
    """The bytes of the file a click on the download `button` gives."""
    with button.page.expect_download(timeout=timeout) as info:
        button.click()
    return Path(info.value.path()).read_bytes()
