"""The chart catalogue: each function turns the page context into a `BriefingChart` (figure + tidy
data + evidence quotes) by calling an aggregation from `analysis/` and a figure function.

Pages draw these charts; the briefing page offers the same ones for the PowerPoint pack, so a slide
always shows what the page shows. Aggregations run in the query engine (`analysis.query`) through the
page context's cache (`ctx.agg`).
"""

from __future__ import annotations

import pandas as pd

from analysis.query import periods
from analysis.query.positions import agreement_from_matrix
from dashboard import figures, style, time_axis
from dashboard.briefing import BriefingChart
from dashboard.context import Context
from dashboard.figures_positions import NETWORK_NODES

# What a chart draws at most, so a large corpus stays fast to draw and readable; the filters narrow it
# (networks are capped by `figures.network` itself). The charts' data (tables, downloads) keep every row.
HEATMAP_ROWS = 60
HEATMAP_COLUMN = 64  # px per topic column on screen: "+12 −3" stays readable
TIMELINE_EVENTS = 1500
DAILY_UP_TO = 120  # days of coverage drawn as daily bars; longer spans are drawn per week


def source_colors(ctx: Context) -> dict[str, str]:
    """One colour per source for every chart of every page: handed out in the order of the whole corpus's
    source ranking (most articles first), none shared while the light palette lasts."""
    ranked = ctx.catalog.sources
    pal = style.SERIES_PALETTE
    return {source: pal[i % len(pal)] for i, source in enumerate(ranked)}


def chart_colors(ctx: Context) -> dict[str, str]:
    """Actor and source colours in one mapping (a chart's series can be either)."""
    return source_colors(ctx) | ctx.colors


def _quotes(ctx: Context, *, actor: str | None = None, topic: str | None = None, n: int = 8) -> list[str]:
    """Key evidence for speaker notes: the most confident non-neutral statements first."""
    ev = ctx.agg("key_evidence", actor=actor, topic=topic, n=n)
    if ev.empty:
        return []
    return [
        f"{r.actor} ({r.stance}, {ctx.labels.get(r.topic, r.topic)}; {_txt(r.source, 'unknown source')}, "
        f"{_txt(r.published, 'undated')}): {_txt(r.evidence)}"
        for r in ev.head(n).itertuples()
    ]


def _txt(value, default: str = "") -> str:
    """A cell as text: missing values (None, NaN, pd.NA) and empty strings become `default`."""
    return default if value is None or pd.isna(value) or str(value) == "" else str(value)


def busiest_rows(df: pd.DataFrame, key: str, value: str, top: int) -> pd.DataFrame:
    """The rows of the `top` values of `key` with the largest total `value` (ties by name)."""
    if df is None or df.empty or df[key].nunique() <= top:
        return df
    totals = df.groupby(key, as_index=False)[value].sum().sort_values([value, key], ascending=[False, True])
    return df[df[key].isin(set(totals[key].head(top)))]


def _span_days(ctx: Context) -> int:
    """Days between the first and the last publication date of the filtered articles (0 when unknown)."""
    numbers = ctx.summary or {}
    try:
        start, end = (pd.Timestamp(str(numbers.get(k))[:10]) for k in ("start", "end"))
    except (TypeError, ValueError):
        return 0
    return 0 if pd.isna(start) or pd.isna(end) else int((end - start).days)


def dating(
    ctx: Context, unit: str, *, background: bool = True, topic: str | None = None
) -> tuple[pd.DataFrame, str]:
    """What a time chart of `unit` cannot put on a day (`time_axis.unplaced` of
    `analysis.query.timeline.dating`, one cached query for every chart of a page); `topic`: of the
    statements on it."""
    df = ctx.agg("dating", unit=unit, **({"topic": topic} if topic else {}))
    return time_axis.unplaced(df, unit, background=background)


def _daily(ctx: Context, whole: bool) -> bool:
    """Coverage per day: while the period the axis opens on (the dense one unless `whole`,
    `analysis.query.periods`) is at most `DAILY_UP_TO` days."""
    if _span_days(ctx) <= DAILY_UP_TO:
        return True
    if whole:
        return False
    # the window of the weekly bars (the chart's own query when they are drawn): per day only if short
    weeks = ctx.agg("coverage_over_time", by="source", freq="W")
    if weeks.empty:
        return True
    totals = weeks.groupby("period")["articles"].sum()
    window = periods.dense_window(list(totals.index), totals.tolist())
    return window is None or (window.end - window.start).days + 7 <= DAILY_UP_TO


def mentions(ctx: Context, *, stack: str | None = "source", quotes: bool = True) -> BriefingChart:
    """Mentions per actor, stacked by source or coloured by affiliation; `quotes`: fetch the key evidence
    for the speaker notes (only the briefing pack uses them)."""
    title = "Who is mentioned" + {"source": ", by source", "affiliation": ", by affiliation"}.get(
        stack or "", ""
    )
    func = "mentions_by_actor_source" if stack == "source" else "mentions_by_actor"
    df = ctx.agg(func)
    colors = source_colors(ctx) if stack == "source" else ctx.colors
    chart = _bars("mentions", title, df, category="actor", stack=stack, colors=colors)
    chart.quotes = _quotes(ctx) if quotes else []
    return chart


