"""Small pure helpers the dashboard needs that are not aggregations of their own concern:
filter options, a corpus summary, corrections applied at load time and evidence rows.

Like the rest of `analysis/`, this never imports streamlit or plotly.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import settings
from analysis.filters import row_count

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


def _ranked(values: pd.Series) -> tuple[str, ...]:
    values = values.dropna().astype(str)
    values = values[values != ""]
    counts = values.value_counts()
    return tuple(sorted(counts.index, key=lambda v: (-counts[v], v)))


def _day(value: str) -> dt.date | None:
    """First day of an ISO date of any precision ('2025', '2025-11', '2025-11-20')."""
    parts = (str(value or "").split("-") + ["01", "01"])[:3]
    try:
        return dt.date(int(parts[0]), int(parts[1] or 1), int(parts[2] or 1))
    except ValueError:
        return None


def catalog(tables: dict[str, pd.DataFrame], *, taxonomy_path: Path | None = None) -> Catalog:
    """Filter options of `tables`: actors by mentions, affiliations, topics, sources, date span."""
    mentions, articles = tables["mentions"], tables["articles"]
    topics = set(tables["topics"]["topic"].dropna().astype(str)) | set(tables["statements"]["topic"].dropna())
    days = [d for d in (_day(v) for v in articles["published"].dropna()) if d]
    return Catalog(
        actors=_ranked(pd.concat([mentions["actor"], tables["statements"]["actor"]])),
        affiliations=_ranked(mentions["affiliation"]),
        topics=tuple(sorted(topics)),
        sources=_ranked(articles["source"]),
        first=min(days) if days else None,
        last=max(days) if days else None,
        topic_labels=topic_labels(taxonomy_path),
    )


def topic_labels(path: Path | None = None) -> dict[str, str]:
    """Topic id -> label from the taxonomy; empty when it cannot be read (the pages then show the ids)."""
    from analysis.topics import load_taxonomy

    try:
        taxonomy = load_taxonomy(path or settings.get_path("taxonomy_path"))
    except (OSError, ValueError):
        return {}
    return {t.id: t.label or t.id for t in taxonomy.topics}


def article_summary(tables: Mapping[str, pd.DataFrame]) -> dict:
    """The article part of `corpus_summary` (articles, sources, start, end): what every page's source
    note needs, from the articles alone."""
    articles = tables["articles"]
    sources = articles["source"].dropna().astype(str)
    days = articles["published"].dropna().astype(str)
    days = days[days != ""]
    return {
        "articles": int(len(articles)),
        "sources": int(sources[sources != ""].nunique()),
        "start": str(days.min()) if len(days) else None,
        "end": str(days.max()) if len(days) else None,
    }


def corpus_summary(tables: Mapping[str, pd.DataFrame]) -> dict:
    """Headline numbers: articles, sources, date span, actors, mentions, statements, events, problems."""
    return article_summary(tables) | row_summary(tables)


def row_summary(tables: Mapping[str, pd.DataFrame]) -> dict:
    """The rest of `corpus_summary` after `article_summary`: actors, mentions, statements, events,
    problems (a page that has the article part already asks for this alone)."""
    counted = {name: row_count(tables, name) for name in ("mentions", "statements", "events", "problems")}
    return {"actors": int(tables["mentions"]["actor"].nunique())} | counted


def with_corrections(tables: dict[str, pd.DataFrame], path: Path) -> dict[str, pd.DataFrame]:
    """`tables` with the corrections file applied to the automatic statements (so a correction, and its
    undo, show at once, whatever the last build applied).

    A corrections file that cannot be applied leaves the statements as built and adds a problem row.
    """
    if not Path(path).exists():
        return tables
    try:
        from analysis import corrections

        auto = tables["statements_auto"] if len(tables.get("statements_auto", ())) else tables["statements"]
        statements = corrections.apply_corrections(auto, corrections.load_corrections(path))
    except Exception as exc:  # noqa: BLE001 - the app must keep working with the built statements
        log.warning("corrections not applied: %s", exc)
        problem = pd.DataFrame(
            [
                {
                    "file": Path(path).name,
                    "severity": "error",
                    "message": f"corrections could not be applied ({exc})",
                }
            ]
        )
        problems = pd.concat([tables["problems"], problem.astype("string")], ignore_index=True)
        return {**tables, "problems": problems}
    return {**tables, "statements": statements}


def evidence(
    tables: dict[str, pd.DataFrame],
    *,
    actor: str | None = None,
    topic: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Statements (optionally of one actor and/or topic) with their article's title, source, date and URL."""
    st_ = tables["statements"]
    if actor is not None:
        st_ = st_[st_["actor"] == actor]
    if topic is not None:
        st_ = st_[st_["topic"] == topic]
    meta = tables["articles"][["article_id", "title", "source", "published", "url"]]
    out = st_.merge(meta, on="article_id", how="left")
    out = out.sort_values(["published", "article_id", "sentence_id"], na_position="last").reset_index(
        drop=True
    )
    return out.head(limit) if limit else out


