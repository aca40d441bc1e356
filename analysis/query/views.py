"""Small pure helpers the dashboard needs that are not queries: the filter options' shape (`Catalog`),
topic labels, one article's header and rows, safe links, the build line and a wide display table. The
filtered rows a page shows come from `analysis.query.rows`.

Like the rest of `analysis/`, this never imports streamlit or plotly.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import settings

log = logging.getLogger("parley.views")


@dataclass(frozen=True)
class Catalog:
    """What the filters can offer, from the whole (unfiltered) corpus.

    `actors` is ranked by mentions (most first): the dashboard hands out colours in this order, so an
    actor keeps its colour whatever the filters.
    """

    actors: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    first: dt.date | None = None
    last: dt.date | None = None
    topic_labels: dict[str, str] = field(default_factory=dict)


def topic_labels(path: Path | None = None) -> dict[str, str]:
    """Topic id -> label from the taxonomy; empty when it cannot be read (the pages then show the ids)."""
    from analysis.extract.topics import load_taxonomy

    try:
        taxonomy = load_taxonomy(path or settings.get_path("taxonomy_path"))
    except (OSError, ValueError):
        return {}
    return {t.id: t.label or t.id for t in taxonomy.topics}


def safe_url(url: str | None) -> str:
    """`url` when it is an http(s) link, else '' (article URLs are untrusted: no javascript: links)."""
    url = str(url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) and " " not in url else ""


def label_articles(arts: pd.DataFrame) -> pd.DataFrame:
    """`arts` (article_id, file, title, source, published) plus their picker label."""

    def text(column: str, default: pd.Series | str) -> pd.Series:
        values = arts[column].fillna("").astype(str).str.strip()
        return values.where(values != "", default)

    label = (
        text("published", "undated")
        + " · "
        + text("source", "no source")
        + " · "
        + text("title", arts["file"])
    )
    return arts.assign(label=label).reset_index(drop=True)


def article(tables: dict[str, pd.DataFrame], article_id: str) -> dict:
    """One article row as a dict (KeyError naming the id when it is unknown)."""
    arts = tables["articles"]
    row = arts[arts["article_id"] == article_id]
    if row.empty:
        raise KeyError(f"no article with id {article_id!r}")
    return {k: ("" if pd.isna(v) else v) for k, v in row.iloc[0].to_dict().items()}


def article_header(art: dict) -> str:
    """Plain-text header of an article: title, source, date (with where it came from), byline, file."""
    date = art.get("published") or "undated"
    origin = f" ({art['published_from']})" if art.get("published_from") else ""
    lines = [
        art.get("title") or art.get("file", ""),
        f"{art.get('source') or 'unknown source'} · {date}{origin}",
    ]
    if art.get("byline"):
        lines.append(str(art["byline"]))
    lines.append(f"file: {art.get('file', '')} · {art.get('n_words', 0)} words")
    return "\n".join(str(x) for x in lines)


def article_rows(tables: dict[str, pd.DataFrame], article_id: str, table: str) -> pd.DataFrame:
    """Rows of `table` about one article, in sentence order."""
    frame = tables[table]
    return frame[frame["article_id"] == article_id].sort_values("sentence_id").reset_index(drop=True)


def article_problems(tables: dict[str, pd.DataFrame], file: str) -> pd.DataFrame:
    """Problems about one article's file (or a row of it: 'corpus.csv#3' belongs to 'corpus.csv#3')."""
    probs = tables["problems"]
    base = str(file).split("#")[0]
    keep = (probs["file"] == file) | (probs["file"] == base)
    return probs[keep][["severity", "message"]].reset_index(drop=True)


def build_info(out_dir: Path) -> str:
    """One line about the stored build: when, how long, which model (empty when there is no manifest)."""
    from analysis.store import tables as store

    m = store.read_manifest(out_dir)
    if not m or "built_at" not in m:  # e.g. tables written by a benchmark or a script, not by a build
        return ""
    notice = f" · {m['model_notice']}" if m.get("model_notice") else ""
    took = f" in {m['seconds']} s" if m.get("seconds") is not None else ""
    return f"Built {m['built_at']}{took} with {m.get('model') or 'an unknown model'}{notice}"


def wide(df: pd.DataFrame, *, index: str, columns: str, values: str) -> pd.DataFrame:
    """A long count table as a wide one (rows by total, largest first) with a Total column, for display."""
    if df is None or df.empty:
        return pd.DataFrame()
    out = df.pivot_table(index=index, columns=columns, values=values, aggfunc="sum", fill_value=0)
    out["Total"] = out.sum(axis=1)
    out = out.sort_values("Total", ascending=False)
    out.columns.name = None
    return out
