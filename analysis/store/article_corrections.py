"""The analyst's article corrections (publication date, title, source), applied by every build.

They are `article` entries of the corrections log (`analysis.store.corrections`), folded in log order (a
later entry wins, field by field; an undone entry counts for nothing). The build applies them to the
ingested articles *before* the analysis (`apply_before`), so the corrected date is the one the analysis
resolves "yesterday" or "on Tuesday" against and the corpus span counts; the article's metadata is part of
its cache key, so only the corrected article is analysed again. After the analysis (`mark_after`) the
corrected date is marked as the analyst's: `published_from` "analyst", the reason naming who, when and the
date it replaced. An undated article given a date is dated from then on: on the timeline, in coverage and
in the date filters, which all read `articles.published`.

Example:
    >>> articles, dated, problems = apply_before(articles, data_dir / "corrections.jsonl")
    >>> ... analyse ...
    >>> tables["articles"] = mark_after(tables["articles"], dated)
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.store import corrections

ANALYST = "analyst"  # `articles.published_from` of a date the analyst set
Dated = dict[str, tuple[str, str]]  # article_id -> (the corrected date, its reason)


def article_fixes(log: pd.DataFrame) -> dict[str, dict]:
    """article_id -> the fields its active `article` entries set (later entries win), with `_by` and `_at`
    (who made the last of them, and when)."""
    fixes: dict[str, dict] = {}
    for _, entry in corrections.active_corrections(log, ("article",)).iterrows():
        fix = fixes.setdefault(str(entry["article_id"]), {})
        fix.update({k: str(v) for k, v in entry["fields"].items() if k in corrections.ARTICLE_FIELDS})
        fix.update(_by=str(entry.get("by") or ""), _at=str(entry.get("timestamp") or "")[:10])
    return fixes


def load_fixes(path: Path) -> tuple[dict[str, dict], list[dict]]:
    """`article_fixes` of the log at `path` and the problems met (a broken file: no fixes, one problem)."""
    path = Path(path)
    if not path.exists():
        return {}, []
    try:
        return article_fixes(corrections.load_corrections(path)), []
    except Exception as exc:  # noqa: BLE001 - a broken log must never cost the build or the log itself
        message = f"article corrections could not be applied ({exc}); the file is kept unchanged"
        return {}, [{"file": path.name, "severity": "error", "message": message}]


def _reason(fix: dict, was: str) -> str:
    who = f" ({fix['_by']}, {fix['_at']})" if fix.get("_by") else f" ({fix['_at']})" if fix.get("_at") else ""
    if not fix["published"]:
        return f"the analyst removed the date{who}; was {was or 'undated'}"
    return f"set by the analyst{who}; was {was or 'undated'}"


def apply_before(articles: pd.DataFrame, path: Path) -> tuple[pd.DataFrame, Dated, list[dict]]:
    """The ingested `articles` with the log's article corrections applied, each corrected date with its
    reason (for `mark_after`) and the problems met. A corrected date enters the analysis as a stated
    (metadata) date, which the analysis keeps."""
    fixes, problems = load_fixes(path)
    if not fixes or articles.empty:
        return articles, {}, problems
    out = articles.copy()
    ids = out["article_id"].astype(str)
    dated: Dated = {}
    for article_id, fix in fixes.items():
        rows = ids == article_id
        if not rows.any():  # the article left the corpus; the entry stays in the log for its return
            continue
        for field in ("title", "source"):
            if field in fix:
                out.loc[rows, field] = fix[field]
        if "published" in fix:
            was = str(out.loc[rows, "published"].fillna("").iloc[0])
            dated[article_id] = (fix["published"], _reason(fix, was))
            stated = "metadata" if fix["published"] else "none"
            out.loc[rows, ["published", "published_from", "published_reason"]] = [
                fix["published"], stated, dated[article_id][1]]  # fmt: skip
    return out, dated, problems


def mark_after(articles: pd.DataFrame, dated: Dated) -> pd.DataFrame:
    """The built `articles` with each corrected date (`apply_before`) set again and marked as the
    analyst's: `published_from` "analyst", its reason (nothing after the analysis may undo them)."""
    if not dated or articles.empty:
        return articles
    out = articles.copy()
    ids = out["article_id"].astype(str)
    for article_id, (published, reason) in dated.items():
        out.loc[ids == article_id, ["published", "published_from", "published_reason"]] = [
            published, ANALYST, reason]  # fmt: skip
    return out


def pending(article: dict, fixes: dict[str, dict]) -> dict[str, str]:
    """The corrected fields of `article` (a row of the built articles) that the tables do not show yet:
    they take effect at the next build."""
    fix = fixes.get(str(article.get("article_id")), {})
    return {
        k: v for k, v in fix.items() if k in corrections.ARTICLE_FIELDS and str(article.get(k) or "") != v
    }
