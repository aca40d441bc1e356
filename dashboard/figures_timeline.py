"""The event timeline figure: events on a date axis, one row per actor or topic."""

from __future__ import annotations

import functools
from collections import Counter

import pandas as pd
import plotly.graph_objects as go

from dashboard import style
from dashboard.figure_base import by_total, empty_figure, hover_text, make_figure, plain

MAX_TIMELINE_ROWS = 25


def event_timeline(
    events: pd.DataFrame,
    *,
    color_by: str = "actors",
    colors: dict[str, str] | None = None,
    title: str = "",
    labels: dict[str, str] | None = None,
) -> go.Figure:
    """Events on a date axis, one row per actor (or topic) they involve; hover shows the sentence.

    `events` has `date`, `evidence`, `event_id` and the `color_by` column ('; '-joined names).
    Events without any name go on a row called "(none)". Background events are drawn hollow.
    """
    if events is None or events.empty:
        return empty_figure("No dated events for these filters.", title=title)
    points = [p for p in _points(events, color_by, labels or {}) if p[2] is not None]
    order = by_total(Counter(p[0] for p in points))[:MAX_TIMELINE_ROWS]
    shown = set(order)
    points = [p for p in points if p[0] in shown]
    color_of = dict(zip(order, style.colors_for(order, colors), strict=True))
    color = [color_of[p[0]] for p in points]
    # One trace for every point: per-trace construction is what makes big timelines slow.
    return make_figure(
        [
            dict(
                type="scatter",
                x=[p[2] for p in points],
                y=[plain(p[0]) for p in points],
                mode="markers",
                name="events",
                marker=dict(
                    size=12,
                    color=color,
                    line=dict(width=2, color=color),
                    symbol=["circle-open" if p[5] else "circle" for p in points],
                ),
                customdata=[str(p[3]) for p in points],
                text=[f"<b>{plain(p[0])}</b> · {plain(p[1])}<br>{hover_text(p[4])}" for p in points],
                hovertemplate="%{text}<extra></extra>",
            )
        ],
        dict(
            clickmode="event+select",
            showlegend=False,
            xaxis=dict(type="date"),
            yaxis=dict(automargin=True, categoryorder="array", categoryarray=[plain(k) for k in order[::-1]]),
        ),
        title=title,
        height=max(300, 28 * len(order) + 120),
    )


def _points(events: pd.DataFrame, column: str, labels: dict[str, str]) -> list[tuple]:
    """One (name, date label, plotted date, event id, evidence, background) per event and name of its
    '; '-joined `column`; a partial date is plotted mid-period, an undatable one as None. Plain lists:
    a pandas split-explode of the whole frame (the evidence texts included) costs several times more."""
    background = events["background"].fillna(False).astype(bool) if "background" in events else None
    rows = zip(
        events[column].tolist(),
        events["date"].tolist(),
        events["event_id"].tolist(),
        events["evidence"].tolist(),
        background.tolist() if background is not None else [False] * len(events),
        strict=True,
    )
    return [
        (labels.get(name, name), str(date), _mid_date(str(date)), event_id, evidence, bg)
        for names, date, event_id, evidence, bg in rows
        for name in _names(names)
    ]


@functools.lru_cache(maxsize=65536)
def _names(value: object) -> tuple[str, ...]:
    """The names of a '; '-joined cell; an empty or missing cell is "(none)"."""
    text = value if isinstance(value, str) else ""
    return tuple(name.strip() or "(none)" for name in text.split(";"))


@functools.lru_cache(maxsize=4096)
def _mid_date(value: str) -> str | None:
    """'2025' -> '2025-07-01', '2025-11' -> '2025-11-15', full dates unchanged, junk -> None."""
    parts = value.split("-")
    if len(parts) == 1 and parts[0].isdigit():
        return f"{parts[0]}-07-01"
    if len(parts) == 2:
        return f"{parts[0]}-{parts[1]}-15"
    return value if len(parts) == 3 else None
