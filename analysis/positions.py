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
from itertools import combinations

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


def affiliations(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """actor -> affiliation, the most frequent one in `mentions`; an actor without one stands for itself."""
    m = tables.get("mentions")
    if m is None or m.empty or "affiliation" not in m:
        return {}
    m = m[m["affiliation"].fillna("") != ""]
    counts = m.groupby(["actor", "affiliation"]).size().reset_index(name="k")
    counts = counts.sort_values(["actor", "k", "affiliation"], ascending=[True, False, True])
    first = counts.drop_duplicates("actor")
    return dict(zip(first["actor"], first["affiliation"], strict=True))


def statements_in_view(tables: dict[str, pd.DataFrame], level: str = "actor", **filters) -> pd.DataFrame:
    """Filtered statements plus `affiliation`, `holder` (actor or affiliation, per `level`), `source` and
    `published` of their article."""
    _check(level)
    f = _filters(filters)
    st = tables["statements"].copy()
    aff = affiliations(tables)
    st["affiliation"] = st["actor"].map(lambda a: aff.get(a) or a).astype("string")
    view = apply_filters({**tables, "statements": st}, f)["statements"]
    arts = tables["articles"][["article_id", "source", "published"]]
    view = view.merge(arts, on="article_id", how="left")
    view["holder"] = view[level].astype("string")
    return view


def _tally(view: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """support/oppose/neutral counts, net position and distinct sources per group of `keys`."""
    if view.empty:
        return pd.DataFrame(columns=keys + MATRIX_COLUMNS[2:])
    counts = pd.crosstab([view[k] for k in keys], view["stance"]).reindex(
        columns=["support", "oppose", "neutral"], fill_value=0
    )
    out = counts.reset_index()
    out.columns.name = None
    out["n"] = out["support"] + out["oppose"] + out["neutral"]
    polar = out["support"] + out["oppose"]
    out["net"] = ((out["support"] - out["oppose"]) / polar.where(polar > 0)).fillna(0.0).astype(float)
    groups = view.groupby(keys, dropna=False)
    sources = groups["source"].agg(lambda s: s.fillna("").replace("", pd.NA).nunique()).rename("n_sources")
    articles = groups["article_id"].nunique().rename("n_articles")
    out = out.merge(sources.reset_index(), on=keys).merge(articles.reset_index(), on=keys)
    return out


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
    # a month-precision date ("2025-08") is placeable in a month, not in a week
    full = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}") | (text.str.fullmatch(r"\d{4}-\d{2}") & (freq == "M"))
    dates = pd.to_datetime(text.where(full), errors="coerce", format="mixed")
    return dates.dt.to_period(FREQS[freq]).dt.start_time.dt.strftime("%Y-%m-%d").astype("string")


def positions_over_time(
    tables: dict[str, pd.DataFrame], *, level: str = "actor", freq: str = "M", **filters
) -> pd.DataFrame:
    """The position matrix per publication period: columns period (first day, ISO) + `position_matrix`'s.

    Statements of articles with no known date (or only a year; only a month for weeks) are left out; their
    number is in `result.attrs["undated"]`.
    """
    if freq not in FREQS:
        raise ValueError(f"freq must be one of {sorted(FREQS)}, got {freq!r}")
    view = statements_in_view(tables, level, **filters)
    view["period"] = _periods(view["published"], freq) if len(view) else pd.Series(dtype="string")
    dated = view[view["period"].notna()]
    out = _tally(dated, ["period", "holder", "topic"]).rename(columns={"holder": "actor"})
    out = out[["period"] + MATRIX_COLUMNS].sort_values(["period", "actor", "topic"]).reset_index(drop=True)
    out.attrs["undated"] = int(len(view) - len(dated))
    return out


def _stance_sets(view: pd.DataFrame) -> dict[str, set[tuple[str, str]]]:
    """holder -> its (topic, stance) pairs among support/oppose statements."""
    polar = view[view["stance"].isin(POLAR)]
    pairs = polar[["holder", "topic", "stance"]].drop_duplicates()
    return {h: set(zip(g["topic"], g["stance"], strict=True)) for h, g in pairs.groupby("holder")}


def _edge(a: str, b: str, sa: set, sb: set) -> dict | None:
    agree = sorted(t for t, s in sa & sb)
    conflict = sorted({t for t, s in sa for t2, s2 in sb if t == t2 and s != s2})
    if not agree and not conflict:
        return None
    activity = (len(sa) + len(sb)) / 2  # DNA "average activity" normalisation: values in [0, 1]
    return {
        "actor_a": a,
        "actor_b": b,
        "agree": len(agree),
        "conflict": len(conflict),
        "agree_norm": len(agree) / activity,
        "conflict_norm": len(conflict) / activity,
        "net": (len(agree) - len(conflict)) / (len(agree) + len(conflict)),
        "topics": "; ".join(sorted(set(agree) | set(conflict))),
    }


def agreement_network(tables: dict[str, pd.DataFrame], *, level: str = "actor", **filters) -> pd.DataFrame:
    """Actor x actor edges as in discourse network analysis.

    Two actors agree on a topic when both support it or both oppose it, and conflict when one supports
    and the other opposes. Columns: actor_a < actor_b, agree and conflict (numbers of topics), their
    values normalised by the pair's average activity (number of topic positions) in [0, 1], net in
    [-1, 1] ((agree - conflict) / (agree + conflict)), topics involved. Pairs with neither are left out.
    """
    sets = _stance_sets(statements_in_view(tables, level, **filters))
    rows = [e for a, b in combinations(sorted(sets), 2) if (e := _edge(a, b, sets[a], sets[b]))]
    return pd.DataFrame(rows, columns=EDGE_COLUMNS)


def cell_evidence(
    tables: dict[str, pd.DataFrame], actor: str, topic: str, *, level: str = "actor", **filters
) -> pd.DataFrame:
    """The statements behind one matrix cell (actor or affiliation x topic), strongest first."""
    view = statements_in_view(tables, level, **filters)
    cell = view[(view["holder"] == actor) & (view["topic"] == topic)]
    order = cell["stance"].map({"support": 0, "oppose": 0, "neutral": 1})
    cell = cell.assign(_o=order).sort_values(["_o", "confidence"], ascending=[True, False])
    return cell.drop(columns=["_o"]).reset_index(drop=True)
