"""Exports through the browser, as a briefer makes them: edit a chart's title in its Download menu, then
the PDF, the SVG and the chart's CSV carry it; the briefing pack takes an edited slide title into its
title placeholder. Over the development set (see test_layout_e2e)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect
from pptx import Presentation
from pypdf import PdfReader

from tests.e2e.helpers import download, idle, no_exception, open_page

pytestmark = pytest.mark.e2e


@pytest.fixture()
def page(browser) -> Page:
    context = browser.new_context(viewport={"width": 1600, "height": 1100}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def _shots(tmp_path: Path) -> Path:
    return Path(os.environ["PARLEY_SHOTS"]) if os.environ.get("PARLEY_SHOTS") else tmp_path


def _download(page: Page, label: str) -> bytes:
    return download(page.get_by_role("button", name=label, exact=True).last)


def _type(page: Page, label: str, text: str) -> None:
    box = page.get_by_label(label, exact=True).first
    box.fill(text)
    box.press("Enter")
    idle(page)


def test_an_edited_title_goes_into_the_pdf_svg_and_csv(page, devset_server, tmp_path):
    open_page(page, devset_server, "positions")
    page.wait_for_selector(".js-plotly-plot")
    page.get_by_role("button").filter(has_text="Download").first.click()
    _type(page, "Title", "Who stands where — week 12")
    _type(page, "Subtitle", "Development set, every topic")
    expect(page.get_by_role("button", name="PDF", exact=True).last).to_be_visible()
    page.screenshot(path=str(_shots(tmp_path) / "download-menu-1600.png"))
    pdf = PdfReader(io.BytesIO(_download(page, "PDF")))
    assert pdf.metadata.title == "Who stands where — week 12"
    assert "Development set, every topic" in pdf.metadata.subject
    svg = _download(page, "SVG").decode("utf-8")
    assert "<title>Who stands where — week 12</title>" in svg
    assert "Development set, every topic" in svg
    table = pd.read_csv(io.BytesIO(_download(page, "Data behind the chart (CSV)")), encoding="utf-8-sig")
    assert {"actor", "topic", "support", "oppose"} <= set(table.columns)
    assert not table["topic"].str.contains("_").any()  # labels, not ids like peace_plan
    no_exception(page)


def test_an_edited_slide_title_reaches_the_pack(page, devset_server):
    open_page(page, devset_server, "briefing")
    page.get_by_text("Slide titles and subtitles").click()
    _type(page, "Title", "Who is quoted, by outlet")
    data = _download(page, "Download the pack (3 charts)")
    prs = Presentation(io.BytesIO(data))
    titles = [slide.shapes.title.text for slide in prs.slides]
    assert titles[1] == "Who is quoted, by outlet"
    assert titles[0] == "Parley briefing" and len(titles) == 4
