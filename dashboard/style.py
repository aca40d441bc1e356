"""Presentation style shared by every chart and export: palette, fonts, stance colours, source note.

One colour per actor wherever it appears, and the same on every corpus: an actor's colour is a hash of
its name into a colour-blind-safe palette (`color_for`), so neither a filter nor a new corpus nor a
rebuild recolours it. Two names of one chart whose hashes collide are told apart inside that chart
(`distinct`): the more prominent keeps its colour, the other takes its next choice.
"""

from __future__ import annotations

import hashlib
from html import escape

import plotly.graph_objects as go
import plotly.io as pio

# Okabe & Ito (2008) followed by Paul Tol's "muted" scheme: both designed to stay distinct for the
# common colour-vision deficiencies. Okabe-Ito's yellow is dropped because it vanishes on white slides.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000")
TOL = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499")
PALETTE: tuple[str, ...] = OKABE_ITO + TOL
OTHER = "#BBBBBB"
# Paul Tol's "light" scheme for things that are not actors (sources, topics), so they never look like one
# (its pale grey is left out: grey means "Other"), ordered so the busiest sources get the most unlike colours.
SERIES_PALETTE = ("#77AADD", "#EE8866", "#44BB99", "#FFAABB", "#EEDD88", "#99DDFF", "#BBCC33", "#AAAA00")

# Diverging blue (support) - grey (neutral) - vermillion (oppose): readable without red/green. The
# middle is a visible grey, so a balanced cell ("+1 −1") never looks like an empty one (white).
STANCE_COLORS = {"support": "#0072B2", "neutral": "#BBBBBB", "oppose": "#D55E00"}
DIVERGING = [[0.0, "#D55E00"], [0.5, "#D9D9D9"], [1.0, "#0072B2"]]

FONT = "Inter, 'Source Sans Pro', 'Helvetica Neue', Arial, sans-serif"
TEXT_COLOR = "#222222"
MUTED_COLOR = "#666666"
EXPORT_WIDTH, EXPORT_HEIGHT = 1920, 1080

# Groups that are not one actor or outlet are grey, so they never look like one.
NEUTRAL_GROUPS = {"Other": OTHER, "(unknown)": "#DDDDDD", "(none)": "#DDDDDD"}


def _hash(name: str) -> int:
    return int.from_bytes(hashlib.sha256(str(name).encode("utf-8")).digest()[:4], "big")


def color_for(name: str, palette: tuple[str, ...] = PALETTE) -> str:
    """The colour `name` gets wherever it appears: a hash of the name into `palette`.

    Example:
        >>> color_for("Ukraine") == color_for("Ukraine")
        True
    """
    return palette[_hash(name) % len(palette)]


def actor_colors(actors: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Each actor's own colour (`color_for`): from its name only, not its rank, so the same actor has the
    same colour on every corpus. Charts resolve collisions among what they draw with `distinct`."""
    return {actor: color_for(actor) for actor in dict.fromkeys(actors)}


def _palette_of(color: str | None, fallback: tuple[str, ...]) -> tuple[str, ...]:
    return SERIES_PALETTE if color in SERIES_PALETTE else PALETTE if color in PALETTE else fallback


def distinct(names: list[str] | tuple[str, ...], colors: dict[str, str] | None = None) -> dict[str, str]:
    """Colours for the `names` of one chart, most prominent first, no two alike while the palette lasts.

    A name takes its colour from `colors` (else `color_for`); when an earlier name of this chart holds it,
    it takes the next palette colour after it that is free. "Other", "(unknown)" and "(none)" stay grey.
    Without `colors` the names are not actors (sources, topics) and use `SERIES_PALETTE`.

    Example:
        >>> c = distinct(["A", "B"], {"A": "#0072B2", "B": "#0072B2"})
        >>> c["A"], c["B"]
        ('#0072B2', '#D55E00')
    """
    fallback = PALETTE if colors else SERIES_PALETTE
    colors = colors or {}
    out: dict[str, str] = {}
    used: set[str] = set()
    unique = list(dict.fromkeys(str(n) for n in names))
    for name in unique:
        if name in NEUTRAL_GROUPS and len(unique) > 1:
            out[name] = NEUTRAL_GROUPS[name]
            continue
        wanted = colors.get(name) or color_for(name, fallback)
        pal = _palette_of(wanted, fallback)
        start = pal.index(wanted) if wanted in pal else _hash(name) % len(pal)
        choices = [wanted] + [pal[(start + k) % len(pal)] for k in range(1, len(pal))]
        out[name] = next((c for c in choices if c not in used), wanted)
        used.add(out[name])
    return out


def colors_for(names: list[str], colors: dict[str, str] | None) -> list[str]:
    """Colours for the `names` of one chart, in order (`distinct`)."""
    mapping = distinct(names, colors or {})
    return [mapping[str(n)] for n in names]


def _luminance(hex_color: str) -> float:
    """WCAG 2 relative luminance of '#RRGGBB'."""
    rgb = [int(hex_color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21; text needs 4.5).

    Example:
        >>> round(contrast("#000000", "#FFFFFF"))
        21
    """
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def text_on(background: str) -> str:
    """Black or white text, whichever contrasts more with `background`: one of the two always reaches
    WCAG's 4.5:1 (at least 4.58), which the softer `TEXT_COLOR` does not on vermillion."""
    return "#000000" if contrast("#000000", background) >= contrast("#FFFFFF", background) else "#FFFFFF"


def scale_color(scale: list, value: float, lo: float = -1.0, hi: float = 1.0) -> str:
    """The colour a Plotly colour scale (list of [position, '#RRGGBB']) gives `value` in `lo`..`hi`."""
    t = min(1.0, max(0.0, (value - lo) / (hi - lo) if hi > lo else 0.5))
    for (p0, c0), (p1, c1) in zip(scale, scale[1:], strict=False):
        if t <= p1:
            f = 0 if p1 == p0 else (t - p0) / (p1 - p0)
            a, b = (int(c0[i : i + 2], 16) for i in (1, 3, 5)), (int(c1[i : i + 2], 16) for i in (1, 3, 5))
            return "#" + "".join(f"{round(x + (y - x) * f):02X}" for x, y in zip(a, b, strict=True))
    return scale[-1][1]


def source_note(n_articles: int, n_sources: int, start: str | None, end: str | None, undated: int = 0) -> str:
    """The footer every exported chart carries; `undated`: how many of the articles have no date (a
    time chart cannot place them, so the note says so).

    Example:
        >>> source_note(5, 3, "2025-11-20", "2025-11-27")
        '5 articles from 3 sources, 2025-11-20–2025-11-27 · Parley'
        >>> source_note(5, 0, None, None)
        '5 articles (sources unknown) · Parley'
        >>> source_note(39, 2, "2025-08-01", "2025-09-10", undated=18)
        '39 articles (18 undated) from 2 sources, 2025-08-01–2025-09-10 · Parley'
    """
    arts = f"{n_articles} article{'s' if n_articles != 1 else ''}"
    if undated:
        arts += f" ({undated} undated)" if undated < n_articles else " (all undated)"
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
        # above the plot, in reading order: a legend never covers the data, and a narrow window keeps
        # the plot's width (a legend at the right takes a third of an 800 px window)
        legend=dict(
            orientation="h",
            x=0,
            xanchor="left",
            yref="container",
            y=0,
            yanchor="bottom",
            traceorder="normal",
            title_text="",
        ),
        hoverlabel=dict(font=dict(family=FONT)),
    )
    if title:
        out["title"] = dict(text=title, x=0, xanchor="left", font=dict(size=16))
    if height:
        out["height"] = height
    return out


