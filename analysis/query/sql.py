"""SQL for the query engine: the table views over the Parquet store, the keyed and fact tables, and the
filters' semantics (`analysis.query.filters`) as DuckDB common table expressions on integer keys, so a
filtered aggregation runs where the data is.
"""

from __future__ import annotations

from pathlib import Path

from analysis.query.filters import Filters
from analysis.store import schema

SQL_TYPES = {
    "string": "VARCHAR",
    "Int64": "BIGINT",
    "float64": "DOUBLE",
    "boolean": "BOOLEAN",
    "object": "VARCHAR",
}
# The affiliation each actor acts for: its most frequent non-empty one in `mentions` (ties: alphabetical).
# Materialised once per version of the mentions file (`Query.sync`), because it reads every mention.
AFFILIATION_TABLE = """
CREATE OR REPLACE TABLE actor_affiliation AS
SELECT actor, first(affiliation ORDER BY k DESC, affiliation) AS affiliation
FROM (SELECT actor, affiliation, count(*) AS k FROM mentions
      WHERE coalesce(affiliation, '') <> '' AND actor IS NOT NULL GROUP BY actor, affiliation)
GROUP BY actor"""
# statements with the affiliation of their actor; an actor without one stands for itself
AFFILIATIONS = """statements_aff AS (
    SELECT s.*, coalesce(a.affiliation, s.actor) AS affiliation
    FROM statements s LEFT JOIN actor_affiliation a USING (actor)
)"""

# the actors acting for a chosen affiliation: those whose settled affiliation is one, and the chosen names
# without a settled affiliation (they stand for themselves)
ACTING = """acting AS (
    SELECT actor FROM actor_affiliation WHERE list_contains($affiliations, affiliation)
    UNION ALL SELECT v AS actor FROM unnest($affiliations::VARCHAR[]) AS t(v)
    WHERE v NOT IN (SELECT actor FROM actor_affiliation)
)"""

# the acting actors as one list (`Query.with_filters` puts them in as a literal: a list parameter is
# three times faster to match against every event's actors than this subquery)
ACTING_LIST = "(SELECT coalesce(list(actor), []::VARCHAR[]) FROM acting)"

# Facts: narrow copies of statements and mentions with their article's outlet (a small integer code) and
# date, and first-occurrence flags, materialised once per data version (`Query.facts`) into `fx`, an
# in-memory database with compression (600 MB -> 40 MB at 100k articles, and faster to scan; `_sfacts` and
# `_mfacts` are views of them). Counting the rows
# flagged first replaces count(DISTINCT article_id) whenever the filters keep or drop an (actor, article)
# group whole; the outlet code makes distinct outlets a bit count. `articles` holds one row per id (checked
# before these are used).
SOURCES_TABLE = """
CREATE OR REPLACE TABLE _sources AS
SELECT source, (row_number() OVER (ORDER BY source) - 1)::INTEGER AS src
FROM (SELECT DISTINCT source FROM articles WHERE coalesce(source, '') <> '')"""


def period_start(column: str, freq: str) -> str:
    """SQL of the first day (a DATE) of the week (freq W, weeks starting Monday) or month (M) of the ISO
    publication dates in `column`: a month-precision date has a month, not a week; anything else (a time,
    a year, an impossible day) NULL."""
    if freq == "W":
        return (f"CASE WHEN regexp_full_match({column}, '\\d{{4}}-\\d{{2}}-\\d{{2}}') "
                f"THEN date_trunc('week', try_strptime({column}, '%Y-%m-%d'))::DATE END")  # fmt: skip
    if freq == "M":
        day = f"CASE WHEN length({column}) = 7 THEN {column} || '-01' ELSE {column} END"
        return (f"CASE WHEN regexp_full_match({column}, '\\d{{4}}-\\d{{2}}(-\\d{{2}})?') "
                f"THEN date_trunc('month', try_strptime({day}, '%Y-%m-%d'))::DATE END")  # fmt: skip
    raise ValueError(f"freq must be W or M, got {freq!r}")


