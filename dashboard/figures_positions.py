"""Position figures: the actor × topic heatmap and the actor network (co-occurrence, agreement)."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from dashboard import style
from dashboard.figure_base import empty_figure, hover_text, make_figure, missing, plain
from dashboard.figure_base import order_by_total as _order

# A network places at most NETWORK_NODES nodes and draws the NETWORK_EDGES strongest links between them.
NETWORK_NODES = 30
NETWORK_EDGES = 120


def position_heatmap(
    df: pd.DataFrame,
    *,
    row: str = "actor",
    col: str = "topic",
    value: str = "net",
    title: str = "",
    labels: dict[str, str] | None = None,
) -> go.Figure:
    """The actor × topic heatmap: diverging colours centred on neutral (0), counts in the hover.

    `df` has one row per (row, col) with `value` in -1..1 and, when present, `support`, `oppose`,
    `neutral`, `n_sources` and `sources`. A transparent marker sits on every cell so a click selects
    the cell (Plotly heatmaps do not emit selection events); its `customdata` is `[row, col]`.
    """
    if df is None or df.empty:
        return empty_figure("No positions for these filters.", title=title)
    labels = labels or {}
    rows = _order(df.assign(_w=_weight(df)), row, "_w")
    cols = sorted(df[col].astype(str).unique(), key=lambda c: labels.get(c, c))
    # one pass over the columns (a matrix has hundreds of cells): each cell's grid position, label, hover
    at_row, at_col = ({name: i for i, name in enumerate(names)} for names in (rows, cols))
    z = [[None] * len(cols) for _ in rows]
    text = [[""] * len(cols) for _ in rows]
    keys, hovers = [], []
    counts = {k: _counts(df[k]) if k in df else None for k in ("support", "oppose", "neutral")}
    sources = _source_notes(df)
    cells = zip(df[row].astype(str).tolist(), df[col].astype(str).tolist(), df[value].tolist(), strict=True)
    for i, (r, c, v) in enumerate(cells):
        if r not in at_row:  # a missing row name
            continue
        s_, o_, n_ = (0 if found is None else found[i] for found in counts.values())
        z[at_row[r]][at_col[c]] = _num(v)
        text[at_row[r]][at_col[c]] = f"+{s_} −{o_}" if s_ or o_ else f"○{n_}" if n_ else ""
        tally = " · ".join(f"{k} {found[i]}" for k, found in counts.items() if found is not None)
        parts = [f"<b>{plain(r)}</b> on <b>{plain(labels.get(c, c))}</b>", tally, sources[i]]
        keys.append((r, c))
        hovers.append("<br>".join(part for part in parts if part))
    xlabels = [plain(labels.get(c, c)) for c in cols]
    heat = dict(
        type="heatmap",
        z=z,
        x=xlabels,
        y=[plain(r) for r in rows],
        zmin=-1,
        zmax=1,
        zmid=0,
        colorscale=style.DIVERGING,
        xgap=2,
        ygap=2,
        text=text,  # each cell's label, read back by tests and tools (drawn by `cell_text`, for contrast)
        hoverinfo="skip",  # the transparent markers below carry hover and clicks
        colorbar=dict(
            title=dict(text="net stance"), tickvals=[-1, 0, 1], ticktext=["oppose", "neutral", "support"]
        ),
    )
    # The cell labels as text points, each black or white for contrast with its own cell.
    written = [(i, j) for i in range(len(rows)) for j in range(len(cols)) if text[i][j]]
    shades = [style.scale_color(style.DIVERGING, z[i][j] if z[i][j] is not None else 0.0) for i, j in written]
    cell_text = dict(
        type="scatter",
        x=[xlabels[j] for _, j in written],
        y=[plain(rows[i]) for i, _ in written],
        mode="text",
        text=[text[i][j] for i, j in written],
        textfont=dict(color=[style.text_on(c) for c in shades], size=13),
        hoverinfo="skip",
        showlegend=False,
        name="cell labels",
    )
    overlay = dict(
        type="scatter",
        x=[plain(labels.get(c, c)) for _, c in keys],
        y=[plain(r) for r, _ in keys],
        mode="markers",
        marker=dict(size=28, symbol="square", opacity=0),
        customdata=[list(k) for k in keys],
        hoverlabel=dict(bgcolor="white", bordercolor="#999999", font=dict(color=style.TEXT_COLOR)),
        text=hovers,
        hovertemplate="%{text}<extra></extra>",
        showlegend=False,
        name="cells",
    )
    return make_figure(
        [heat, overlay, cell_text],
        dict(
            clickmode="event+select",
            dragmode=False,
            # every row and topic named, even when the chart is squeezed (Plotly would skip every other)
            yaxis=dict(
                autorange="reversed",
                automargin=True,
                ticklabelstandoff=6,
                tickmode="array",
                tickvals=[plain(r) for r in rows],
                ticktext=[plain(r) for r in rows],
            ),
            xaxis=dict(
                automargin=True,
                tickangle=-30,
                side="top",
                tickmode="array",
                tickvals=xlabels,
                ticktext=xlabels,
            ),
            annotations=[NOTATION],
            margin=dict(l=10, r=10, t=50 if title else 20, b=60),
        ),
        title=title,
        height=max(320, 34 * len(rows) + 200),
    )


# The cells' notation, explained in the chart itself (so a slide or an export explains it too).
NOTATION = dict(
    text="Cells: +support −oppose statements · ○n: n neutral statements only<br>"
    "grey: balanced · white: no statements",  # two short lines: a narrow chart keeps both whole
    xref="paper",
    yref="paper",
    x=0,
    y=0,
    xanchor="left",
    yanchor="top",
    yshift=-8,
    showarrow=False,
    font=dict(color=style.MUTED_COLOR),
)


def _weight(df: pd.DataFrame) -> pd.Series:
    cols = [c for c in ("support", "oppose", "neutral") if c in df]
    return df[cols].sum(axis=1) if cols else pd.Series(1, index=df.index)


def _num(v) -> float | None:
    return None if missing(v) else float(v)


def _counts(values: pd.Series) -> list[int]:
    """A count column as ints, a missing count as 0."""
    return [0 if missing(v) else int(v) for v in values.tolist()]


def _source_notes(df: pd.DataFrame) -> list[str]:
    """Each cell's outlets for the hover: the `sources` listed, else their number `n_sources`, else ''."""
    named = df["sources"].tolist() if "sources" in df else [None] * len(df)
    counted = df["n_sources"].tolist() if "n_sources" in df else [None] * len(df)
    return [
        "sources: " + hover_text(names, width=60, max_chars=200)
        if isinstance(names, str) and names
        else ""
        if missing(n)
        else "no source named"
        if int(n) == 0
        else f"{int(n)} source" + ("" if int(n) == 1 else "s")
        for names, n in zip(named, counted, strict=True)
    ]


