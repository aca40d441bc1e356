"""The briefing pack: one PowerPoint file with a title slide and one slide per chosen chart.

Bar and line charts become native, editable PowerPoint charts (the briefer can restyle them); other
charts (heatmaps, networks, timelines) are placed as images rendered by Kaleido. Each chart slide
carries its title, the filter subtitle and the source note, and the key evidence quotes go in the
speaker notes.
"""

from __future__ import annotations

import datetime as dt
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
MAX_BARS = 15  # categories of a native bar chart
MAX_SLIDE_SERIES = 6  # series of a native chart; the rest are summed as "Other" (no barcode of slivers)
TITLE_LAYOUT, TITLE_ONLY_LAYOUT = 0, 5  # the default template's "Title Slide" and "Title Only"
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
        data: tidy frame behind the chart (native charts: columns `category`, `value`, optionally
            `series`); also the chart's CSV download.
        category, value, series: the column names in `data`.
        quotes: evidence sentences for the speaker notes ("Actor (Source): sentence").
        time: the categories are dates (a native chart gets a date axis, spaced by time).
        value_title, category_title: the native chart's axis titles.
        value_range: fixed value axis (min, max), e.g. -1..1 for net stance.
        subtitle: the filters in words; `None` uses the pack's (a briefer can edit it per chart).
        min_width: on screen, the width in px below which the chart scrolls sideways (the heatmap).
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
    time: bool = False
    value_title: str = ""
    category_title: str = ""
    value_range: tuple[float, float] | None = None
    subtitle: str | None = None
    min_width: int | None = None  # on screen: below this width the chart scrolls sideways


def build_pack(
    charts: list[BriefingChart],
    *,
    title: str,
    subtitle: str,
    note: str,
    render_image: Callable[[go.Figure], bytes] | None = None,
    colors: dict[str, str] | None = None,
    today: dt.date | None = None,
) -> bytes:
    """The .pptx bytes for `charts`.

    Args:
        charts: the charts the analyst ticked, in slide order.
        title, subtitle, note: deck title, filter description, source note (on every slide).
        render_image: figure -> PNG bytes (Kaleido). Without it, image-only charts get a slide that says
            the picture could not be rendered, so the pack still opens and keeps its order.
        colors: actor (and source) colours, so native charts use the dashboard's colours.
        today: the export date printed on the title slide (default: today).
    """
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    total = len(charts) + 1
    _title_slide(prs, title, subtitle, note, len(charts), today or dt.date.today())
    for number, chart in enumerate(charts, start=2):
        sub = subtitle if chart.subtitle is None else chart.subtitle
        slide = _chart_slide(prs, chart.title, sub, note, f"{number} / {total}")
        if chart.kind in NATIVE and chart.data is not None and not chart.data.empty:
            _native_chart(slide, chart, colors or {})
        elif render_image is not None:
            _picture(slide, render_image(chart.figure))
        else:
            _text(
                slide,
                "Image export needs Chromium on the server; use the dashboard's download instead.",
                (Inches(0.6), Inches(3), Inches(12), Inches(1)),
                20,
            )
        slide.notes_slide.notes_text_frame.text = _notes(chart)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def _title_slide(prs: Presentation, title: str, subtitle: str, note: str, n: int, day: dt.date) -> None:
    """The deck's title and filters in the layout's placeholders (PowerPoint's outline reads them)."""
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_LAYOUT])
    slide.shapes.title.text = title
    _style(slide.shapes.title.text_frame, 40, bold=True)
    sub = slide.placeholders[1]
    sub.text = subtitle or "All articles"
    _style(sub.text_frame, 20, color=style.MUTED_COLOR)
    when = f"{day.day} {day:%B %Y}"
    line = f"Exported {when} · {n} chart{'s' if n != 1 else ''} · {note}"
    _text(slide, line, (Inches(0.8), Inches(6.6), Inches(11.7), Inches(0.5)), 14, color=style.MUTED_COLOR)