# Integer keys: `a`, an article's number (its position among the distinct article ids,
# in file order), and `k`, a sentence's key, a * SPAN + sentence_id + 1 (a missing sentence id counting as
# -1; SPAN: the largest sentence id in any table + 2), equal across tables for the same sentence. A row
# whose article is not in `articles` has neither (the filters drop it, as `apply_filters` does). `_art` is
# the articles' narrow copy: number, outlet code, outlet, date, day, and the first days of its week and
# month (`period_start`); built only when every id is unique.
ARTICLE_KEYS = f"""
CREATE OR REPLACE TABLE fx._art AS
SELECT x._row, CASE WHEN x.article_id IS NOT NULL
    THEN (row_number() OVER (PARTITION BY x.article_id IS NULL ORDER BY x._row) - 1)::INTEGER END AS a,
  x.article_id, s.src, x.source, x.published,
  CASE WHEN length(substr(x.published, 1, 10)) = 10
       THEN try_strptime(substr(x.published, 1, 10), '%Y-%m-%d') END AS day,
  {period_start("x.published", "W")} AS week, {period_start("x.published", "M")} AS month
FROM articles x LEFT JOIN _sources s ON s.source = x.source"""
# the tables with a sentence id: the largest of them gives `SPAN` (it + 2)
SPAN_TABLES = tuple(n for n, cols in schema.TABLES.items() if "sentence_id" in {c.name for c in cols})


def sentence_key(span: int, alias: str) -> str:
    """SQL of the integer sentence key of the rows of `alias` joined with `_art` as `n`."""
    return f"n.a::BIGINT * {int(span)} + coalesce({alias}.sentence_id, -1) + 1"


# integer codes of the statements' holders (actors, and the affiliations they act for) and topics: the
# statement facts carry them (`ac`, `fc`, `tc`, and `st` for the stance), so that the position matrix
# groups small integers (twice as fast over 2M statements as grouping the names); and the first day of
# their article's week and month (`week`, `month`), the periods of the positions over time
STATEMENT_NAMES = """
CREATE OR REPLACE TABLE fx._snames AS
SELECT kind, name, (row_number() OVER (PARTITION BY kind ORDER BY name))::INTEGER AS c FROM (
  SELECT 'holder' AS kind, actor AS name FROM statements WHERE actor IS NOT NULL
  UNION SELECT 'holder', affiliation FROM actor_affiliation WHERE affiliation IS NOT NULL
  UNION SELECT 'topic', topic FROM statements WHERE topic IS NOT NULL)"""
STANCE_CODE = {"support": 1, "oppose": 2, "neutral": 3}  # any other stance: 0


def _article_group(a: str = "a") -> str:
    """GROUP BY terms of one article: its number, and for a row of an unknown article (no number) its id."""
    return f"{a}, CASE WHEN {a} IS NULL THEN article_id END"


def statement_facts(span: int) -> str:
    """The statement facts: the joins once (materialised), then the first-of-group flags on integers."""
    stance = " ".join(f"WHEN '{k}' THEN {v}" for k, v in STANCE_CODE.items())
    return f"""
CREATE OR REPLACE TABLE fx._sfacts AS
WITH b AS MATERIALIZED (
  SELECT s._row, n.a, {sentence_key(span, "s")} AS k, s.article_id, s.sentence_id, s.actor, s.topic,
    s.stance, coalesce(aa.affiliation, s.actor) AS affiliation, n.src, n.source, n.published,
    n.week, n.month,
    h.c AS ac, g.c AS fc, t.c AS tc,
    CASE WHEN s.stance IS NOT NULL THEN (CASE s.stance {stance} ELSE 0 END)::UTINYINT END AS st
  FROM statements s LEFT JOIN actor_affiliation aa USING (actor) LEFT JOIN _art n USING (article_id)
    LEFT JOIN fx._snames h ON h.kind = 'holder' AND h.name = s.actor
    LEFT JOIN fx._snames g ON g.kind = 'holder' AND g.name = coalesce(aa.affiliation, s.actor)
    LEFT JOIN fx._snames t ON t.kind = 'topic' AND t.name = s.topic)
SELECT b.*,
  _row IN (SELECT min(_row) FROM b GROUP BY ac, tc, {_article_group()}) AS first_actor,
  _row IN (SELECT min(_row) FROM b GROUP BY fc, tc, {_article_group()}) AS first_affiliation
FROM b"""