def presentation(fig: go.Figure, *, title: str, subtitle: str, note: str) -> go.Figure:
    """A copy of `fig` styled for slides: large title, subtitle with the filters, source note at the foot."""
    # titles come from untrusted filter values: escaped, as Plotly reads markup in them
    heading = f"<b>{escape(title, quote=False)}</b>"
    if subtitle:
        heading += (
            f"<br><span style='font-size:20px;color:{MUTED_COLOR}'>{escape(subtitle, quote=False)}</span>"
        )
    out = _slide_copy(
        fig,
        title=dict(text=heading, x=0.02, xanchor="left", y=0.96, yanchor="top", font=dict(size=34)),
        margin=dict(l=80, r=60, t=170, b=150),
    )
    _time_note(out)
    rows = len(out.layout.yaxis.tickvals or ())
    if rows:  # every row named (a heatmap): a font that fits the slide's plot height
        out.update_yaxes(tickfont=dict(size=max(10, min(20, int(0.75 * 720 / rows)))))
    out.add_annotation(
        text=escape(note, quote=False),
        xref="paper",
        yref="paper",
        x=0,
        y=-0.13,  # below two lines of date ticks and the axis title
        yanchor="top",
        xanchor="left",
        showarrow=False,
        font=dict(size=16, color=MUTED_COLOR),
    )
    return out


def _time_note(fig: go.Figure) -> None:
    """A time chart's note above the plot (`dashboard.time_axis.with_notes`) at the slide's size, in
    room of its own below the subtitle, without the on-screen hint to widen the axis."""
    for note in fig.layout.annotations or ():
        if note.name != "time-note":
            continue
        lines = [line for line in str(note.text).split("<br>") if not line.startswith("Widen:")]
        note.update(text="<br>".join(lines), font=dict(size=16))
        fig.update_layout(margin=dict(t=fig.layout.margin.t + 22 * len(lines)))


def _slide_copy(fig: go.Figure, *, title: dict | None, margin: dict) -> go.Figure:
    """An independent copy of `fig` (not re-validated: slow for large traces) in the slide's fonts, its
    `title` and `margin`; a 1920 px slide has room at the right: the legend there, clear of the plot and
    the source note."""
    out = go.Figure(fig.to_dict(), _validate=False)
    out.update_layout(
        template=TEMPLATE,
        font=dict(family=FONT, size=20, color=TEXT_COLOR),
        title=title,
        margin=margin,
        legend=dict(orientation="v", x=1.01, xanchor="left", yref="paper", y=1, yanchor="top"),
        width=None,
        height=None,
    )
    return out


def for_slide(fig: go.Figure) -> go.Figure:
    """A copy of `fig` for a picture on a slide: the slide carries title and note, so neither is drawn."""
    return _slide_copy(fig, title=None, margin=dict(l=60, r=40, t=40, b=60))