def _chart_slide(prs: Presentation, title: str, subtitle: str, note: str, number: str):
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY_LAYOUT])
    head = slide.shapes.title
    head.left, head.top, head.width, head.height = Inches(0.5), Inches(0.25), Inches(12.3), Inches(0.75)
    head.text = title
    _style(head.text_frame, 28, bold=True, left=True)
    _text(
        slide, subtitle, (Inches(0.5), Inches(0.95), Inches(12.3), Inches(0.45)), 14, color=style.MUTED_COLOR
    )
    _text(slide, note, (Inches(0.5), Inches(6.95), Inches(11.0), Inches(0.4)), 12, color=style.MUTED_COLOR)
    _text(slide, number, (Inches(11.6), Inches(6.95), Inches(1.2), Inches(0.4)), 12, color=style.MUTED_COLOR)
    return slide


def _style(
    frame, size: int, *, bold: bool = False, color: str = style.TEXT_COLOR, left: bool = False
) -> None:
    from pptx.enum.text import PP_ALIGN

    frame.word_wrap = True
    for paragraph in frame.paragraphs:
        if left:
            paragraph.alignment = PP_ALIGN.LEFT
        for run in paragraph.runs:
            run.font.size, run.font.bold = Pt(size), bold
            run.font.color.rgb = _rgb(color)


def _text(slide, text: str, box: tuple, size: int, *, color: str = style.TEXT_COLOR) -> None:
    frame = slide.shapes.add_textbox(*box).text_frame
    frame.text = text
    _style(frame, size, color=color)


def _picture(slide, png: bytes) -> None:
    # 16:9 picture in the band between the subtitle and the source note.
    height = Inches(5.4)
    width = Emu(int(height * 16 / 9))
    left = Emu(int((SLIDE_W - width) / 2))
    slide.shapes.add_picture(io.BytesIO(png), left, Inches(1.45), width, height)


def slide_frame(chart: BriefingChart) -> pd.DataFrame:
    """What the native chart draws: the `MAX_BARS` largest bar categories, the `MAX_SLIDE_SERIES`
    largest series (the rest summed as "Other"), time categories as dates."""
    df, cat, val, ser = chart.data, chart.category, chart.value, chart.series
    if chart.kind == "bar":
        top = df.groupby(cat)[val].sum().nlargest(MAX_BARS).index
        df = df[df[cat].isin(top)]
    if ser is not None:
        names = df[ser].astype("string").fillna("").str.strip()
        df = df.assign(**{ser: names.where(names != "", "(unknown)")})
    if ser is not None and df[ser].nunique() > MAX_SLIDE_SERIES:
        totals = df.groupby(ser)[val].sum().sort_values(ascending=False, kind="stable")
        if chart.kind == "line":  # lines of a stance or a count: the largest drawn, none summed
            df = df[df[ser].isin(set(totals.index[:MAX_SLIDE_SERIES]))]
        else:
            keep = set(totals.index[: MAX_SLIDE_SERIES - 1])
            df = df.assign(**{ser: df[ser].where(df[ser].isin(keep), "Other")})
            df = df.groupby([cat, ser], as_index=False, sort=False)[val].sum()
    if chart.time:  # "2025", "2025-11" and "2025-11-20" alike (a partial date is its period's start)
        days = pd.to_datetime(df[cat].astype(str).str.slice(0, 10), errors="coerce", format="ISO8601")
        df = df.assign(**{cat: days})[days.notna().to_numpy()]
    return df


def chart_data(
    df: pd.DataFrame, *, category: str, value: str, series: str | None, by_total: bool = True
) -> CategoryChartData:
    """Pivot a tidy frame into PowerPoint chart data, one series per `series` value ("Other" last).

    Categories come in order of total (`by_total`, for rankings) or in their sorted order (dates);
    datetime categories become dates, which PowerPoint draws on a date axis.
    """
    totals = df.groupby(category)[value].sum()
    totals = totals.sort_values(ascending=False) if by_total else totals.sort_index()
    data = CategoryChartData(number_format="0" if by_total else "General")
    data.categories = [c.date() if isinstance(c, pd.Timestamp) else str(c) for c in totals.index]
    if series is None:
        data.add_series(value, [float(totals[c]) for c in totals.index])
        return data
    wide = df.pivot_table(index=category, columns=series, values=value, aggfunc="sum", fill_value=0)
    wide = wide.reindex(totals.index)
    sums = wide.sum().sort_values(ascending=False, kind="stable")
    names = [n for n in sums.index if n != "Other"] + [n for n in sums.index if n == "Other"]
    for name in names:
        data.add_series(str(name), [None if pd.isna(v) else float(v) for v in wide[name]])
    return data


