"""Static exports of figures (PNG 1920×1080 and 2×, SVG, PDF) through Kaleido and a local Chromium.

Kaleido's rendering server is started once per process (`ensure_server`) and reused, because starting
Chromium costs seconds while one render costs well under one. When no Chromium is found, `ensure_server()`
says so and the dashboard falls back to Plotly's own in-browser "download as PNG" button.
"""

from __future__ import annotations

import atexit
import functools
import html
import io
import threading
from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard import style

FORMATS: dict[str, tuple[str, str, float]] = {
    # key: (file extension, MIME type, scale)
    "png": ("png", "image/png", 1.0),
    "png2x": ("png", "image/png", 2.0),
    "svg": ("svg", "image/svg+xml", 1.0),
    "pdf": ("pdf", "application/pdf", 1.0),
}
LABELS = {"png": "PNG 1920×1080", "png2x": "PNG 2× (3840×2160)", "svg": "SVG", "pdf": "PDF"}

_lock = threading.Lock()
_state: dict[str, object] = {"started": False, "error": None}


@dataclass(frozen=True)
class Export:
    """One exported file: its bytes, file name and MIME type."""

    data: bytes
    file_name: str
    mime: str


@functools.lru_cache(maxsize=1)
def chromium_path() -> str | None:
    """The Chromium Kaleido would use (BROWSER_PATH, PATH, then the usual install paths), or None."""
    try:
        from choreographer.browsers.chromium import Chromium
    except ImportError:
        return None
    return Chromium.find_browser(skip_local=False)


def ensure_server() -> bool:
    """Start Kaleido's sync server once per process; False (with `last_error()`) when it cannot run."""
    with _lock:
        if _state["started"]:
            return True
        if _state["error"] is not None:
            return False
        if chromium_path() is None:
            _state["error"] = "no Chromium browser found on this machine"
            return False
        try:
            import kaleido

            # mathjax=False: Kaleido would otherwise fetch MathJax from a CDN, and Parley runs offline.
            kaleido.start_sync_server(n=1, timeout=90, mathjax=False, silence_warnings=True)
        except Exception as exc:  # noqa: BLE001 - any failure here means "use the browser fallback"
            _state["error"] = f"Kaleido could not start: {exc}"
            return False
        _state["started"] = True
        atexit.register(_stop)
        return True


def last_error() -> str | None:
    """Why server-side export is unavailable, in words for the UI."""
    return _state["error"]  # type: ignore[return-value]


def _stop() -> None:
    import kaleido

    kaleido.stop_sync_server(silence_warnings=True)


def render(fig: go.Figure, fmt: str = "png") -> bytes:
    """Render `fig` to bytes in format key `fmt` (see `FORMATS`) at 1920×1080 layout pixels (`style`).

    Raises:
        ValueError: for an unknown format key.
        RuntimeError: when no Chromium/Kaleido is available.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; formats are {sorted(FORMATS)}")
    if not ensure_server():
        raise RuntimeError(f"server-side export unavailable: {last_error()}")
    import kaleido

    ext, _, scale = FORMATS[fmt]
    opts = dict(format=ext, width=style.EXPORT_WIDTH, height=style.EXPORT_HEIGHT, scale=scale)
    return kaleido.calc_fig_sync(fig.to_dict(), opts=opts)


def export(fig: go.Figure, fmt: str, *, title: str, subtitle: str, note: str, slug: str) -> Export:
    """The presentation-styled figure rendered in `fmt`, with a file name built from `slug`."""
    styled = style.presentation(fig, title=title, subtitle=subtitle, note=note)
    data = render(styled, fmt)
    if fmt == "pdf":
        data = pdf_titled(data, title, subject=subtitle)
    elif fmt == "svg":
        data = svg_titled(data, title)
    return Export(data, file_name(slug, fmt), FORMATS[fmt][1])


def file_name(slug: str, fmt: str) -> str:
    """The file name of an export in `fmt`, e.g. 'who-is-mentioned@2x.png'."""
    ext, _, scale = FORMATS[fmt]
    return f"{safe_slug(slug)}{'@2x' if scale > 1 else ''}.{ext}"


def pdf_titled(pdf: bytes, title: str, *, subject: str = "") -> bytes:
    """`pdf` with the document title (what a viewer's title bar and a slide tool show) set to `title`:
    Chromium's print names every page after Kaleido's own ("Kaleido-fier")."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    meta = {"/Title": title, "/Creator": "Parley", "/Producer": "Parley (Kaleido, Chromium, pypdf)"}
    writer.add_metadata(meta | ({"/Subject": subject} if subject else {}))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def svg_titled(svg: bytes, title: str) -> bytes:
    """`svg` with a `<title>` first inside the root element (screen readers and file browsers read it)."""
    text = svg.decode("utf-8")
    head = text.find(">", text.find("<svg"))
    if head < 0:
        return svg
    element = f"<title>{html.escape(title, quote=False)}</title>"
    return (text[: head + 1] + element + text[head + 1 :]).encode("utf-8")


def safe_slug(text: str) -> str:
    """A file-name-safe slug: letters, digits and dashes only.

    Example:
        >>> safe_slug("Actor × topic: positions")
        'actor-topic-positions'
    """
    out = "".join(ch.lower() if ch.isascii() and ch.isalnum() else "-" for ch in str(text))
    return "-".join(p for p in out.split("-") if p)[:60] or "chart"


def browser_config(slug: str) -> dict:
    """Plotly modebar config for the in-browser fallback: a 1920×1080 PNG named after the chart."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": "png",
            "filename": safe_slug(slug),
            "width": style.EXPORT_WIDTH,
            "height": style.EXPORT_HEIGHT,
            "scale": 1,
        },
    }
