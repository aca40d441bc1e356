"""Hostile article text in a real browser: markup in text, titles, sources, URLs and actor names is shown
as text on every page and in the exports, and no script ever runs.

The corpus is written here (never a seed): article text, metadata (title, source, URL) and a JSON Lines
feed carry `<script>`, `<img onerror>`, `javascript:` links, raw HTML blocks, Markdown and `{{7*7}}`, and a
copy of the knowledge base adds an actor and an affiliation whose names are markup, so charts, hover
labels, filters and evidence tables all carry hostile strings. Every `alert(n)` is a tripwire: a dialog
event, a page error or a console error fails the test.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pytest
from playwright.sync_api import Page, expect
from pptx import Presentation

from tests.e2e.conftest import ROOT, build_corpus, new_page, streamlit_server
from tests.e2e.helpers import download, idle, no_exception, wait_plot

pytestmark = pytest.mark.e2e

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
ACTOR = "<img src=x onerror=alert(11)> Council"
AFFILIATION = "<b>Bloc</b> <script>alert(12)</script>"
TITLE = "<script>alert(7)</script> **Bold** [x](javascript:alert(8)) {{7*7}}"
SOURCE = "<img src=x onerror=alert(9)>"
FEED_TITLE = "<iframe src=javascript:alert(14)></iframe> *Vienna* talks"
FEED_SOURCE = "[src](javascript:alert(15))"

STORY = f"""Leaders trade accusations over {SCRIPT} ceasefire plan

Ukrainian President Volodymyr Zelensky said on Monday that Ukraine supports a ceasefire, while Russian \
President Vladimir Putin rejected the proposal. {IMG} Officials in Kyiv called it a **bold** step and a \
[click](javascript:alert(3)) moment.

Peter <b>Doran</b> of the Foundation for Defense of Democracies said <a href="javascript:alert(4)">the \
talks</a> would fail. Donald Trump backed further negotiations in Geneva on Tuesday, {{{{7*7}}}} officials \
said.

<div onmouseover="alert(5)">Raw HTML block</div> ![pic](javascript:alert(6)) _emphasis_ and `code`.

Emmanuel Macron said France opposes sanctions relief for Russia. The European Union rejected the peace plan \
on Wednesday.

The Acme Hostile Council rejected the ceasefire on Thursday. The Acme Hostile Council supports sanctions \
against Russia.
"""
PLAIN = """Envoys meet in Geneva

