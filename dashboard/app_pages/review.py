"""Review: the statements the machine is least sure of, one at a time, to confirm, flip, re-assign or
delete; how much of the matrix has been checked; the corrections history with undo."""

from dataclasses import asdict

import streamlit as st

from analysis.query import review
from dashboard import corrections_ui, state, ui

ctx = state.context()
kw = asdict(ctx.filters)  # the filters as keyword arguments of the query functions
st.title("Review")
st.caption(
    "The statements the machine is least sure of come first (lowest confidence). Confirm the right ones; "
    "flip, re-assign or delete the wrong ones. Each decision is saved to the corrections log at once and the "
    "next statement comes up. Keys: Y confirm · F flip · D delete · N skip (shown on each button). "
    "The sidebar filters apply."
)
done = review.progress(ctx.q, **kw)
share = done["checked"] / done["total"] if done["total"] else 0.0
st.progress(
    share,
    text=f"Checked {done['checked']:,} of {done['total']:,} statements ({share:.0%}) matching the filters",
)
# a segmented control, not a toggle: the keys work at once after a click on a button, not on a checkbox
sides = (
    st.segmented_control(
        "Statements",
        ["all", "sides"],
        default="all",
        key="rv_sides",
        format_func={"all": "All", "sides": "Only with a side (support or oppose)"}.get,
        help="Neutral statements colour no cell and draw no line of the network.",
    )
    == "sides"
)
skipped = corrections_ui.skipped()
items = review.queue(ctx.q, limit=len(skipped) + 1, sides_only=sides, **kw)
left = items[~items["statement_id"].astype(str).isin(skipped)]
if done["total"] == 0:
    ui.empty_state("No statements match these filters. Clear a filter in the sidebar to see more.")
elif left.empty:
    message = "Every statement matching these filters has been checked."
    if sides:
        message = "Every support and oppose statement matching these filters has been checked."
    if skipped:
        message = f"Nothing left but the {len(skipped)} statement(s) you skipped in this session."
    st.success(message, icon=":material/task_alt:")
else:
    position = f"{items.attrs['remaining']:,} unchecked" + (" with a side" if sides else "")
    position += f", {len(skipped)} skipped" if skipped else ""
    corrections_ui.review_card(left.iloc[0], ctx, position=position)

with st.expander("Checked per cell (actor × topic)"):
    cells = review.progress_by_cell(ctx.q, **kw)
    cells = cells.assign(topic=cells["topic"].map(lambda t: ctx.labels.get(t, t)))
    st.dataframe(
        cells.sort_values(["share", "total"], ascending=[True, False]),
        hide_index=True,
        width="stretch",
        column_config={"share": st.column_config.ProgressColumn("checked", format="percent")},
    )
corrections_ui.history(ctx, expanded=True)
