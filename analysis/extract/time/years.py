"""The year of a year-less date ("on October 17", "in October") in an article with no publication date.

Within the article (`article_year`): the latest year of its own explicit, narrated dates that are not
background ("On November 18, 2025, the envoys met" gives 2025; "since February 2022" gives nothing).
Across the corpus, see `analysis.store.corpus_dates`.
"""

from __future__ import annotations

from datetime import date

from analysis.extract.time.background import is_background
from analysis.extract.time.dating import load_anchors, narrated_expressions
from analysis.extract.time.expressions import Anchor, find_timexes, resolve

ANCHOR_ARTICLE = "article"
PENDING = "pending"  # an event whose year the corpus may give (analysis.store.corpus_dates)


def year_less_parts(expression: str) -> dict | None:
    """The parts of a date that names a month (and maybe a day and weekday) but no year and is not counted
    from the publication date ("October 17", "Thursday, October 17", "in October"; not "last October")."""
    found = find_timexes(expression)
    if len(found) != 1 or found[0].kind not in ("absolute", "month"):
        return None
    parts = found[0].parts
    if not parts.get("month") or parts.get("year") or parts.get("modifier") or parts.get("rel"):
        return None
    return parts


def article_year(doc, found: list, *, anchors=None) -> tuple[int, str] | None:
    """(year, reason) from the article's own explicit dates in past narration (a month or a day with its
    year), background ones left out; None when it gives none."""
    anchors = load_anchors() if anchors is None else anchors
    own = [
        f
        for f in narrated_expressions(doc, found)
        if f.timex.parts.get("year") and f.timex.parts.get("month") and not is_background(doc, f, anchors)
    ]
    if not own:
        return None
    latest = max(own, key=lambda f: f.timex.parts["year"])
    year = latest.timex.parts["year"]
    others = sorted({f.timex.parts["year"] for f in own} - {year})
    also = f"; it also names {', '.join(map(str, others))}" if others else ""
    return year, f"year {year} from the article's own date '{latest.timex.text}'{also}"


def resolve_in_year(item, year: int, tense: str | None):
    """Resolution of a year-less expression placed in `year` (None when it does not fit)."""
    res = resolve(item.timex, published=Anchor(date(year, 1, 1), "year"), tense=tense)
    return res if res.date and res.date.startswith(str(year)) else None
