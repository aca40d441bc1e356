"""Timeline: events on a date axis (by actor or topic, background toggled, the axis on the dense period
or the whole one), coverage below, and the time expressions that could not be resolved."""

import streamlit as st

from dashboard import charts, state, ui

SHOWN_ROWS = 1000
ctx = state.context()
st.title("Timeline")
c1, c2, c3 = st.columns([2, 1, 1])
color_by = (
    c1.segmented_control("Rows and colours by", ["actors", "topics"], default="actors", key="timeline_by")
    or "actors"
)
background = c2.toggle(
    "Show background history",
    value=True,
    key="timeline_bg",
    help="Events the articles mention as history, e.g. 'which Russia seized in 2014'. The axis opens on "
    "the current events either way; 'Whole period' widens it to the history.",
)
whole = c3.toggle(
    "Whole period",
    key="timeline_whole",
    help="The time axes open on the period that holds most of the events and articles; this widens them "
    "to all of them",
)
chart = charts.events(ctx, color_by=color_by, background=background, whole=whole)
event = ui.show(chart, ctx, select="points")
picked = ui.picked(event, field="customdata")
if picked:
    st.subheader("The event's sentence")
    rows = ctx.view("event_rows", picked)
    ui.evidence_table(rows, key="timeline_event")
    ui.reader_link(rows)  # the point's sentence in its article
else:
    st.caption("Hover a point to read its sentence; click it to see the article.")
ui.show(charts.coverage(ctx, whole=whole), ctx)

st.subheader("First and last mention of each actor")
first_last = ctx.agg("actor_first_last")
if first_last.empty:
    ui.empty_state("No dated mentions for these filters.")
else:
    ui.table(first_last)  # dates as dates

st.subheader("Time expressions that could not be dated")
unresolved = ctx.view("unresolved_times", limit=SHOWN_ROWS)
if unresolved.empty:
    st.caption("Every time expression in these articles was resolved to a date.")
else:  # each row opens the reader at its sentence
    ui.evidence_table(
        unresolved,
        key="unresolved_times",
        columns=("read", "expression", "kind", "title", "source", "published"),
    )
