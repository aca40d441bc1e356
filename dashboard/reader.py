"""The article reader's markup: escaped article text with actor, topic and time spans highlighted.

Article text is untrusted. Every character of it goes through `html.escape`; the only markup in the
output is the `<mark>`/`<span>` tags this module writes, with colours from the style module.
"""

from __future__ import annotations

import html
import re

import pandas as pd

from dashboard import style


def spans(article_id: str, tables: dict[str, pd.DataFrame], colors: dict[str, str]) -> list[dict]:
    """Highlight spans of one article: actor mentions (actor colour), topic terms, time expressions."""
    out: list[dict] = []
    m = tables["mentions"]
    m = m[(m["article_id"] == article_id) & m["start_char"].notna() & m["end_char"].notna()]
    for r in m.itertuples():
        out.append(
            {
                "start": int(r.start_char),
                "end": int(r.end_char),
                "kind": "actor",
                "label": r.actor,
                "color": style.colors_for([r.actor], colors)[0],
            }
        )
    tx = tables["time_expressions"]
    tx = tx[tx["start_char"].notna() & tx["end_char"].notna()]
    for r in tx[tx["article_id"] == article_id].itertuples():
        date = "" if pd.isna(r.date) else str(r.date)
        label = f"{r.expression} → {date}" if date else f"{r.expression} (unresolved)"
        out.append({"start": int(r.start_char), "end": int(r.end_char), "kind": "time", "label": label})
    out.extend(_topic_spans(article_id, tables))
    return out


def _topic_spans(article_id: str, tables: dict[str, pd.DataFrame]) -> list[dict]:
    """Topic terms found inside the sentences they were tagged in (the table has no offsets)."""
    t, s = tables["topics"], tables["sentences"]
    tagged = t[t["article_id"] == article_id].merge(
        s[s["article_id"] == article_id], on=["article_id", "sentence_id"]
    )
    out = []
    for r in tagged.itertuples():
        for term in ("" if pd.isna(r.terms) else str(r.terms)).split("; "):
            if not term.strip():
                continue
            for hit in re.finditer(re.escape(term.strip()), str(r.text), flags=re.IGNORECASE):
                out.append(
                    {
                        "start": int(r.start_char) + hit.start(),
                        "end": int(r.start_char) + hit.end(),
                        "kind": "topic",
                        "label": r.topic,
                    }
                )
    return out


def highlight(text: str, marks: list[dict]) -> str:
    """HTML of `text` with non-overlapping `marks` wrapped; overlaps keep the earlier (actors first).

    Example:
        >>> highlight("<b>Kyiv</b>", [{"start": 3, "end": 7, "kind": "actor", "label": "Ukraine"}])
        '&lt;b&gt;<mark class="actor" title="Ukraine" style="background:#0072B233">Kyiv</mark>&lt;/b&gt;'
    """
    text = str(text or "")
    rank = {"actor": 0, "topic": 1, "time": 2}
    chosen: list[dict] = []
    for mk in sorted(marks, key=lambda m: (rank.get(m["kind"], 3), m["start"])):
        if 0 <= mk["start"] < mk["end"] <= len(text) and all(
            mk["end"] <= c["start"] or mk["start"] >= c["end"] for c in chosen
        ):
            chosen.append(mk)
    parts, pos = [], 0
    for mk in sorted(chosen, key=lambda m: m["start"]):
        parts.append(html.escape(text[pos : mk["start"]]))
        parts.append(_open(mk) + html.escape(text[mk["start"] : mk["end"]]) + _close(mk))
        pos = mk["end"]
    parts.append(html.escape(text[pos:]))
    return "".join(parts)


def _open(mk: dict) -> str:
    title = html.escape(str(mk.get("label", "")), quote=True)
    if mk["kind"] == "actor":
        color = mk.get("color") or style.PALETTE[0]
        return f'<mark class="actor" title="{title}" style="background:{color}33">'
    if mk["kind"] == "topic":
        return f'<span class="topic" title="{title}" style="border-bottom:2px solid #999933">'
    return f'<span class="time" title="{title}" style="text-decoration:underline dotted">'


def _close(mk: dict) -> str:
    return "</mark>" if mk["kind"] == "actor" else "</span>"


def paragraphs_html(marked: str) -> str:
    """Wrap already-escaped, highlighted text in paragraphs at blank lines (newlines are not markup)."""
    paras = [p.replace("\n", "<br>") for p in re.split(r"\n\s*\n", marked) if p.strip()]
    body = "".join(f"<p>{p}</p>" for p in paras)
    return f'<div class="parley-reader" style="line-height:1.6;max-width:52rem">{body}</div>'