def mention_facts(span: int) -> str:
    return f"""
CREATE OR REPLACE TABLE fx._mfacts AS
SELECT m._row, n.a, {sentence_key(span, "m")} AS k, m.article_id, m.sentence_id, m.actor, m.affiliation,
  m.actor_type, m.linked, n.src, n.source, n.published, n.day,
  m._row IN (SELECT min(_row) FROM mentions GROUP BY actor, article_id) AS first
FROM mentions m LEFT JOIN _art n USING (article_id)"""


# the narrow keyed copy of each filtered table (a fact table for mentions and statements)
KEYED = {
    "articles": "_art",
    "sentences": "_k_sentences",
    "mentions": "_mfacts",
    "topics": "_k_topics",
    "statements": "_sfacts",
    "statements_aff": "_sfacts",
    "events": "_k_events",
    "time_expressions": "_k_time_expressions",
    "statements_auto": "_k_statements_auto",
}
_FILTER_COLUMNS = ("actor", "affiliation", "topic", "actors", "topics")
# and what ordering the events reads (`timeline.events_in_order`)
_KEY_COLUMNS = {"events": ("article_id", "sentence_id", "date", "date_precision", "background")}


# the items of the events' '; '-joined actors and topics lists, one row each
EVENT_ITEMS = """
CREATE OR REPLACE TABLE fx._k_event_items AS
SELECT _row, 'actors' AS kind, unnest(string_split(coalesce(actors, ''), '; ')) AS item FROM events
UNION ALL
SELECT _row, 'topics' AS kind, unnest(string_split(coalesce(topics, ''), '; ')) AS item FROM events"""


def event_start(alias: str = "") -> str:
    """SQL of an event's period start: its date, a month or year counting as its first day."""
    day = f"substr({alias}date, 1, 10)"
    return (f"try_strptime(CASE length({day}) WHEN 4 THEN {day} || '-01-01' WHEN 7 THEN {day} || '-01' "
            f"ELSE {day} END, '%Y-%m-%d')")  # fmt: skip


def event_order(alias: str = "") -> str:
    """The timeline's order of events (`timeline.events_in_order`): by period start, a day before
    a month before a year, then article, sentence and row."""
    rank = (f"CASE {alias}date_precision WHEN 'day' THEN 0 WHEN 'month' THEN 1 WHEN 'year' THEN 2 ELSE 3 "
            "END")  # fmt: skip
    return (f"{event_start(alias)} NULLS LAST, {rank}, {alias}article_id NULLS LAST, "
            f"{alias}sentence_id NULLS LAST, {alias}_row")  # fmt: skip


def key_table(name: str, span: int) -> str:
    """CREATE of `KEYED[name]` for a table other than articles, mentions and statements: each row's
    position, article number, sentence key, outlet code and the columns the filters read (events: also
    `o`, their position in the timeline's order, which a filter keeps)."""
    cols = [c.name for c in schema.TABLES[name]]
    extra = "".join(f", t.{c}" for c in (*_FILTER_COLUMNS, *_KEY_COLUMNS.get(name, ())) if c in cols)
    key = sentence_key(span, "t") if "sentence_id" in cols else "NULL::BIGINT"
    select = f"SELECT t._row, n.a, {key} AS k, n.src{extra} FROM {name} t LEFT JOIN _art n USING (article_id)"
    if name == "events":
        select = f"SELECT *, row_number() OVER (ORDER BY {event_order()}) AS o FROM ({select})"
    return f"CREATE OR REPLACE TABLE fx.{KEYED[name]} AS {select}"


FACTS = {"_sfacts": "statements_aff", "_mfacts": "mentions", "_art": "articles"} | {
    v: k for k, v in KEYED.items() if v.startswith("_k_")
}  # keyed table -> the table whose columns it filters as


def table_sql(name: str, folder: Path, *, materialize: bool = True, as_name: str | None = None) -> str:
    """Table `name` from its Parquet file (`_row`: the row's position, for first-of-group), as `as_name`
    (default `name`): loaded into DuckDB's own compressed columnar storage (`materialize`; queries then skip
    Parquet decoding), or a view that reads the file at every query. Empty and typed when the file is
    absent."""
    path = Path(folder) / f"{name}.parquet"
    kind = "TABLE" if materialize else "VIEW"
    as_name = as_name or name
    if path.exists():
        quoted = str(path).replace("'", "''")
        return (f"CREATE OR REPLACE {kind} {as_name} AS "
                "SELECT * EXCLUDE (file_row_number), file_row_number AS _row "
                f"FROM read_parquet('{quoted}', file_row_number = true)")  # fmt: skip
    cols = ", ".join(f"CAST(NULL AS {SQL_TYPES[c.dtype]}) AS {c.name}" for c in schema.TABLES[name])
    return f"CREATE OR REPLACE {kind} {as_name} AS SELECT {cols}, CAST(NULL AS BIGINT) AS _row WHERE false"