def network_part(
    nodes: pd.DataFrame | None, edges: pd.DataFrame, *, node: str, size: str, source: str, target: str,
    weight: str, top: int = NETWORK_NODES, max_edges: int = NETWORK_EDGES,
) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """The nodes and edges `network` draws: the `top` nodes by `size` (without `nodes`: the edges' ends
    sized by their total `weight`) and the `max_edges` heaviest edges between them, heaviest first."""
    if nodes is None or nodes.empty:
        ends = pd.concat(
            [edges[[end, weight]].rename(columns={end: node, weight: size}) for end in (source, target)]
        )
        nodes = ends.groupby(node, as_index=False)[size].sum()
    nodes = nodes.sort_values([size, node], ascending=[False, True]).head(top)
    names = set(nodes[node].astype(str))
    inside = edges[source].astype(str).isin(names) & edges[target].astype(str).isin(names)
    kept = edges[inside.to_numpy(dtype=bool)]
    kept = kept.sort_values([weight, source, target], ascending=[False, True, True], kind="stable")
    return nodes, kept.head(max_edges)


def network(
    nodes: pd.DataFrame | None,
    edges: pd.DataFrame,
    *,
    node: str = "actor",
    size: str = "n",
    source: str = "source",
    target: str = "target",
    weight: str = "n",
    sign: str | None = None,
    colors: dict[str, str] | None = None,
    title: str = "",
    empty: str = "No links between actors for these filters.",
) -> go.Figure:
    """A circular network: nodes sized by `size`, edges as lines whose width follows `weight`.

    With `sign` (a column in -1..1, e.g. net agreement), edges are blue when positive (agreement),
    vermillion when negative (conflict), grey when mixed. Without `nodes`, the nodes are the edges'
    ends sized by their total weight. The layout is a circle in name order (`ring_positions`): a node's
    place depends on the set of nodes only, never on sizes or weights, so a correction that changes one
    edge leaves the drawing where it was.
    """
    if edges is None or edges.empty:
        return empty_figure(empty, title=title)
    nodes, edges = network_part(
        nodes, edges, node=node, size=size, source=source, target=target, weight=weight
    )
    names = nodes[node].astype(str).tolist()
    pos = ring_positions(names)
    traces = _edge_traces(edges, pos, source=source, target=target, weight=weight, sign=sign)
    sizes = nodes[size].astype(float)
    big = 30 if len(names) <= 12 else 18  # at 30 nodes a 42 px marker would touch its neighbours
    marker_px = (10 + big * sizes / (sizes.max() or 1)).tolist()
    traces.append(
        dict(
            type="scatter",
            x=[pos[n][0] for n in names],
            y=[pos[n][1] for n in names],
            mode="markers",
            text=[plain(n) for n in names],
            customdata=names,
            showlegend=False,
            name="actors",
            marker=dict(
                size=marker_px, color=style.colors_for(names, colors), line=dict(width=1, color="white")
            ),
            hovertemplate="%{text}<extra></extra>",
        )
    )
    labels = [_radial_label(n, pos[n], px) for n, px in zip(names, marker_px, strict=True)]
    return make_figure(
        traces,
        dict(
            clickmode="event+select",
            xaxis=dict(visible=False, range=[-1.75, 1.75]),
            yaxis=dict(visible=False, range=[-1.75, 1.75], scaleanchor="x"),
            annotations=labels,
        ),
        title=title,
        height=620,
    )