Diplomats from Ukraine and Russia met in Geneva on Wednesday. Zelensky said Ukraine supports a ceasefire. \
Putin rejected a ceasefire, a spokesperson said. The European Union backed further talks.
"""
FEED = {
    "text": "Ministers meet in Vienna. The Acme Hostile Council said it supports negotiations with Russia, "
    "and Ukraine rejected the peace plan <script>alert(13)</script> on Friday.",
    "title": FEED_TITLE,
    "source": FEED_SOURCE,
    "url": '<a href="javascript:alert(16)">x</a>',
    "published": "2025-11-23",
}


def write_hostile_corpus(folder: Path) -> Path:
    """The hostile corpus in `folder`/corpus and a knowledge base with a hostile actor; returns the KB."""
    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "hostile_story.txt").write_text(STORY, encoding="utf-8")
    (corpus / "plain_story.txt").write_text(PLAIN, encoding="utf-8")
    (corpus / "feed.jsonl").write_text(json.dumps(FEED) + "\n", encoding="utf-8")
    rows = [
        ("hostile_story.txt", TITLE, SOURCE, "javascript:alert(10)", "2025-11-21"),
        ("plain_story.txt", "Envoys meet", "Wire", "https://example.org/a", "2025-11-22"),
    ]
    with open(corpus / "metadata.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "title", "source", "url", "published"])
        writer.writerows(rows)
    kb = (ROOT / "analysis" / "data" / "actors.yaml").read_text(encoding="utf-8")
    entry = (
        f"- {{name: {json.dumps(ACTOR)}, type: organisation, affiliation: {json.dumps(AFFILIATION)}, "
        "aliases: [Acme Hostile Council]}\n"
    )
    kb_path = folder / "actors.yaml"
    kb_path.write_text(kb.replace("actors:\n", "actors:\n" + entry, 1), encoding="utf-8")
    return kb_path


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    env = {"PARLEY_KB_PATH": str(write_hostile_corpus(folder))}
    data = folder / "data"
    build_corpus(folder / "corpus", data, env)
    with streamlit_server(data, folder / "corpus", env) as url:
        yield url


# Console messages that are not caused by article content. Each is matched against the message text:
HARMLESS = (
    # On a deep link (/positions) Streamlit's frontend first probes /positions/_stcore/health and
    # /positions/_stcore/host-config to find the server's base path; the 404s are that probe, by design.
    re.compile(r"status of 404 \(Not Found\) @ http://localhost:\d+/\w+/_stcore/(health|host-config)$"),
)


@dataclass
class Watch:
    """What a page did that it must not: dialogs (alert/confirm/prompt), page errors, console errors."""

    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def check(self) -> None:
        assert not self.dialogs, f"a script from the articles ran: dialogs {self.dialogs}"
        assert not self.errors, f"errors in the browser: {self.errors}"


def _on_console(watch: Watch, msg) -> None:
    if msg.type != "error":
        return
    text = f"{msg.text} @ {msg.location.get('url', '')}"
    if not any(p.search(text) for p in HARMLESS):
        watch.errors.append(text)


def _on_dialog(watch: Watch, dialog) -> None:
    watch.dialogs.append(f"{dialog.type}: {dialog.message}")
    dialog.dismiss()


@pytest.fixture()
def watched(browser, hostile_server):
    context, pg = new_page(browser)
    watch = Watch()
    pg.on("dialog", lambda d: _on_dialog(watch, d))
    pg.on("pageerror", lambda exc: watch.errors.append(f"page error: {exc}"))
    pg.on("console", lambda msg: _on_console(watch, msg))
    yield pg, watch, hostile_server
    context.close()


def goto(page: Page, server: str, path: str = "") -> None:
    page.goto(f"{server}/{path}")
    expect(page.locator("h1").first).to_be_visible(timeout=120_000)
    idle(page, timeout=120_000)
    no_exception(page)


# Screen points of every trace's points (bars, markers, heatmap cells) of every Plotly chart on the page.
# Screen points of the points (bars, markers, heatmap cells) of the Plotly chart number `i`, each with the
# name it stands for (its customdata, or the first item of it). Bars are read from Plotly's calcdata, so
# a stacked segment is hit in its middle.
POINTS_JS = """([i, limit]) => {
  const gd = document.querySelectorAll('.js-plotly-plot')[i];
  const fl = gd._fullLayout, out = [], r = gd.getBoundingClientRect();
  const key = (t, k) => t.customdata && t.customdata[k];
  gd._fullData.forEach((t, ti) => {
    const xa = fl[(t.xaxis || 'x').replace('x', 'xaxis')], ya = fl[(t.yaxis || 'y').replace('y', 'yaxis')];
    if (!xa || !ya || !t.x || !t.y || t.visible !== true) return;
    const pts = [];
    if (t.type === 'heatmap') {
      for (const y of t.y) for (const x of t.x) pts.push([xa.d2p(x), ya.d2p(y), null]);
    } else if (t.type === 'bar' && t.orientation === 'h') {
      gd.calcdata[ti].forEach((c, k) => pts.push([xa.c2p(c.b + c.s / 2), ya.c2p(c.p), key(t, k)]));
    } else {
      for (let k = 0; k < t.x.length; k++) pts.push([xa.d2p(t.x[k]), ya.d2p(t.y[k]), key(t, k)]);
    }
    for (const [px, py, name] of pts.slice(0, limit)) {
      if (!isFinite(px) || !isFinite(py)) continue;
      const x = r.left + xa._offset + px, y = r.top + ya._offset + py;
      out.push({x, y, key: Array.isArray(name) ? name[0] : name});
    }
  });
  return out;
}"""


PLOT_READY_JS = (
    "(i) => { const gd = document.querySelectorAll('.js-plotly-plot')[i]; return gd && gd._fullLayout; }"
)


def hover_everything(page: Page, limit: int = 12) -> None:
    """Move the mouse over the first points of every chart, so every hover label is drawn once."""
    plots = page.locator(".js-plotly-plot")
    for i in range(plots.count()):
        plots.nth(i).scroll_into_view_if_needed()
        page.wait_for_function(PLOT_READY_JS, arg=i)
        for pt in page.evaluate(POINTS_JS, [i, limit]):
            if 0 <= pt["y"] <= 1000:
                page.mouse.move(pt["x"], pt["y"])
    page.mouse.move(1, 1)


def hover_name(page: Page, name: str) -> str:
    """Hover the first chart point that stands for `name`; returns its hover label's text."""
    plots = page.locator(".js-plotly-plot")
    for i in range(plots.count()):
        plots.nth(i).scroll_into_view_if_needed()
        page.wait_for_function(PLOT_READY_JS, arg=i)
        for pt in page.evaluate(POINTS_JS, [i, 500]):
            if pt["key"] == name:
                label = page.locator(".hoverlayer .hovertext").first
                for dy in (0, 2, -2):  # Plotly draws the label on mousemove: nudge once if it missed
                    page.mouse.move(pt["x"], pt["y"] + dy)
                    try:
                        expect(label).to_be_visible(timeout=3_000)
                        return label.text_content()
                    except AssertionError:
                        continue
    raise AssertionError(f"no chart point for {name!r} showed a hover label")