# what a bar chart of `n` per category counts, and what it says when empty
BARS = {"actor": ("mentions", "No actors mentioned"), "label": ("sentences", "No topics")}


def _bars(key: str, title: str, df: pd.DataFrame, *, category: str, stack: str | None, colors: dict):
    """Bars of `n` per `category` (`figures.bar_chart`): a native bar chart on a slide."""
    counted, empty = BARS[category]
    empty = f"{empty} for these filters."
    fig = figures.bar_chart(df, category=category, stack=stack, colors=colors, title=title, empty=empty)
    return BriefingChart(
        key, title, fig, kind="bar", data=df, category=category, series=stack, value_title=counted
    )


def actors_over_time(ctx: Context, *, whole: bool = False) -> BriefingChart:
    """Mentions per actor and publication day; a month- or year-only date shaded as its period, the
    undated counted (`dating`); `whole`: the axis over the whole period, not the dense one."""
    title = "Mentions over time"
    df = ctx.agg("mentions_by_actor_day")
    partial, undated = dating(ctx, "mentions")
    fig = figures.lines_over_time(
        df, date="date", value="n", series="actor", colors=ctx.colors, title=title, empty="No dated "
        "mentions for these filters.", unit="mention", partial=partial, notes=(undated,), whole=whole
    )  # fmt: skip
    return BriefingChart(
        "actors_time",
        title,
        fig,
        kind="line",
        data=df,
        category="date",
        series="actor",
        time=True,
        value_title="mentions",
        category_title="date",
    )


def cooccurrence(ctx: Context) -> BriefingChart:
    title = "Who is mentioned together"
    edges = ctx.agg("cooccurrence")
    nodes = ctx.agg("mentions_by_actor")
    fig = figures.network(
        nodes,
        edges,
        node="actor",
        size="n",
        source="actor_a",
        target="actor_b",
        weight="n",
        colors=ctx.colors,
        title=title,
    )
    return BriefingChart("cooccurrence", title, fig, data=edges, category="actor_a")


def topics(ctx: Context) -> BriefingChart:
    title = "Topics covered"
    df = ctx.agg("topic_share_by_source")
    df = df.assign(label=df["topic"].map(lambda t: ctx.labels.get(t, t)))
    chart = _bars("topics", title, df, category="label", stack="source", colors=source_colors(ctx))
    chart.figure.update_xaxes(title="sentences")
    return chart


def position_matrix(
    ctx: Context, *, level: str = "actor", positions_only: bool = True, quotes: bool = True
) -> BriefingChart:
    """The heatmap; `positions_only` drops actors with neutral statements only (they have no position);
    `quotes`: fetch the key evidence for the speaker notes."""
    title = "Positions: actor × topic" if level == "actor" else "Positions: state or bloc × topic"
    df = ctx.agg("position_matrix", level=level)
    if positions_only and not df.empty:
        holders = set(df.loc[(df["support"] + df["oppose"]) > 0, "actor"])
        df = df[df["actor"].isin(holders)]
    shown = busiest_rows(df, "actor", "n", HEATMAP_ROWS)
    if len(shown) < len(df):
        title += f" ({HEATMAP_ROWS} of {df['actor'].nunique():,} with the most statements)"
    fig = figures.position_heatmap(shown, labels=ctx.labels, title=title)
    topics = shown["topic"].nunique()
    width = HEATMAP_COLUMN * topics + 320 if topics else None  # room for row labels and the colour bar
    return BriefingChart(
        "positions", title, fig, data=df, quotes=_quotes(ctx) if quotes else [], min_width=width
    )


def agreement(ctx: Context, *, level: str = "actor") -> BriefingChart:
    title = "Agreement and conflict"
    matrix = ctx.agg("position_matrix", level=level)  # the heatmap's: asked once
    edges = agreement_from_matrix(matrix, top=NETWORK_NODES)
    edges = edges.assign(weight=edges["agree"] + edges["conflict"]) if not edges.empty else edges
    fig = figures.network(
        None,
        edges,
        node="actor",
        size="n",
        source="actor_a",
        target="actor_b",
        weight="weight",
        sign="net",
        colors=ctx.colors,
        title=title,
        empty="No shared positions between actors for these filters.",
    )
    return BriefingChart("agreement", title, fig, data=edges, category="actor_a", value="weight")


