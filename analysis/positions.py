"""Position matrices: pure functions from the `statements` table to tidy frames.

Every function takes the tables dict (as from `analysis.store.load_tables`), the dashboard's filters as
keyword arguments (`actors`, `affiliations`, `topics`, `sources`, `start`, `end`, `search`, applied by
`analysis.filters.apply_filters`) and its own options after them:
- `position_matrix`: actor x topic counts of support / oppose / neutral, net position, sources;
- `agreement_network`: actor x actor agreement and conflict edges (discourse network analysis style);
- `positions_over_time`: the matrix per week or month of publication;
- `cell_evidence`: the statements behind one cell, so every number leads to its sentences.
`level="affiliation"` groups actors by the state or bloc they act for (all Russian officials as Russia).

Example:
    >>> matrix = position_matrix(tables, topics=("territory",), level="affiliation")
"""

from __future__ import annotations

from dataclasses import fields as dc_fields

import numpy as np
import pandas as pd

from analysis.filters import Filters, apply_filters

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


def affiliations(tables: dict[str, pd.DataFrame], actors: pd.Series | None = None) -> dict[str, str]:
    """actor -> affiliation, the most frequent one in `mentions`; an actor without one stands for itself.
    Ties go to the alphabetically first affiliation. `actors`: only for these actors."""
    m = tables.get("mentions")
    if m is None or m.empty or "affiliation" not in m:
        return {}
    keep = (m["affiliation"].fillna("") != "").to_numpy(dtype=bool) & m["actor"].notna().to_numpy()
    if actors is not None:
        keep &= m["actor"].isin(actors.dropna().unique()).to_numpy(dtype=bool)
    m = m[keep]
    # integer codes in name order, so sorting the codes sorts the names
    actor, actors = pd.factorize(m["actor"], sort=True)
    aff, affs = pd.factorize(m["affiliation"], sort=True)
    counts = pd.DataFrame({"a": actor, "f": aff}).groupby(["a", "f"]).size().reset_index(name="k")
    first = counts.sort_values(["a", "k", "f"], ascending=[True, False, True]).drop_duplicates("a")
    return dict(zip(actors.take(first["a"]), affs.take(first["f"]), strict=True))


def statements_in_view(tables: dict[str, pd.DataFrame], level: str = "actor", **filters) -> pd.DataFrame:
    """Filtered statements plus `affiliation`, `holder` (actor or affiliation, per `level`), `source` and
    `published` of their article."""
    _check(level)
    f = _filters(filters)
    st = tables["statements"].copy()
    aff = affiliations(tables, st["actor"])
    st["affiliation"] = st["actor"].map(aff).astype("string").fillna(st["actor"])
    view = apply_filters({**tables, "statements": st}, f)["statements"]
    arts = tables["articles"][["article_id", "source", "published"]]
    view = view.merge(arts, on="article_id", how="left")
    view["holder"] = view[level].astype("string")
    return view


