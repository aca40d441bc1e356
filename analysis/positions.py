"""Position matrices: pure functions from the `statements` table to tidy frames.

Every function takes the tables dict (as from `analysis.store.load_tables`), the dashboard's filters as
keyword arguments (`actors`, `affiliations`, `topics`, `sources`, `start`, `end`, `search`, applied by
`analysis.filters.apply_filters`) and its own options after them:
- `position_matrix`: actor x topic counts of support / oppose / neutral, net position, sources;
- `agreement_network`: actor x actor agreement and conflict edges (discourse network analysis style;
  `agreement_from_matrix` gives them from a position matrix);
- `positions_over_time`: the matrix per week or month of publication;
- `cell_evidence`: the statements behind one cell, so every number leads to its sentences.
`level="affiliation"` groups actors by the state or bloc they act for (all Russian officials as Russia).

Example:
    >>> matrix = position_matrix(tables, topics=("territory",), level="affiliation")
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import fields as dc_fields

import numpy as np
import pandas as pd

from analysis import affiliation
from analysis.filters import Filters, apply_filters, as_mask
from analysis.grouping import distinct_per_group, join_articles, known_codes

LEVELS = ("actor", "affiliation")
FREQS = {"W": "W-SUN", "M": "M"}  # W-SUN: weeks ending Sunday, i.e. starting Monday
POLAR = ("support", "oppose")
MATRIX_COLUMNS = ["actor", "topic", "support", "oppose", "neutral", "n", "net", "n_sources", "n_articles"]
EDGE_COLUMNS = ["actor_a", "actor_b", "agree", "conflict", "agree_norm", "conflict_norm", "net", "topics"]


def _filters(kw: dict) -> Filters:
    valid = [f.name for f in dc_fields(Filters)]
    unknown = sorted(set(kw) - set(valid))
    if unknown:
        raise TypeError(f"unknown filter(s) {unknown}; filters are {valid}")
    return Filters(**kw)


def _check(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")


def statements_in_view(tables: dict[str, pd.DataFrame], level: str = "actor", **filters) -> pd.DataFrame:
    """Filtered statements plus `affiliation`, `holder` (actor or affiliation, per `level`), `source` and
    `published` of their article.

    Tables that carry `VIEW_TABLE` (`with_view`: the dashboard adds it once per data version, and its
    filter narrows it with the other tables) have it ready; otherwise it is worked out here.
    """
    _check(level)
    f = _filters(filters)
    if VIEW_TABLE in tables:
        view = apply_filters(tables, f)[VIEW_TABLE] if f.active else tables[VIEW_TABLE]
    else:
        view = _statements_view(apply_filters(tables, f) if f.active else tables, tables)
    return view.assign(holder=view[level].astype("string"))


VIEW_TABLE = "statements_view"


def _statements_view(shown: dict[str, pd.DataFrame], everything: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """`shown["statements"]` with the affiliation of their actor (settled over `everything`), and the
    source and publication date of their article."""
    st = shown["statements"]
    settled = affiliation.of(everything)
    st = st.assign(affiliation=st["actor"].map(settled).astype("string").fillna(st["actor"]))
    return join_articles(st, everything["articles"], ["source", "published"])


def with_view(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """`tables` plus `VIEW_TABLE`, the statements view of all of them (filtered like the statements)."""
    return {**tables, VIEW_TABLE: _statements_view(tables, tables)}


def _tally(view: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """support/oppose/neutral counts, net position, distinct sources and articles per group of `keys`.

    As a crosstab of the keys by stance: a group is listed when one of its statements has a stance (an
    unknown stance counts in none of the three), statements with a missing key are left out. Groups and
    distinct counts are worked out on integer codes with NumPy (one factorisation per column): pandas'
    groupby costs more in fixed overhead than the counting itself on a page's few thousand rows.
    """
    if view.empty:
        return pd.DataFrame(columns=keys + MATRIX_COLUMNS[2:])
    facts = [pd.factorize(view[k]) for k in keys]
    valid = np.logical_and.reduce([codes >= 0 for codes, _ in facts])
    sizes = [max(len(uniques), 1) for _, uniques in facts]
    # pd.factorize, not np.unique: hashing integers is many times faster than NumPy 2.4's np.unique here
    inverse, groups = pd.factorize(np.ravel_multi_index([codes[valid] for codes, _ in facts], sizes))
    n = len(groups)
    stance, stances = pd.factorize(view["stance"])  # one pass over the strings, then integers
    stance = stance[valid]
    counts = {
        s: np.bincount(inverse, weights=stance == stances.get_loc(s), minlength=n)
        if s in stances
        else np.zeros(n)
        for s in ("support", "oppose", "neutral")
    }
    listed = np.bincount(inverse, weights=stance >= 0, minlength=n) > 0
    source = known_codes(view["source"])[0]  # "": an unknown outlet, not one more
    distinct = {
        name: distinct_per_group(inverse, codes[valid], n)
        for name, codes in (("n_sources", source), ("n_articles", pd.factorize(view["article_id"])[0]))
    }
    out = pd.DataFrame(
        {
            **{
                key: uniques.take(codes)
                for key, (_, uniques), codes in zip(keys, facts, np.unravel_index(groups, sizes), strict=True)
            },
            **{s: c.astype("int64") for s, c in counts.items()},
            **distinct,
        }
    )[listed].reset_index(drop=True)
    out["n"] = out["support"] + out["oppose"] + out["neutral"]
    polar = out["support"] + out["oppose"]
    out["net"] = ((out["support"] - out["oppose"]) / polar.where(polar > 0)).fillna(0.0).astype(float)
    return out[keys + MATRIX_COLUMNS[2:]]


def position_matrix(tables: dict[str, pd.DataFrame], *, level: str = "actor", **filters) -> pd.DataFrame:
    """Actor x topic position matrix, tidy long: one row per (actor, topic).

    Columns: actor (the actor, or the affiliation when `level="affiliation"`), topic, support, oppose,
    neutral, n, net ((support - oppose) / (support + oppose), 0 without a position, in [-1, 1]),
    n_sources (distinct outlets), n_articles. Sorted by actor, then topic.
    """
    view = statements_in_view(tables, level, **filters)
    out = _tally(view, ["holder", "topic"]).rename(columns={"holder": "actor"})
    return out[MATRIX_COLUMNS].sort_values(["actor", "topic"]).reset_index(drop=True)


def _periods(published: pd.Series, freq: str) -> pd.Series:
    """Start date (ISO) of the week or month of each publication date; NA when the date is unknown."""
    codes, days = pd.factorize(published)  # a corpus has few distinct dates: work each out once
    starts = np.array([_period_start(str(day), freq) for day in days] + [None], dtype=object)
    return pd.Series(starts[codes], index=published.index, dtype="string")  # code -1 (missing): the None


@functools.lru_cache(maxsize=65536)
def _period_start(day: str, freq: str) -> str | None:
    """'2025-08-13' -> its week's Monday ('2025-08-11', freq W) or '2025-08-01' (M); a month-precision
    date ('2025-08') has a month, not a week; anything else None."""
    if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", day) or (len(day) == 7 and freq != "M"):
        return None
    try:
        date = dt.date.fromisoformat(day if len(day) == 10 else day + "-01")
    except ValueError:
        return None
    start = date - dt.timedelta(days=date.weekday()) if freq == "W" else date.replace(day=1)
    return start.isoformat()


def positions_over_time(
    tables: dict[str, pd.DataFrame],
    *,
    level: str = "actor",
    freq: str = "M",
    topic: str | None = None,
    **filters,
) -> pd.DataFrame:
    """The position matrix per publication period: columns period (first day, ISO) + `position_matrix`'s;
    `topic`: on the statements about that topic only.

    Statements of articles with no known date (or only a year; only a month for weeks) are left out; their
    number is in `result.attrs["undated"]`.
    """
    if freq not in FREQS:
        raise ValueError(f"freq must be one of {sorted(FREQS)}, got {freq!r}")
    view = statements_in_view(tables, level, **filters)
    return tally_periods(view[view["topic"] == topic] if topic else view, freq)


def tally_periods(view: pd.DataFrame, freq: str) -> pd.DataFrame:
    """`positions_over_time` of a statements view (`statements_in_view`'s columns holder, topic, stance,
    article_id, source, published)."""
    view = view[["holder", "topic", "stance", "source", "article_id", "published"]]  # not the evidence
    view = view.assign(period=_periods(view["published"], freq) if len(view) else pd.Series(dtype="string"))
    dated = view[view["period"].notna()]
    out = _tally(dated, ["period", "holder", "topic"]).rename(columns={"holder": "actor"})
    out = out[["period"] + MATRIX_COLUMNS].sort_values(["period", "actor", "topic"]).reset_index(drop=True)
    out.attrs["undated"] = int(len(view) - len(dated))
    return out


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


def agreement_edges(view: pd.DataFrame, *, top: int | None = None, chunk: int = 256) -> pd.DataFrame:
    """The edges of `agreement_network` from statements with `holder`, `topic` and `stance`.

    Vectorised: each holder's supported and opposed topics as bit sets; for each pair of holders, agree
    counts the shared (topic, stance) positions, conflict the topics with opposite stances, and the
    pair's topics are those both take a position on. Pairs are compared `chunk` holders at a time.
    `top`: only the edges among the `top` holders with the largest total agree + conflict.
    """
    polar = (
        as_mask(view["stance"].isin(POLAR)) & as_mask(view["holder"].notna()) & as_mask(view["topic"].notna())
    )
    if not polar.any():
        return pd.DataFrame(columns=EDGE_COLUMNS)
    h, holders = pd.factorize(view["holder"][polar], sort=True)  # codes in name order
    t, topics = pd.factorize(view["topic"][polar], sort=True)
    support = as_mask(view["stance"][polar] == "support")
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


def agreement_network(
    tables: dict[str, pd.DataFrame], *, level: str = "actor", top: int | None = None, **filters
) -> pd.DataFrame:
    """Actor x actor edges as in discourse network analysis.

    Two actors agree on a topic when both support it or both oppose it, and conflict when one supports
    and the other opposes. Columns: actor_a < actor_b, agree and conflict (numbers of topics), their
    values normalised by the pair's average activity (number of topic positions) in [0, 1], net in
    [-1, 1] ((agree - conflict) / (agree + conflict)), topics involved. Pairs with neither are left out.
    `top`: only the edges among the `top` actors with the most agreement and conflict (what a drawing
    of the network can show).
    """
    return agreement_edges(statements_in_view(tables, level, **filters), top=top)


def matrix_positions(matrix: pd.DataFrame) -> pd.DataFrame:
    """The distinct positions (holder, topic, stance) behind a `position_matrix`: support where a cell
    counts a supporting statement, oppose where it counts an opposing one (what `agreement_edges` reads)."""
    cells = matrix.rename(columns={"actor": "holder"})
    parts = [cells.loc[as_mask(cells[s] > 0), ["holder", "topic"]].assign(stance=s) for s in POLAR]
    return pd.concat(parts, ignore_index=True).astype("string")


def agreement_from_matrix(matrix: pd.DataFrame, *, top: int | None = None) -> pd.DataFrame:
    """`agreement_network` of the statements and filters a `position_matrix` tallied (at its level): a
    holder's positions are its cells with support or oppose counts, so the dashboard draws the network
    from the matrix it already has instead of asking for the statements again."""
    return agreement_edges(matrix_positions(matrix), top=top)


def cell_evidence(
    tables: dict[str, pd.DataFrame], actor: str, topic: str, *, level: str = "actor", **filters
) -> pd.DataFrame:
    """The statements behind one matrix cell (actor or affiliation x topic), strongest first."""
    view = statements_in_view(tables, level, **filters)
    cell = view[(view["holder"] == actor) & (view["topic"] == topic)]
    order = cell["stance"].map({"support": 0, "oppose": 0, "neutral": 1})
    cell = cell.assign(_o=order).sort_values(["_o", "confidence"], ascending=[True, False])
    return cell.drop(columns=["_o"]).reset_index(drop=True)
