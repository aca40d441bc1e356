"""Rendering helpers shared by the pages: a chart with its export buttons, evidence tables, the build.

Untrusted article text is only ever shown through dataframes, `st.text`, escaped HTML, or Markdown
escaped with `md` (captions, headings and labels render Markdown, so a title like `[x](javascript:…)`
would otherwise become a link).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
import streamlit as st

from analysis.query import views
from dashboard import display, downloads, export, jobs, state
from dashboard.briefing import BriefingChart

FALLBACK_NOTE = (
    "Server-side export is unavailable here ({why}). Use the camera icon in the chart's toolbar to "
    "download a 1920×1080 PNG from your browser."
)


# CommonMark lets a backslash escape any ASCII punctuation, which then stands for itself.
_MD_SPECIAL = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def md(text: object) -> str:
    r"""`text` escaped for Streamlit Markdown (captions, headings, button labels): shown as typed.

    Every ASCII punctuation character gets a backslash, so no emphasis, link, image, HTML, math
    (`$…$`) or directive (`:red[…]`) can form; newlines become spaces so no block (list, heading) starts.

    Example:
        >>> print(md("[x](javascript:alert(1)) **b**"))
        \[x\]\(javascript\:alert\(1\)\) \*\*b\*\*
    """
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def show(chart: BriefingChart, ctx: state.Context, *, select: str | tuple[str, ...] | None = None):
    """Draw `chart` with its export buttons; returns the selection event when `select` is given."""
    kwargs = dict(key=f"chart_{chart.key}", config=export.browser_config(chart.title), theme=None)
    if select:
        kwargs.update(on_select="rerun", selection_mode=select)
    if chart.min_width:  # a wide chart (the heatmap) scrolls sideways rather than squeeze its cells
        box = st.container(key=f"scroll_{chart.key}")
        box.html(_scroll_css(chart.key, chart.min_width))
    else:
        box = st.container()
    event = box.plotly_chart(chart.figure, width="stretch", height="content", **kwargs)
    export_buttons(chart, ctx)
    return event if select else None


def _scroll_css(key: str, min_width: int) -> str:
    """CSS for a chart box that scrolls sideways below `min_width` px: the chart's element is kept that
    wide, so Streamlit draws the figure that wide, and the box scrolls (the key and width are ours)."""
    box = f".st-key-scroll_{export.safe_slug(key).replace('-', '_')}"
    return (
        f"<style>{box} {{ overflow-x: auto; overflow-y: hidden; }} "
        f'{box} > [data-testid="stElementContainer"]:has([data-testid="stPlotlyChart"]) '
        f"{{ min-width: {int(min_width)}px; }}</style>"
    )


NARROW_PX = 1024  # at or below: side-by-side charts stack
SIDEBAR_PX = 1280  # at or below: the sidebar gives way once (a laptop's width)
_NARROW_CSS = f"""<style>
@media (max-width: {NARROW_PX}px) {{
  [data-testid="stHorizontalBlock"]:has([data-testid="stPlotlyChart"]) {{ flex-direction: column; }}
  [data-testid="stHorizontalBlock"]:has([data-testid="stPlotlyChart"]) > [data-testid="stColumn"] {{
    width: 100% !important; flex: 1 1 100% !important; min-width: 100% !important; }}
}}
</style>"""
# Runs in the component's same-origin frame: collapses the sidebar once per browser tab on a narrow
# window (a briefer who opens it again keeps it open).
_NARROW_JS = f"""<script>
const top_ = window.parent, doc = top_.document, flag = "parley-sidebar-narrow";
function collapse(tries) {{
  const bar = doc.querySelector('[data-testid="stSidebar"]');
  const button = doc.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (bar && button && bar.getAttribute("data-collapsed") === "false") {{
    button.click(); top_.sessionStorage.setItem(flag, "1");
  }} else if (tries > 0) {{ setTimeout(() => collapse(tries - 1), 200); }}
}}
if (top_.innerWidth <= {SIDEBAR_PX} && !top_.sessionStorage.getItem(flag)) collapse(25);
</script>"""


def narrow_window() -> None:
    """Make a narrow window usable: the sidebar collapses, side-by-side charts stack (call once a run)."""
    import streamlit.components.v1 as components

    st.html(_NARROW_CSS)
    with st.sidebar:
        components.html(_NARROW_JS, height=0)


def export_buttons(chart: BriefingChart, ctx: state.Context) -> None:
    """The chart's Download menu: its title and subtitle (editable, for every format), PNG / PNG 2× /
    SVG / PDF rendered on click (the browser fallback without Chromium), and the chart's data as CSV."""
    with st.popover("Download", icon=":material/download:"):
        title, subtitle = edited(chart, ctx)
        title, subtitle = title or chart.title, subtitle or ctx.subtitle
        st.download_button(
            "Data behind the chart (CSV)",
            data=lambda: downloads.csv(downloads.labelled(chart.data, ctx.labels)),
            file_name=f"{export.safe_slug(title)}.csv",
            mime="text/csv",
            key=f"dl_{chart.key}_csv",
            on_click="ignore",
            disabled=chart.data is None,
            icon=":material/table:",
        )
        if export.chromium_path() is None:
            st.caption(FALLBACK_NOTE.format(why="no Chromium browser on the server"))
            return
        st.caption("Pictures carry the title, the subtitle and the source note, for slides.")
        for fmt, label in export.LABELS.items():
            st.download_button(
                label,
                data=_renderer(chart, ctx, fmt, title, subtitle),
                file_name=export.file_name(title, fmt),
                mime=export.FORMATS[fmt][1],
                key=f"dl_{chart.key}_{fmt}",
                on_click="ignore",
            )


