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
    m = tables["mentions"]
    m = m[(m["article_id"] == article_id) & m["start_char"].notna() & m["end_char"].notna()]
    out = [
        _mark(r.start_char, r.end_char, "actor", r.actor, color=style.colors_for([r.actor], colors)[0])
        for r in m.itertuples()
    ]
    tx = tables["time_expressions"]
    tx = tx[tx["start_char"].notna() & tx["end_char"].notna()]
    for r in tx[tx["article_id"] == article_id].itertuples():
        date = "" if pd.isna(r.date) else str(r.date)
        label = f"{r.expression} → {date}" if date else f"{r.expression} (unresolved)"
        out.append(_mark(r.start_char, r.end_char, "time", label))
    return out + _topic_spans(article_id, tables)


def _mark(start, end, kind: str, label: str, **extra) -> dict:
    """One highlight span of `highlight`: character offsets, kind (actor, topic, time), tooltip."""
    return {"start": int(start), "end": int(end), "kind": kind, "label": label, **extra}


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
                at = int(r.start_char)
                out.append(_mark(at + hit.start(), at + hit.end(), "topic", r.topic))
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


FOCUS_ID = "parley-focus"  # the focused sentence's element (the reader scrolls it into view)
FOCUS_STYLE = "background:#F0E442AA;outline:2px solid #E69F00;border-radius:3px;padding:1px 0"


def sentence_span(tables: dict[str, pd.DataFrame], article_id: str, sentence_id: int | None):
    """(start, end) offsets of one sentence of an article in its text, None when it has no such sentence."""
    if sentence_id is None:
        return None
    s = tables["sentences"]
    row = s[(s["article_id"] == article_id) & (s["sentence_id"] == sentence_id)]
    row = row[row["start_char"].notna() & row["end_char"].notna()]
    if row.empty:
        return None
    return int(row["start_char"].iloc[0]), int(row["end_char"].iloc[0])


def article_html(text: str, marks: list[dict], focus: tuple[int, int] | None = None, label: str = "") -> str:
    """The reader's HTML of `text`: paragraphs at blank lines, `marks` highlighted (`highlight`), and the
    `focus` span (a sentence's offsets) wrapped in one focus mark per paragraph it covers, the first with
    the id `FOCUS_ID` (`label`: its tooltip). Every character of `text` is escaped.

    Example: `article_html("A <b>. B.", [], focus=(0, 6))` is one paragraph whose escaped first sentence
    `A &lt;b&gt;.` sits in `<mark class="parley-focus" id="parley-focus" …>`, followed by ` B.`.
    """
    text = str(text or "")
    paras, first = [], True
    for a, b in _paragraphs(text):
        cuts = sorted({a, b} | ({min(max(x, a), b) for x in focus} if focus else set()))
        parts = []
        for p0, p1 in zip(cuts, cuts[1:], strict=False):
            local = [
                {**m, "start": max(m["start"], p0) - p0, "end": min(m["end"], p1) - p0}
                for m in marks
                if m["start"] < p1 and m["end"] > p0
            ]
            body = highlight(text[p0:p1], local)
            if focus and focus[0] <= p0 and p1 <= focus[1] and text[p0:p1].strip():
                ident = f' id="{FOCUS_ID}"' if first else ""
                title = html.escape(label, quote=True)
                attrs = f'class="parley-focus"{ident} title="{title}" style="{FOCUS_STYLE}"'
                body = f"<mark {attrs}>{body}</mark>"
                first = False
            parts.append(body)
        paras.append("<p>" + "".join(parts).replace("\n", "<br>") + "</p>")
    return f'<div class="parley-reader" style="line-height:1.6;max-width:52rem">{"".join(paras)}</div>'


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of the paragraphs of `text` (split at blank lines; outer whitespace left out)."""
    out, pos = [], 0
    for gap in [*re.finditer(r"\n\s*\n", text), None]:
        end = gap.start() if gap else len(text)
        chunk = text[pos:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            out.append((pos + lead, pos + len(chunk.rstrip())))
        pos = gap.end() if gap else len(text)
    return out


def scroll_script(token: str) -> str:
    """A script for a same-origin component frame that scrolls the focused sentence to the middle of the
    page (retrying while the page draws). `token` (article and sentence) makes each focus a new frame, so
    the script runs once per focus, not on every rerun; it is escaped into an HTML comment."""
    safe = html.escape(token).replace("--", "- -")
    return f"""<!-- {safe} --><script>
const doc = window.parent.document;
function go(tries) {{
  const el = doc.getElementById("{FOCUS_ID}");
  if (el) {{ el.scrollIntoView({{block: "center"}}); }}
  else if (tries > 0) {{ setTimeout(() => go(tries - 1), 200); }}
}}
go(25);
</script>"""
