"""Corrections in a real browser: from an evidence row on the Positions page the analyst changes the
stance (the evidence and the heatmap follow at once), undoes it (both are restored), re-assigns the actor
and deletes a statement; two sessions correcting at the same moment both keep their correction.

The server runs on its own copy of the seed tables, so these corrections never reach the other e2e tests.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect

from analysis.store.corrections import load_corrections, tally
from tests.e2e.conftest import ROOT, build_corpus, streamlit_server
from tests.e2e.helpers import (
    ROW_HEIGHT,
    grid_rows,
    idle,
    log_entries,
    no_exception,
    open_page,
    wait_log,
    wait_plot,
)

pytestmark = pytest.mark.e2e

STANCES = ("support", "oppose", "neutral")
# the drawn row height of a grid: its scroll area's full height less the header, over its rows
ROW_PX_JS = """(grid) => (grid.querySelector('.dvn-scroll-inner').getBoundingClientRect().height - 35)
  / (Number(grid.querySelector('[role="grid"]').getAttribute('aria-rowcount')) - 1)"""


@pytest.fixture(scope="module")
def corrections_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("corrections_data")
    build_corpus(ROOT / "seeds", data)
    with streamlit_server(data) as url:
        yield url, data / "corrections.jsonl"


# Every heatmap cell: [actor, topic], its label ('+support −oppose' or '○neutral') and its screen point.
CELLS_JS = """() => {
  const gd = document.querySelectorAll('.js-plotly-plot')[0];
  const fl = gd._fullLayout, heat = gd._fullData[0], cells = gd._fullData[1];
  const r = gd.getBoundingClientRect();
  return cells.customdata.map((c, i) => {
    const row = heat.y.indexOf(cells.y[i]), col = heat.x.indexOf(cells.x[i]);
    return {actor: c[0], topic: c[1], label: heat.text[row][col],
            x: r.left + fl.xaxis._offset + fl.xaxis.d2p(cells.x[i]),
            y: r.top + fl.yaxis._offset + fl.yaxis.d2p(cells.y[i])};
  });
}"""


def heat_cells(page: Page) -> dict[tuple[str, str], dict]:
    wait_plot(page)
    return {(c["actor"], c["topic"]): c for c in page.evaluate(CELLS_JS)}


def counts(label: str) -> tuple[int, int]:
    """(support, oppose) of a cell label '+2 −1'; a neutral-only cell '○3' has none."""
    if not label.startswith("+"):
        return 0, 0
    plus, minus = label.split()
    return int(plus[1:]), int(minus[1:])


def open_cell(page: Page, cell: dict) -> None:
    """Click a heatmap cell and wait for its evidence table."""
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    fresh = heat_cells(page)[(cell["actor"], cell["topic"])]  # coordinates after the scroll
    page.mouse.click(fresh["x"], fresh["y"])
    expect(page.get_by_role("heading", name=f"Evidence: {cell['actor']} on")).to_be_visible(timeout=30_000)
    idle(page)
    expect(evidence_grid(page)).to_be_visible()


def evidence_grid(page: Page) -> Locator:
    return page.locator('[data-testid="stDataFrame"]').first


def wait_rows(page: Page, check, timeout: float = 30.0) -> list[dict]:
    """The evidence rows once `check(rows)` holds (the rerun after a correction is asynchronous)."""
    deadline = time.monotonic() + timeout
    rows: list[dict] = []
    while time.monotonic() < deadline:
        try:
            rows = grid_rows(evidence_grid(page)) if evidence_grid(page).count() else []
        except PlaywrightError:  # the grid was replaced by the rerun while it was read
            rows = []
        if check(rows):
            return rows
        page.wait_for_timeout(250)
    raise AssertionError(f"the evidence did not reach the expected state; rows: {rows}")


def select_row(page: Page, index: int) -> None:
    """Select evidence row `index` and wait until the correction form shows that row's sentence.

    The grid is a canvas: its selection box is clicked at its coordinates. The selection can survive the
    rerun after a save (the row already ticked), and a click would then untick it: so the form's sentence
    is the condition, and the box is clicked again when the form does not show it.
    """
    grid = evidence_grid(page)
    grid.scroll_into_view_if_needed()
    sentence = grid_rows(grid)[index]["sentence"]
    form = page.locator('[data-testid="stForm"]').filter(has_text="Correct this statement")
    for _ in range(3):
        box, row_px = grid.bounding_box(), grid.evaluate(ROW_PX_JS)
        page.mouse.click(box["x"] + 18, box["y"] + ROW_HEIGHT + row_px * (index + 0.5))
        try:
            expect(form).to_contain_text(sentence[:80], timeout=15_000)
            idle(page)
            if form.count() and sentence[:80] in form.inner_text():
                return
        except AssertionError:
            continue
    raise AssertionError(f"evidence row {index} could not be selected")


def choose(page: Page, label: str, option: str, attempts: int = 3) -> None:
    """Pick `option` in the correction form's selectbox `label` (typed, so long lists need no scrolling).

    Tried again when a late rerun redraws the form under the typing; checked on the shown value.
    """
    box = page.locator('[data-testid="stForm"] [data-testid="stSelectbox"]').filter(has_text=label)
    for _ in range(attempts):
        box.click()
        page.keyboard.type(option)
        expect(page.get_by_role("option", name=option, exact=True).first).to_be_visible()
        page.keyboard.press("Enter")
        try:
            expect(box.locator("input")).to_have_value(option, timeout=5_000)
            return
        except AssertionError:
            page.keyboard.press("Escape")
    expect(box.locator("input")).to_have_value(option)


def other_stance(stance: str) -> str:
    return {"support": "oppose", "oppose": "support", "neutral": "support"}[stance]


def pick_cell(page: Page, min_rows: int = 1) -> dict:
    """A cell with at least `min_rows` support/oppose statements (so a stance swap keeps it on screen)."""
    for cell in heat_cells(page).values():
        if sum(counts(cell["label"])) >= min_rows:
            return cell
    pytest.skip(f"no heatmap cell with {min_rows} positions in the seed corpus")


def undo_last(page: Page) -> None:
    # the save's rerun must be over first: clicking a stale expander's button (of the run being replaced)
    # does nothing on a loaded machine
    idle(page)
    page.locator('[data-testid="stExpander"] summary').filter(has_text="Corrections history (").click()
    button = page.get_by_role("button", name="Undo the last correction")
    expect(button).to_be_enabled()
    idle(page)
    button.click()
    idle(page, 120_000)


def test_change_a_stance_and_undo_it(page, corrections_server):
    server, log = corrections_server
    n_log = len(log_entries(log))
    open_page(page, server, "positions")
    cell = pick_cell(page)
    before = cell["label"]
    open_cell(page, cell)
    rows = grid_rows(evidence_grid(page))
    index = next(i for i, r in enumerate(rows) if r["stance"] in ("support", "oppose"))
    sentence, old = rows[index]["sentence"], rows[index]["stance"]
    new = other_stance(old)

    select_row(page, index)
    choose(page, "Stance", new)
    page.get_by_role("button", name="Save correction").click()
    # the evidence shows the new stance, the heatmap cell moved one statement across, the log has it
    wait_rows(page, lambda rs: any(r["sentence"] == sentence and r["stance"] == new for r in rs))
    s, o = counts(before)
    expected = f"+{s + 1} −{o - 1}" if new == "support" else f"+{s - 1} −{o + 1}"
    assert heat_cells(page)[(cell["actor"], cell["topic"])]["label"] == expected
    entries = log_entries(log)
    assert len(entries) == n_log + 1
    assert entries[-1]["action"] == "change" and entries[-1]["fields"] == {"stance": new}

    undo_last(page)
    wait_rows(page, lambda rs: any(r["sentence"] == sentence and r["stance"] == old for r in rs), timeout=90)
    assert heat_cells(page)[(cell["actor"], cell["topic"])]["label"] == before
    entries = log_entries(log)
    assert entries[-1]["action"] == "undo" and entries[-1]["reverts"] == entries[-2]["id"]
    no_exception(page)


def test_reassign_the_actor_then_delete(page, corrections_server):
    server, log = corrections_server
    n_log = len(log_entries(log))
    open_page(page, server, "positions")
    cell = pick_cell(page, min_rows=2)
    open_cell(page, cell)
    rows = grid_rows(evidence_grid(page))
    n_rows = len(rows)

    # re-assign row 0 to another actor: it leaves this cell's evidence and the new actor gets the topic
    select_row(page, 0)
    new_actor = next(a for a, t in heat_cells(page) if a != cell["actor"] and t != cell["topic"])
    choose(page, "Actor", new_actor)
    page.get_by_role("button", name="Save correction").click()
    wait_rows(page, lambda rs: len(rs) == n_rows - 1)
    entry = log_entries(log)[-1]
    assert entry["action"] == "change" and entry["fields"] == {"actor": new_actor}
    assert (new_actor, cell["topic"]) in heat_cells(page)

    # delete the (new) first row: one row fewer, and the log says delete for its statement
    select_row(page, 0)
    page.get_by_role("button", name="Delete statement").click()
    wait_rows(page, lambda rs: len(rs) == n_rows - 2)
    entries = log_entries(log)
    assert [e["action"] for e in entries[n_log:]] == ["change", "delete"]
    assert entries[-1]["statement_id"] != entries[-2]["statement_id"]
    no_exception(page)


def test_two_sessions_correct_at_the_same_moment(browser, corrections_server):
    server, log = corrections_server
    n_log = len(log_entries(log))
    contexts = [browser.new_context(viewport={"width": 1600, "height": 1000}) for _ in range(2)]
    pages = [c.new_page() for c in contexts]
    try:
        for pg in pages:
            pg.set_default_timeout(60_000)
            open_page(pg, server, "positions")
        cell = pick_cell(pages[0], min_rows=2)
        for pg in pages:
            open_cell(pg, cell)
        rows = grid_rows(evidence_grid(pages[0]))
        wanted = {}
        for i, pg in enumerate(pages):  # session i corrects row i
            wanted[rows[i]["sentence"]] = other_stance(rows[i]["stance"])
            select_row(pg, i)
            choose(pg, "Stance", wanted[rows[i]["sentence"]])
        buttons = [pg.get_by_role("button", name="Save correction") for pg in pages]
        for b in buttons:  # both clicks leave within milliseconds; the server runs both sessions at once
            b.click(no_wait_after=True)
        entries = wait_log(log, n_log + 2)[n_log:]
        for pg in pages:
            idle(pg)
        assert len(entries) == 2 and {e["action"] for e in entries} == {"change"}
        assert len({e["statement_id"] for e in entries}) == 2
        assert sorted(e["fields"]["stance"] for e in entries) == sorted(wanted.values())

        def both_shown(rs: list[dict]) -> bool:
            stances = {r["sentence"]: r["stance"] for r in rs}
            return all(stances.get(s) == v for s, v in wanted.items())

        for pg in pages:
            pg.keyboard.press("r")  # Streamlit's rerun key: the session that saved first sees the other too
            wait_rows(pg, both_shown)
            pg.reload()
            n = tally(load_corrections(log))["corrections"]  # in force: the undo entries count for none
            expect(
                pg.locator('[data-testid="stExpander"] summary').filter(has_text="Corrections history (")
            ).to_contain_text(f"Corrections history ({n} corrections")
            no_exception(pg)
    finally:
        for c in contexts:
            c.close()
