"""Corpus-level dating, run by the build over the merged tables after every article has been analysed (so
each article's cached analysis stays its own):

1. Years from the corpus. When the build's dated articles fall within one span (at least `MIN_DATED` of
   them, the earliest publication day at most `MAX_SPAN_DAYS` before the latest; a share
   `MIN_SHARE_IN_SPAN` suffices, the stray dates named in the reason), an undated article's
   year-less dates ("on October 17", "in October", a dateline "OSLO, Nov 23 (Reuters) -") are placed in the
   year that puts them nearest that span (`anchor` / `published_from` "corpus", with the reason). A corpus
   whose dated articles span several years gives no year; the pending events of the undated articles
   (`anchor` "pending") are then dropped.
2. Sanity: an event dated more than `SANITY_DAYS` after its article's publication from a past-tense clause
   is reported in `problems` (it is almost always a resolution error).
"""

from __future__ import annotations

import calendar
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from analysis.extract.time.expressions import Anchor
from analysis.extract.time.rules import MONTHS
from analysis.extract.time.stated import find_dateline
from analysis.extract.time.years import PENDING, year_less_parts
from analysis.store import schema

MIN_DATED = 2
MAX_SPAN_DAYS = 366
# A stray date (an archive piece, a page's mis-read date) must not cost the whole build its years: the span
# holds when this share of the dated articles falls within it; the others are named in the reason.
MIN_SHARE_IN_SPAN = 0.9
# A year-less date further than this from the span fits none of its years well enough (a named weekday can
# push the only consistent year away).
MAX_DISTANCE_DAYS = 183
SANITY_DAYS = 28
CORPUS = "corpus"


@dataclass(frozen=True)
class Span:
    start: date
    end: date
    n: int
    outliers: tuple[str, ...] = ()

    def describe(self) -> str:
        text = f"the {self.n} dated articles of the build, {self.start.isoformat()} to {self.end.isoformat()}"
        if self.outliers:
            text += f" ({len(self.outliers)} dated outside it left out: {', '.join(self.outliers)})"
        return text


def period(iso: str | None) -> tuple[date, date] | None:
    """First and last day of an ISO date of any precision ('2025', '2025-08', '2025-08-21')."""
    anchor = Anchor.parse(iso)
    if anchor is None:
        return None
    first = anchor.day
    if anchor.precision == "day":
        return first, first
    if anchor.precision == "month":
        return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, date(first.year, 12, 31)


def corpus_span(published) -> tuple[Span | None, str]:
    """The span of the dated articles' publication dates, or None with the reason it gives no year."""
    dated = sorted((p, iso) for iso in published if isinstance(iso, str) and (p := period(iso)))
    if len(dated) < MIN_DATED:
        return None, f"fewer than {MIN_DATED} dated articles in the build ({len(dated)})"
    inside = _within(dated, _densest_start(dated))
    if len(inside) < max(MIN_DATED, MIN_SHARE_IN_SPAN * len(dated)):
        start, end = dated[0][0][0], max(p[1] for p, _ in dated)
        return None, (f"the dated articles span {start.isoformat()} to {end.isoformat()}, more than "
                      f"{MAX_SPAN_DAYS} days: no year is guessed")  # fmt: skip
    kept = set(inside)
    outliers = tuple(iso for p, iso in dated if (p, iso) not in kept)
    start, end = inside[0][0][0], max(p[1] for p, _ in inside)
    return Span(start, end, len(inside), outliers), ""


def _densest_start(dated: list) -> date:
    """The publication day that starts the `MAX_SPAN_DAYS` window holding the most dated articles. No
    period is longer than a year, so those within a window are those ending by its end less those starting
    before it (two binary searches a window: a large build's corpus step stays fast)."""
    starts, ends = sorted(p[0] for p, _ in dated), sorted(p[1] for p, _ in dated)

    def held(first: date) -> int:
        last = first + timedelta(days=MAX_SPAN_DAYS)
        return bisect_right(ends, last) - bisect_left(starts, first)

    return max(dict.fromkeys(starts), key=held)


def _within(dated: list, first: date) -> list:
    """The dated articles whose whole period lies within `MAX_SPAN_DAYS` from `first`."""
    last = first + timedelta(days=MAX_SPAN_DAYS)
    return [(p, iso) for p, iso in dated if p[0] >= first and p[1] <= last]


def _distance(first: date, last: date, span: Span) -> int:
    if last < span.start:
        return (span.start - last).days
    if first > span.end:
        return (first - span.end).days
    return 0


def place(parts: dict, span: Span, tense: str | None = None) -> tuple[str, str] | None:
    """(ISO date, precision) of year-less `parts` (month, optional day and weekday) in the year nearest
    `span`; None when two years are as near, or none is near enough or agrees with the weekday.

    Past narration ("did so in March") looks back: the latest date that starts by the span's end (an
    undated article is not thought to be later than the corpus); the future tense looks forward: the first
    date that ends on or after the span's start."""
    options = _options(parts, span)
    if tense == "past":
        options = [o for o in options if o[1] <= span.end.isoformat() and (span.end - _end(o)).days <= 366]
        return max(options, key=lambda o: o[1])[1:] if options else None
    if tense == "future":
        options = [o for o in options if _end(o) >= span.start and (period(o[1])[0] - span.start).days <= 366]
        return min(options, key=lambda o: o[1])[1:] if options else None
    options = sorted(o for o in options if o[0] <= MAX_DISTANCE_DAYS)
    if not options or (len(options) > 1 and options[0][0] == options[1][0]):
        return None
    return options[0][1], options[0][2]