def ring_positions(names: list[str]) -> dict[str, tuple[float, float]]:
    """Each node's place on the unit circle, in name order (case-blind, then exact) counter-clockwise from
    the right: the same set of names always gives the same drawing, whatever their sizes or edges."""
    order = sorted(dict.fromkeys(names), key=lambda n: (n.casefold(), n))
    step = 2 * math.pi / max(len(order), 1)
    return {n: (math.cos(i * step), math.sin(i * step)) for i, n in enumerate(order)}


# Label geometry in data units (the ring has radius 1; about 170 px per unit on screen, and an export
# grows the plot and its font alike): the gap from a node's centre, and one character's width.
LABEL_GAP, CHAR_WIDTH, LABEL_CHARS, PX_PER_UNIT = 0.1, 0.042, 24, 170


def _radial_label(name: str, at: tuple[float, float], marker_px: float = 0.0) -> dict:
    """A node's label along the ray from the ring's centre through the node, beginning just outside the
    node: a label above a node of a ring lands on the next node, a radial one never does. Plotly turns an
    annotation about its centre, so the centre is placed half the label's length further out."""
    x, y = at
    angle = math.atan2(y, x)
    text = name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"
    # beyond the node's own marker: with nodes in name order a big node can sit anywhere on the ring
    reach = 1 + LABEL_GAP + marker_px / 2 / PX_PER_UNIT + CHAR_WIDTH * len(text) / 2
    degrees = math.degrees(angle)
    upright = -degrees if x >= -1e-9 else 180 - degrees  # never upside down
    return dict(
        text=plain(text),
        x=reach * math.cos(angle),
        y=reach * math.sin(angle),
        xref="x",
        yref="y",
        xanchor="center",
        yanchor="middle",
        textangle=upright,
        showarrow=False,
    )


def _edge_traces(
    edges: pd.DataFrame, pos: dict, *, source: str, target: str, weight: str, sign: str | None
) -> list[dict]:
    """The edges as line traces, one per (colour, strength) group: a trace per edge makes a figure of a
    hundred links slow to build and to send. Strength runs in 8 steps from the lightest drawn link (1 px,
    faint) to the heaviest (6 px, nearly opaque): scaled from zero, or at one opacity, a dense network
    whose links are all heavy would draw every line alike, one solid mass."""
    wmin, wmax = float(edges[weight].min()), float(edges[weight].max())
    groups: dict[tuple[str, int], tuple[list, list]] = {}
    for e in edges.to_dict("records"):
        (ax, ay), (bx, by) = pos[str(e[source])], pos[str(e[target])]
        step = round(7 * (float(e[weight]) - wmin) / (wmax - wmin)) if wmax > wmin else 3
        xs, ys = groups.setdefault((_sign_color(e.get(sign) if sign else None), step), ([], []))
        xs += [ax, bx, None]
        ys += [ay, by, None]
    return [
        dict(
            type="scatter",
            x=xs,
            y=ys,
            mode="lines",
            showlegend=False,
            line=dict(width=1 + 5 * step / 7, color=color),
            opacity=0.2 + 0.7 * step / 7,
            hoverinfo="skip",
        )  # fmt: skip
        for (color, step), (xs, ys) in sorted(groups.items(), key=lambda kv: kv[0][1])  # strongest on top
    ]


def _sign_color(value) -> str:
    if missing(value):
        return "#9AA5B1"
    if value > 0:
        return style.STANCE_COLORS["support"]
    return style.STANCE_COLORS["oppose"] if value < 0 else "#9AA5B1"
