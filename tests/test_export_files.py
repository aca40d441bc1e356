"""The exported files opened as a briefer's tools would open them: the PowerPoint pack (python-pptx),
the SVG and PDF (text and metadata), the CSV behind each chart, the Excel workbook (openpyxl).

The charts come from two real builds (the seeds and the development set) through the same catalogue the
pages and the briefing page use. Needs Chromium for the pictures (as tests/test_export.py).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from pptx import Presentation
from pypdf import PdfReader

from analysis.query.filters import Filters
from dashboard import briefing, charts, downloads, export, state, style

ROOT = Path(__file__).resolve().parents[1]
DAY = dt.date(2026, 3, 4)
TIME_CHARTS = {"actors_time", "positions_time", "coverage"}


def _build(corpus: Path, out: Path) -> str:
    cmd = [sys.executable, "-m", "analysis", "build", str(corpus), "--out", str(out), "--quiet"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return str(out)


def context(folder: str, f: Filters | None = None) -> state.Context:
    """What `state.context()` builds for a page, for the data in `folder` and the filters `f`."""
    return state.build_context(folder, (0.0, 0.0), f or Filters())


@pytest.fixture(scope="module")
def devset(tmp_path_factory) -> str:
    return _build(ROOT / "tests" / "devset", tmp_path_factory.mktemp("devset"))


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> str:
    return _build(ROOT / "seeds", tmp_path_factory.mktemp("seeds"))


@pytest.fixture(scope="module")
def kaleido_ready():
    assert export.chromium_path() is not None, "Chromium is required for server-side export"
    assert export.ensure_server(), export.last_error()


def _ids(ctx: state.Context) -> list[str]:
    """The topic ids that differ from their label (an id on a slide is a leak)."""
    return [t for t, label in ctx.labels.items() if t != label]


@pytest.fixture(scope="module")
def pack(devset, kaleido_ready):
    """Every catalogue chart in one pack, filtered to two topics (so the subtitle names topics)."""
    ctx = context(devset)
    two = tuple(sorted(ctx.labels)[:2])
    ctx = context(devset, Filters(topics=two))
    built = [fn(ctx) for _, fn in charts.CATALOG.values()]
    for chart in built:
        chart.figure = style.for_slide(chart.figure)
    data = briefing.build_pack(
        built,
        title="Weekly brief",
        subtitle=ctx.subtitle,
        note=ctx.note,
        render_image=lambda fig: export.render(fig, "png"),
        colors=charts.chart_colors(ctx),
        today=DAY,
    )
    return ctx, built, Presentation(io.BytesIO(data))


def _all_text(prs, *, notes: bool = True) -> list[str]:
    out = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out.append(shape.text_frame.text)
            if shape.has_chart:
                plot = shape.chart.plots[0]
                out += [str(c) for c in plot.categories] + [s.name for s in plot.series]
        if notes:
            out.append(slide.notes_slide.notes_text_frame.text)
    return out


def test_every_slide_title_is_in_its_title_placeholder(pack):
    ctx, built, prs = pack
    slides = list(prs.slides)
    assert len(slides) == len(built) + 1
    assert slides[0].shapes.title.text == "Weekly brief"
    for slide, chart in zip(slides[1:], built, strict=True):
        assert slide.shapes.title is not None and slide.shapes.title.is_placeholder
        assert slide.shapes.title.text == chart.title


def test_the_title_slide_has_the_export_date_and_every_slide_its_number(pack):
    _, built, prs = pack
    slides = list(prs.slides)
    first = " ".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)
    assert "4 March 2026" in first
    for number, slide in enumerate(slides[1:], start=2):
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert f"{number} / {len(built) + 1}" in texts


def test_no_topic_id_in_any_text_of_the_pack(pack):
    ctx, _, prs = pack
    text = "\n".join(_all_text(prs, notes=False))
    leaks = [t for t in _ids(ctx) if re.search(rf"\b{re.escape(t)}\b", text)]
    assert not leaks, leaks
    # the notes quote articles, whose words may be a one-word id ("ceasefire"): ids like "peace_plan" never
    notes = "\n".join(s.notes_slide.notes_text_frame.text for s in prs.slides)
    assert not [t for t in _ids(ctx) if "_" in t and t in notes]
    for topic in ctx.filters.topics:  # the subtitle names the filtered topics by their labels
        assert ctx.labels[topic] in text


def test_time_charts_sit_on_date_axes_with_axis_titles(pack):
    _, built, prs = pack
    for slide, chart in zip(list(prs.slides)[1:], built, strict=True):
        native = [s.chart for s in slide.shapes if s.has_chart]
        if chart.key in TIME_CHARTS and native:
            xml = native[0]._chartSpace.xml
            assert "<c:dateAx>" in xml, chart.key
            assert native[0].value_axis.has_title and native[0].value_axis.axis_title.text_frame.text
        elif native:
            assert "<c:dateAx>" not in native[0]._chartSpace.xml


def test_series_of_one_chart_never_share_a_colour(pack):
    _, built, prs = pack
    for slide in list(prs.slides)[1:]:
        for shape in (s for s in slide.shapes if s.has_chart):
            plot = shape.chart.plots[0]
            if len(plot.series) < 2:
                continue
            shades = [
                str(s.format.line.color.rgb)
                if shape.chart.chart_type == 65
                else str(s.format.fill.fore_color.rgb)
                for s in plot.series
            ]  # 65: LINE_MARKERS
            assert len(set(shades)) == len(shades), (slide.shapes.title.text, shades)


def test_the_by_source_chart_shows_the_top_sources_and_other(pack):
    _, built, prs = pack
    slide = list(prs.slides)[1 + list(charts.CATALOG).index("mentions")]
    plot = next(s.chart for s in slide.shapes if s.has_chart).plots[0]
    names = [s.name for s in plot.series]
    data = built[0].data
    bars = data.groupby("actor")["n"].sum().nlargest(briefing.MAX_BARS).index
    sources = data.loc[data["actor"].isin(bars), "source"].nunique()
    assert len(names) == min(sources, briefing.MAX_SLIDE_SERIES)
    if sources > briefing.MAX_SLIDE_SERIES:
        assert names[-1] == "Other"


def test_a_slide_sums_the_smaller_sources_as_other():
    rows = [("A", f"outlet {i}", i + 1) for i in range(10)] + [("B", "outlet 9", 4)]
    data = pd.DataFrame(rows, columns=["actor", "source", "n"])
    chart = briefing.BriefingChart("m", "M", None, kind="bar", data=data, series="source")
    shown = briefing.slide_frame(chart)
    assert shown["source"].nunique() == briefing.MAX_SLIDE_SERIES
    assert shown["n"].sum() == data["n"].sum()  # nothing lost: the rest is "Other"
    other = shown.loc[shown["source"] == "Other", "n"].sum()
    assert other == sum(range(1, 6))  # outlets 0-4 (n 1-5) are the smallest


def test_positions_over_time_names_its_topic_and_notes_quote_the_evidence(pack):
    ctx, built, prs = pack
    chart = built[list(charts.CATALOG).index("positions_time")]
    topic = charts.busiest_topic(ctx)
    assert topic is not None and chart.title.endswith(ctx.labels[topic])
    for slide in list(prs.slides)[1:]:
        assert "no evidence" not in slide.notes_slide.notes_text_frame.text


def test_svg_and_pdf_carry_labels_and_the_chart_title(devset, kaleido_ready):
    ctx = context(devset)
    chart = charts.topics(ctx)
    svg = export.export(chart.figure, "svg", title="Topics this week", subtitle="", note=ctx.note, slug="t")
    text = svg.data.decode("utf-8")
    assert "<title>Topics this week</title>" in text
    drawn = chart.data.groupby("label")["n"].sum().idxmax()
    assert drawn in text.replace("&#39;", "'").replace("&amp;", "&")
    assert not [t for t in _ids(ctx) if re.search(rf">{re.escape(t)}<", text)]
    pdf = export.export(
        chart.figure, "pdf", title="Topics this week", subtitle="All", note=ctx.note, slug="t"
    )
    reader = PdfReader(io.BytesIO(pdf.data))
    assert reader.metadata.title == "Topics this week"
    assert "Kaleido" not in str(reader.metadata.title)


def test_the_csv_of_a_chart_is_the_data_it_draws(devset):
    ctx = context(devset)
    chart = charts.mentions(ctx, stack=None, quotes=False)
    back = pd.read_csv(
        io.BytesIO(downloads.csv(downloads.labelled(chart.data, ctx.labels))), encoding="utf-8-sig"
    )
    assert list(back.columns) == list(chart.data.columns)
    assert back["n"].tolist() == chart.data["n"].tolist()
    assert back["actor"].tolist() == chart.data["actor"].astype(str).tolist()
    bars = chart.figure.data[0]
    drawn = dict(zip(bars.customdata, bars.x, strict=True))
    assert drawn == {a: n for a, n in zip(back["actor"], back["n"], strict=True) if a in drawn}


def test_a_topic_chart_csv_has_labels_not_ids(devset):
    ctx = context(devset)
    table = downloads.labelled(charts.topics(ctx).data, ctx.labels)
    assert set(table["topic"]) <= set(ctx.labels.values())
    assert "label" not in table


def test_the_workbook_opens_with_the_filters_and_real_dates(devset):
    ctx = context(devset)
    frames = {name: downloads.table(ctx, name) for name in ("articles", "statements")}
    data = downloads.excel(frames, filters=ctx.subtitle, note=ctx.note, today=DAY)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["About", "articles", "statements"]
    about = {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True) if r and r[0]}
    assert about["Filters"] == "All articles" and about["Source"] == ctx.note
    statements = wb["statements"]
    header = [c.value for c in statements[1]]
    assert {"title", "source", "published", "url"} <= set(header)
    assert statements.freeze_panes == "A2" and statements.auto_filter.ref.startswith("A1:")
    assert all(c.font.b for c in statements[1])
    published = header.index("published") + 1
    cells = [statements.cell(row=r, column=published) for r in range(2, statements.max_row + 1)]
    raw = frames["statements"]["published"].tolist()
    full = [c for c, v in zip(cells, raw, strict=True) if isinstance(v, str) and len(v) == 10]
    assert full and all(c.is_date for c in full)
    partial = [(c, v) for c, v in zip(cells, raw, strict=True) if isinstance(v, str) and 4 <= len(v) < 10]
    assert all(c.value == v for c, v in partial)  # "2025-11" is not a day: it stays text
    assert statements.max_row - 1 == len(frames["statements"])


def test_an_actor_keeps_its_colour_on_another_corpus(devset, seeds):
    one, other = context(devset), context(seeds)
    shared = set(one.colors) & set(other.colors)
    assert shared, "the two corpora should share actors"
    assert {a: one.colors[a] for a in shared} == {a: other.colors[a] for a in shared}
    assert list(state.catalog(devset, (0.0, 0.0)).actors) != list(
        state.catalog(seeds, (0.0, 0.0)).actors
    )  # ranked differently, coloured alike
    for ctx in (one, other):  # the chart's biggest actor always shows its own colour
        bars = charts.mentions(ctx, stack=None, quotes=False).figure.data[0]
        top = bars.customdata[list(bars.x).index(max(bars.x))]
        assert bars.marker.color[list(bars.customdata).index(top)] == style.color_for(top)


def test_no_two_affiliations_of_a_chart_share_a_colour(devset):
    fig = charts.mentions(context(devset), stack="affiliation", quotes=False).figure
    shades = [t.marker.color for t in fig.data]
    assert len(set(shades)) == len(shades)


def test_a_source_keeps_its_colour_across_the_charts_of_a_page(devset):
    ctx = context(devset)
    coverage = {t.name: t.marker.color for t in charts.coverage(ctx).figure.data}
    topics = {t.name: t.marker.color for t in charts.topics(ctx).figure.data}
    by_source = {t.name: t.marker.color for t in charts.mentions(ctx, quotes=False).figure.data}
    shared = set(coverage) & set(topics) & set(by_source)
    assert len(shared) >= 3
    assert (
        {s: coverage[s] for s in shared}
        == {s: topics[s] for s in shared}
        == {s: by_source[s] for s in shared}
    )
    for chart in (coverage, topics, by_source):
        assert len(set(chart.values())) == len(chart)  # and none shared inside a chart


def test_a_time_slide_reads_partial_dates_and_never_sums_lines_as_other():
    rows = [(f"actor {i}", day, 1 + i) for i in range(9) for day in ("2025", "2025-11", "2025-11-20")]
    data = pd.DataFrame(rows, columns=["actor", "date", "n"])
    chart = briefing.BriefingChart(
        "t", "T", None, kind="line", data=data, category="date", series="actor", time=True
    )
    shown = briefing.slide_frame(chart)
    assert sorted(shown["date"].dt.strftime("%Y-%m-%d").unique()) == [
        "2025-01-01",
        "2025-11-01",
        "2025-11-20",
    ]
    assert "Other" not in set(shown["actor"])
    assert set(shown["actor"]) == {f"actor {i}" for i in range(9 - briefing.MAX_SLIDE_SERIES, 9)}
