"""Data: every table, filtered exactly as on screen, downloadable as CSV and Excel."""

import streamlit as st

from analysis.store import schema
from dashboard import display, downloads, state, ui

SHOWN_ROWS = 1000
SENTENCE_COLUMNS = {"statements": "evidence", "events": "evidence", "sentences": "text"}
ctx = state.context()
st.title("Data")
subtitle = ctx.subtitle
st.caption(f"Filters: {ui.md(subtitle)}. {ui.md(ctx.note)}")
st.download_button(
    "All tables as Excel (.xlsx)",
    data=lambda: downloads.excel(
        {name: downloads.table(ctx, name) for name in ctx.table_names}, filters=subtitle, note=ctx.note
    ),
    file_name="parley-tables.xlsx",
    mime=downloads.XLSX,
    on_click="ignore",
    icon=":material/download:",
    key="dl_xlsx_all",
)
counts = ctx.counts(ctx.table_names)
# One table at a time: drawing all nine (1,000 rows each) made every filter change fetch and send them all.
name = st.selectbox(
    "Table",
    list(counts),
    index=list(counts).index("statements") if "statements" in counts else 0,
    format_func=lambda table: f"{table} — {counts[table]:,} rows",
    key="data_table",
)
if name:
    n = counts[name]
    shown = ctx.rows(name, limit=SHOWN_ROWS)
    helps = {c.name: c.help for c in schema.TABLES[name]}
    first = [c for c in display.ids_last(shown).columns[:4] if c in helps]
    st.caption(" · ".join(f"{c}: {helps[c]}" for c in first) + " … (ids at the right)")
    ui.table(shown, labels=ctx.labels, sentence=SENTENCE_COLUMNS.get(name))
    if n > SHOWN_ROWS:
        st.caption(f"Showing the first {SHOWN_ROWS:,} of {n:,} rows; the downloads have them all.")
    st.download_button(
        f"{name}.csv",
        data=lambda: downloads.csv(downloads.table(ctx, name)),
        file_name=f"parley-{name}.csv",
        mime="text/csv",
        on_click="ignore",
        key=f"dl_csv_{name}",
        icon=":material/download:",
    )
