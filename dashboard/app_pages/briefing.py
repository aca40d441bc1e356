"""Briefing pack: tick the charts, download one PowerPoint file (title slide, one slide per chart with
its source note, key evidence quotes in the speaker notes)."""

import streamlit as st

from dashboard import briefing, charts, export, state, style, ui

ctx = state.context()
st.title("Briefing pack")
st.write(
    "Tick the charts for the pack. Bar and line charts become editable PowerPoint charts; the others "
    "are pictures. Each slide carries the filters and the source note; the key quotes are in the notes."
)
st.caption(f"Filters: {ui.md(ctx.subtitle)} · {ui.md(ctx.note)}")
title = st.text_input("Deck title", value="Parley briefing", key="pack_title")
chosen = [
    key
    for key, (label, _) in charts.CATALOG.items()
    if st.checkbox(label, value=key in ("mentions", "positions", "events"), key=f"pack_{key}")
]
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
    return briefing.build_pack(
        built, title=title, subtitle=ctx.subtitle, note=ctx.note, render_image=render, colors=ctx.colors
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
