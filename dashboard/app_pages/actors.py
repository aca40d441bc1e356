"""Actors: who is mentioned (by source or affiliation), actor × source, over time, co-occurrence;
click a bar to read that actor's sentences."""

import streamlit as st

from analysis.query import views
from dashboard import charts, state, ui

ctx = state.context()
st.title("Actors")
stack = (
    st.segmented_control(
        "Colour bars by", ["affiliation", "source", "none"], default="affiliation", key="actors_stack"
    )
    or "none"
)
bars = charts.mentions(ctx, stack=None if stack == "none" else stack, quotes=False)
event = ui.show(bars, ctx, select="points")
picked = ui.picked(event, field="customdata") or ui.picked(event, field="y")
if picked:
    st.subheader(f"Sentences mentioning {ui.md(picked)}")
    st.button(
        f"Filter every view to {ui.md(picked)}",
        on_click=state.add_filter,
        args=("actors", picked),
        icon=":material/filter_alt:",
    )
    ui.evidence_table(ctx.view("actor_sentences", picked), key="actor_sentences")
else:
    st.caption("Click a bar to read the sentences that mention that actor.")

st.subheader("Actor × source")
table = views.wide(ctx.agg("mentions_by_actor_source"), index="actor", columns="source", values="n")
if table.empty:
    ui.empty_state("No mentions for these filters.")
else:
    st.dataframe(table, width="stretch")
whole = st.toggle("Whole period", key="actors_whole", help="Widen the time axis to every date")
ui.show(charts.actors_over_time(ctx, whole=whole), ctx)
if st.toggle(
    "Show who is mentioned together (network)",
    key="actors_network",
    help="Co-occurrence in the same sentence; can take a few seconds on a large corpus",
):
    ui.show(charts.cooccurrence(ctx), ctx)
