"""Data: every table, filtered exactly as on screen, downloadable as CSV and Excel."""

import streamlit as st

from analysis import schema
from dashboard import downloads, state

ctx = state.context()
st.title("Data")
st.caption(f"Filters: {ctx.subtitle}. {ctx.note}")
st.download_button(
    "All tables as Excel (.xlsx)",
    data=lambda: downloads.excel(ctx.tables),
    file_name="parley-tables.xlsx",
    mime=downloads.XLSX,
    on_click="ignore",
    icon=":material/download:",
    key="dl_xlsx_all",
)
for name, frame in ctx.tables.items():
    with st.expander(f"{name} — {len(frame):,} rows", expanded=name == "statements"):
        st.caption(" · ".join(f"{c.name}: {c.help}" for c in schema.TABLES[name][:4]) + " …")
        st.dataframe(frame.head(1000), hide_index=True, width="stretch")
        if len(frame) > 1000:
            st.caption(f"Showing the first 1,000 of {len(frame):,} rows; the downloads have them all.")
        st.download_button(
            f"{name}.csv",
            data=lambda f=frame: downloads.csv(f),
            file_name=f"parley-{name}.csv",
            mime="text/csv",
            on_click="ignore",
            key=f"dl_csv_{name}",
            icon=":material/download:",
        )
