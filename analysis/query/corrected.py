"""The statements with the analyst's corrections applied, inside DuckDB: the automatic statements, with only
the rows a correction touches read into pandas and corrected by `analysis.store.corrections.apply_corrections`
(the one implementation of corrections), so a correction and its undo show at the next query."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from analysis.query.results import sql_list
from analysis.store import schema

log_ = logging.getLogger("parley.query")


def stamp(path: Path | None) -> tuple:
    """The corrections file's modification time and size ((0, 0) when there is none)."""
    try:
        stat = path.stat() if path else None
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size) if stat else (0, 0)


def define_statements(con, path: Path | None) -> None:
    """Define the view `statements` on `con`: `statements_built`, or, with a corrections file at `path`,
    the automatic statements with its corrections applied (the built ones when it cannot be applied)."""
    plain = "CREATE OR REPLACE VIEW statements AS SELECT * FROM statements_built"
    if path is None or not path.exists():
        con.execute(plain)
        return
    from analysis.store import corrections as corr

    try:
        log = corr.load_corrections(path)
        auto = con.execute("SELECT count(*) FROM statements_auto").fetchall()[0][0]
        base = "statements_auto" if auto else "statements_built"
        ids = sorted(set(corr.active_corrections(log)["statement_id"].dropna().astype(str)))
        touched = con.execute(f"SELECT * FROM {base} WHERE list_contains($ids, statement_id)",
                              {"ids": ids}).fetchdf()  # fmt: skip
        rows = touched.pop("_row")
        fixed = corr.apply_corrections(schema.conform(touched, "statements").set_index(rows.index), log)
        top = con.execute(f"SELECT coalesce(max(_row), -1) FROM {base}").fetchall()[0][0]
        kept = fixed["statement_id"].astype(str).map(dict(zip(touched["statement_id"], rows, strict=True)))
        extra = pd.Series(range(top + 1, top + 1 + len(fixed)), index=fixed.index)
        fixed = schema.conform(fixed, "statements").assign(_row=kept.fillna(extra).astype("int64").to_numpy())
        con.register("_fixed", fixed)
        con.execute("CREATE OR REPLACE TABLE statements_fixed AS SELECT * FROM _fixed")
        con.unregister("_fixed")
        con.execute(
            # the untouched rows with the defaults `apply_corrections` gives every row
            f"""CREATE OR REPLACE VIEW statements AS
            SELECT * REPLACE (coalesce(origin, 'auto') AS origin, coalesce(note, '') AS note) FROM {base}
            WHERE statement_id IS NULL OR NOT list_contains({sql_list(ids)}, statement_id)
            UNION ALL BY NAME SELECT * FROM statements_fixed"""
        )
    except Exception as exc:  # noqa: BLE001 - the dashboard keeps the built statements
        log_.warning("corrections not applied: %s", exc)
        con.execute(plain)
