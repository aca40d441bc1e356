"""Parley dashboard entry point: `streamlit run dashboard/app.py`.

Builds the analysis on first start (with a progress bar), then draws the sidebar filters and runs the
chosen page. Pages live in `dashboard/app_pages/`, one file per view.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the project: add it once.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from analysis.store import tables as store  # noqa: E402
from dashboard import state, ui  # noqa: E402

# Not "pages/": with that folder Streamlit would use its older automatic multipage mode for a server's
# first request to a deep link (before any st.navigation call), running the page without this script.
PAGES = Path(__file__).resolve().parent / "app_pages"

st.set_page_config(page_title="Parley", page_icon="💬", layout="wide")

if not store.tables_exist(state.data_dir()):
    st.title("Parley")
    st.write("First start: analysing the corpus. This happens once; later starts load the stored tables.")
    if not ui.run_build():
        st.stop()
    st.rerun()  # draw the app from the stored tables, without the build message

pages = [
    st.Page(PAGES / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page(PAGES / "actors.py", title="Actors", icon=":material/groups:"),
    st.Page(PAGES / "positions.py", title="Positions", icon=":material/grid_on:"),
    st.Page(PAGES / "review.py", title="Review", icon=":material/fact_check:"),
    st.Page(PAGES / "timeline.py", title="Timeline", icon=":material/timeline:"),
    st.Page(PAGES / "articles.py", title="Articles", icon=":material/article:"),
    st.Page(PAGES / "data.py", title="Data", icon=":material/table:"),
    st.Page(PAGES / "briefing.py", title="Briefing pack", icon=":material/slideshow:"),
    st.Page(PAGES / "add_articles.py", title="Add articles", icon=":material/upload_file:"),
    st.Page(PAGES / "knowledge.py", title="Knowledge", icon=":material/psychology:"),
]
page = st.navigation(pages)
state.sidebar()
ui.narrow_window()
page.run()