def _columns(name: str) -> set[str]:
    name = FACTS.get(name, name)
    base = "statements" if name == "statements_aff" else name
    cols = {c.name for c in schema.TABLES[base]}
    return cols | {"affiliation"} if name == "statements_aff" else cols


def _actor_condition(cols: set[str], f: Filters) -> str:
    """Rows of a table with an `actor` column about the chosen actors or affiliations: by the row's own
    `affiliation` when the table has one (mentions, statements_aff), else by the affiliation its actor
    acts for (the `acting` CTE: `actor_affiliation`, an actor without one standing for itself)."""
    parts = ["list_contains($actors, actor)"] if f.actors else []
    if f.affiliations:
        if "affiliation" in cols:
            parts.append("list_contains($affiliations, affiliation)")
        else:
            parts.append("actor IN (SELECT actor FROM acting)")
    return f"({' OR '.join(parts)})" if parts else "false"


def params(f: Filters) -> dict:
    """Query parameters of the filter CTEs (`Query.sql` passes only those the SQL uses: DuckDB
    refuses others)."""
    out: dict = {}
    for name in ("actors", "affiliations", "topics", "sources"):
        if getattr(f, name):
            out[name] = list(getattr(f, name))
    if f.start:
        out["start"] = f.start[:10]
    if f.end:
        out["end"] = f.end[:10]
    if f.search:
        out["search"] = f.search.lower()
    if f.actors or f.affiliations:
        out["actors_or_affiliations"] = list(f.actors + f.affiliations)
    return out


def article_conditions(f: Filters) -> list[str]:
    conds = []
    if f.sources:
        conds.append("list_contains($sources, coalesce(source, ''))")
    if f.start:
        conds.append("coalesce(published, '') <> '' AND substr(published, 1, 10) >= $start")
    if f.end:
        conds.append("coalesce(published, '') <> '' AND substr(published, 1, 10) <= $end")
    if f.search:
        conds.append(search_condition(f))
    return conds


def _contains(column: str) -> str:
    """`column` contains `$search` (lower-cased): a case-insensitive literal match by RE2 first, which
    skips most texts without lower-casing them (2.5x faster over 100k articles), then the exact test."""
    return f"(regexp_matches({column}, $search, 'il') AND strpos(lower({column}), $search) > 0)"


def search_condition(f: Filters) -> str:
    """Articles whose title or text contains the searched words."""
    if "\n" in f.search:  # only then can a match span the title and the text
        return _contains("coalesce(title, '') || chr(10) || coalesce(text, '')")
    # without joining every title to its text: a fifth faster at 100k articles
    return f"({_contains('title')} OR {_contains('text')})"


def keyed_ctes(f: Filters) -> list[tuple[str, str]]:
    """The key sets `f` selects, over the keyed tables, as (name, SELECT) pairs: `ids` (numbers `a` of the
    articles passing source/date/search; absent when no such filter is set), `acting` (as `ACTING`), and
    `actor_sent`, `topic_sent`, `search_sent` (sentence keys `k` with their article number `a`)."""
    out = []
    conds = article_conditions(f)
    if conds and f.search:  # the texts are read only from the Parquet file
        out.append(("ids", f"SELECT n.a FROM (SELECT _row FROM articles WHERE {' AND '.join(conds)}) x "
                           "JOIN _art n USING (_row) WHERE n.a IS NOT NULL"))  # fmt: skip
    elif conds:
        out.append(("ids", f"SELECT a FROM _art WHERE a IS NOT NULL AND {' AND '.join(conds)}"))
    if f.affiliations:
        out.append(("acting", ACTING.strip().split(" AS (", 1)[1].strip()[:-1]))
    if f.actors or f.affiliations:
        cond = _actor_condition(_columns("mentions"), f)
        out.append(("actor_sent", f"SELECT DISTINCT k, a FROM _mfacts WHERE k IS NOT NULL AND {cond}"))
        out.append(("actor_art", "SELECT DISTINCT a FROM actor_sent"))
    if f.topics:
        cond = "list_contains($topics, topic)"
        out.append(("topic_sent", f"SELECT DISTINCT k, a FROM _k_topics WHERE k IS NOT NULL AND {cond}"))
        out.append(("topic_art", "SELECT DISTINCT a FROM topic_sent"))
    if f.search:
        hits = "SELECT _row FROM sentences WHERE strpos(lower(coalesce(text, '')), $search) > 0"
        sents = f"SELECT DISTINCT k, a FROM _k_sentences WHERE k IS NOT NULL AND _row IN ({hits})"
        out.append(("search_sent", sents))
    return out