def edited(chart: BriefingChart, ctx: state.Context, *, prefix: str = "edit") -> tuple[str, str]:
    """Title and subtitle inputs for `chart`, the defaults shown as placeholders; what the briefer typed
    ("" for a default kept)."""
    default_sub = ctx.subtitle if chart.subtitle is None else chart.subtitle
    key = f"{prefix}_{chart.key}"
    title = st.text_input("Title", placeholder=chart.title, key=f"{key}_title", help="Empty: the default")
    sub = st.text_input("Subtitle", placeholder=default_sub, key=f"{key}_sub", help="Empty: the filters")
    return title.strip(), sub.strip()


def _renderer(chart: BriefingChart, ctx: state.Context, fmt: str, title: str, subtitle: str):
    def run() -> bytes:
        return export.export(
            chart.figure, fmt, title=title, subtitle=subtitle, note=ctx.note, slug=title
        ).data

    return run


def empty_state(message: str) -> None:
    st.info(message, icon=":material/info:")


EVIDENCE_COLUMNS = (
    "read",
    "date",
    "actor",
    "actors",
    "topic",
    "topics",
    "stance",
    "cue",
    "rule",
    "origin",
    "evidence",
    "text",
    "title",
    "source",
    "published",
    "url",
)
SENTENCE_PX = 460  # the sentence column's width; rows grow until its longest sentence wraps whole
EVIDENCE_MAX_PX = 560  # a taller table scrolls inside itself (it stays on one screen)


def evidence_table(
    df: pd.DataFrame,
    *,
    key: str,
    labels: dict[str, str] | None = None,
    select: bool | Callable[[], None] = False,
    columns: tuple[str, ...] = EVIDENCE_COLUMNS,
    links: bool = True,
    wrap: bool = True,
):
    """Evidence rows (statement or sentence, article, source, date, link) as a dataframe: the sentences
    wrap whole, topics show as labels, dates as dates, and (with `links`) each row opens the article
    reader at its sentence. `wrap=False` keeps one line a row (where the sentence is shown whole beside it).

    With `select`, one row can be selected (a callable `select` is called when the selection changes); the
    selection event is returned.
    """
    if df is None or df.empty:
        empty_state("No evidence for this selection and these filters.")
        return None
    shown = df.copy()
    labels = labels if labels is not None else topic_labels()
    if "url" in shown:
        shown["url"] = shown["url"].map(views.safe_url)
    if links:
        shown = display.with_reader_links(shown, st.query_params.to_dict())
    shown = display.dates_as_days(downloads.labelled(shown, labels) if labels else shown)
    cols = [c for c in columns if c in shown]
    sentence = next((c for c in ("evidence", "text") if c in shown), None)
    height = display.wrap_height(shown[sentence], SENTENCE_PX) if sentence and wrap else None
    config = {
        "read": st.column_config.LinkColumn(
            "reader",
            display_text="read",
            width="small",
            pinned=True,
            help="Open the article at this sentence, highlighted (a new tab, with an address you can share)",
        ),
        "url": st.column_config.LinkColumn("original", display_text="open", width="small"),
        "published": st.column_config.TextColumn("published", width="small"),
    }
    for name in ("evidence", "text"):
        config[name] = st.column_config.TextColumn(
            "sentence", width=SENTENCE_PX, help="The whole sentence; the reader shows it in its article"
        )
    kwargs = {}
    if select:
        kwargs = dict(on_select=select if callable(select) else "rerun", selection_mode="single-row")
    if height:
        kwargs.update(row_height=height, height=min(len(shown) * height + 40, EVIDENCE_MAX_PX))
    return st.dataframe(
        shown[cols], hide_index=True, width="stretch", column_config=config, key=key, **kwargs
    )


