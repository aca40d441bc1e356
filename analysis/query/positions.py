"""Position matrices: actor (or affiliation) x topic tallies of the statements, counted by DuckDB.

Every function takes the tables (a dict of frames), a data folder or a `Query`, the dashboard's filters
as keyword arguments (`actors`, `affiliations`, `topics`, `sources`, `start`, `end`, `search`) and its own
options after them:
- `position_matrix`: actor x topic counts of support / oppose / neutral, net position, sources;
- `agreement_network`: actor x actor agreement and conflict edges (discourse network analysis style),
  from the position matrix (`agreement_from_matrix`);
- `positions_over_time`: the matrix per week or month of publication;
- `cell_evidence`: the statements behind one cell, so every number leads to its sentences.
`level="affiliation"` groups actors by the state or bloc they act for (all Russian officials as Russia).

Example:
    >>> matrix = position_matrix(tables, topics=("territory",), level="affiliation")
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.query import sql as query_sql
from analysis.query.engine import Query, Source, as_query
from analysis.query.filters import Filters
from analysis.query.results import (
    check_level,
    conform_with,
    distinct_articles,
    sorted_by,
    to_filters,
    typed,
)

FREQS = ("W", "M")  # weeks starting Monday, calendar months
POLAR = ("support", "oppose")
EDGE_COLUMNS = ["actor_a", "actor_b", "agree", "conflict", "agree_norm", "conflict_norm", "net", "topics"]
_MATRIX_TYPES = {"actor": "string", "topic": "string", "support": "int64", "oppose": "int64",
                 "neutral": "int64", "n": "int64", "net": "float64", "n_sources": "int64",
                 "n_articles": "int64"}  # fmt: skip


def position_matrix(source: Source, *, level: str = "actor", **filters) -> pd.DataFrame:
    """Actor (or affiliation) x topic: actor, topic, support, oppose, neutral, n, net, n_sources,
    n_articles. A group is listed when one of its statements has a stance, and its outlets and articles
    are those of all its statements."""
    check_level(level)
    return sorted_by(
        _fact_tally(as_query(source), to_filters(filters), level), ["actor", "topic"], [True, True]
    )


def positions_over_time(source: Source, *, level: str = "actor", freq: str = "M", topic: str | None = None,
                        **filters) -> pd.DataFrame:  # fmt: skip
    """The position matrix per publication period: columns period (first day, ISO) + `position_matrix`'s;
    `topic`: on the statements about that topic only.

    Statements of articles with no known date (or only a year; only a month for weeks) are left out; their
    number is in `result.attrs["undated"]`.
    """
    if freq not in FREQS:
        raise ValueError(f"freq must be one of {sorted(FREQS)}, got {freq!r}")
    check_level(level)
    out = _fact_tally(as_query(source), to_filters(filters), level, freq=freq, topic=topic)
    return sorted_by(out, ["period", "actor", "topic"], [True, True, True])


def agreement_network(source: Source, *, level: str = "actor", top: int | None = None, **filters
                      ) -> pd.DataFrame:  # fmt: skip
    """Actor x actor edges as in discourse network analysis.

    Two actors agree on a topic when both support it or both oppose it, and conflict when one supports
    and the other opposes. Columns: actor_a < actor_b, agree and conflict (numbers of topics), their
    values normalised by the pair's average activity (number of topic positions) in [0, 1], net in
    [-1, 1] ((agree - conflict) / (agree + conflict)), topics involved. Pairs with neither are left out.
    `top`: only the edges among the `top` actors with the most agreement and conflict (what a drawing
    of the network can show). A holder's positions are its matrix cells with support or oppose counts.
    """
    return agreement_from_matrix(position_matrix(source, level=level, **filters), top=top)


def _fact_tally(q: Query, f: Filters, level: str, *, freq: str | None = None, topic: str | None = None
                ) -> pd.DataFrame:  # fmt: skip
    """The position matrix on the statement facts (integer codes, first-of-group flags): per (holder,
    topic), or per (period, holder, topic) with `freq` (`period`: the ISO first day, weeks from Monday,
    months from the 1st; the statements without one counted in `attrs["undated"]`); `topic`: only the
    statements about it."""
    q.facts("_sfacts")
    # the first statement of each (holder, topic, article) is flagged: counting those is the distinct
    # articles whenever the filters keep such a group whole (not a search, which keeps sentences; not
    # an actor filter on affiliation rows, which splits an affiliation's group; an article has one period)
    whole = not f.search and (level == "actor" or not f.actors)
    articles = (f"count(*) FILTER (WHERE first_{level} AND article_id IS NOT NULL)" if whole
                else distinct_articles(f))  # fmt: skip
    code = "ac" if level == "actor" else "fc"
    stance = {k: f"count(*) FILTER (WHERE st = {v})" for k, v in query_sql.STANCE_CODE.items()}
    period = {"W": "week", "M": "month"}[freq] if freq else "NULL::DATE"
    only = "AND topic = $only_topic" if topic else ""
    body = f"""SELECT strftime(g.period, '%Y-%m-%d') AS period, h.name AS actor, t.name AS topic, support,
        oppose, neutral, support + oppose + neutral AS n,
        CASE WHEN support + oppose > 0 THEN (support - oppose) / (support + oppose) ELSE 0.0 END AS net,
        n_sources, n_articles{", undated" if freq else ""} FROM (
          SELECT period, {code} AS hc, tc, {stance["support"]} AS support, {stance["oppose"]} AS oppose,
            {stance["neutral"]} AS neutral, {q.distinct_sources()} AS n_sources, {articles} AS n_articles
          FROM p WHERE {code} IS NOT NULL AND tc IS NOT NULL {"AND period IS NOT NULL" if freq else ""}
          GROUP BY ALL HAVING count(st) > 0) g
        JOIN _snames h ON h.kind = 'holder' AND h.c = g.hc
        JOIN _snames t ON t.kind = 'topic' AND t.c = g.tc"""
    if freq:  # and the undated statements' number (on a row of its own when nothing is dated)
        body += "\nRIGHT JOIN (SELECT count(*) FILTER (WHERE period IS NULL) AS undated FROM p) u ON true"
    rows = f"p AS (SELECT *, {period} AS period FROM s WHERE true {only})"
    sql = q.with_filters(f, "", {"s": "_sfacts"}).rstrip() + f",\n{rows}\n{body}"
    out = q.sql(sql, query_sql.params(f) | ({"only_topic": topic} if topic else {}))
    if not freq:
        return typed(out, _MATRIX_TYPES)
    undated = int(out["undated"].iloc[0])
    out = typed(out.dropna(subset=["actor"]), {"period": "string"} | _MATRIX_TYPES)
    out.attrs["undated"] = undated
    return out


def statements_view(source: Source, *, level: str = "actor", columns: str = "s.*", where: str = "",
                    extra: dict | None = None, order: str = "s._row", limit: int | None = None,
                    **filters) -> pd.DataFrame:  # fmt: skip
    """The filtered statements with their affiliation, their article's source and published date, and
    their holder (the actor or affiliation of `level`): only `columns` of them (SQL over `s`, the
    statements, and `a`, the articles), optionally restricted by `where`, ordered and limited."""
    check_level(level)
    body = (f"SELECT {columns}, a.source, a.published, s.{level} AS holder FROM s "
            "LEFT JOIN articles a USING (article_id)" + (f" WHERE {where}" if where else "")
            + f" ORDER BY {order}" + (f" LIMIT {int(limit)}" if limit is not None else ""))  # fmt: skip
    out = as_query(source).run(to_filters(filters), body, {"s": "statements_aff"}, extra, affiliations=True)
    return out.drop(columns=["_row"], errors="ignore")


def cell_evidence(source: Source, actor: str, topic: str, *, level: str = "actor", **filters) -> pd.DataFrame:
    """The statements behind one cell (`statements_view`'s columns, statements conformed), support/oppose
    first, then the most confident."""
    order = "CASE WHEN s.stance IN ('support', 'oppose') THEN 0 WHEN s.stance = 'neutral' THEN 1 END " \
            "NULLS LAST, s.confidence DESC NULLS LAST, s._row"  # fmt: skip
    where = f"s.{level} = $cell_holder AND s.topic = $cell_topic"
    extra = {"cell_holder": actor, "cell_topic": topic}
    out = statements_view(source, level=level, where=where, extra=extra, order=order, **filters)
    return conform_with(out, "statements", ("affiliation", "source", "published", "holder"))


def agreement_from_matrix(matrix: pd.DataFrame, *, top: int | None = None) -> pd.DataFrame:
    """`agreement_network` of the statements and filters a `position_matrix` tallied (at its level): a
    holder's positions are its cells with support or oppose counts, so the dashboard draws the network
    from the matrix it already has instead of asking for the statements again."""
    cells = matrix.rename(columns={"actor": "holder"})
    parts = [cells.loc[_mask(cells[s] > 0), ["holder", "topic"]].assign(stance=s) for s in POLAR]
    return agreement_edges(pd.concat(parts, ignore_index=True).astype("string"), top=top)


def _bitmasks(h: np.ndarray, t: np.ndarray, n_holders: int, n_topics: int) -> np.ndarray:
    """holder x word uint64 bit sets: bit t set for every (holder h, topic t) pair (repeats are fine)."""
    out = np.zeros((n_holders, (n_topics + 63) // 64), dtype=np.uint64)
    np.bitwise_or.at(out, (h, t // 64), np.left_shift(np.uint64(1), (t % 64).astype(np.uint64)))
    return out


def _count(bits: np.ndarray) -> np.ndarray:
    return np.bitwise_count(bits).sum(axis=-1, dtype=np.int64)


def _pairs(sup: np.ndarray, opp: np.ndarray, chunk: int) -> tuple[np.ndarray, ...]:
    """Holder pairs a < b sharing a topic: a, b, agree, conflict and their shared topics' bit sets."""
    any_ = sup | opp
    n = len(any_)
    found = [(np.zeros(0, dtype=np.int64),) * 4 + (any_[:0],)]
    for i0 in range(0, n, chunk):
        i = np.arange(i0, min(i0 + chunk, n))
        shared = any_[i, None, :] & any_[None, :, :]  # chunk x holders x words
        keep = (shared != 0).any(axis=-1) & (np.arange(n)[None, :] > i[:, None])
        a, b = np.nonzero(keep)
        a = i[a]
        agree = _count(sup[a] & sup[b]) + _count(opp[a] & opp[b])
        conflict = _count((sup[a] & opp[b]) | (opp[a] & sup[b]))
        found.append((a, b, agree, conflict, any_[a] & any_[b]))
    return tuple(np.concatenate(parts) for parts in zip(*found, strict=True))


def _busiest(h: np.ndarray, t: np.ndarray, support: np.ndarray, n_holders: int, n_topics: int, top: int
             ) -> np.ndarray:  # fmt: skip
    """The positions (ascending) of the `top` holders with the largest total agree + conflict over all
    their pairs (ties by name: positions are in name order), from each holder's positions (`h`, `t`,
    `support`), without forming the pairs: per topic, a supporter agrees with every other supporter and
    conflicts with every opponent (a holder taking both sides conflicts with everyone else there)."""
    sup = np.zeros((n_holders, n_topics), dtype=np.int64)
    opp = np.zeros((n_holders, n_topics), dtype=np.int64)
    sup[h[support], t[support]] = 1
    opp[h[~support], t[~support]] = 1
    n_sup, n_opp, n_any = sup.sum(axis=0), opp.sum(axis=0), (sup | opp).sum(axis=0)
    agree = sup * (n_sup - sup) + opp * (n_opp - opp)
    conflict = (sup & opp) * (n_any - 1) + (sup & (1 - opp)) * n_opp + (opp & (1 - sup)) * n_sup
    total = (agree + conflict).sum(axis=1)
    return np.sort(np.lexsort((np.arange(n_holders), -total))[:top])


def _topic_labels(shared: np.ndarray, names: np.ndarray) -> np.ndarray:
    """'; '-joined topic names of each row's bit set (labels built once per distinct set)."""
    if shared.shape[1] == 1:  # up to 64 topics: one word, factorised by hashing (fast)
        inverse, words = pd.factorize(shared[:, 0])
        words = words[:, None]
    else:
        words, inverse = np.unique(shared, axis=0, return_inverse=True)
    t = np.arange(len(names))
    bits = (words[:, t // 64] >> (t % 64).astype(np.uint64)) & np.uint64(1)  # distinct sets x topics
    labels = np.array(["; ".join(names[row.astype(bool)]) for row in bits], dtype=object)
    return labels[inverse.reshape(-1)]


def _mask(mask: pd.Series) -> np.ndarray:
    """A boolean Series as a NumPy mask, missing values False."""
    return mask.to_numpy(dtype=bool, na_value=False)


def agreement_edges(view: pd.DataFrame, *, top: int | None = None, chunk: int = 256) -> pd.DataFrame:
    """The edges of `agreement_network` from statements with `holder`, `topic` and `stance`.

    Vectorised: each holder's supported and opposed topics as bit sets; for each pair of holders, agree
    counts the shared (topic, stance) positions, conflict the topics with opposite stances, and the
    pair's topics are those both take a position on. Pairs are compared `chunk` holders at a time.
    `top`: only the edges among the `top` holders with the largest total agree + conflict.
    """
    polar = _mask(view["stance"].isin(POLAR)) & _mask(view["holder"].notna()) & _mask(view["topic"].notna())
    if not polar.any():
        return pd.DataFrame(columns=EDGE_COLUMNS)
    h, holders = pd.factorize(view["holder"][polar], sort=True)  # codes in name order
    t, topics = pd.factorize(view["topic"][polar], sort=True)
    support = _mask(view["stance"][polar] == "support")
    sup = _bitmasks(h[support], t[support], len(holders), len(topics))
    opp = _bitmasks(h[~support], t[~support], len(holders), len(topics))
    activity = _count(sup) + _count(opp)
    if top is not None and top < len(holders):  # the pairs among the busiest holders only
        chosen = _busiest(h, t, support, len(holders), len(topics), top)
        a, b, agree, conflict, shared = _pairs(sup[chosen], opp[chosen], chunk)
        a, b = chosen[a], chosen[b]
    else:
        a, b, agree, conflict, shared = _pairs(sup, opp, chunk)
    if not len(a):
        return pd.DataFrame(columns=EDGE_COLUMNS)
    mean_activity = (activity[a] + activity[b]) / 2  # DNA "average activity" normalisation: in [0, 1]
    return pd.DataFrame(
        {
            "actor_a": holders.to_numpy()[a],
            "actor_b": holders.to_numpy()[b],
            "agree": agree,
            "conflict": conflict,
            "agree_norm": agree / mean_activity,
            "conflict_norm": conflict / mean_activity,
            "net": (agree - conflict) / (agree + conflict),
            "topics": _topic_labels(shared, topics.to_numpy()),
        }
    )