def keyed_conditions(name: str, f: Filters, *, complete: bool = False) -> list[str]:
    """The conditions on `KEYED[name]` (or on the keyed table `name`) that keep the rows `f` keeps, as
    the filters define them: integer semi-joins on the key sets of `keyed_ctes`.
    `complete`: every row of the keyed table has a known article (no test needed for that)."""
    key = KEYED.get(name, name)
    base = FACTS.get(key, name)
    cols = _columns(base)
    conds = ["a IN (SELECT a FROM ids)"] if article_conditions(f) else [] if complete else ["a IS NOT NULL"]
    if base == "articles":
        if f.actors or f.affiliations:
            conds.append("a IN (SELECT a FROM actor_art)")
        if f.topics:
            conds.append("a IN (SELECT a FROM topic_art)")
        return conds or ["true"]
    sentence = "sentence_id" in cols
    if f.actors or f.affiliations:
        if "actor" in cols:
            conds.append(_actor_condition(cols, f))
        elif base == "events":
            names = "$actors_or_affiliations"
            if f.affiliations:
                names = f"list_concat({names}, {ACTING_LIST})"
            conds.append(_event_items("actors", names))
        elif sentence:
            conds.append("k IN (SELECT k FROM actor_sent)")
    if f.topics:
        if "topic" in cols:
            conds.append("list_contains($topics, topic)")
        elif base == "events":
            conds.append(_event_items("topics", "$topics"))
        elif sentence:
            conds.append("k IN (SELECT k FROM topic_sent)")
    if f.search and sentence:
        conds.append("k IN (SELECT k FROM search_sent)")
    return conds or ["true"]


def _event_items(kind: str, names: str) -> str:
    """Events whose `kind` list ('actors', 'topics') names one of `names`: on their split items (a string
    split per event and query took 200 ms over 200k events)."""
    return f"_row IN (SELECT _row FROM _k_event_items WHERE kind = '{kind}' AND list_contains({names}, item))"


def keyed_filtered_sql(name: str, f: Filters, *, complete: bool = False) -> str:
    """SELECT of the rows of `name` (a table, `statements_aff`, or a keyed table) that `f` keeps: the
    keyed table filtered on integers, and a table's rows by their position in it."""
    if name == "problems" or not f.active:
        return f"SELECT * FROM {name}"
    where = " AND ".join(keyed_conditions(name, f, complete=complete))
    if name in FACTS:  # a keyed table itself
        return f"SELECT * FROM {name} WHERE {where}"
    return f"SELECT * FROM {name} WHERE _row IN (SELECT _row FROM {KEYED[name]} WHERE {where})"


def keyed_with_filters(
    f: Filters,
    body: str,
    tables: dict[str, str],
    prepared: dict[str, str],
    *,
    affiliations: bool = False,
    complete: frozenset[str] = frozenset(),
) -> str:
    """`body` preceded by the key sets (`prepared`: set name -> table holding it) and one CTE per entry of
    `tables` (cte name -> table name), filtered with the integer keys (`complete`: the keyed tables
    without a row of an unknown article)."""
    ctes = [AFFILIATIONS.strip()] if affiliations else []
    ctes += [f"{name} AS (SELECT * FROM {table})" for name, table in prepared.items()]
    ctes += [
        f"{cte} AS ({keyed_filtered_sql(table, f, complete=KEYED.get(table, table) in complete)})"
        for cte, table in tables.items()
    ]
    return "WITH " + ",\n".join(ctes) + "\n" + body