def table(df: pd.DataFrame | None, *, labels: dict[str, str] | None = None, sentence: str | None = None):
    """A table as a person reads it (`display.for_screen`: topic labels, dates as dates, ids last); the
    `sentence` column, when given, wraps whole."""
    labels = labels if labels is not None else topic_labels()
    shown = display.for_screen(df, labels)
    options = {"hide_index": True, "width": "stretch"}
    if sentence and sentence in shown and (height := display.wrap_height(shown[sentence], SENTENCE_PX)):
        options["row_height"] = height
        options["column_config"] = {sentence: st.column_config.TextColumn(width=SENTENCE_PX)}
    return st.dataframe(shown, **options)


def reader_link(rows: pd.DataFrame | None, label: str = "Read it in the article") -> None:
    """A link to the reader at the first row's sentence (same tab; the address keeps the filters)."""
    if rows is None or rows.empty or "article_id" not in rows:
        return
    first = rows.iloc[0]
    params = display.reader_query(first["article_id"], first.get("sentence_id"), st.query_params.to_dict())
    st.page_link(display.READER_PAGE_FILE, label=label, icon=":material/menu_book:", query_params=params)


def topic_labels() -> dict[str, str]:
    """The corpus's topic labels (cached with its catalogue), so no table shows an id like weapons_aid."""
    try:
        return state.catalog(str(state.data_dir()), state.stamp()).topic_labels
    except Exception:  # noqa: BLE001 - a table without labels beats no table
        return {}


def run_build() -> bool:
    """Build (or watch the build already running) in the background with a progress bar.

    Returns True when the build finished well; errors are shown, never raised.
    """
    job = jobs.running(state.data_dir()) or jobs.start(state.data_dir(), state.corpus_dirs())
    bar = st.progress(job.fraction, text=job.text)
    while not job.finished.wait(0.3):
        bar.progress(job.fraction, text=job.text)
    if job.error:
        bar.empty()
        st.error(f"The analysis could not be built: {md(job.error)}")
        return False
    bar.progress(1.0, text=job.summary)
    return True


def selected_row(event) -> int | None:
    """The position of the selected row of a dataframe selection event (None when nothing is selected)."""
    try:
        rows = event["selection"]["rows"] if event is not None else []
    except (KeyError, TypeError):
        rows = []
    return rows[0] if rows else None


def picked(event, *, field: str = "customdata", whole: bool = False):
    """The `field` of the first selected point of a chart selection event (None when nothing is selected).

    Args:
        event: what `st.plotly_chart(..., on_select="rerun")` returned.
        field: the point attribute to read ("customdata", "x", "y", …).
        whole: return a list value as is (a heatmap cell's [actor, topic]); else its first element.
    """
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points or []:
        value = point.get(field)
        if value is None:
            continue
        if isinstance(value, list | tuple) and not whole:
            value = value[0] if value else None
        return value
    return None


def remembered(key: str, value):
    """`value` when given (and remember it under `key`), else the value remembered from an earlier run.

    A chart's selection is lost when the app reruns after a correction; the drill-down should not be.
    """
    if value:
        st.session_state[key] = value
        return value
    return st.session_state.get(key)


def forget(key: str) -> None:
    """Widget callback: drop a remembered drill-down."""
    st.session_state.pop(key, None)