PAGES = ["", "actors", "positions", "review", "timeline", "articles", "data", "briefing", "add_articles"]


@pytest.mark.parametrize("path", PAGES)
def test_no_script_runs_on_any_page(watched, path):
    page, watch, server = watched
    goto(page, server, path)
    hover_everything(page)
    if path in ("", "actors", "positions"):
        # the hostile actor is in the bar charts and the heatmap: its hover label shows the markup as text
        assert ACTOR in hover_name(page, ACTOR)
    no_exception(page)
    watch.check()


def test_reader_shows_the_hostile_article_as_text(watched, tmp_path_factory):
    page, watch, server = watched
    goto(page, server, "articles")
    page.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option").filter(has_text="alert(7)").first.click()
    idle(page)
    reader = page.locator(".parley-reader")
    expect(reader).to_contain_text(SCRIPT)
    for literal in (
        IMG,
        '<a href="javascript:alert(4)">',
        "**bold**",
        "[click](javascript:alert(3))",
        "{{7*7}}",
    ):
        expect(reader).to_contain_text(literal)
    assert reader.locator("script, img, a, iframe, b, strong, em").count() == 0
    # title and source in the header are text; the javascript: URL gets no link button
    expect(page.get_by_text(TITLE, exact=False).first).to_be_visible()
    assert page.locator('a[href^="javascript"]').count() == 0
    page.screenshot(path=str(tmp_path_factory.getbasetemp() / "hostile-reader.png"), full_page=True)
    watch.check()


