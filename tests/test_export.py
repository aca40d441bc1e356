"""Server-side exports through Kaleido and the PowerPoint briefing pack.

Needs Debian's Chromium (installed by `.ci/run`); a missing browser fails these tests rather than
skipping them, because the export is a feature the briefers rely on.
"""

from __future__ import annotations

import io
import struct

import pandas as pd
import pytest
from pptx import Presentation

from dashboard import briefing, export, figures

BARS = pd.DataFrame({"actor": ["Aldora", "Belmark", "Aldora"], "source": ["X", "X", "Y"], "n": [3, 2, 4]})
MATRIX = pd.DataFrame(
    {
        "actor": ["Aldora", "Belmark"],
        "topic": ["ceasefire", "ceasefire"],
        "support": [2, 0],
        "oppose": [0, 3],
        "neutral": [1, 0],
        "net": [0.67, -1.0],
        "n_sources": [1, 2],
    }
)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def kaleido_ready():
    assert export.chromium_path() is not None, "Chromium is required for server-side export"
    assert export.ensure_server(), export.last_error()
    return True


@pytest.mark.parametrize(("fmt", "size"), [("png", (1920, 1080)), ("png2x", (3840, 2160))])
def test_png_exports_have_the_slide_size(kaleido_ready, fmt, size):
    fig = figures.bar_chart(BARS, category="actor", stack="source")
    out = export.export(
        fig,
        fmt,
        title="Who is mentioned",
        subtitle="All articles",
        note="3 articles · Parley",
        slug="Who is mentioned",
    )
    assert png_size(out.data) == size
    assert out.mime == "image/png"
    assert out.file_name == ("who-is-mentioned@2x.png" if fmt == "png2x" else "who-is-mentioned.png")


def test_svg_and_pdf_exports_carry_title_and_note(kaleido_ready):
    fig = figures.position_heatmap(MATRIX)
    svg = export.export(
        fig,
        "svg",
        title="Positions",
        subtitle="Topics: ceasefire",
        note="2 articles · Parley",
        slug="positions",
    )
    text = svg.data.decode("utf-8")
    assert text.lstrip().startswith("<svg") or "<svg" in text[:500]
    assert "Positions" in text and "2 articles · Parley" in text and "Topics: ceasefire" in text
    pdf = export.export(fig, "pdf", title="Positions", subtitle="", note="n", slug="positions")
    assert pdf.data[:5] == b"%PDF-" and pdf.file_name == "positions.pdf"


def test_unknown_format_is_named(kaleido_ready):
    with pytest.raises(ValueError, match="jpeg2000"):
        export.render(figures.empty_figure("x"), "jpeg2000")


def test_without_chromium_export_says_why(monkeypatch):
    monkeypatch.setattr(export, "_state", {"started": False, "error": None})
    monkeypatch.setattr(export, "chromium_path", lambda: None)
    assert export.ensure_server() is False
    assert "Chromium" in export.last_error()
    with pytest.raises(RuntimeError, match="unavailable"):
        export.render(figures.empty_figure("x"), "png")


def test_safe_slug():
    assert export.safe_slug("Actor × topic: positions") == "actor-topic-positions"
    assert export.safe_slug("../../etc") == "etc"
    assert export.safe_slug("***") == "chart"


def _charts() -> list[briefing.BriefingChart]:
    bars = briefing.BriefingChart(
        "mentions",
        "Who is mentioned",
        figures.bar_chart(BARS, category="actor"),
        kind="bar",
        data=BARS,
        category="actor",
        value="n",
        series="source",
        quotes=["Aldora (support): Aldora backed the ceasefire."],
    )
    heat = briefing.BriefingChart("positions", "Positions", figures.position_heatmap(MATRIX), quotes=[])
    return [bars, heat]


def test_briefing_pack_has_title_and_one_slide_per_chart(kaleido_ready):
    data = briefing.build_pack(
        _charts(),
        title="Weekly brief",
        subtitle="All articles",
        note="3 articles · Parley",
        render_image=lambda fig: export.render(fig, "png"),
    )
    prs = Presentation(io.BytesIO(data))
    slides = list(prs.slides)
    assert len(slides) == 3
    texts = [" ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in slides]
    assert "Weekly brief" in texts[0]
    assert "Who is mentioned" in texts[1] and "3 articles · Parley" in texts[1]
    # bars are a native, editable chart; the heatmap is a picture
    assert any(s.has_chart for s in slides[1].shapes)
    chart = next(s.chart for s in slides[1].shapes if s.has_chart)
    assert {p.name for p in chart.plots[0].series} == {"X", "Y"}
    assert list(chart.plots[0].categories) == ["Aldora", "Belmark"]  # by total: 7 then 2
    assert any(s.shape_type == 13 for s in slides[2].shapes)  # 13 = PICTURE
    assert "Aldora backed the ceasefire" in slides[1].notes_slide.notes_text_frame.text
    assert "no evidence" not in slides[2].notes_slide.notes_text_frame.text  # the picture may have some


def test_briefing_pack_without_renderer_still_has_every_slide():
    data = briefing.build_pack(_charts(), title="T", subtitle="", note="n")
    prs = Presentation(io.BytesIO(data))
    assert len(prs.slides) == 3
    assert "Chromium" in " ".join(s.text_frame.text for s in prs.slides[2].shapes if s.has_text_frame)


def test_chart_data_by_total_and_by_date():
    df = pd.DataFrame(
        {"day": ["2025-03-02", "2025-03-01", "2025-03-02"], "source": ["X", "Y", "Y"], "n": [1, 5, 1]}
    )
    by_total = briefing.chart_data(df, category="day", value="n", series="source")
    assert list(by_total.categories)[0].label == "2025-03-01"
    by_date = briefing.chart_data(df, category="day", value="n", series="source", by_total=False)
    assert [c.label for c in by_date.categories] == ["2025-03-01", "2025-03-02"]
