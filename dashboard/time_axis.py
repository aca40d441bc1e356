"""What every time chart shares: the date axis that opens on the dense period, the bands of month- and
year-only dates, and the note above the plot saying what the chart does not place (the rule:
`analysis.query.periods`). Pure layout parts for the figure functions: no `st.*`, nothing mutated.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable, Sequence

import pandas as pd

from analysis.query import periods
from dashboard import style

WIDEN = "Widen: “Whole period” or a double-click on the chart"  # a line of its own (exports drop it)
MAX_BANDS = 12  # shaded periods drawn at most (the largest); the rest are counted in the note
BAND_COLORS = {"month": "rgba(0, 114, 178, 0.10)", "year": "rgba(0, 0, 0, 0.05)"}
NOTE_LINE_PX = 18
NBSP = "\u00a0"  # keeps '3 articles in Aug 2025' on one line of a wrapped note
NOTE_CHARS = 58  # a note line at most: it fits a half-width chart (~440 px)
ONE_DAY = pd.Timedelta(days=1)


def by_day(dates: Iterable, weights: Iterable[float] | None = None) -> tuple[list, list]:
    """Days and their summed weights (dates parsed once per distinct value; unparseable ones dropped)."""
    dates = pd.Series(list(dates))
    weights = pd.Series([1.0] * len(dates) if weights is None else list(weights), dtype="float64")
    days = pd.to_datetime(dates.astype("string").str.slice(0, 10), errors="coerce", format="%Y-%m-%d")
    sums = weights.groupby(days.to_numpy()).sum() if len(days) else weights
    sums = sums[sums > 0]
    return list(pd.to_datetime(sums.index)), sums.tolist()


def time_axis(
    days: Sequence[pd.Timestamp],
    weights: Sequence[float],
    *,
    unit: str,
    whole: bool = False,
    pad: pd.Timedelta = ONE_DAY,
    spans: Sequence[tuple[pd.Timestamp, pd.Timestamp]] = (),
) -> tuple[dict, str]:
    """A date x-axis opening on the dense window of `days` (`periods.dense_window`), or on all of them
    and of `spans` (`whole`), with `pad` either side (at least a day, three for a lone day), and the note
    of what lies outside ('' when nothing does): the range always holds every point it opens on."""
    window = periods.dense_window(days, weights)
    ends = [d for s in spans for d in s]
    if window is None and not ends:
        return dict(type="date"), ""
    note = ""
    if window is None:
        start, end = min(ends), max(ends)
    elif whole:
        start, end = min([window.first, *ends]), max([window.last, *ends])
    else:
        start, end = window.start, window.end
        before, after = periods.outside(days, weights, window)
        note = periods.outside_note(before, after, window, unit)
        note = f"{note}\n{WIDEN}" if note else ""
    return date_axis(start, end, pad), note


def date_axis(start: pd.Timestamp, end: pd.Timestamp, pad: pd.Timedelta = ONE_DAY) -> dict:
    """A date axis from `start` to `end` with `pad` either side (at least a day or 2% of the span, three
    days for a lone day)."""
    pad = max(pad, pd.Timedelta(days=1), (end - start) * 0.02)
    if start == end:
        pad = max(pad, pd.Timedelta(days=3))
    return dict(type="date", range=[(start - pad).isoformat(), (end + pad).isoformat()])


def period_bands(partial: pd.DataFrame | None, unit: str) -> tuple[list[dict], list[tuple], str]:
    """Shaded bands for the items dated only to a month or a year (`partial`: columns date, n), the
    largest `MAX_BANDS`: their shapes, their (first, last) days, and the note naming them."""
    if partial is None or partial.empty:
        return [], [], ""
    rows = sorted(
        ((str(d), int(n)) for d, n in zip(partial["date"], partial["n"], strict=True) if periods.span(d)),
        key=lambda r: (-r[1], r[0]),
    )
    shown, rest = rows[:MAX_BANDS], rows[MAX_BANDS:]
    shapes, spans, words = [], [], []
    for date, n in sorted(shown):
        first, last = periods.span(date)
        spans.append((first, last))
        shapes.append(
            dict(
                type="rect",
                xref="x",
                yref="paper",
                x0=first.isoformat(),
                x1=(last + pd.Timedelta(days=1)).isoformat(),
                y0=0,
                y1=1,
                fillcolor=BAND_COLORS[periods.precision(date)],
                line=dict(width=1, dash="dot", color="rgba(0, 0, 0, 0.25)"),
                layer="below",
            )
        )
        words.append(f"{periods.count_words(n, unit)} in {periods.label(date)}".replace(" ", NBSP))
    note = "Shaded (dated only to the month or year): " + "; ".join(words)
    if rest:
        note += f"; {periods.count_words(sum(n for _, n in rest), unit)} in {len(rest)} other periods"
    return shapes, spans, note


UNITS = {"articles": "article", "mentions": "mention", "statements": "statement", "events": "event"}


def unplaced(dating: pd.DataFrame | None, unit: str, *, background: bool = True) -> tuple[pd.DataFrame, str]:
    """From a `timeline.dating` frame, what a time chart of `unit` (articles, mentions, statements,
    events) cannot put on a day: the items dated only to a month or a year (date, n: drawn as their
    periods) and the note counting the undated ('' when none); `background`: background events count."""
    empty = pd.DataFrame({"date": pd.Series(dtype="string"), "n": pd.Series(dtype="int64")})
    if dating is None or dating.empty:
        return empty, ""
    rows = dating[dating["unit"] == unit]
    if not background:
        rows = rows[~rows["background"].fillna(False).astype(bool)]
    partial = rows[rows["precision"].isin(["month", "year"])]
    partial = partial.groupby("date", as_index=False)["n"].sum() if not partial.empty else empty
    undated = rows[rows["precision"] == "none"]
    excluded = bool(undated["excluded"].fillna(False).any())
    return partial, undated_words(int(undated["n"].sum()), UNITS[unit], excluded=excluded)


def undated_words(n: int, unit: str, *, excluded: bool = False) -> str:
    """'4 undated articles not shown' ('left out by the date filter' when `excluded`); '' for none."""
    if not n:
        return ""
    words = periods.count_words(n, unit).split(" ", 1)
    return f"{words[0]} undated {words[1]} " + ("left out by the date filter" if excluded else "not shown")


def with_notes(layout: dict, notes: Iterable[str], *, height: int, title: str = "") -> tuple[dict, int]:
    """`layout` with the non-empty `notes` as muted lines above the plot (each wrapped, a newline
    starting a line, the hint to widen last; escaped: they name dates and counts, never article text,
    but stay plain), the `title` kept at the top above them, and the figure's height grown to fit."""
    parts = [part for n in notes if n for part in n.split("\n")]
    parts = sorted(parts, key=lambda part: part == WIDEN)
    lines = [html.escape(line) for part in parts for line in textwrap.wrap(part, NOTE_CHARS)]
    if not lines:
        return layout, height
    heading = {}
    if title:  # at the top of the figure, not in the middle of the (taller) top margin
        top = dict(y=1, yref="container", yanchor="top", pad=dict(t=12))
        heading = {"title": style.layout(title=title)["title"] | top}
    note = dict(
        text="<br>".join(lines),
        xref="paper",
        yref="paper",
        x=0,
        y=1,
        xanchor="left",
        yanchor="bottom",
        yshift=6,
        align="left",
        showarrow=False,
        font=dict(size=12, color=style.MUTED_COLOR),
        name="time-note",
    )
    extra = NOTE_LINE_PX * len(lines) + 6
    margin = style.layout(title="-")["margin"] | dict(layout.get("margin") or {})
    margin["t"] += extra
    out = layout | heading | dict(annotations=[*layout.get("annotations", []), note], margin=margin)
    return out, height + extra
