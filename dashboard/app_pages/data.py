"""Data: every table, filtered exactly as on screen, downloadable as CSV and Excel."""

import streamlit as st

from analysis import schema
from dashboard import downloads, state, ui

SHOWN_ROWS = 1000
ctx = state.context()
st.title("Data")
st.caption(f"Filters: {ui.md(ctx.subtitle)}. {ui.md(ctx.note)}")
st.download_button(
    "All tables as Excel (.xlsx)",
    data=lambda: downloads.excel({name: ctx.rows(name) for name in ctx.table_names}),
    file_name="parley-tables.xlsx",
    mime=downloads.XLSX,
    on_click="ignore",
    icon=":material/download:",
    key="dl_xlsx_all",
)
for name in ctx.table_names:
    n = ctx.count(name)
    with st.expander(f"{name} — {n:,} rows", expanded=name == "statements"):
        st.caption(" · ".join(f"{c.name}: {c.help}" for c in schema.TABLES[name][:4]) + " …")
        st.dataframe(ctx.rows(name, limit=SHOWN_ROWS), hide_index=True, width="stretch")
        if n > SHOWN_ROWS:
            st.caption(f"Showing the first {SHOWN_ROWS:,} of {n:,} rows; the downloads have them all.")
        st.download_button(
            f"{name}.csv",
            data=lambda name=name: downloads.csv(ctx.rows(name)),
            file_name=f"parley-{name}.csv",
            mime="text/csv",
            on_click="ignore",
            key=f"dl_csv_{name}",
            icon=":material/download:",
        )