def test_filters_and_drilldowns_show_markup_as_text(watched):
    page, watch, server = watched
    goto(page, server, "positions")
    wait_plot(page)
    # choose the hostile actor's cell: the evidence heading and table carry its name
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    cell = page.evaluate(
        """(actor) => {
          const gd = document.querySelectorAll('.js-plotly-plot')[0];
          const fl = gd._fullLayout, cells = gd._fullData[1];
          const i = cells.customdata.findIndex((c) => c && c.length === 2 && c[0] === actor);
          const r = gd.getBoundingClientRect();
          return i < 0 ? null : {x: r.left + fl.xaxis._offset + fl.xaxis.d2p(cells.x[i]),
                                 y: r.top + fl.yaxis._offset + fl.yaxis.d2p(cells.y[i])};
        }""",
        ACTOR,
    )
    assert cell is not None, "the hostile actor has no heatmap cell"
    page.mouse.click(cell["x"], cell["y"])
    expect(page.get_by_role("heading", name=f"Evidence: {ACTOR} on")).to_be_visible(timeout=30_000)
    idle(page)
    no_exception(page)
    # a source whose name is a Markdown link, chosen in the sidebar: the caption shows it as text
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Sources")
    box.first.click()
    page.get_by_role("option", name=FEED_SOURCE, exact=True).click()
    page.keyboard.press("Escape")
    idle(page)
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Overview").click()
    expect(page.locator("h1").first).to_have_text("Parley")
    idle(page)
    expect(page.locator('[data-testid="stCaptionContainer"]').first).to_contain_text(FEED_SOURCE)
    assert page.locator("a[href^='javascript'], a[href=''], main a:not([href])").count() == 0
    page.screenshot(path="/tmp/h4/filtered.png", full_page=True)
    watch.check()


CHART_TEXT_JS = """() => [...document.querySelectorAll('.js-plotly-plot text')].map((t) => t.textContent)"""


def test_chart_labels_show_markup_as_text(watched):
    page, watch, server = watched
    goto(page, server, "positions")
    page.get_by_text("States and blocs", exact=True).click()
    # the affiliation `<b>Bloc</b> <script>…` labels a heatmap row as typed, not in bold
    page.wait_for_function(
        "(a) => [...document.querySelectorAll('.js-plotly-plot text')].some((t) => t.textContent === a)",
        arg=AFFILIATION,
    )
    goto(page, server, "actors")
    page.get_by_text("source", exact=True).first.click()
    page.wait_for_function(
        "(s) => [...document.querySelectorAll('.js-plotly-plot text')].some((t) => t.textContent === s)",
        arg=SOURCE,
    )
    texts = page.evaluate(CHART_TEXT_JS)
    assert ACTOR in texts and FEED_SOURCE in texts
    no_exception(page)
    watch.check()


def _download(page: Page, button: str) -> bytes:
    return download(page.get_by_role("button", name=button).first)


def test_exports_carry_markup_as_text(watched):
    page, watch, server = watched
    goto(page, server)  # overview: the mentions bar chart names the hostile actor
    page.locator('[data-testid="stPopover"] button').nth(1).click()
    svg = ElementTree.fromstring(_download(page, "SVG"))
    elements = list(svg.iter())
    assert not [e.tag for e in elements if e.tag.rsplit("}", 1)[-1] in ("script", "foreignObject", "a")]
    assert not [a for e in elements for a in e.attrib if a.lower().startswith("on")]
    assert ACTOR in ["".join(e.itertext()) for e in elements if e.tag.endswith("text")]
    page.keyboard.press("Escape")
    page.locator('[data-testid="stPopover"] button').nth(1).click()
    pdf = _download(page, "PDF")
    assert pdf.startswith(b"%PDF") and b"/JavaScript" not in pdf and b"javascript:" not in pdf.lower()

    goto(page, server, "data")
    statements = _download(page, "statements.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(statements)))
    assert any(SCRIPT in r["evidence"] for r in rows) and any(r["actor"] == ACTOR for r in rows)
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Table").click()  # the Data page's picker
    page.get_by_role("option").filter(has_text="articles —").first.click()
    expect(page.get_by_role("button", name="articles.csv")).to_be_visible(timeout=30_000)
    articles = list(csv.DictReader(io.StringIO(_download(page, "articles.csv").decode("utf-8-sig"))))
    assert {TITLE, FEED_TITLE} <= {r["title"] for r in articles}
    assert {SOURCE, FEED_SOURCE} <= {r["source"] for r in articles}

    goto(page, server, "briefing")
    pack = Presentation(io.BytesIO(_download(page, "Download the pack")))
    notes = "\n".join(s.notes_slide.notes_text_frame.text for s in list(pack.slides)[1:])
    assert ACTOR in notes or SCRIPT in notes
    watch.check()