def key_evidence(
    tables: dict[str, pd.DataFrame], *, actor: str | None = None, topic: str | None = None, n: int = 8
) -> pd.DataFrame:
    """The `n` statements to quote first, as `evidence` rows: support/oppose before neutral, then the most
    confident, then in `evidence` order (date, article, sentence).

    Only the statements that can make the first `n` (with every tie) are joined with their articles,
    so this stays cheap on a large corpus.
    """
    st_ = tables["statements"]
    if actor is not None:
        st_ = st_[st_["actor"] == actor]
    if topic is not None:
        st_ = st_[st_["topic"] == topic]
    if st_.empty or n <= 0:
        return evidence({**tables, "statements": st_.head(0)})
    rank = (st_["stance"] != "neutral").to_numpy(dtype=bool, na_value=True).astype(np.int64)
    conf = st_["confidence"].astype("float64").to_numpy(na_value=np.nan)
    score = np.where(np.isnan(conf), -np.inf, conf)  # a missing confidence sorts last
    order = np.lexsort((-score, -rank))
    last = order[min(n, len(order)) - 1]
    cand = (rank > rank[last]) | ((rank == rank[last]) & (score >= score[last]))
    ev = evidence({**tables, "statements": st_[cand]})
    ev = ev.assign(_rank=(ev["stance"] != "neutral").astype("boolean").fillna(True).astype("int64"))
    ev = ev.sort_values(["_rank", "confidence"], ascending=False, kind="stable", na_position="last")
    return ev.head(n).drop(columns=["_rank"]).reset_index(drop=True)


def actor_sentences(tables: dict[str, pd.DataFrame], actor: str, *, limit: int = 200) -> pd.DataFrame:
    """The sentences mentioning `actor`, with the surface form and the article's title, source and URL."""
    ments = tables["mentions"][tables["mentions"]["actor"] == actor]
    ments = ments.drop_duplicates(["article_id", "sentence_id"])[["article_id", "sentence_id", "surface"]]
    sents = ments.merge(
        tables["sentences"][["article_id", "sentence_id", "text"]], on=["article_id", "sentence_id"]
    )
    meta = tables["articles"][["article_id", "title", "source", "published", "url"]]
    out = sents.merge(meta, on="article_id", how="left").sort_values(
        ["published", "article_id", "sentence_id"]
    )
    return out.head(limit).reset_index(drop=True)


def safe_url(url: str | None) -> str:
    """`url` when it is an http(s) link, else '' (article URLs are untrusted: no javascript: links)."""
    url = str(url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) and " " not in url else ""


def article_list(tables: dict[str, pd.DataFrame], *, limit: int | None = None) -> pd.DataFrame:
    """Articles newest first with a one-line label 'date · source · title' for a picker (the first
    `limit` when given)."""
    arts = tables["articles"][["article_id", "file", "title", "source", "published"]]
    arts = arts.sort_values(["published", "title"], ascending=[False, True], na_position="last")
    return label_articles(arts.head(limit) if limit is not None else arts)


def label_articles(arts: pd.DataFrame) -> pd.DataFrame:
    """`arts` (article_id, file, title, source, published) plus their picker label."""
    title = arts["title"].fillna("").where(arts["title"].fillna("") != "", arts["file"])
    label = arts["published"].fillna("undated") + " · " + arts["source"].fillna("?") + " · " + title
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


def event_rows(tables: dict[str, pd.DataFrame], event_id: str) -> pd.DataFrame:
    """One event with its article's title, source, date and URL."""
    ev = tables["events"][tables["events"]["event_id"] == event_id]
    meta = tables["articles"][["article_id", "title", "source", "published", "url"]]
    return ev.merge(meta, on="article_id", how="left").reset_index(drop=True)


def unresolved_times(tables: dict[str, pd.DataFrame], *, limit: int | None = None) -> pd.DataFrame:
    """Time expressions without a date, with their article's title and source (the first `limit`)."""
    tx = tables["time_expressions"]
    tx = tx[tx["date"].fillna("") == ""]
    tx = tx.head(limit) if limit is not None else tx
    meta = tables["articles"][["article_id", "title", "source", "published"]]
    out = tx.merge(meta, on="article_id", how="left")
    return out[["expression", "kind", "title", "source", "published", "sentence_id"]].reset_index(drop=True)


def build_info(out_dir: Path) -> str:
    """One line about the stored build: when, how long, which model (empty when there is no manifest)."""
    from analysis import store

    m = store.read_manifest(out_dir)
    if not m or "built_at" not in m:  # e.g. tables written by a benchmark or a script, not by a build
        return ""
    notice = f" · {m['model_notice']}" if m.get("model_notice") else ""
    took = f" in {m['seconds']} s" if m.get("seconds") is not None else ""
    return f"Built {m['built_at']}{took} with {m.get('model') or 'an unknown model'}{notice}"


def with_article_meta(rows: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """`rows` (with `article_id`) plus their article's title, source, published date and URL."""
    want = [c for c in ("title", "source", "published", "url") if c not in rows]
    if not want:
        return rows
    meta = tables["articles"][["article_id", *want]]
    return rows.merge(meta, on="article_id", how="left")


def catalog_topics(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Topics that have a support or oppose statement, most such statements first."""
    st_ = tables["statements"]
    return list(_ranked(st_.loc[st_["stance"].isin(["support", "oppose"]), "topic"]))


def wide(df: pd.DataFrame, *, index: str, columns: str, values: str) -> pd.DataFrame:
    """A long count table as a wide one (rows by total, largest first) with a Total column, for display."""
    if df is None or df.empty:
        return pd.DataFrame()
    out = df.pivot_table(index=index, columns=columns, values=values, aggfunc="sum", fill_value=0)
    out["Total"] = out.sum(axis=1)
    out = out.sort_values("Total", ascending=False)
    out.columns.name = None
    return out
