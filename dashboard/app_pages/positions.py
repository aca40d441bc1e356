"""Positions: the actor × topic heatmap; click a cell to read (and correct) its evidence; agreement and
conflict network; positions over time."""

import streamlit as st

from dashboard import charts, corrections_ui, state, ui

ctx = state.context()
st.title("Positions")
st.caption(
    "Net stance per actor and topic: blue = supports the topic's proposition, orange = opposes it, "
    "grey = balanced or neutral only, white = no statement; cells read '+support −oppose'. "
    "Click a cell to read the evidence."
)
c1, c2 = st.columns([1, 1])
level = (
    c1.segmented_control(
        "Rows",
        ["actor", "affiliation"],
        default="actor",
        key="pos_level",
        format_func={"actor": "Actors", "affiliation": "States and blocs"}.get,
    )
    or "actor"
)
positions_only = c2.toggle(
    "Only actors who take a position",
    value=True,
    key="pos_only",
    help="Hide actors whose statements are all neutral",
)
heat = charts.position_matrix(ctx, level=level, positions_only=positions_only, quotes=False)
event = ui.show(heat, ctx, select="points")
clicked = ui.picked(event, field="customdata", whole=True)
if clicked and len(clicked) == 2 and list(clicked) != st.session_state.get("pos_cell_seen"):
    # a new click (the chart keeps its selection over reruns): "Topic over time" follows the cell's topic
    st.session_state["pos_time_topic"] = clicked[1]
st.session_state["pos_cell_seen"] = list(clicked) if clicked else None
cell = ui.remembered("pos_cell", clicked)
if cell and len(cell) == 2:
    actor, topic = cell
    holder = ui.md(actor) if level == "actor" else f"those acting for {ui.md(actor)}"
    st.subheader(f"Evidence: {holder} on {ui.md(ctx.labels.get(topic, topic))}")
    st.button("Close the evidence", on_click=ui.forget, args=("pos_cell",), icon=":material/close:")
    rows = ctx.agg("cell_evidence", actor=actor, topic=topic, level=level)
    rows = ctx.view("with_article_meta", rows)
    selection = ui.evidence_table(rows, key="cell_evidence", labels=ctx.labels, select=True)
    if not rows.empty:
        corrections_ui.panel(rows, selection, ctx)
else:
    st.caption("Click a cell of the heatmap to read the sentences behind it.")
corrections_ui.history(ctx)

left, right = st.columns(2, gap="large")
with left:
    ui.show(charts.agreement(ctx, level=level), ctx)
    st.caption("Lines: blue = they take the same side on a topic, orange = opposite sides, grey = both.")
with right:
    topics = ctx.view("catalog_topics")
    if st.session_state.get("pos_time_topic") not in topics:
        st.session_state.pop("pos_time_topic", None)  # a topic the filters leave out: the first instead
    topic = (
        st.selectbox(
            "Topic over time", topics, format_func=lambda t: ctx.labels.get(t, t), key="pos_time_topic"
        )
        if topics
        else None
    )
    whole = st.toggle("Whole period", key="positions_whole", help="Widen the time axis to every date")
    ui.show(charts.positions_over_time(ctx, topic=topic, whole=whole), ctx)
