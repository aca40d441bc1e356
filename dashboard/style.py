"""Presentation style shared by every chart and export: palette, fonts, stance colours, source note.

One colour per actor, the same in every chart and export: colours are handed out in the order of the
actor ranking of the whole (unfiltered) corpus, so filtering never recolours an actor.
"""

from __future__ import annotations

import hashlib

import plotly.graph_objects as go
import plotly.io as pio

# Okabe & Ito (2008) followed by Paul Tol's "muted" scheme: both designed to stay distinct for the
# common colour-vision deficiencies. Okabe-Ito's yellow is dropped because it vanishes on white slides.
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#E69F00",
    "#000000",
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
)
OTHER = "#BBBBBB"
# Paul Tol's "light" scheme for things that are not actors (sources, topics), so they never look like one.
SERIES_PALETTE: tuple[str, ...] = (
    "#77AADD",
    "#EE8866",
    "#44BB99",
    "#EEDD88",
    "#FFAABB",
    "#99DDFF",
    "#BBCC33",
    "#AAAA00",
    "#DDDDDD",
)

# Diverging blue (support) - light grey (neutral) - vermillion (oppose): readable without red/green.
STANCE_COLORS = {"support": "#0072B2", "neutral": "#BBBBBB", "oppose": "#D55E00"}
DIVERGING = [[0.0, "#D55E00"], [0.5, "#F2F2F2"], [1.0, "#0072B2"]]
SEQUENTIAL = [[0.0, "#F2F2F2"], [1.0, "#0072B2"]]

FONT = "Inter, 'Source Sans Pro', 'Helvetica Neue', Arial, sans-serif"
TEXT_COLOR = "#222222"
MUTED_COLOR = "#666666"
EXPORT_WIDTH, EXPORT_HEIGHT = 1920, 1080


def color_for(name: str) -> str:
    """A stable palette colour for a name outside the ranked actors (hash, so it never changes)."""
    digest = hashlib.sha256(str(name).encode("utf-8")).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def actor_colors(ranked_actors: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Map actors (most mentioned first) to palette colours; beyond the palette, hashed colours.

    Example:
        >>> actor_colors(["Russia", "Ukraine"])["Ukraine"]
        '#D55E00'
    """
    colors: dict[str, str] = {}
    for i, actor in enumerate(dict.fromkeys(ranked_actors)):
        colors[actor] = PALETTE[i] if i < len(PALETTE) else color_for(actor)
    return colors


# Groups that are not one actor or outlet are grey, so they never look like one.
NEUTRAL_GROUPS = {"Other": OTHER, "(unknown)": "#DDDDDD", "(none)": "#DDDDDD"}


def series_colors(names: list[str]) -> dict[str, str]:
    """Colours for non-actor series (sources, topics) in the given order, from the light palette.

    "Other" and "(unknown)" stay grey, unless they are the only series (a grey chart says nothing).
    """
    unique = list(dict.fromkeys(names))
    real = [n for n in unique if n not in NEUTRAL_GROUPS] if len(unique) > 1 else unique
    return {n: SERIES_PALETTE[i % len(SERIES_PALETTE)] for i, n in enumerate(real)}


def colors_for(names: list[str], colors: dict[str, str] | None) -> list[str]:
    """Colours for `names` from the mapping, falling back to the hashed colour; "Other" is grey."""
    colors = colors or {}
    return [colors.get(n) or NEUTRAL_GROUPS.get(n) or color_for(n) for n in names]


def source_note(n_articles: int, n_sources: int, start: str | None, end: str | None) -> str:
    """The footer every exported chart carries.

    Example:
        >>> source_note(5, 3, "2025-11-20", "2025-11-27")
        '5 articles from 3 sources, 2025-11-20–2025-11-27 · Parley'
        >>> source_note(5, 0, None, None)
        '5 articles (sources unknown) · Parley'
    """
    arts = f"{n_articles} article{'s' if n_articles != 1 else ''}"
    srcs = f" from {n_sources} source{'s' if n_sources != 1 else ''}" if n_sources else " (sources unknown)"
    span = ""
    if start and end:
        span = f", {start}–{end}" if start != end else f", {start}"
    return f"{arts}{srcs}{span} · Parley"


# The template as a plain dict: figures are built without validation, which would leave the name
# "plotly_white" unresolved (plotly.js does not know templates by name). Only the trace types Parley
# draws keep their defaults: the other thirty (colour scales of 3-D surfaces, maps…) were 80% of every
# chart's JSON, walked and copied on each rerun.
DRAWN_TYPES = ("bar", "scatter", "heatmap")
_WHITE = pio.templates["plotly_white"].to_plotly_json()
TEMPLATE = {"layout": _WHITE["layout"], "data": {t: _WHITE["data"][t] for t in DRAWN_TYPES}}


def layout(*, title: str = "", height: int | None = None) -> dict:
    """The clean on-screen style (white, light grid, one font) as a Plotly layout dict."""
    out = dict(
        template=TEMPLATE,
        font=dict(family=FONT, size=13, color=TEXT_COLOR),
        margin=dict(l=10, r=10, t=50 if title else 20, b=10),
        legend=dict(bgcolor="rgba(255,255,255,0.6)"),
        hoverlabel=dict(font=dict(family=FONT)),
    )
    if title:
        out["title"] = dict(text=title, x=0, xanchor="left", font=dict(size=16))
    if height:
        out["height"] = height
    return out


def presentation(fig: go.Figure, *, title: str, subtitle: str, note: str) -> go.Figure:
    """A copy of `fig` styled for slides: large title, subtitle with the filters, source note at the foot."""
    out = _copy(fig)
    heading = f"<b>{_plain(title)}</b>"
    if subtitle:
        heading += f"<br><span style='font-size:20px;color:{MUTED_COLOR}'>{_plain(subtitle)}</span>"
    out.update_layout(
        template=TEMPLATE,
        font=dict(family=FONT, size=20, color=TEXT_COLOR),
        title=dict(text=heading, x=0.02, xanchor="left", y=0.96, yanchor="top", font=dict(size=34)),
        margin=dict(l=80, r=60, t=170, b=120),
        width=None,
        height=None,
    )
    out.add_annotation(
        text=_plain(note),
        xref="paper",
        yref="paper",
        x=0,
        y=-0.06,
        yanchor="top",
        xanchor="left",
        showarrow=False,
        font=dict(size=16, color=MUTED_COLOR),
    )
    return out


def _copy(fig: go.Figure) -> go.Figure:
    """An independent copy of `fig`, without re-validating every value (slow for large traces)."""
    return go.Figure(fig.to_dict(), _validate=False)


def _plain(text: str) -> str:
    """Escape characters Plotly reads as markup in titles: titles come from untrusted filter values."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def for_slide(fig: go.Figure) -> go.Figure:
    """A copy of `fig` for a picture on a slide: the slide carries title and note, so neither is drawn."""
    out = _copy(fig)
    out.update_layout(
        template=TEMPLATE,
        font=dict(family=FONT, size=20, color=TEXT_COLOR),
        title=None,
        margin=dict(l=60, r=40, t=40, b=60),
        width=None,
        height=None,
    )
    return out
