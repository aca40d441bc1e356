"""Overview: the corpus at a glance, coverage over time, top actors and topics, the build's problems."""

import streamlit as st

from analysis.query import views
from dashboard import charts, state, ui

ctx = state.context()
st.title("Parley")
st.caption(f"{ui.md(ctx.subtitle)} · {ui.md(ctx.note)}")
summary = ctx.corpus_summary()
cols = st.columns(6)
for col, (label, value) in zip(
    cols,
    [
        ("Articles", summary["articles"]),
        ("Sources", summary["sources"]),
        ("Actors", summary["actors"]),
        ("Mentions", summary["mentions"]),
        ("Statements", summary["statements"]),
        ("Events", summary["events"]),
    ],
    strict=True,
):
    col.metric(label, f"{value:,}")
st.caption(
    f"Published {summary['start'] or '?'} to {summary['end'] or '?'}"
    if summary["start"]
    else "No publication dates known for these articles."
)
if summary["articles"] == 0:
    ui.empty_state("No articles match these filters. Clear a filter in the sidebar, or add articles.")

ui.show(charts.coverage(ctx), ctx)
left, right = st.columns(2, gap="large")
with left:
    ui.show(charts.mentions(ctx, stack=None, quotes=False), ctx)
with right:
    ui.show(charts.topics(ctx), ctx)

st.subheader("Problems found while building")
manifest = views.build_info(state.data_dir())
if manifest:
    st.caption(manifest)
problems = ctx.rows("problems")
if problems.empty:
    st.caption("No problems: every file was read.")
else:
    st.dataframe(problems, hide_index=True, width="stretch")
