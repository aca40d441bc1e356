"""Overview: the corpus at a glance, coverage over time, top actors and topics, the build's problems."""

import streamlit as st

from analysis.query import periods, views
from dashboard import charts, state, ui

SHOWN_ROWS = 1000
COUNTED = ("articles", "sources", "actors", "mentions", "statements", "events")  # the metrics at the top
ctx = state.context()
st.title("Parley")
st.caption(f"{ui.md(ctx.subtitle)} · {ui.md(ctx.note)}")
summary = ctx.corpus_summary()
dating = periods.dating_summary(ctx.agg("dating", unit="articles"))  # as the coverage
metrics = [(name.title(), summary[name], None) for name in COUNTED]
metrics.append(
    ("Undated", dating["undated"], "Articles without a publication date: no time chart can place them")
)
for col, (label, value, note) in zip(st.columns(len(metrics)), metrics, strict=True):
    col.metric(label, f"{value:,}", help=note)
st.caption(
    f"Published {summary['start'] or '?'} to {summary['end'] or '?'}"
    if summary["start"]
    else "No publication dates known for these articles."
)
if summary["articles"] == 0:
    ui.empty_state("No articles match these filters. Clear a filter in the sidebar, or add articles.")
if dating["undated"] or dating["partial"]:
    label = f"{dating['undated']:,} undated article{'s' if dating['undated'] != 1 else ''}"
    if dating["partial"]:
        label += f", {dating['partial']:,} dated only to a month or year"
    if dating["excluded"]:
        label += " (the date filter leaves the undated out)"
    # a toggle, not an expander: the list is fetched and drawn only once asked for
    if st.toggle(f"Show the {label}: which, and why", key="overview_undated"):
        undated = ctx.agg("undated_articles", limit=SHOWN_ROWS)
        box = st.container(key="undated_list")
        box.dataframe(periods.undated_table(undated), hide_index=True, width="stretch")
        if undated.attrs.get("total", 0) > len(undated):
            box.caption(f"The first {len(undated):,} of {undated.attrs['total']:,}.")

whole = st.toggle(
    "Whole period",
    key="overview_whole",
    help="The time axis opens on the period that holds most of the articles; this widens it to all of them",
)
ui.show(charts.coverage(ctx, whole=whole), ctx)
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
