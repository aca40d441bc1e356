"""Briefing pack: tick the charts, edit their titles if needed, download one PowerPoint file (title slide,
one slide per chart with its source note, key evidence quotes in the speaker notes)."""

import streamlit as st

from dashboard import briefing, charts, export, state, style, ui

ctx = state.context()
subtitle = ctx.subtitle
st.title("Briefing pack")
st.write(
    "Tick the charts for the pack. Bar and line charts become editable PowerPoint charts; the others "
    "are pictures. Each slide carries the filters and the source note; the key quotes are in the notes."
)
st.caption(f"Filters: {ui.md(subtitle)} · {ui.md(ctx.note)}")
title = st.text_input("Deck title", value="Parley briefing", key="pack_title")
chosen = [
    key
    for key, (label, _) in charts.CATALOG.items()
    if st.checkbox(label, value=key in ("mentions", "positions", "events"), key=f"pack_{key}")
]
edits = {}
if chosen:
    with st.expander("Slide titles and subtitles", icon=":material/edit:"):
        for key in chosen:
            stub = briefing.BriefingChart(key, charts.CATALOG[key][0], None, subtitle=subtitle)
            edits[key] = ui.edited(stub, ctx, prefix="pack")
can_render = export.chromium_path() is not None
if not can_render:
    st.warning(
        "No Chromium on the server: heatmaps, networks and timelines will be placeholders in the pack."
    )


def make_pack() -> bytes:
    built = [charts.CATALOG[key][1](ctx) for key in chosen]
    render = (lambda fig: export.render(fig, "png")) if can_render else None
    for chart in built:
        chart.figure = style.for_slide(chart.figure)
        typed_title, typed_sub = edits.get(chart.key, ("", ""))
        chart.title, chart.subtitle = typed_title or chart.title, typed_sub or subtitle
    return briefing.build_pack(
        built,
        title=title,
        subtitle=subtitle,
        note=ctx.note,
        render_image=render,
        colors=charts.chart_colors(ctx),
    )


st.download_button(
    f"Download the pack ({len(chosen)} chart{'s' if len(chosen) != 1 else ''})",
    data=make_pack,
    file_name=f"{export.safe_slug(title)}.pptx",
    type="primary",
    mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
    disabled=not chosen,
    on_click="ignore",
    icon=":material/slideshow:",
    key="dl_pack",
)
