"""Figure functions: a tidy DataFrame in, a `go.Figure` out.

They never call `st.*`, never write files and never mutate their input. Every function returns a figure
with a clear empty state ("No … for these filters") when its frame is empty, so a page never needs a
special case. Text that ends up in hover labels is escaped, because it comes from untrusted articles.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from dashboard import style, time_axis
from dashboard.figure_base import (  # noqa: F401 - re-exported: pages and tests use `figures.*`
    MAX_SERIES,
    OTHER,
    UNKNOWN,
    empty_figure,
    hover_text,
    make_figure,
    plain,
    top_groups,
)
from dashboard.figure_base import order_by_total as _order
from dashboard.figures_positions import network, position_heatmap  # noqa: F401
from dashboard.figures_timeline import MAX_TIMELINE_ROWS, event_timeline  # noqa: F401


def bar_chart(
    df: pd.DataFrame,
    *,
    category: str,
    value: str = "n",
    stack: str | None = None,
    colors: dict[str, str] | None = None,
    title: str = "",
    top: int = 25,
    empty: str = "Nothing to count for these filters.",
) -> go.Figure:
    """Horizontal bars of `value` per `category`, optionally stacked by `stack`, largest on top.

    Bars are coloured by the stack value (or the category) through `colors`, so an actor keeps its colour.
    Each bar carries its category in `customdata`, which the pages read back from a click.
    """
    if df is None or df.empty:
        return empty_figure(empty, title=title)
    order = _order(df, category, value)[:top]
    data = df[df[category].astype(str).isin(order)]
    if stack is not None:
        data = top_groups(
            data.assign(**{stack: data[stack].fillna("").astype(str).replace("", UNKNOWN)}), stack, value
        )
    traces = []
    groups = [(None, data)] if stack is None else list(data.groupby(stack, sort=True))
    if stack is not None:
        groups.sort(key=lambda g: (-g[1][value].sum(), str(g[0])))
        # one colour per stack value, none shared (sources: the light palette when no colours are given)
        colors = style.distinct([str(k) for k, _ in groups], colors)
    else:
        colors = style.distinct(order, colors or {})
    for key, part in groups:
        names = part[category].astype(str).tolist()
        color = [colors[n] for n in names] if key is None else colors[str(key)]
        traces.append(
            dict(
                type="bar",
                x=part[value].tolist(),
                y=[plain(n) for n in names],
                orientation="h",
                name=plain(key) if key is not None else value,
                marker=dict(color=color),
                customdata=names,
                hovertemplate="%{y}: %{x}<extra>"
                + (html.escape(str(key)) if key is not None else "")
                + "</extra>",
            )
        )
    return make_figure(
        traces,
        dict(
            barmode="stack",
            showlegend=stack is not None,
            clickmode="event+select",
            yaxis=dict(
                categoryorder="array",
                categoryarray=[plain(c) for c in order[::-1]],
                # every category named: Plotly skips every other label when the bars get thin
                tickmode="array",
                tickvals=[plain(c) for c in order],
                ticktext=[plain(c) for c in order],
                automargin=True,
                ticklabelstandoff=6,
            ),
            xaxis=dict(title=dict(text=value if value != "n" else "mentions")),
        ),
        title=title,
        # room for the bars and for the legend below them (about three entries a row)
        height=max(260, 26 * len(order) + 90) + (22 * -(-len(groups) // 3) if stack is not None else 0),
    )


COUNTED = ("mention", "article", "event")  # units whose values are counts (a statement's is its net stance)


def lines_over_time(
    df: pd.DataFrame,
    *,
    date: str = "date",
    value: str = "n",
    series: str | None = "actor",
    colors: dict[str, str] | None = None,
    title: str = "",
    top: int = 8,
    empty: str = "Nothing dated for these filters.",
    unit: str = "mention",
    partial: pd.DataFrame | None = None,
    notes: tuple[str, ...] = (),
    whole: bool = False,
    pad: pd.Timedelta = time_axis.ONE_DAY,
) -> go.Figure:
    """One line per `series` (the `top` largest) of `value` over `date`, markers on every point.

    The date axis opens on the period holding most of the drawn points' weight (`time_axis.time_axis`;
    `whole`: on all of them), the items dated only to a month or year (`partial`: date, n) are shaded
    as their periods, and the note above the plot says what is outside or not placed (`notes`: more of
    it, e.g. the undated count). `unit` names what `value` counts ("mention"); a value that is no count
    (net stance) weighs each point once."""
    bands, spans, band_note = time_axis.period_bands(partial, unit)
    if df is None or df.empty:
        if not bands:
            return empty_figure(empty, title=title)
        columns = {date: pd.Series(dtype="string"), value: pd.Series(dtype="float64")}
        df = pd.DataFrame(columns | ({series: pd.Series(dtype="string")} if series else {}))
    traces = []
    keys = _order(df, series, value)[:top] if series else [None]
    ordered = df.sort_values(date, kind="stable")
    if series:  # split off the drawn series only (a positions-over-time frame has hundreds)
        names = ordered[series].astype(str)
        shown = names.isin(keys).to_numpy(dtype=bool)
        parts = dict(list(ordered[shown].groupby(names[shown], sort=False)))
    shades = style.distinct([str(k) for k in keys], colors or {}) if series else {}
    for key in keys:
        part = parts[key] if series else ordered
        trace = dict(
            type="scatter",
            x=part[date].tolist(),
            y=part[value].tolist(),
            mode="lines+markers",
            marker=dict(size=8),  # a one-point series stays visible
            name=plain(key) if key else value,
            line=dict(color=shades[str(key)] if key else style.PALETTE[0], width=2.5),
        )
        traces.append(trace | ({"customdata": [key] * len(part)} if key else {}))
    drawn = ordered[shown] if series else ordered
    weights = drawn[value].abs() if unit in COUNTED and value != "net" else [1.0] * len(drawn)
    days, sums = time_axis.by_day(drawn[date], weights)
    xaxis, outside = time_axis.time_axis(days, sums, unit=unit, whole=whole, pad=pad, spans=spans)
    layout, height = time_axis.with_notes(
        dict(
            hovermode="x unified",
            clickmode="event+select",
            xaxis=xaxis,
            # counts from zero, so the lowest points are not drawn on the axis line
            yaxis=dict(rangemode="tozero") if unit in COUNTED else {},
            shapes=bands,
        ),
        [outside, band_note, *notes],
        height=380,
        title=title,
    )
    return make_figure(traces, layout, title=title, height=height)


def coverage_chart(
    df: pd.DataFrame,
    *,
    date: str = "date",
    value: str = "n",
    stack: str | None = None,
    colors: dict[str, str] | None = None,
    title: str = "",
    partial: pd.DataFrame | None = None,
    notes: tuple[str, ...] = (),
    whole: bool = False,
) -> go.Figure:
    """Bars of articles (or mentions) per day or week, optionally stacked (e.g. by source).

    Bars are one period wide (the smallest gap between dates, at least a day), and a lone date gets a
    few days either side, so one day of coverage does not fill the axis with milliseconds. The axis
    opens on the period holding most of them (`time_axis.time_axis`; `whole`: all of them); `partial`
    (date, n: the items dated only to a month or a year) are shaded as their periods; the note above the
    plot says what is outside the axis, shaded, or (`notes`) not placed at all.
    """
    unit = "mention" if value == "mentions" else "article"
    bands, spans, band_note = time_axis.period_bands(partial, unit)
    if (df is None or df.empty) and not bands:
        message = "No dated articles for these filters."
        return empty_figure(" ".join([message, *(n + "." for n in notes if n)]), title=title)
    if df is None or df.empty:
        df = pd.DataFrame({date: pd.Series(dtype="datetime64[ns]"), value: pd.Series(dtype="int64")})
    days = pd.to_datetime(pd.Series(df[date].unique())).sort_values()
    step = max(days.diff().dropna().min() if len(days) > 1 else pd.Timedelta(days=1), pd.Timedelta(days=1))
    if stack is not None:
        df = top_groups(
            df.assign(**{stack: df[stack].fillna("").astype(str).replace("", UNKNOWN)}), stack, value
        )
        df = df.groupby([date, stack], as_index=False)[value].sum()
    df = df.assign(_day=pd.to_datetime(df[date]).dt.strftime("%Y-%m-%d"))  # formatted once, not per series
    traces = []
    groups = [(None, df)] if stack is None else list(df.groupby(stack, sort=True))
    if stack is not None:
        biggest = sorted(groups, key=lambda g: (-g[1][value].sum(), str(g[0])))
        colors = style.distinct([str(k) or UNKNOWN for k, _ in biggest], colors)
    for key, part in groups:
        name = (str(key) or UNKNOWN) if key is not None else value
        traces.append(
            dict(
                type="bar",
                x=part["_day"].tolist(),
                y=part[value].tolist(),
                name=plain(name),
                width=step.total_seconds() * 1000 * 0.8,
                marker=dict(color=colors[name] if key is not None else style.PALETTE[0]),
                hovertemplate="%{x|%d %b %Y}: %{y}<extra>" + html.escape(name) + "</extra>",
            )
        )
    yaxis = dict(title=dict(text=value if value != "n" else "articles"), rangemode="tozero", tickformat=",d")
    totals = df.groupby(date)[value].sum()
    if totals.empty or totals.max() <= 5:
        yaxis["dtick"] = 1  # small counts: whole numbers only
    xaxis, outside = time_axis.time_axis(
        list(pd.to_datetime(totals.index)), totals.tolist(), unit=unit, whole=whole, pad=step, spans=spans
    )
    layout, height = time_axis.with_notes(
        dict(barmode="stack", showlegend=stack is not None, yaxis=yaxis, xaxis=xaxis, shapes=bands),
        [outside, band_note, *notes],
        height=300,
        title=title,
    )
    return make_figure(traces, layout, title=title, height=height)
