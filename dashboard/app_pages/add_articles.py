"""Add articles: upload files, store them safely in the data folder and re-analyse the corpus."""

import streamlit as st

from analysis import settings
from analysis.ingest.uploads import ALLOWED_SUFFIXES, save_uploads
from dashboard import jobs, state, ui

st.title("Add articles")
st.write(
    "Upload news articles as text, Markdown or HTML files, or many at once as a CSV or JSON Lines file "
    "with a `text` column (`title`, `source`, `url`, `published` optional). An optional `metadata.csv` "
    "(column `file`, plus `title`, `source`, `url`, `published`) sets each file's details. Files that "
    "cannot be read are reported and skipped; the articles already in the corpus are kept."
)
st.caption(
    f"Limits: {settings.get_int('max_article_bytes') / 1e6:,.1f} MB per file (setting `max_article_bytes`) "
    f"and {settings.get_int('max_corpus_rows'):,} rows per CSV or JSON Lines file "
    "(setting `max_corpus_rows`). "
    "A file over a limit, or whose content is not text whatever its name says, is refused and named below."
)
files = st.file_uploader(
    "Files", type=[s.lstrip(".") for s in ALLOWED_SUFFIXES], accept_multiple_files=True, key="uploads"
)
if files and st.button("Add to the corpus and analyse", type="primary", icon=":material/play_arrow:"):
    results = save_uploads(
        state.uploads_dir(),
        [(f.name, f.getvalue()) for f in files],
        max_bytes=settings.get_int("max_article_bytes"),
        known_folders=[settings.get_path("corpus_dir")],
    )
    st.dataframe([r.__dict__ for r in results], hide_index=True, width="stretch")
    if any(r.status in ("saved", "metadata") for r in results):
        if ui.run_build():
            st.success("The corpus was re-analysed. Every page now includes the new articles.")
    else:
        st.warning("Nothing new to analyse.")

if jobs.running(state.data_dir()) is not None:
    st.info("The corpus is being re-analysed.")
    ui.run_build()

st.subheader("Uploaded so far")
stored = sorted(p.name for p in state.uploads_dir().glob("*") if p.is_file() and not p.name.startswith("."))
if stored:
    st.dataframe({"file": stored}, hide_index=True, width="stretch")
else:
    st.caption("No uploaded files yet.")
if st.button("Re-analyse the corpus", icon=":material/refresh:"):
    ui.run_build()
