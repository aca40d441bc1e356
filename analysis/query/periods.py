"""Partial dates and time-axis windows: the one rule every time chart follows (pure functions).

**Partial dates.** A stored date (`articles.published`, `events.date`, ISO) is day-, month- or
year-precise (`precision`: `YYYY-MM-DD…`, `YYYY-MM`, `YYYY`); anything else (empty, junk, an impossible
day) is *undated*. A day is a point. A month or a year is the period it names (`span`: its first and last
day), and every time chart draws it as that period: a marked band on coverage and mentions over time, a
bar from the first to the last day on the timeline. It is never put on an invented day, nor dropped from
one chart while another plots it. Undated items cannot be placed at all: each chart says how many.

**Axis window.** A chart with one outlier (an article dated four years early, the timeline's background
history) would squash everything else into a few pixels. A time axis therefore opens on the shortest
period holding at least `SHARE` (90%) of the chart's day-dated weight (articles, mentions or events; on
the timeline, of the events that are not background history), when the whole period is more than `ZOOM`
(3) times as long as that one (and longer than `MIN_DAYS` x `ZOOM`), widened to the items within one
window's length of it (a neighbour a few days out is no outlier); otherwise on the whole period. A
month or a year is drawn where it overlaps the axis. What lies outside is said in words
(`outside_note`), and the user can widen the axis to the whole period.

Example:
    >>> span("2025-08")
    (Timestamp('2025-08-01 00:00:00'), Timestamp('2025-08-31 00:00:00'))
    >>> label("2025-08"), label("2025")
    ('Aug 2025', '2025')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

SHARE = 0.9  # the share of the dated weight the opening window holds
ZOOM = 3.0  # trim only when the whole period is more than this many times longer than the window
MIN_DAYS = 7  # a window shorter than a week counts as a week (no trimming of a few days' spread)

_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_YEAR = re.compile(r"\d{4}")


def precision(value: object) -> str | None:
    """'day', 'month' or 'year' for an ISO date (a time after the day is ignored), None when undated."""
    text = value.strip() if isinstance(value, str) else ""
    day = _DAY.match(text)
    if day and (len(text) == 10 or not text[10].isdigit()):
        return "day" if _valid(*map(int, day.groups())) else None
    if _MONTH.fullmatch(text):
        return "month" if 1 <= int(text[5:7]) <= 12 else None
    return "year" if _YEAR.fullmatch(text) else None


def _valid(year: int, month: int, day: int) -> bool:
    try:
        pd.Timestamp(year=year, month=month, day=day)
    except ValueError:
        return False
    return True


def span(value: object) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The first and the last day (inclusive) of the period a date names; None when undated."""
    kind = precision(value)
    if kind is None:
        return None
    text = str(value).strip()
    if kind == "day":
        day = pd.Timestamp(text[:10])
        return day, day
    if kind == "month":
        first = pd.Timestamp(f"{text}-01")
        return first, first + pd.offsets.MonthEnd(0)
    return pd.Timestamp(f"{text}-01-01"), pd.Timestamp(f"{text}-12-31")


def midpoint(value: object) -> pd.Timestamp | None:
    """The middle day of a date's period (where its weight counts for the axis window); None if undated."""
    period = span(value)
    if period is None:
        return None
    first, last = period
    return (first + (last - first) / 2).normalize()


def label(value: object) -> str:
    """A date as a person reads it: '21 Aug 2025', 'Aug 2025', '2025'; 'undated' when it is."""
    kind = precision(value)
    if kind is None:
        return "undated"
    first, _ = span(value)
    return {"day": day_label(first), "month": first.strftime("%b %Y"), "year": str(first.year)}[kind]


def day_label(day: pd.Timestamp) -> str:
    """'3 Mar 2025' (no leading zero)."""
    return f"{day.day} {day.strftime('%b %Y')}"


@dataclass(frozen=True)
class Window:
    """The period an axis opens on: `start` and `end` (days, inclusive), `trimmed` when that is less than
    the whole period of the items (`first` to `last`)."""

    start: pd.Timestamp
    end: pd.Timestamp
    first: pd.Timestamp
    last: pd.Timestamp

    @property
    def trimmed(self) -> bool:
        return self.start > self.first or self.end < self.last


