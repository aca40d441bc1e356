"""The event timeline figure: events on a date axis, one row per actor or topic."""

from __future__ import annotations

import functools
from collections import Counter

import pandas as pd
import plotly.graph_objects as go

from analysis.query import periods
from dashboard import style, time_axis
from dashboard.figure_base import by_total, empty_figure, hover_text, make_figure, plain

MAX_TIMELINE_ROWS = 25


def event_timeline(
    events: pd.DataFrame,
    *,
    color_by: str = "actors",
    colors: dict[str, str] | None = None,
    title: str = "",
    labels: dict[str, str] | None = None,
    notes: tuple[str, ...] = (),
    whole: bool = False,
) -> go.Figure:
    """Events on a date axis, one row per actor (or topic) they involve; hover shows the sentence.

    `events` has `date`, `evidence`, `event_id` and the `color_by` column ('; '-joined names). A day is
    a dot; an event dated only to a month or a year is a bar over that period (`analysis.query.periods`).
    Background events are drawn hollow (their bars lighter). The axis opens on the period of most of the
    events that are not background (`whole`: on all of them). Events naming no actor (topic) get no row,
    nor does an actor with nothing on the axis; the note above the plot counts them and what lies
    outside the axis (`notes`: more of it).
    """
    if events is None or events.empty:
        return empty_figure(" ".join(["No dated events for these filters.", *(n + "." for n in notes if n)]),
                            title=title)  # fmt: skip
    points = _points(events, color_by, labels or {})
    nameless = len({p[3] for p in points if p[0] is None and p[2] is not None})
    points = [p for p in points if p[0] is not None and p[2] is not None]
    xaxis, outside = _axis(points, whole)
    if "range" in xaxis:  # rows for what the axis shows (an actor only in the history has none)
        lo, hi = (pd.Timestamp(x) for x in xaxis["range"])
        lo = lo.normalize()
        points = [p for p in points if p[2][1] >= lo and p[2][0] <= hi]
    order = by_total(Counter(p[0] for p in points))[:MAX_TIMELINE_ROWS]
    shown = set(order)
    points = [p for p in points if p[0] in shown]
    color_of = dict(zip(order, style.colors_for(order, colors), strict=True))
    days = [p for p in points if p[2][0] == p[2][1]]
    traces = [_dots(days, color_of)] + _bars([p for p in points if p[2][0] != p[2][1]], color_of)
    what = "topic" if color_by == "topics" else "actor"
    layout, height = time_axis.with_notes(
        dict(
            clickmode="event+select",
            showlegend=False,
            xaxis=xaxis,
            yaxis=dict(automargin=True, categoryorder="array", categoryarray=[plain(k) for k in order[::-1]]),
        ),
        [
            outside,
            f"{periods.count_words(nameless, 'event')} naming no {what} not drawn" if nameless else "",
            *notes,
        ],  # fmt: skip
        height=max(300, 28 * len(order) + 120),
        title=title,
    )
    # One trace for the dots: per-trace construction is what makes big timelines slow.
    return make_figure(traces, layout, title=title, height=height)


def _dots(points: list[tuple], color_of: dict[str, str]) -> dict:
    color = [color_of[p[0]] for p in points]
    return dict(
        type="scatter",
        x=[p[1][:10] for p in points],  # a day's ISO date as stored
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
        text=[_hover(p) for p in points],
        hovertemplate="%{text}<extra></extra>",
    )


