"""The review queue and the corrections history, through the query engine.

- `queue`: the statements nobody has checked yet (`origin` auto) that the filters keep, the machine's
  least sure first (lowest confidence), with their article's title, source and date;
- `progress` / `progress_by_cell`: how many of the filtered statements (the matrix's) are checked, in all
  and per actor x topic cell: confirmed, corrected or added by the analyst (`origin` other than auto);
- `history`: the corrections log as a person reads it: sentence, old -> new, who and when, in force or
  undone (each entry in force can be undone, however old).

Example:
    >>> queue(q, limit=20, topics=("ceasefire",)).head(1)
    >>> progress(q)  # {'checked': 12, 'total': 140}
"""

from __future__ import annotations

import pandas as pd

from analysis.query.engine import Source, as_query
from analysis.query.positions import statements_view
from analysis.query.results import check_level, to_filters

UNCHECKED = "coalesce(s.origin, 'auto') = 'auto'"
QUEUE_COLUMNS = "s.statement_id, s.article_id, s.sentence_id, s.actor, s.topic, s.stance, s.confidence, " \
                "s.cue, s.rule, s.evidence, a.title, a.url"  # fmt: skip


def queue(source: Source, *, limit: int = 50, sides_only: bool = False, **filters) -> pd.DataFrame:
    """The unchecked statements the filters keep, least confident first (ties in table order): columns
    statement_id, article_id, sentence_id, actor, topic, stance, confidence, cue, rule, evidence, title, url,
    source, published (and holder). `sides_only`: only support and oppose statements (those that colour
    the matrix and draw the network). `result.attrs["remaining"]`: how many such unchecked there are."""
    order = "s.confidence ASC NULLS FIRST, s._row"
    where = UNCHECKED + (" AND s.stance IN ('support', 'oppose')" if sides_only else "")
    out = statements_view(source, columns=QUEUE_COLUMNS, where=where, order=order, limit=limit, **filters)
    out.attrs["remaining"] = progress(source, sides_only=sides_only, **filters)["unchecked"]
    return out


def _checked_sql(group: str = "", sides_only: bool = False) -> str:
    select = f"{group}, " if group else ""
    where = " WHERE stance IN ('support', 'oppose')" if sides_only else ""
    return (f"SELECT {select}count(*) AS total, count(*) FILTER (WHERE coalesce(origin, 'auto') <> 'auto') "
            f"AS checked FROM s{where}"
            + (f" GROUP BY {group} ORDER BY {group}" if group else ""))  # fmt: skip


def progress(source: Source, *, sides_only: bool = False, **filters) -> dict[str, int]:
    """checked, total and unchecked: the filtered statements the analyst has checked (confirmed,
    corrected or added), of all the filtered statements (`sides_only`: of their support and oppose
    statements)."""
    q = as_query(source)
    body = _checked_sql(sides_only=sides_only)
    row = q.run(to_filters(filters), body, {"s": "statements_aff"}, affiliations=True)
    total = int(row["total"].iloc[0]) if len(row) else 0
    checked = int(row["checked"].iloc[0]) if len(row) else 0
    return {"checked": checked, "total": total, "unchecked": total - checked}


def progress_by_cell(source: Source, *, level: str = "actor", **filters) -> pd.DataFrame:
    """Per matrix cell (actor or affiliation x topic): actor, topic, checked, total, share (0..1)."""
    check_level(level)
    q = as_query(source)
    body = _checked_sql(f"{level}, topic")
    out = q.run(to_filters(filters), body, {"s": "statements_aff"}, affiliations=True)
    out = out.rename(columns={level: "actor"}).astype({"total": "int64", "checked": "int64"})
    out["share"] = (out["checked"] / out["total"].where(out["total"] > 0)).fillna(0.0)
    return out[["actor", "topic", "checked", "total", "share"]].reset_index(drop=True)


def _lookup(q, table: str, key: str, columns: str, ids: list[str]) -> pd.DataFrame:
    if not ids:
        return pd.DataFrame(columns=[key])
    sql = f"SELECT DISTINCT ON ({key}) {key}, {columns} FROM {table} WHERE list_contains($ids, {key})"
    return q.sql(sql, {"ids": ids})


def _fmt(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    return str(value) if str(value) else "(none)"


def _change(entry: pd.Series, auto: dict, labels: dict) -> str:
    """old -> new in words: 'stance: support → oppose; actor: A → B'."""
    action, fields, old = entry["action"], entry["fields"], entry["old"] or {}
    name = labels.get
    if action in ("change", "article"):
        parts = []
        for key, new in fields.items():
            was = old.get(key, auto.get(key)) if action == "change" else old.get(key)
            if key == "topic":
                was, new = name(was, was), name(new, new)
            parts.append(f"{key}: {_fmt(was)} → {_fmt(new)}")
        return "; ".join(parts)
    if action == "delete":
        return f"deleted ({_fmt(old.get('stance', auto.get('stance')))})"
    if action == "confirm":
        return f"confirmed ({_fmt(old.get('stance', auto.get('stance')))})"
    topic = fields.get("topic")
    return f"added: {fields.get('actor')} · {name(topic, topic)} · {fields.get('stance')}"


def history(source: Source, log: pd.DataFrame, *, labels: dict | None = None) -> pd.DataFrame:
    """The log's entries newest first, undo entries folded into the entry they revert: id, when (UTC),
    who, action, sentence (an article entry: the article's title), change (old -> new), note, status
    ('in force' or 'undone <when>'), undoable (True while in force)."""
    columns = ["id", "when", "who", "action", "sentence", "change", "note", "status", "undoable"]
    entries = log[log["action"] != "undo"] if len(log) else log
    if entries is None or entries.empty:
        return pd.DataFrame(columns=columns)
    q, labels = as_query(source), labels or {}
    undos = log[log["action"] == "undo"]
    undone_at = dict(zip(undos["reverts"].astype(str), undos["timestamp"].astype(str), strict=True))
    sids = sorted(set(entries["statement_id"].dropna().astype(str)))
    base = "statements_auto" if q.sql("SELECT count(*) AS n FROM statements_auto")["n"].iloc[0] else \
        "statements_built"  # fmt: skip
    auto = _lookup(q, base, "statement_id", "evidence, actor, topic, stance", sids)
    auto = {r["statement_id"]: r for r in auto.to_dict("records")}
    aids = sorted(set(entries["article_id"].dropna().astype(str)))
    titles = _lookup(q, "articles", "article_id", "title", aids)
    titles = dict(zip(titles["article_id"], titles.get("title", []), strict=True))
    rows = []
    for _, e in entries.iloc[::-1].iterrows():
        a = auto.get(str(e["statement_id"]), {})
        if e["action"] == "article":
            sentence = f"article: {titles.get(str(e['article_id'])) or e['article_id']}"
        else:
            sentence = a.get("evidence") or e["fields"].get("evidence") or f"statement {e['statement_id']}"
        when = undone_at.get(str(e["id"]))
        rows.append({
            "id": str(e["id"]),
            "when": _when(e["timestamp"]),
            "who": str(e.get("by") or ""),
            "action": str(e["action"]),
            "sentence": str(sentence),
            "change": _change(e, a, labels),
            "note": str(e["note"] or ""),
            "status": f"undone {_when(when)}" if when else "in force",
            "undoable": when is None,
        })  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _when(timestamp) -> str:
    """'2026-12-02 00:31 UTC' from the log's ISO timestamp."""
    text = str(timestamp or "")
    return f"{text[:10]} {text[11:16]} UTC" if len(text) >= 16 else text


__all__ = ["history", "progress", "progress_by_cell", "queue"]
