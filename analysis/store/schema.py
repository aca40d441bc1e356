"""The table contract: every table Parley writes, its columns, their types and meaning.

This module is the single source of truth for the schema. `docs/tables.md` is generated from it
(`python -m analysis schema --markdown`), and a test checks that the two agree.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # a pandas dtype name: "string", "Int64", "float64", "boolean", "object"
    help: str


_c = Column  # short for the long table below


_ART = _c("article_id", "string", "stable id: first 16 hex digits of the SHA-256 of the cleaned text")
_SENT = _c("sentence_id", "Int64", "0-based index of the sentence within its article")

TABLES: dict[str, tuple[Column, ...]] = {
    "articles": (
        _ART,
        _c("file", "string", "file name the article came from (with `#row` for corpus files)"),
        _c("title", "string", "title: from metadata, else detected from the text; empty if unknown"),
        _c("source", "string", "outlet: from metadata, else a dateline/byline/site name in the text"),
        _c("url", "string", "URL from metadata or the corpus file; empty if unknown"),
        _c("published", "string", "publication date, ISO (YYYY-MM-DD, YYYY-MM or YYYY); empty if unknown"),
        _c(
            "published_from",
            "string",
            "where `published` came from: metadata | text | inferred | corpus | analyst | none",
        ),
        _c("published_reason", "string", "why that date: the metadata field, the dateline, or the evidence"),
        _c("byline", "string", "author line as written (e.g. 'by Jane Doe'); empty if none"),
        _c("n_words", "Int64", "number of words in the cleaned text"),
        _c("text", "string", "cleaned article text (site furniture and repeated paragraphs removed)"),
        _c("meta", "string", "extra metadata columns given by the user, as a JSON object"),
    ),
    "sentences": (
        _ART,
        _SENT,
        _c("start_char", "Int64", "offset of the sentence's first character in `articles.text`"),
        _c("end_char", "Int64", "offset just past the sentence's last character"),
        _c("text", "string", "the sentence"),
    ),
    "mentions": (
        _ART,
        _SENT,
        _c("actor", "string", "canonical actor name (knowledge base), else the normalised surface name"),
        _c("actor_type", "string", "person | state | organisation | group (empty if unknown)"),
        _c("affiliation", "string", "state or bloc the actor acts for (a state is its own affiliation)"),
        _c("surface", "string", "the words as they appear in the text"),
        _c("start_char", "Int64", "offset of the mention in `articles.text`"),
        _c("end_char", "Int64", "offset just past the mention"),
        _c("linked", "boolean", "True when the actor is in the knowledge base"),
    ),
    "topics": (
        _ART,
        _SENT,
        _c("topic", "string", "topic id from the taxonomy"),
        _c("terms", "string", "the matched terms, joined with '; '"),
    ),
    "statements": (
        _c("statement_id", "string", "stable id of the statement (hash of article, sentence, actor, topic)"),
        _ART,
        _SENT,
        _c("actor", "string", "actor holding the position"),
        _c("topic", "string", "topic id"),
        _c("stance", "string", "support | oppose | neutral, toward the topic's proposition"),
        _c("confidence", "float64", "0..1, how sure the rule is"),
        _c("cue", "string", "the word(s) that decided the stance (empty for neutral)"),
        _c(
            "rule",
            "string",
            "the rule family that read the position / how its holder was found, e.g. `verb/subject`,"
            " `attitude/possessive`, `deed-agent/agent` (docs/positions.md); empty for neutral, `analyst` for"
            " an added statement",
        ),
        _c("evidence", "string", "the sentence"),
        _c("origin", "string", "auto | confirmed | corrected | added (analyst review and corrections)"),
        _c("note", "string", "analyst note from the corrections file"),
    ),
    "events": (
        _c("event_id", "string", "stable id of the event"),
        _ART,
        _SENT,
        _c("date", "string", "ISO date: YYYY, YYYY-MM or YYYY-MM-DD"),
        _c("date_precision", "string", "year | month | day"),
        _c("time_expression", "string", "the words that gave the date"),
        _c("actors", "string", "actors in the sentence, joined with '; '"),
        _c("topics", "string", "topics of the sentence, joined with '; '"),
        _c("evidence", "string", "the sentence"),
        _c("background", "boolean", "True for background history ('which Russia seized in 2014')"),
        _c(
            "anchor",
            "string",
            "what the date was resolved against: published | paragraph | article | corpus "
            "| none (see `time_expressions.anchor`)",
        ),
        _c("anchor_reason", "string", "for `article` and `corpus`: where the year came from"),
        _c("tense", "string", "past | future of the clause the date is in; empty when unknown"),
    ),
    "time_expressions": (
        _ART,
        _SENT,
        _c("expression", "string", "the time expression as written"),
        _c("start_char", "Int64", "offset in `articles.text`"),
        _c("end_char", "Int64", "offset just past the expression"),
        _c(
            "kind",
            "string",
            "absolute | year | month | weekday | relative | time | period | duration | set | reference",
        ),
        _c(
            "date",
            "string",
            "the calendar date the timeline plots (ISO; a week or a season as the month or year holding it);"
            " empty for durations, sets, 'now' and what cannot be resolved",
        ),
        _c("date_precision", "string", "year | month | day; empty when `date` is"),
        _c(
            "anchor",
            "string",
            "what it was resolved against: published | paragraph | none; for a year-less date in an "
            "undated article: article (its own explicit years) | corpus (the build's dated articles)",
        ),
        _c("anchor_reason", "string", "for `article` and `corpus`: where the year came from"),
        _c(
            "value",
            "string",
            "TimeML (TIMEX3) value: 2025-08-15, 2025-W34, 2025-W34-WE, 2025-08, 2025, 2025-SU, 2025-Q3,"
            " 2025-08-15TAF, 2025-08-15T15:00Z, P3D, PT12H, PXY, PRESENT_REF, PAST_REF, FUTURE_REF,"
            " XXXX-08-15 (no year to be had), 201 (the 2010s), 19 (the 20th century), a set's period (P1Y);"
            " empty when unresolved",
        ),
        _c("type", "string", "TimeML type: DATE | TIME | DURATION | SET"),
    ),
    "problems": (
        _c("file", "string", "the file (or file#row) the problem is about; empty for the corpus"),
        _c("severity", "string", "error (file skipped) | warning (file read, something ignored) | info"),
        _c("message", "string", "what is wrong, in words a user understands"),
    ),
}


# The statements as the rules found them, before analyst corrections: the dashboard applies the corrections
# file to these, so an undone correction shows without a rebuild.
TABLES["statements_auto"] = tuple(
    Column(c.name, c.dtype, "always `auto`" if c.name == "origin" else f"as `statements.{c.name}`")
    for c in TABLES["statements"]
)


def empty_table(name: str) -> pd.DataFrame:
    """An empty frame with the columns and dtypes of table `name`."""
    cols = TABLES[name]
    return pd.DataFrame({c.name: pd.Series(dtype=c.dtype) for c in cols})


def conform(df: pd.DataFrame | list[dict] | None, name: str) -> pd.DataFrame:
    """Return `df` with exactly the columns of table `name`, in order, with their dtypes.

    Missing columns are added empty; extra columns are dropped. Accepts a list of row dicts.
    """
    if name not in TABLES:
        raise KeyError(f"unknown table {name!r}; tables are {sorted(TABLES)}")
    if df is None or (isinstance(df, list) and not df):
        return empty_table(name)
    frame = pd.DataFrame(df) if isinstance(df, list) else df
    out = {}
    for col in TABLES[name]:
        series = frame[col.name] if col.name in frame else pd.Series([None] * len(frame), index=frame.index)
        out[col.name] = series.astype(col.dtype)
    return pd.DataFrame(out).reset_index(drop=True)


def markdown() -> str:
    """The README/docs table of every table and column."""
    lines = [
        "# Parley tables",
        "",
        "Generated from `analysis/store/schema.py` by `python -m analysis schema`.",
        "",
    ]
    for name, cols in TABLES.items():
        lines += [f"## `{name}`", "", "| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.dtype} | {c.help} |" for c in cols]
        lines.append("")
    return "\n".join(lines)


def statement_id(article_id: str, sentence_id: int, actor: str, topic: str) -> str:
    """Stable id of a statement: the first 16 hex digits of sha1("article|sentence|actor|topic")."""
    key = f"{article_id}|{int(sentence_id)}|{actor}|{topic}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