def _bars(points: list[tuple], color_of: dict[str, str]) -> list[dict]:
    """One trace per row of the month- and year-only events: a bar from the period's first to its last
    day, ticks at both ends (each carries the hover text and the event id)."""
    rows: dict[str, list[tuple]] = {}
    for p in points:
        rows.setdefault(p[0], []).append(p)
    out = []
    for name, items in rows.items():
        x, y, ids, text = [], [], [], []
        for p in items:
            first, last = p[2]
            x += [first.strftime("%Y-%m-%d"), last.strftime("%Y-%m-%d"), None]
            y += [plain(name)] * 2 + [None]
            ids += [str(p[3])] * 2 + [None]
            text += [_hover(p)] * 2 + [None]
        background = all(p[5] for p in items)
        out.append(
            dict(
                type="scatter",
                x=x,
                y=y,
                mode="lines+markers",
                name="periods",
                line=dict(width=6, color=color_of[name]),
                opacity=0.45 if background else 0.8,
                marker=dict(symbol="line-ns-open", size=14, color=color_of[name], line=dict(width=2)),
                customdata=ids,
                text=text,
                hovertemplate="%{text}<extra></extra>",
                connectgaps=False,
            )
        )
    return out


@functools.lru_cache(maxsize=4096)
def _when(value: object) -> str:
    return plain(periods.label(value))


def _hover(p: tuple) -> str:
    when = _when(p[1] if isinstance(p[1], str) else "")
    kind = " (background)" if p[5] else ""
    return f"<b>{plain(p[0])}</b> · {when}{kind}<br>{hover_text(p[4])}"


def _axis(points: list[tuple], whole: bool) -> tuple[dict, str]:
    """The axis over the events (once each, at their period's middle), opening on the period of those
    that are not background (their history would stretch it); the note counts what lies outside."""
    events = list({p[3]: p for p in points}.values())
    current = [p for p in events if not p[5]] or events
    days = [p for p in current if p[2][0] == p[2][1]] or current  # partial dates: drawn where they fall
    window = periods.dense_window([p[6] for p in days])
    spans = [p[2] for p in events]
    if window is None:
        return time_axis.time_axis([], [], unit="event", whole=True, spans=spans)
    if whole:
        return time_axis.time_axis([p[6] for p in events], [1.0] * len(events), unit="event", whole=True,
                                   spans=spans)  # fmt: skip
    cut = periods.Window(window.start, window.end, min(p[6] for p in events), max(p[6] for p in events))
    before = [p for p in events if p[2][1] < cut.start]
    after = [p for p in events if p[2][0] > cut.end]
    note = periods.outside_note(len(before), len(after), cut, "event")
    history = sum(p[5] for p in [*before, *after])
    if note and history:
        note += f" ({history:,} background history)"
    return time_axis.date_axis(cut.start, cut.end), f"{note}\n{time_axis.WIDEN}" if note else ""


def _points(events: pd.DataFrame, column: str, labels: dict[str, str]) -> list[tuple]:
    """One (name or None, date, (first day, last day), event id, evidence, background, middle day) per
    event and name of its '; '-joined `column` (an event naming none: one with name None); the period
    is None for an undatable date. Plain lists: a pandas split-explode of the whole frame (the evidence
    texts included) costs several times more."""
    background = events["background"].fillna(False).astype(bool) if "background" in events else None
    rows = zip(
        events[column].tolist(),
        events["date"].tolist(),
        events["event_id"].tolist(),
        events["evidence"].tolist(),
        background.tolist() if background is not None else [False] * len(events),
        strict=True,
    )
    out = []
    for names, date, event_id, evidence, bg in rows:
        period, middle = _period(str(date) if isinstance(date, str) else "")
        for name in _names(names) or (None,):
            shown = labels.get(name, name) if name else None
            out.append((shown, date, period, event_id, evidence, bg, middle))
    return out


@functools.lru_cache(maxsize=65536)
def _names(value: object) -> tuple[str, ...]:
    """The names of a '; '-joined cell; none for an empty or missing cell."""
    text = value if isinstance(value, str) else ""
    return tuple(name.strip() for name in text.split(";") if name.strip())


@functools.lru_cache(maxsize=4096)
def _period(value: str) -> tuple[tuple[pd.Timestamp, pd.Timestamp] | None, pd.Timestamp | None]:
    """The period a date names and its middle day (`periods.span`, `periods.midpoint`)."""
    return periods.span(value), periods.midpoint(value)
