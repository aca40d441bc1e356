"""Figure functions: assertions on `fig.data` / `fig.layout`, never on pixels."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import figures, style


def _texts(fig: go.Figure) -> str:
    return " ".join(a.text or "" for a in fig.layout.annotations)


@pytest.mark.parametrize(
    ("func", "kwargs"),
    [
        (figures.bar_chart, {"category": "actor"}),
        (figures.position_heatmap, {}),
        (figures.lines_over_time, {}),
        (figures.coverage_chart, {}),
        (figures.event_timeline, {}),
    ],
)
def test_empty_frames_give_an_explained_empty_figure(func, kwargs):
    fig = func(pd.DataFrame(), **kwargs)
    assert len(fig.data) == 0
    assert "for these filters" in _texts(fig)


def test_empty_network():
    fig = figures.network(pd.DataFrame(), pd.DataFrame())
    assert len(fig.data) == 0 and "No links" in _texts(fig)


def test_bar_chart_orders_by_total_and_colours_by_actor():
    df = pd.DataFrame({"actor": ["Aldora", "Belmark", "Corvia"], "n": [2, 9, 5]})
    colors = style.actor_colors(["Corvia", "Aldora", "Belmark"])
    fig = figures.bar_chart(df, category="actor", colors=colors)
    assert list(fig.layout.yaxis.categoryarray) == ["Aldora", "Corvia", "Belmark"]  # largest on top
    bar = fig.data[0]
    assert dict(zip(bar.y, bar.marker.color, strict=True)) == {
        a: colors[a] for a in ("Aldora", "Belmark", "Corvia")
    }
    assert list(bar.customdata) == list(bar.y)


def test_bar_chart_stacks_one_trace_per_stack_value():
    df = pd.DataFrame({"actor": ["A", "A", "B"], "source": ["X", "Y", "X"], "n": [1, 3, 2]})
    fig = figures.bar_chart(df, category="actor", stack="source")
    assert fig.layout.barmode == "stack"
    assert {t.name for t in fig.data} == {"X", "Y"}
    assert sum(sum(t.x) for t in fig.data) == 6


def test_bar_chart_keeps_the_top_categories_only():
    df = pd.DataFrame({"actor": [f"a{i}" for i in range(40)], "n": range(40)})
    fig = figures.bar_chart(df, category="actor", top=10)
    assert len(fig.data[0].y) == 10 and "a39" in fig.data[0].y and "a0" not in fig.data[0].y


def test_bar_chart_does_not_mutate_its_input():
    df = pd.DataFrame({"actor": ["A", "B"], "n": [1, 2]})
    before = df.copy()
    figures.bar_chart(df, category="actor")
    pd.testing.assert_frame_equal(df, before)


MATRIX = pd.DataFrame(
    {
        "actor": ["Aldora", "Aldora", "Belmark"],
        "topic": ["ceasefire", "sanctions", "ceasefire"],
        "support": [3, 0, 0],
        "oppose": [1, 2, 1],
        "neutral": [0, 0, 4],
        "net": [0.5, -1.0, -0.2],
        "n_sources": [2, 1, 1],
    }
)


def test_heatmap_is_diverging_and_centred_on_neutral():
    fig = figures.position_heatmap(MATRIX, labels={"ceasefire": "Ceasefire"})
    heat = fig.data[0]
    assert heat.type == "heatmap" and heat.zmid == 0 and (heat.zmin, heat.zmax) == (-1, 1)
    assert list(heat.x) == ["Ceasefire", "sanctions"]
    z = dict(zip(heat.y, heat.z, strict=True))
    assert z["Aldora"][0] == 0.5 and z["Aldora"][1] == -1.0
    assert z["Belmark"][1] is None  # no statement: no colour, not "neutral"


def test_heatmap_hover_shows_counts_and_sources():
    fig = figures.position_heatmap(MATRIX)
    cells = fig.data[1]
    hover = {tuple(k): t for k, t in zip(cells.customdata, cells.text, strict=True)}
    assert "support 3" in hover[("Aldora", "ceasefire")] and "oppose 1" in hover[("Aldora", "ceasefire")]
    assert "2 sources" in hover[("Aldora", "ceasefire")]
    assert fig.data[0].hoverinfo == "skip"  # the heatmap itself must not swallow the clicks


def test_heatmap_cells_show_support_and_oppose_counts():
    fig = figures.position_heatmap(MATRIX)
    written = fig.data[2]
    labels = {(y, x): t for x, y, t in zip(written.x, written.y, written.text, strict=True)}
    topics = list(fig.data[0].x)
    assert [labels.get(("Aldora", t), "") for t in topics] == ["+3 −1", "+0 −2"]
    assert [labels.get(("Belmark", t), "") for t in topics] == ["+0 −1", ""]


def test_heatmap_cell_labels_keep_wcag_contrast_and_the_notation_is_explained():
    fig = figures.position_heatmap(MATRIX)
    heat, written = fig.data[0], fig.data[2]
    at = {(y, x): v for y, row in zip(heat.y, heat.z, strict=True) for x, v in zip(heat.x, row, strict=True)}
    for x, y, color in zip(written.x, written.y, written.textfont.color, strict=True):
        cell = style.scale_color(style.DIVERGING, at[(y, x)])
        assert style.contrast(color, cell) >= 4.5, (x, y, color, cell)
    notes = " ".join(a.text for a in fig.layout.annotations)
    assert "+support −oppose" in notes and "○n" in notes


def test_a_balanced_cell_is_not_drawn_like_an_empty_one():
    balanced = style.scale_color(style.DIVERGING, 0.0)  # "+1 −1": net 0
    assert style.contrast(balanced, "#FFFFFF") > 1.3  # an empty cell shows the white background


def test_wcag_text_colour_reaches_4_5_on_every_shade_of_the_scale():
    for step in range(-20, 21):
        shade = style.scale_color(style.DIVERGING, step / 20)
        assert style.contrast(style.text_on(shade), shade) >= 4.5, shade


def test_heatmap_cells_are_clickable_with_actor_and_topic():
    fig = figures.position_heatmap(MATRIX)
    cells = fig.data[1]
    assert cells.type == "scatter" and cells.marker.opacity == 0
    assert sorted(map(tuple, cells.customdata)) == sorted(zip(MATRIX["actor"], MATRIX["topic"], strict=True))
    assert fig.layout.clickmode == "event+select"


def test_hover_text_escapes_markup_from_articles():
    evil = '<a href="javascript:alert(1)">click</a> <img src=x onerror=alert(1)>'
    out = figures.hover_text(evil)
    assert "<a" not in out and "<img" not in out and "&lt;a href" in out


def test_event_timeline_one_row_per_actor_and_hollow_background():
    events = pd.DataFrame(
        {
            "event_id": ["e1", "e2"],
            "date": ["2025-03-02", "2014"],
            "actors": ["Aldora; Belmark", "Corvia"],
            "topics": ["ceasefire", "territory"],
            "evidence": ["<b>x</b> talks", "seized in 2014"],
            "background": [False, True],
        }
    )
    colors = {"Aldora": "#111111", "Belmark": "#222222", "Corvia": "#333333"}
    fig = figures.event_timeline(events, colors=colors, whole=True)
    trace = fig.data[0]
    points = list(
        zip(trace.y, trace.x, trace.customdata, trace.marker.symbol, trace.marker.color, strict=True)
    )
    assert sorted(points) == [
        ("Aldora", "2025-03-02", "e1", "circle", "#111111"),
        ("Belmark", "2025-03-02", "e1", "circle", "#222222"),
    ]
    assert all("&lt;b&gt;x" in t for t in trace.text)
    year = fig.data[1]  # a year is drawn as the year, lighter for background history
    assert list(year.x) == ["2014-01-01", "2014-12-31", None] and year.y[0] == "Corvia"
    assert year.line.color == "#333333" and year.opacity < 0.5
    assert "· 2014 (background)<br>" in year.text[0]  # hover shows the date as written
    # the default axis opens on the current events; the history is named above the plot
    opening = figures.event_timeline(events, colors=colors)
    assert pd.Timestamp(opening.layout.xaxis.range[0]) > pd.Timestamp("2025-01-01")
    assert "1 event before 2 Mar 2025 not shown (1 background history)" in opening.layout.annotations[0].text


def test_event_timeline_keeps_the_busiest_rows():
    events = pd.DataFrame(
        {
            "event_id": [f"e{i}" for i in range(40)],
            "date": ["2025-01-01"] * 40,
            "actors": [f"actor{i:02d}" for i in range(40)],
            "evidence": ["x"] * 40,
        }
    )
    events.loc[0:4, "actors"] = "busy"
    trace = figures.event_timeline(events).data[0]
    assert len(set(trace.y)) == figures.MAX_TIMELINE_ROWS and "busy" in set(trace.y)


def test_stacks_beyond_the_top_become_other():
    df = pd.DataFrame({"actor": ["A"] * 12, "source": [f"s{i}" for i in range(12)], "n": range(1, 13)})
    fig = figures.bar_chart(df, category="actor", stack="source")
    names = [t.name for t in fig.data]
    assert len(names) == figures.MAX_SERIES + 1 and "Other" in names and "s11" in names and "s0" not in names
    assert next(t for t in fig.data if t.name == "Other").marker.color == style.OTHER  # grey, not a source
    assert sum(sum(t.x) for t in fig.data) == sum(range(1, 13))


def test_unknown_source_is_grey_unless_it_is_the_only_one():
    df = pd.DataFrame({"actor": ["A", "A", "B"], "source": ["", "X", ""], "n": [1, 2, 3]})
    fig = figures.bar_chart(df, category="actor", stack="source")
    assert {t.name: t.marker.color for t in fig.data}["(unknown)"] == "#DDDDDD"
    alone = figures.bar_chart(df.assign(source=""), category="actor", stack="source")
    assert alone.data[0].marker.color in style.SERIES_PALETTE  # not grey: a grey chart says nothing


def test_coverage_bars_are_a_day_wide_and_padded():
    df = pd.DataFrame({"period": pd.to_datetime(["2025-03-02"]), "source": [""], "articles": [2]})
    fig = figures.coverage_chart(df, date="period", value="articles", stack="source")
    assert fig.data[0].name == "(unknown)" and fig.data[0].width == 86_400_000 * 0.8
    lo, hi = fig.layout.xaxis.range
    assert pd.Timestamp(hi) - pd.Timestamp(lo) == pd.Timedelta(days=6)


def test_lines_over_time_top_series_with_actor_colours():
    df = pd.DataFrame(
        {
            "date": ["2025-03-01", "2025-03-02"] * 3,
            "actor": ["A", "A", "B", "B", "C", "C"],
            "n": [5, 4, 1, 1, 3, 3],
        }
    )
    colors = {"A": "#111111", "B": "#222222", "C": "#333333"}
    fig = figures.lines_over_time(df, colors=colors, top=2)
    assert [t.name for t in fig.data] == ["A", "C"]
    assert fig.data[1].line.color == "#333333"


def test_network_edges_scale_with_weight_and_kind_colours():
    nodes = pd.DataFrame({"actor": ["A", "B", "C"], "n": [5, 3, 1]})
    edges = pd.DataFrame({"actor_a": ["A", "A"], "actor_b": ["B", "C"], "n": [4, 1], "net": [1.0, -0.5]})
    fig = figures.network(nodes, edges, source="actor_a", target="actor_b", sign="net")
    lines = {t.line.color: t for t in fig.data if t.mode == "lines"}
    assert len(lines) == 2
    heavy, light = lines[style.STANCE_COLORS["support"]], lines[style.STANCE_COLORS["oppose"]]
    assert heavy.line.width > light.line.width and heavy.opacity > light.opacity
    assert [t.line.color for t in fig.data[:2]] == [light.line.color, heavy.line.color]  # heavy on top
    assert list(fig.data[-1].customdata) == ["A", "B", "C"]


def test_dense_network_of_heavy_links_still_tells_them_apart():
    """Links weighing 90 to 100 are not all drawn near full width (scaled from zero they would be)."""
    names = [f"N{i}" for i in range(12)]
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    edges = pd.DataFrame(
        {
            "actor_a": [a for a, _ in pairs],
            "actor_b": [b for _, b in pairs],
            "n": [90 + i % 11 for i in range(len(pairs))],
        }  # fmt: skip
    )
    fig = figures.network(None, edges, source="actor_a", target="actor_b")
    widths = [t.line.width for t in fig.data if t.mode == "lines"]
    assert min(widths) == 1 and max(widths) == 6 and len(set(widths)) == 8


def test_network_without_nodes_sizes_ends_by_weight():
    edges = pd.DataFrame({"actor_a": ["A", "B"], "actor_b": ["B", "C"], "n": [3, 1]})
    fig = figures.network(None, edges, source="actor_a", target="actor_b")
    assert list(fig.data[-1].customdata) == ["B", "A", "C"]  # B: 4, A: 3, C: 1


def test_actor_colours_do_not_depend_on_rank():
    ranked = [f"actor{i}" for i in range(20)]
    colors = style.actor_colors(ranked)
    assert style.actor_colors(ranked[::-1]) == colors  # another corpus ranks them otherwise
    assert style.actor_colors(ranked[5:8]) == {a: colors[a] for a in ranked[5:8]}  # a filter never recolours
    assert set(colors.values()) <= set(style.PALETTE)


def test_source_note():
    assert (
        style.source_note(1, 1, "2025-03-01", "2025-03-01") == "1 article from 1 source, 2025-03-01 · Parley"
    )
    assert style.source_note(0, 0, None, None) == "0 articles (sources unknown) · Parley"
    assert style.source_note(5, 2, None, None) == "5 articles from 2 sources · Parley"


def test_presentation_adds_title_subtitle_note_and_escapes_them():
    fig = figures.bar_chart(pd.DataFrame({"actor": ["A"], "n": [1]}), category="actor")
    out = style.presentation(fig, title="Who <script>", subtitle="Actors: A", note="1 article · Parley")
    assert "Who &lt;script&gt;" in out.layout.title.text and "Actors: A" in out.layout.title.text
    assert "1 article · Parley" in _texts(out)
    assert fig.layout.title.text != out.layout.title.text  # the on-screen figure is untouched


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [("2025-01-01", "2025-12-31", 364), ("2025-03", "2025-03-05", 4), (None, None, 0), ("", "2025-01-02", 0)],
)
def test_coverage_switches_to_weeks_over_long_spans(start, end, days):
    from types import SimpleNamespace

    from dashboard import charts

    ctx = SimpleNamespace(summary={"start": start, "end": end})
    assert charts._span_days(ctx) == days
    assert (charts._span_days(ctx) > charts.DAILY_UP_TO) == (days == 364)


def test_figures_draw_only_trace_types_the_template_styles():
    """The template keeps the defaults of `style.DRAWN_TYPES` only: a figure of another type would lose
    its plotly_white look."""
    from dashboard import style

    df = pd.DataFrame({"actor": ["A", "B"], "topic": ["t", "t"], "net": [0.5, -1.0], "n": [2, 3]})
    drawn = [
        figures.bar_chart(df, category="actor"),
        figures.position_heatmap(df),
        figures.lines_over_time(df.assign(date=["2025-01-01", "2025-01-02"]), series="actor"),
        figures.coverage_chart(df.assign(date=["2025-01-01", "2025-01-02"]), stack="actor"),
    ]
    for fig in drawn:
        assert {trace.type for trace in fig.data} <= set(style.DRAWN_TYPES)
        assert set(fig.layout.template.data.to_plotly_json()) == set(style.DRAWN_TYPES)


def test_a_bar_chart_names_every_category_and_leaves_room_for_its_legend():
    df = pd.DataFrame({"actor": [f"a{i}" for i in range(20)], "source": ["X", "Y"] * 10, "n": range(1, 21)})
    fig = figures.bar_chart(df, category="actor", stack="source")
    assert sorted(fig.layout.yaxis.tickvals) == sorted(df["actor"])
    alone = figures.bar_chart(df, category="actor")
    assert fig.layout.height > alone.layout.height


def test_heatmap_hover_says_when_no_source_is_named():
    from dashboard.figures_positions import _source_notes

    notes = _source_notes(pd.DataFrame({"n_sources": [0, 1, 3]}))
    assert notes == ["no source named", "1 source", "3 sources"]
