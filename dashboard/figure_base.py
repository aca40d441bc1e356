"""Shared pieces of the figure functions: building a figure fast, the empty state, hover text, ordering."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from dashboard import style

UNKNOWN = "(unknown)"
OTHER = "Other"
MAX_SERIES = 8


@functools.lru_cache(maxsize=65536)
def _plain(text: str) -> str:
    return html.escape(text, quote=False)


def plain(text: object) -> str:
    """`text` as a Plotly label shown as typed: Plotly reads `<b>`, `<a href>`, `<span style>`… in axis
    labels, legends and hover text, and names come from untrusted articles.

    Use it for what is displayed (category values, trace names, text); keep the raw name in `customdata`,
    which is what the pages read back from a click.

    Example:
        >>> plain("<b>Bloc</b> & co")
        '&lt;b&gt;Bloc&lt;/b&gt; &amp; co'
    """
    return _plain(str(text))


class _Uncopied:
    """A value Plotly's deep copies share instead of copying (`__deepcopy__` returns it)."""

    __slots__ = ()

    def __deepcopy__(self, memo: dict) -> _Uncopied:
        return self


class _Shared(_Uncopied, list):
    """A data array that Plotly's deep copies share instead of copying item by item.

    A figure deep-copies every trace when it is built and again in `to_dict` (which `st.plotly_chart`
    and the exports call): two Python-level copies of each point's x, y, text and customdata, ~50 ms
    for a 5,000-point timeline. The arrays built by the figure functions are never changed in place
    (Plotly replaces a property, it does not edit it), so one copy serves every reader.
    """

    __slots__ = ()


class _SharedDict(_Uncopied, dict):
    """A constant layout part (the template: ~7 KB of trace defaults) shared by the deep copies."""

    __slots__ = ()


def _share(value: object) -> object:
    """`value` with every list of plain values wrapped as `_Shared` (dicts and lists of dicts walked)."""
    if isinstance(value, dict):
        return {key: _share(item) for key, item in value.items()}
    if isinstance(value, list | tuple) and value:
        if isinstance(value[0], dict | list | tuple):
            return [_share(item) for item in value]
        return _Shared(value)
    return value


def make_figure(traces: list[dict], layout: dict, *, title: str = "", height: int | None = None) -> go.Figure:
    """A styled figure from plain trace and layout dicts, built in one go without Plotly's validation.

    Validation costs about a second per 10,000 points (every colour and symbol is checked one by one),
    and each `update_layout` call a few milliseconds; these dicts are built here from known-good values,
    and the figure tests check their structure. Data arrays and the template are shared, not deep-copied
    (`_Shared`, `_SharedDict`).
    """
    layout = style.layout(title=title, height=height) | layout
    if "template" in layout:
        layout["template"] = _SharedDict(layout["template"])
    return go.Figure(data=[_share(trace) for trace in traces], layout=layout, _validate=False)


def empty_figure(message: str, *, title: str = "") -> go.Figure:
    """A blank figure that says why it is blank."""
    note = dict(
        text=html.escape(message),
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font=dict(size=16, color=style.MUTED_COLOR),
    )
    layout = dict(xaxis=dict(visible=False), yaxis=dict(visible=False), annotations=[note])
    return make_figure([], layout, title=title, height=260)


@functools.lru_cache(maxsize=65536)  # a page redraws the same sentences after every filter change
def hover_text(text: str, *, width: int = 70, max_chars: int = 400) -> str:
    """Escape `text` and wrap it with `<br>` for a hover label (Plotly reads a subset of HTML)."""
    text = " ".join(
        (text if isinstance(text, str) else "" if text is None or pd.isna(text) else str(text)).split()
    )
    if len(text) > max_chars:
        text = text[: max_chars - 1].rstrip() + "…"
    lines = re.findall(rf".{{1,{width}}}(?:\s+|$)", text) or [text]
    return "<br>".join(html.escape(line.strip()) for line in lines if line.strip())


def top_groups(df: pd.DataFrame, column: str, value: str, *, top: int = MAX_SERIES) -> pd.DataFrame:
    """`df` with every `column` value beyond the `top` largest (by total `value`) renamed to "Other".

    Forty stacked outlets are unreadable (and slow to draw); the largest few and "Other" are not.
    """
    keep = set(order_by_total(df, column, value)[:top])
    if df[column].nunique() <= top:
        return df
    return df.assign(**{column: df[column].where(df[column].isin(keep), OTHER)})


def missing(value: object) -> bool:
    """None, NA or NaN (`pd.isna` of one value, without its dispatch: charts test thousands)."""
    return value is None or value is pd.NA or value != value


def by_total(totals: Mapping[str, float]) -> list[str]:
    """The keys of `totals`, largest first; ties by name, so the order is stable."""
    return sorted(totals, key=lambda k: (-totals[k], k))


def order_by_total(df: pd.DataFrame, category: str, value: str) -> list[str]:
    """Categories by total value (`by_total`); a missing category is left out, a missing value counts 0.
    Summed in plain Python: a chart's frame has a few thousand rows at most, where a pandas groupby costs
    more in set-up than in adding."""
    totals: dict[str, float] = {}
    for key, number in zip(df[category].tolist(), df[value].tolist(), strict=True):
        if not missing(key):
            totals[str(key)] = totals.get(str(key), 0) + (0 if missing(number) else number)
    return by_total(totals)
