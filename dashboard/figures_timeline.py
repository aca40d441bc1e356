"""The event timeline figure: events on a date axis, one row per actor or topic."""

from __future__ import annotations

import functools
import html

import pandas as pd
import plotly.graph_objects as go

from dashboard import style
from dashboard.figure_base import empty_figure, hover_text, make_figure, plain
from dashboard.figure_base import order_by_total as _order

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
    rows = _explode(events, color_by)
    if labels:
        rows["_key"] = rows["_key"].map(lambda k: labels.get(k, k))
    order = _order(rows.assign(_n=1), "_key", "_n")[:MAX_TIMELINE_ROWS]
    rows = rows[rows["_key"].isin(order)]
    bg = (
        rows["background"].fillna(False).astype(bool)
        if "background" in rows
        else pd.Series(False, rows.index)
    )
    palette = style.colors_for(order, colors)
    color = rows["_key"].map(dict(zip(order, palette, strict=True))).tolist()
    # One trace for every point: per-trace construction is what makes big timelines slow.
    return make_figure(
        [
            dict(
                type="scatter",
                x=rows["date"].tolist(),
                y=[plain(k) for k in rows["_key"]],
                mode="markers",
                name="events",
                marker=dict(
                    size=12,
                    color=color,
                    line=dict(width=2, color=color),
                    symbol=["circle-open" if b else "circle" for b in bg],
                ),
                customdata=rows["event_id"].astype(str).tolist(),
                text=[
                    f"<b>{html.escape(str(k))}</b> · {html.escape(str(d))}<br>{hover_text(t)}"
                    for k, d, t in zip(rows["_key"], rows["_date_label"], rows["evidence"], strict=True)
                ],
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


def _explode(events: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per (event, name) of a '; '-joined column; a partial date is placed mid-period."""
    out = events.copy()
    out["_key"] = out[column].fillna("").astype(str).str.split(";")
    out = out.explode("_key")
    out["_key"] = out["_key"].str.strip().replace("", "(none)")
    out["_date_label"] = out["date"].astype(str)
    out["date"] = out["_date_label"].map(_mid_date)
    return out[out["date"].notna()]


@functools.lru_cache(maxsize=4096)
def _mid_date(value: str) -> str | None:
    """'2025' -> '2025-07-01', '2025-11' -> '2025-11-15', full dates unchanged, junk -> None."""
    parts = value.split("-")
    if len(parts) == 1 and parts[0].isdigit():
        return f"{parts[0]}-07-01"
    if len(parts) == 2:
        return f"{parts[0]}-{parts[1]}-15"
    return value if len(parts) == 3 else None