def _end(option: tuple) -> date:
    return period(option[1])[1]


def _options(parts: dict, span: Span) -> list[tuple[int, str, str]]:
    """(distance to the span in days, ISO date, precision) of `parts` in the years around the span."""
    options = []
    for year in range(span.start.year - 2, span.end.year + 3):
        if parts.get("day"):
            try:
                day = date(year, parts["month"], parts["day"])
            except ValueError:
                continue
            if parts.get("weekday") is not None and day.weekday() != parts["weekday"]:
                continue
            options.append((_distance(day, day, span), day.isoformat(), "day"))
        else:
            first = date(year, parts["month"], 1)
            last = first.replace(day=calendar.monthrange(year, parts["month"])[1])
            options.append((_distance(first, last, span), first.isoformat()[:7], "month"))
    return options


def anchor_corpus(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], list[dict]]:
    """The tables with the corpus years applied (see the module), and the sanity problems."""
    articles = tables["articles"].copy()
    span, why_not = corpus_span(articles["published"].where(articles["published"] != "", None))
    undated = set(articles.loc[articles["published"].fillna("") == "", "article_id"].astype(str))
    if span is not None:
        reason = f"year from the corpus: {span.describe()}"
        articles = _published_from_dateline(articles, undated, span, reason)
        ev = tables["events"]
        keys = zip(ev["article_id"], ev["sentence_id"], ev["time_expression"], ev["tense"], strict=True)
        tenses = {(str(a), int(s), str(x)): t or None for a, s, x, t in keys}
        for name, column in (("time_expressions", "expression"), ("events", "time_expression")):
            tables[name] = _place_rows(tables[name], column, undated, span, reason, tenses)
    events = tables["events"]
    tables["events"] = schema.conform(events[events["anchor"].fillna("") != PENDING], "events")
    tables["articles"] = articles
    problems = sanity_problems(tables["events"], articles)
    return tables, problems


def _place_rows(
    frame: pd.DataFrame, column: str, undated: set, span: Span, reason: str, tenses: dict
) -> pd.DataFrame:
    """Year-less rows of undated articles placed in the corpus's year; `tenses` maps (article, sentence,
    expression) to the tense of the clause (the events table knows it)."""
    frame = frame.copy()
    todo = frame["article_id"].astype(str).isin(undated) & frame["date"].isna()
    for i in frame.index[todo]:
        parts = year_less_parts(str(frame.at[i, column]))
        key = (str(frame.at[i, "article_id"]), int(frame.at[i, "sentence_id"]), str(frame.at[i, column]))
        placed = place(parts, span, tenses.get(key)) if parts else None
        if placed:
            frame.loc[i, ["date", "date_precision", "anchor", "anchor_reason"]] = [*placed, CORPUS, reason]
            value = frame.at[i, "value"] if "value" in frame.columns else None
            if isinstance(value, str) and value.startswith("XXXX"):  # the TIMEX3 value gains the year too
                frame.at[i, "value"] = placed[0][:4] + value[4:]
    return frame


def _published_from_dateline(articles: pd.DataFrame, undated: set, span: Span, reason: str) -> pd.DataFrame:
    """A year-less dateline ('OSLO, Nov 23 (Reuters) -') in an undated article, in the corpus's year."""
    for i in articles.index[articles["article_id"].astype(str).isin(undated)]:
        match = find_dateline(str(articles.at[i, "text"] or ""))
        if match is None or match.group("year"):
            continue
        month = MONTHS[(match.group("mon") or match.group("mon2")).rstrip(".").lower()]
        placed = place({"month": month, "day": int(match.group("day") or match.group("day2"))}, span)
        if placed:
            line = match.group(0).strip()
            articles.loc[i, ["published", "published_from", "published_reason"]] = [
                placed[0], CORPUS, f"dateline '{line}'; {reason}"]  # fmt: skip
    return articles


def sanity_problems(events: pd.DataFrame, articles: pd.DataFrame) -> list[dict]:
    """Events dated more than `SANITY_DAYS` after their article's publication from a past-tense clause."""
    published = dict(zip(articles["article_id"].astype(str), articles["published"], strict=True))
    files = dict(zip(articles["article_id"].astype(str), articles["file"], strict=True))
    problems = []
    # Only resolved dates: a date that states its year ("a ban from January 2027") is no resolution error.
    resolved = events["anchor"].fillna("none") != "none"
    for row in events[(events["tense"].fillna("") == "past") & resolved].itertuples():
        pub, when = period(published.get(str(row.article_id))), period(row.date)
        if pub is None or when is None or when[0] <= pub[1] + timedelta(days=SANITY_DAYS):
            continue
        message = (f"event dated {row.date} from '{row.time_expression}' in a past-tense sentence, more than "
                   f"{SANITY_DAYS} days after the article's publication ({published[str(row.article_id)]}): "
                   "probably a wrong date")  # fmt: skip
        file = files.get(str(row.article_id), "")
        problems.append({"file": file, "severity": "warning", "message": message})
    return problems