def busiest_topic(ctx: Context) -> str | None:
    """The topic a positions-over-time slide shows: the one filtered topic, else the topic with the most
    support and oppose statements (ties by id)."""
    if len(ctx.filters.topics) == 1:
        return ctx.filters.topics[0]
    df = ctx.agg("position_matrix", level="actor")
    if df.empty:
        return None
    totals = (df["support"] + df["oppose"]).groupby(df["topic"].astype(str)).sum()
    return sorted(totals.index, key=lambda t: (-totals[t], t))[0]


def positions_over_time_pack(ctx: Context) -> BriefingChart:
    """Positions over time on the busiest topic (`busiest_topic`), with its key evidence."""
    topic = busiest_topic(ctx)
    chart = positions_over_time(ctx, topic=topic)
    chart.quotes = _quotes(ctx, topic=topic) if topic else []
    return chart


def positions_over_time(ctx: Context, *, topic: str | None = None, whole: bool = False) -> BriefingChart:
    """Net stance per actor and week of publication; the statements of the filters dated only to a month
    or a year shaded as their periods (a week needs a day), the undated counted (`dating`, of the topic's
    statements); `whole`: the axis over the whole period."""
    label = ctx.labels.get(topic, topic) if topic else "all topics"
    title = f"Positions over time: {label}"
    df = ctx.agg("positions_over_time", freq="W", topic=topic)
    partial, undated = dating(ctx, "statements", topic=topic)
    fig = figures.lines_over_time(
        df,
        date="period",
        value="net",
        series="actor",
        colors=ctx.colors,
        title=title,
        empty="No dated positions for these filters.",
        unit="statement",
        partial=partial,
        notes=(undated,),
        whole=whole,
        pad=pd.Timedelta(days=7),
    )
    if not df.empty:
        fig.update_yaxes(range=[-1.1, 1.1], tickvals=[-1, 0, 1], ticktext=["oppose", "neutral", "support"])
    return BriefingChart(
        "positions_time",
        title,
        fig,
        kind="line",
        data=df,
        category="period",
        value="net",
        series="actor",
        time=True,
        value_title="net stance (−1 oppose … +1 support)",
        category_title="week",
        value_range=(-1.0, 1.0),
    )


def events(
    ctx: Context, *, color_by: str = "actors", background: bool = True, whole: bool = False
) -> BriefingChart:
    """The latest `TIMELINE_EVENTS` events; the axis opens on the period of the current (not background)
    ones (`whole`: every event), the undated counted (`dating`)."""
    title = "Timeline of events"
    # only the latest events leave the database
    df = ctx.agg("events_in_order", include_background=background, latest=TIMELINE_EVENTS)
    total = df.attrs.get("total", len(df))
    shown = df.iloc[-TIMELINE_EVENTS:]  # sorted by date: the latest
    if total > len(shown):
        title += f" (latest {len(shown):,} of {total:,})"
    fig = figures.event_timeline(
        shown,
        color_by=color_by,
        colors=ctx.colors,
        title=title,
        labels=ctx.labels if color_by == "topics" else None,
        notes=(dating(ctx, "events", background=background)[1],),
        whole=whole,
    )
    quotes = [
        f"{_txt(r.date)} ({_txt(r.source, 'unknown source')}): {_txt(r.evidence)}"
        for r in shown.head(8).itertuples()
    ]
    return BriefingChart("events", title, fig, data=shown, quotes=quotes)


def coverage(ctx: Context, *, whole: bool = False) -> BriefingChart:
    """Articles per day, or per week when the period the axis opens on (the dense one unless `whole`)
    is longer than `DAILY_UP_TO` days (a year of daily bars is too thin to read, and slow to draw); the
    articles dated only to a month or a year shaded as their periods, the undated counted (`dating`)."""
    freq = "D" if _daily(ctx, whole) else "W"
    title = "Coverage over time: articles per " + ("day" if freq == "D" else "week")
    df = ctx.agg("coverage_over_time", by="source", freq=freq)
    partial, undated = dating(ctx, "articles")
    fig = figures.coverage_chart(
        df, date="period", value="articles", stack="source", colors=source_colors(ctx), title=title,
        partial=partial, notes=(undated,), whole=whole,
    )  # fmt: skip
    data = df.assign(day=df["period"].dt.strftime("%Y-%m-%d"))
    return BriefingChart(
        "coverage",
        title,
        fig,
        kind="column",
        data=data,
        category="day",
        value="articles",
        series="source",
        time=True,
        value_title="articles",
        category_title="day" if freq == "D" else "week",
    )


CATALOG = {
    "mentions": ("Who is mentioned, by source", mentions),
    "actors_time": ("Mentions over time", actors_over_time),
    "cooccurrence": ("Who is mentioned together", cooccurrence),
    "topics": ("Topics covered", topics),
    "positions": ("Positions: actor × topic", position_matrix),
    "agreement": ("Agreement and conflict", agreement),
    "positions_time": ("Positions over time (the busiest topic)", positions_over_time_pack),
    "events": ("Timeline of events", events),
    "coverage": ("Coverage over time", coverage),
}
