"""The one filter every view and count function applies (as SQL in `analysis.query.sql`; rows of
a table are kept by `Query.filtered`, `apply_filters` on frames): actors (or affiliations), topics, sources,
publication-date range and a free-text search.

Semantics, identical for every table:
- sources / start / end select articles (by `articles.source` and `articles.published`; an article with no
  known date is kept only while no date bound is set);
- actors / affiliations keep rows about those actors: rows of `mentions` by their actor or the mention's
  affiliation, rows of `statements` by their actor or an actor acting for a chosen affiliation (its most
  frequent mention affiliation, `sql.AFFILIATION_TABLE`), `events` whose actors include one of those, and
  for sentence-level tables (`sentences`, `topics`, `time_expressions`) the sentences that mention one;
  `articles` that mention one;
- topics keep rows of `topics` and `statements` by their topic, `events` whose topics include one, the
  sentences tagged with one for the other sentence-level tables (`mentions`, `sentences`, …), and articles
  that have such a sentence;
- search keeps sentences whose text contains the words (case-insensitive), and articles whose title or
  text do.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Filters:
    actors: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    start: str | None = None  # ISO date, inclusive
    end: str | None = None  # ISO date, inclusive
    search: str = ""

    def __post_init__(self) -> None:
        for name in ("actors", "affiliations", "topics", "sources"):
            object.__setattr__(self, name, tuple(getattr(self, name) or ()))

    @property
    def active(self) -> bool:
        return self != Filters()


def filters_to_query(f: Filters) -> dict[str, str]:
    """Query parameters (`st.query_params`) for `f`: lists joined with '|', empty values left out."""
    out = {}
    for field in fields(Filters):
        value = getattr(f, field.name)
        if isinstance(value, tuple):
            if value:
                out[field.name] = "|".join(value)
        elif value:
            out[field.name] = str(value)
    return out


def filters_from_query(params: dict) -> Filters:
    """Inverse of `filters_to_query`; unknown keys are ignored."""
    kw = {}
    for field in fields(Filters):
        raw = params.get(field.name)
        if raw in (None, ""):
            continue
        raw = raw if isinstance(raw, str) else "|".join(raw)
        kw[field.name] = tuple(v for v in raw.split("|") if v) if field.type.startswith("tuple") else raw
    return Filters(**kw)


def describe(f: Filters) -> str:
    """The filters in words, each kind saying what it keeps, for figure subtitles ('All articles' when
    none): 'Actors: Vladimir Putin · Acting for: Russia · Topics: Ceasefire · Sources: AP · Published
    2025-08-01 to 2025-08-31 (undated articles left out) · Sentences with "truce"'."""
    parts = []
    for label, values in (
        ("Actors", f.actors),
        ("Acting for", f.affiliations),
        ("Topics", f.topics),
        ("Sources", f.sources),
    ):
        if values:
            parts.append(f"{label}: {', '.join(values)}")
    if f.start and f.end:
        parts.append(f"Published {f.start} to {f.end} (undated articles left out)")
    elif f.start or f.end:
        span = f"from {f.start}" if f.start else f"until {f.end}"
        parts.append(f"Published {span} (undated articles left out)")
    if f.search:
        parts.append(f'Sentences with "{f.search}"')
    return " · ".join(parts) if parts else "All articles"
