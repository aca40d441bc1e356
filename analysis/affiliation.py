"""Which state or bloc each actor acts for, settled once over all mentions.

An actor acts for the affiliation its mentions give most often (ties: alphabetical); an actor without one
stands for itself. `positions` groups statements by it (`level="affiliation"`) and `filters` uses it for
the "acting for" filter on tables that have an actor but no affiliation of their own (statements, events).
The dashboard adds the settled map to its loaded tables as the `actor_affiliation` table, so filtering
the mentions never changes who acts for whom; without that table it is worked out from `mentions`.

Example:
    >>> of({"mentions": mentions})["Sergei Lavrov"]
    'Russia'
"""

from __future__ import annotations

import pandas as pd

TABLE = "actor_affiliation"
COLUMNS = ["actor", "affiliation"]


def table(mentions: pd.DataFrame | None) -> pd.DataFrame:
    """actor, affiliation: each actor's most frequent non-empty mention affiliation (ties: alphabetical)."""
    if mentions is None or mentions.empty or "affiliation" not in mentions:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in COLUMNS})
    keep = (mentions["affiliation"].fillna("") != "").to_numpy(dtype=bool) & mentions[
        "actor"
    ].notna().to_numpy()
    m = mentions[keep]
    # integer codes in name order, so sorting the codes sorts the names
    actor, actors = pd.factorize(m["actor"], sort=True)
    aff, affs = pd.factorize(m["affiliation"], sort=True)
    counts = pd.DataFrame({"a": actor, "f": aff}).groupby(["a", "f"]).size().reset_index(name="k")
    first = counts.sort_values(["a", "k", "f"], ascending=[True, False, True]).drop_duplicates("a")
    return pd.DataFrame(
        {
            "actor": pd.array(actors.take(first["a"]), dtype="string"),
            "affiliation": pd.array(affs.take(first["f"]), dtype="string"),
        }
    )


def of(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """actor -> affiliation, from `tables[TABLE]` when present, else from `tables["mentions"]`."""
    settled = tables.get(TABLE)
    if settled is None:
        settled = table(tables.get("mentions"))
    return dict(zip(settled["actor"], settled["affiliation"], strict=True))


def with_table(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """`tables` plus the settled `actor_affiliation` table of their mentions."""
    return {**tables, TABLE: table(tables.get("mentions"))}


def acting_for(tables: dict[str, pd.DataFrame], affiliations: tuple[str, ...]) -> set[str]:
    """The actors acting for one of `affiliations`: those whose affiliation is one, and the chosen names
    that have no affiliation of their own (they stand for themselves)."""
    chosen, settled = set(affiliations), of(tables)
    return {actor for actor, aff in settled.items() if aff in chosen} | (chosen - set(settled))
