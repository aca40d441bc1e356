"""The briefing pack: one PowerPoint file with a title slide and one slide per chosen chart.

Bar and line charts become native, editable PowerPoint charts (the briefer can restyle them); other
charts (heatmaps, networks, timelines) are placed as images rendered by Kaleido. Each chart slide
carries its title, the filter subtitle and the source note, and the key evidence quotes go in the
speaker notes.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Emu, Inches, Pt

from dashboard import style

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)  # 16:9
MAX_QUOTES = 8
NATIVE = {
    "bar": XL_CHART_TYPE.BAR_STACKED,
    "column": XL_CHART_TYPE.COLUMN_STACKED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
}


@dataclass
class BriefingChart:
    """A chart offered for the pack.

    Attributes:
        key: stable id (used for the checkbox).
        title: slide title.
        figure: the on-screen figure (rendered as an image when no native chart fits).
        kind: "bar", "column" or "line" for a native chart from `data`; "image" for a picture of `figure`.
        data: tidy frame for native charts, with columns `category`, `value` and optionally `series`.
        category, value, series: the column names in `data`.
        quotes: evidence sentences for the speaker notes ("Actor (Source): sentence").
    """

    key: str
    title: str
    figure: go.Figure
    kind: str = "image"
    data: pd.DataFrame | None = None
    category: str = "actor"
    value: str = "n"
    series: str | None = None
    quotes: list[str] = field(default_factory=list)


def build_pack(
    charts: list[BriefingChart],
    *,
    title: str,
    subtitle: str,
    note: str,
    render_image: Callable[[go.Figure], bytes] | None = None,
    colors: dict[str, str] | None = None,
) -> bytes:
    """The .pptx bytes for `charts`.

    Args:
        charts: the charts the analyst ticked, in slide order.
        title, subtitle, note: deck title, filter description, source note (on every slide).
        render_image: figure -> PNG bytes (Kaleido). Without it, image-only charts get a slide that says
            the picture could not be rendered, so the pack still opens and keeps its order.
        colors: actor colours, so native charts use the same colour per actor as the dashboard.
    """
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    _title_slide(prs, title, subtitle, note, len(charts))
    for chart in charts:
        slide = _chart_slide(prs, chart.title, subtitle, note)
        if chart.kind in NATIVE and chart.data is not None and not chart.data.empty:
            _native_chart(slide, chart, colors or {})
        elif render_image is not None:
            _picture(slide, render_image(chart.figure))
        else:
            _text(
                slide,
                "Image export needs Chromium on the server; use the dashboard's download instead.",
                Inches(0.6),
                Inches(3),
                Inches(12),
                Inches(1),
                20,
            )
        slide.notes_slide.notes_text_frame.text = _notes(chart)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def _title_slide(prs: Presentation, title: str, subtitle: str, note: str, n: int) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    _text(slide, title, Inches(0.8), Inches(2.4), Inches(11.7), Inches(1.2), 40, bold=True)
    _text(
        slide,
        subtitle or "All articles",
        Inches(0.8),
        Inches(3.7),
        Inches(11.7),
        Inches(0.8),
        20,
        color=style.MUTED_COLOR,
    )
    _text(
        slide,
        f"{n} chart{'s' if n != 1 else ''} · {note}",
        Inches(0.8),
        Inches(6.6),
        Inches(11.7),
        Inches(0.5),
        14,
        color=style.MUTED_COLOR,
    )


def _chart_slide(prs: Presentation, title: str, subtitle: str, note: str):
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _text(slide, title, Inches(0.5), Inches(0.3), Inches(12.3), Inches(0.7), 28, bold=True)
    _text(slide, subtitle, Inches(0.5), Inches(0.95), Inches(12.3), Inches(0.45), 14, color=style.MUTED_COLOR)
    _text(slide, note, Inches(0.5), Inches(6.95), Inches(12.3), Inches(0.4), 12, color=style.MUTED_COLOR)
    return slide


def _text(
    slide,
    text: str,
    left,
    top,
    width,
    height,
    size: int,
    *,
    bold: bool = False,
    color: str = style.TEXT_COLOR,
) -> None:
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    run = frame.paragraphs[0].add_run()
    run.text = text
    run.font.size, run.font.bold = Pt(size), bold
    run.font.color.rgb = _rgb(color)


def _picture(slide, png: bytes) -> None:
    # 16:9 picture in the band between the subtitle and the source note.
    height = Inches(5.4)
    width = Emu(int(height * 16 / 9))
    left = Emu(int((SLIDE_W - width) / 2))
    slide.shapes.add_picture(io.BytesIO(png), left, Inches(1.45), width, height)


def chart_data(
    df: pd.DataFrame, *, category: str, value: str, series: str | None, by_total: bool = True
) -> CategoryChartData:
    """Pivot a tidy frame into PowerPoint chart data, one series per `series` value.

    Categories come in order of total (`by_total`, for rankings) or in their sorted order (dates).
    """
    totals = df.groupby(category)[value].sum()
    totals = totals.sort_values(ascending=False) if by_total else totals.sort_index()
    cats = [str(c) for c in totals.index]
    data = CategoryChartData()
    data.categories = cats
    if series is None:
        data.add_series(value, [float(totals[c]) for c in totals.index])
        return data
    wide = df.pivot_table(index=category, columns=series, values=value, aggfunc="sum", fill_value=0)
    wide = wide.reindex(totals.index)
    for name in wide.sum().sort_values(ascending=False).index:
        data.add_series(str(name), [float(v) for v in wide[name]])
    return data


def _native_chart(slide, chart: BriefingChart, colors: dict[str, str]) -> None:
    df = chart.data
    if chart.kind == "bar":
        top = df.groupby(chart.category)[chart.value].sum().nlargest(15).index
        df = df[df[chart.category].isin(top)]
    data = chart_data(
        df, category=chart.category, value=chart.value, series=chart.series, by_total=chart.kind == "bar"
    )
    frame = slide.shapes.add_chart(
        NATIVE[chart.kind], Inches(0.5), Inches(1.45), Inches(12.3), Inches(5.4), data
    )
    pchart = frame.chart
    pchart.has_legend = chart.series is not None
    if pchart.has_legend:
        pchart.legend.position, pchart.legend.include_in_layout = XL_LEGEND_POSITION.RIGHT, False
    if chart.kind != "line":
        pchart.plots[0].gap_width = 40
    if chart.kind == "bar":
        pchart.category_axis.reverse_order = True  # largest on top, as on screen
    for plot_series in pchart.plots[0].series:
        name = plot_series.name if chart.series else None
        fill = style.colors_for([name], colors)[0] if name else style.PALETTE[0]
        if chart.kind != "line":
            plot_series.format.fill.solid()
            plot_series.format.fill.fore_color.rgb = _rgb(fill)
        else:
            plot_series.format.line.color.rgb = _rgb(fill)


def _notes(chart: BriefingChart) -> str:
    quotes = [q.strip() for q in chart.quotes if q and q.strip()][:MAX_QUOTES]
    if not quotes:
        return f"{chart.title}: no evidence quotes for these filters."
    return "Key evidence:\n" + "\n".join(f"- {q}" for q in quotes)


def _rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#").upper())