def _tally(view: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """support/oppose/neutral counts, net position, distinct sources and articles per group of `keys`.

    As a crosstab of the keys by stance: a group is listed when one of its statements has a stance (an
    unknown stance counts in none of the three), statements with a missing key are left out. The
    grouping runs on integer codes (one factorisation per column), the slow part on string columns.
    """
    if view.empty:
        return pd.DataFrame(columns=keys + MATRIX_COLUMNS[2:])
    facts = [pd.factorize(view[k]) for k in keys]
    gkeys = [f"_k{i}" for i in range(len(keys))]
    stance = view["stance"]
    source = view["source"].mask(view["source"].fillna("") == "")
    frame = pd.DataFrame(
        {
            **{g: codes for g, (codes, _) in zip(gkeys, facts, strict=True)},
            **{
                s: (stance == s).to_numpy(dtype=bool, na_value=False)
                for s in ("support", "oppose", "neutral")
            },
            "_stance": stance.notna().to_numpy(),
            "_source": pd.factorize(source)[0],
            "_article": pd.factorize(view["article_id"])[0],
        }
    )
    frame = frame[(frame[gkeys].to_numpy() >= 0).all(axis=1)]
    groups = frame.groupby(gkeys, sort=False)
    out = groups[["support", "oppose", "neutral", "_stance"]].sum()
    out = out[out.pop("_stance") > 0].astype("int64")
    for name, col in (("n_sources", "_source"), ("n_articles", "_article")):
        known = frame[frame[col] >= 0]
        out[name] = known.groupby(gkeys, sort=False)[col].nunique().reindex(out.index, fill_value=0)
    out = out.reset_index()
    for key, g, (_, uniques) in zip(keys, gkeys, facts, strict=True):
        out[key] = uniques.take(out.pop(g).to_numpy())
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
    text = published.fillna("").astype(str)
    days = pd.Series(text.unique())  # a corpus has few distinct dates: parse each once
    # a month-precision date ("2025-08") is placeable in a month, not in a week
    full = days.str.fullmatch(r"\d{4}-\d{2}-\d{2}") | (days.str.fullmatch(r"\d{4}-\d{2}") & (freq == "M"))
    padded = days.where(days.str.len() != 7, days + "-01").where(full)
    dates = pd.to_datetime(padded, errors="coerce", format="%Y-%m-%d")
    starts = dates.dt.to_period(FREQS[freq]).dt.start_time.dt.strftime("%Y-%m-%d").astype("string")
    return (
        pd.Series(starts.to_numpy(), index=days.to_numpy(), dtype="string")
        .reindex(text.to_numpy())
        .set_axis(published.index)
    )


def positions_over_time(
    tables: dict[str, pd.DataFrame], *, level: str = "actor", freq: str = "M", **filters
) -> pd.DataFrame:
    """The position matrix per publication period: columns period (first day, ISO) + `position_matrix`'s.

    Statements of articles with no known date (or only a year; only a month for weeks) are left out; their
    number is in `result.attrs["undated"]`.
    """
    if freq not in FREQS:
        raise ValueError(f"freq must be one of {sorted(FREQS)}, got {freq!r}")
    return tally_periods(statements_in_view(tables, level, **filters), freq)


def tally_periods(view: pd.DataFrame, freq: str) -> pd.DataFrame:
    """`positions_over_time` of a statements view (`statements_in_view`'s columns holder, topic, stance,
    article_id, source, published)."""
    view = view.assign(period=_periods(view["published"], freq) if len(view) else pd.Series(dtype="string"))
    dated = view[view["period"].notna()]
    out = _tally(dated, ["period", "holder", "topic"]).rename(columns={"holder": "actor"})
    out = out[["period"] + MATRIX_COLUMNS].sort_values(["period", "actor", "topic"]).reset_index(drop=True)
    out.attrs["undated"] = int(len(view) - len(dated))
    return out


def _bitmasks(pos: pd.DataFrame, holders: pd.Index, topics: pd.Index, stance: str) -> np.ndarray:
    """holder x word uint64 bit sets: bit t set when the holder takes `stance` on topic t."""
    rows = pos[pos["stance"] == stance]
    h, t = holders.get_indexer(rows["holder"]), topics.get_indexer(rows["topic"])
    out = np.zeros((len(holders), (len(topics) + 63) // 64), dtype=np.uint64)
    np.bitwise_or.at(out, (h, t // 64), np.left_shift(np.uint64(1), (t % 64).astype(np.uint64)))
    return out


def _count(bits: np.ndarray) -> np.ndarray:
    return np.bitwise_count(bits).sum(axis=-1, dtype=np.int64)


def agreement_edges(view: pd.DataFrame, *, chunk: int = 256) -> pd.DataFrame:
    """The edges of `agreement_network` from statements with `holder`, `topic` and `stance`.

    Vectorised: each holder's supported and opposed topics as bit sets; for each pair of holders, agree
    counts the shared (topic, stance) positions, conflict the topics with opposite stances, and the
    pair's topics are those both take a position on. Pairs are compared `chunk` holders at a time.
    """
    polar = view[view["stance"].isin(POLAR)].dropna(subset=["holder", "topic"])
    pos = polar[["holder", "topic", "stance"]].drop_duplicates()
    if pos.empty:
        return pd.DataFrame(columns=EDGE_COLUMNS)
    holders = pd.Index(sorted(pos["holder"].unique()))
    topics = pd.Index(sorted(pos["topic"].unique()))
    sup, opp = _bitmasks(pos, holders, topics, "support"), _bitmasks(pos, holders, topics, "oppose")
    any_ = sup | opp
    activity = _count(sup) + _count(opp)
    found = []
    for i0 in range(0, len(holders), chunk):
        i = np.arange(i0, min(i0 + chunk, len(holders)))
        shared = any_[i, None, :] & any_[None, :, :]  # chunk x holders x words
        keep = (shared != 0).any(axis=-1) & (np.arange(len(holders))[None, :] > i[:, None])
        a, b = np.nonzero(keep)
        a = i[a]
        agree = _count(sup[a] & sup[b]) + _count(opp[a] & opp[b])
        conflict = _count((sup[a] & opp[b]) | (opp[a] & sup[b]))
        found.append((a, b, agree, conflict, any_[a] & any_[b]))
    a, b, agree, conflict, shared = (np.concatenate(parts) for parts in zip(*found, strict=True))
    if not len(a):
        return pd.DataFrame(columns=EDGE_COLUMNS)
    names = topics.to_numpy()
    words, inverse = np.unique(shared, axis=0, return_inverse=True)
    labels = np.array(
        ["; ".join(names[[t for t in range(len(names)) if int(w[t // 64]) >> (t % 64) & 1]]) for w in words],
        dtype=object,
    )
    mean_activity = (activity[a] + activity[b]) / 2  # DNA "average activity" normalisation: in [0, 1]
    out = pd.DataFrame(
        {
            "actor_a": holders.to_numpy()[a],
            "actor_b": holders.to_numpy()[b],
            "agree": agree,
            "conflict": conflict,
            "agree_norm": agree / mean_activity,
            "conflict_norm": conflict / mean_activity,
            "net": (agree - conflict) / (agree + conflict),
            "topics": labels[inverse.reshape(-1)],
        }
    )
    return out


def agreement_network(tables: dict[str, pd.DataFrame], *, level: str = "actor", **filters) -> pd.DataFrame:
    """Actor x actor edges as in discourse network analysis.

    Two actors agree on a topic when both support it or both oppose it, and conflict when one supports
    and the other opposes. Columns: actor_a < actor_b, agree and conflict (numbers of topics), their
    values normalised by the pair's average activity (number of topic positions) in [0, 1], net in
    [-1, 1] ((agree - conflict) / (agree + conflict)), topics involved. Pairs with neither are left out.
    """
    return agreement_edges(statements_in_view(tables, level, **filters))


def cell_evidence(
    tables: dict[str, pd.DataFrame], actor: str, topic: str, *, level: str = "actor", **filters
) -> pd.DataFrame:
    """The statements behind one matrix cell (actor or affiliation x topic), strongest first."""
    view = statements_in_view(tables, level, **filters)
    cell = view[(view["holder"] == actor) & (view["topic"] == topic)]
    order = cell["stance"].map({"support": 0, "oppose": 0, "neutral": 1})
    cell = cell.assign(_o=order).sort_values(["_o", "confidence"], ascending=[True, False])
    return cell.drop(columns=["_o"]).reset_index(drop=True)