def dense_window(
    days: Sequence[pd.Timestamp],
    weights: Sequence[float] | None = None,
    *,
    share: float = SHARE,
    zoom: float = ZOOM,
    min_days: int = MIN_DAYS,
) -> Window | None:
    """The window a time axis opens on (the module's rule): the shortest period [start, end] holding at
    least `share` of the items' weight, if the whole period is more than `zoom` times as long (a window
    shorter than `min_days` counting as `min_days`), widened to the items within one window's length of
    it; else the whole period. None when there are no days.

    Example:
        >>> days = [pd.Timestamp("2021-06-01")] + list(pd.date_range("2025-08-01", periods=12, freq="D"))
        >>> w = dense_window(days)
        >>> (w.start.date().isoformat(), w.end.date().isoformat(), w.trimmed)
        ('2025-08-01', '2025-08-12', True)
    """
    weights = [1.0] * len(days) if weights is None else list(weights)
    sums: dict = {}  # summed per distinct value first: a Timestamp is slow to build per item
    for d, w in zip(days, weights, strict=True):
        if _known(d, w):
            sums[d] = sums.get(d, 0.0) + float(w)
    merged: dict[pd.Timestamp, float] = {}
    for d, w in sums.items():
        day = pd.Timestamp(d).normalize()
        merged[day] = merged.get(day, 0.0) + w
    pairs = sorted(merged.items())
    if not pairs:
        return None
    first, last = pairs[0][0], pairs[-1][0]
    total = sum(w for _, w in pairs)
    need = total * share - 1e-9
    best = (first, last)
    j, held = 0, 0.0
    for i in range(len(pairs)):  # two pointers: the shortest run of items holding `need`
        while j < len(pairs) and held < need:
            held += pairs[j][1]
            j += 1
        if held < need:
            break
        start, end = pairs[i][0], pairs[j - 1][0]
        if end - start < best[1] - best[0]:
            best = (start, end)
        held -= pairs[i][1]
    width = max((best[1] - best[0]).days, min_days)
    if (last - first).days <= zoom * width:
        return Window(first, last, first, last)
    # then every item within one window's width of it: a neighbour a day late is no outlier
    reach = pd.Timedelta(days=width)
    near = [d for d, _ in pairs if best[0] - reach <= d <= best[1] + reach]
    return Window(min(near), max(near), first, last)


def _known(day: object, weight: object) -> bool:
    """A day (not None, NaN or NaT: neither equals itself) with a positive weight."""
    return day is not None and day == day and weight is not None and weight == weight and weight > 0


def outside(days: Iterable[pd.Timestamp], weights: Iterable[float], window: Window) -> tuple[float, float]:
    """The weight before `window.start` and after `window.end`."""
    before = after = 0.0
    for day, weight in zip(days, weights, strict=True):
        if not _known(day, weight):
            continue
        day = pd.Timestamp(day).normalize()
        if day < window.start:
            before += weight
        elif day > window.end:
            after += weight
    return before, after


def count_words(n: float, unit: str) -> str:
    """'1 article', '2 articles', '1,204 mentions' (`unit` singular; a final 'y' becomes 'ies')."""
    n = int(round(n))
    if n == 1:
        return f"1 {unit}"
    plural = unit[:-1] + "ies" if unit.endswith("y") and unit[-2:-1] not in "aeiou" else unit + "s"
    return f"{n:,} {plural}"


def outside_note(before: float, after: float, window: Window, unit: str) -> str:
    """'2 articles before 3 Mar 2025 and 1 after 20 Apr 2025 not shown', '' when nothing is outside."""
    parts = []
    if before:
        parts.append(f"{count_words(before, unit)} before {day_label(window.start)}")
    if after:
        what = f"{int(round(after)):,}" if parts else count_words(after, unit)
        parts.append(f"{what} after {day_label(window.end)}")
    return " and ".join(parts) + " not shown" if parts else ""


def dating_summary(dating: pd.DataFrame | None) -> dict[str, int | bool]:
    """The articles of a `timeline.dating` frame: undated (no date at all), partial (only a month or a
    year), excluded (the undated are left out by the date filter)."""
    if dating is None or dating.empty:
        return {"undated": 0, "partial": 0, "excluded": False}
    articles = dating[dating["unit"] == "articles"]
    none = articles[articles["precision"] == "none"]
    return {
        "undated": int(none["n"].sum()),
        "partial": int(articles.loc[articles["precision"].isin(["month", "year"]), "n"].sum()),
        "excluded": bool(none["excluded"].fillna(False).any()),
    }


def undated_table(articles: pd.DataFrame) -> pd.DataFrame:
    """`timeline.undated_articles` as a person reads it: Title ('(no title)' when unknown), Source,
    Date known ('none', 'Aug 2025', '2025'), Why (how the build dated it, or why it could not), File."""
    out = pd.DataFrame(
        {
            "Title": articles["title"].fillna("").replace("", "(no title)"),
            "Source": articles["source"].fillna(""),
            "Date known": [label(v) if precision(v) else "none" for v in articles["published"]],
            "Why": articles["published_reason"].fillna(""),
            "File": articles["file"].fillna(""),
        }
    )
    return out.astype("string")