def _native_chart(slide, chart: BriefingChart, colors: dict[str, str]) -> None:
    df = slide_frame(chart)
    data = chart_data(
        df, category=chart.category, value=chart.value, series=chart.series, by_total=not chart.time
    )
    if chart.time:
        data.categories.date_format = "d mmm yyyy"
    frame = slide.shapes.add_chart(
        NATIVE[chart.kind], Inches(0.5), Inches(1.45), Inches(12.3), Inches(5.4), data
    )
    pchart = frame.chart
    pchart.font.size = Pt(12)
    pchart.has_legend = chart.series is not None
    if pchart.has_legend:
        pchart.legend.position, pchart.legend.include_in_layout = XL_LEGEND_POSITION.RIGHT, False
    if chart.kind != "line":
        pchart.plots[0].gap_width = 40
    else:
        _span_gaps(pchart)
    if chart.kind == "bar":
        pchart.category_axis.reverse_order = True  # largest on top, as on screen
    _axis_titles(pchart, chart)
    names = [s.name for s in pchart.plots[0].series]
    shades = style.distinct(names, colors) if chart.series else {}
    for plot_series in pchart.plots[0].series:
        fill = shades.get(plot_series.name, style.PALETTE[0])
        if chart.kind != "line":
            plot_series.format.fill.solid()
            plot_series.format.fill.fore_color.rgb = _rgb(fill)
        else:
            plot_series.format.line.color.rgb = _rgb(fill)
            plot_series.marker.format.fill.solid()
            plot_series.marker.format.fill.fore_color.rgb = _rgb(fill)


def _span_gaps(pchart) -> None:
    """Lines run from one dated point to the next across the dates a series has no value (as on screen)."""
    from pptx.oxml.ns import qn

    chart = pchart._chartSpace.find(qn("c:chart"))
    blanks = chart.find(qn("c:dispBlanksAs"))
    if blanks is None:
        blanks = chart.makeelement(qn("c:dispBlanksAs"), {})
        plot_vis = chart.find(qn("c:plotVisOnly"))
        (plot_vis.addnext if plot_vis is not None else chart.append)(blanks)
    blanks.set("val", "span")


def _axis_titles(pchart, chart: BriefingChart) -> None:
    """The on-screen axis titles on the native chart, and a fixed value range where the chart has one."""
    for axis, text in ((pchart.value_axis, chart.value_title), (pchart.category_axis, chart.category_title)):
        if text:
            axis.has_title = True
            axis.axis_title.text_frame.text = text
            _style(axis.axis_title.text_frame, 12, color=style.MUTED_COLOR)
    if chart.value_range is not None:
        pchart.value_axis.minimum_scale, pchart.value_axis.maximum_scale = chart.value_range
        pchart.value_axis.major_unit = (chart.value_range[1] - chart.value_range[0]) / 2


def _notes(chart: BriefingChart) -> str:
    """Key evidence quotes; a chart without quotes (counts, networks) gets what its data says instead."""
    quotes = [q.strip() for q in chart.quotes if q and q.strip()][:MAX_QUOTES]
    if quotes:
        return "Key evidence:\n" + "\n".join(f"- {q}" for q in quotes)
    summary = _data_summary(chart)
    return f"{chart.title}.\n{summary}" if summary else f"{chart.title}."


def _data_summary(chart: BriefingChart) -> str:
    """The largest values behind the chart, in words: 'Largest: Aldora 12, Belmark 9, …'."""
    df = chart.data
    if df is None or df.empty or chart.value not in df or chart.category not in df or chart.time:
        key = chart.series if chart.time and chart.series in (df if df is not None else {}) else None
        if key is None:
            return ""
        totals = df.groupby(key)[chart.value].sum()
    else:
        totals = df.groupby(chart.category)[chart.value].sum()
    top = totals.sort_values(ascending=False, kind="stable").head(5)
    return "Largest: " + ", ".join(f"{name} {value:g}" for name, value in top.items())


def _rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#").upper())
