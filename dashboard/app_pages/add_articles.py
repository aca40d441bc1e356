"""Add articles: upload files, see how each uploaded file fared in the last analysis, set its title,
source, URL and date, replace or remove it, and re-analyse the corpus."""

import streamlit as st

from analysis import settings
from analysis.ingest import upload_admin as admin
from analysis.ingest.uploads import ALLOWED_SUFFIXES, save_uploads, upload_limit
from dashboard import jobs, loaders, state, ui

MAX_BYTES = settings.get_int("max_article_bytes")
SERVER_MB = int(st.get_option("server.maxUploadSize"))
WIDGET_MB, LIMIT = upload_limit(MAX_BYTES, SERVER_MB)
FOLDER = state.uploads_dir()
KNOWN = [settings.get_path("corpus_dir")]
LIMIT_HELP = (
    f"At most {LIMIT:,} bytes ({LIMIT / 1e6:,.1f} MB) per file (setting `max_article_bytes`); "
    "a larger file is refused with a message naming it."
)


def flash(kind: str, text: str) -> None:
    """A message shown once, after the rerun that follows an action."""
    st.session_state.setdefault("upload_flash", []).append((kind, text))


def done(result, success: str) -> None:
    """After a change to the uploads: re-analyse, say what happened, and draw the page again."""
    said = result.message[:1].upper() + result.message[1:]
    if ui.run_build():
        flash("success", f"{said}. {success}")
    else:
        flash("warning", f"{said}, but the corpus could not be re-analysed.")
    st.session_state["upload_nonce"] = st.session_state.get("upload_nonce", 0) + 1
    st.rerun()


def status_table():
    """The status of every uploaded file in the last build (empty frame when nothing is uploaded)."""
    folder = state.data_dir()
    started = jobs.last_read(folder)
    q = loaders.query_layer(str(folder), state.stamp())
    articles = q.filtered("articles", None, columns=["file", *admin.DETAIL_FIELDS])
    problems = q.filtered("problems", None, columns=["file", "severity", "message"])
    return admin.folder_status(FOLDER, articles, problems, started)


st.title("Add articles")
st.write(
    "Upload news articles as text, Markdown or HTML files, or many at once as a CSV or JSON Lines file "
    "with a `text` column (`title`, `source`, `url`, `published` optional). An optional `metadata.csv` "
    "(column `file`, plus `title`, `source`, `url`, `published`) sets each file's details. Files that "
    "cannot be read are reported and skipped; the articles already in the corpus are kept."
)
st.caption(
    f"Limits: {LIMIT:,} bytes ({LIMIT / 1e6:,.1f} MB) per file (setting `max_article_bytes`) and "
    f"{settings.get_int('max_corpus_rows'):,} rows per CSV or JSON Lines file (setting `max_corpus_rows`). "
    "A file over a limit, or whose content is not text whatever its name says, is refused and named below."
)
if LIMIT < MAX_BYTES:
    st.warning(
        f"The server accepts uploads of at most {SERVER_MB} MB (Streamlit option `server.maxUploadSize`), "
        f"less than `max_article_bytes` ({MAX_BYTES:,} bytes): raise the option to upload larger files."
    )
for kind, text in st.session_state.pop("upload_flash", []):
    getattr(st, kind)(ui.md(text))

nonce = st.session_state.get("upload_nonce", 0)
files = st.file_uploader(
    "Files",
    type=[s.lstrip(".") for s in ALLOWED_SUFFIXES],
    accept_multiple_files=True,
    key=f"uploads_{nonce}",
    max_upload_size=WIDGET_MB,
    help=LIMIT_HELP,
)
if files and st.button("Add to the corpus and analyse", type="primary", icon=":material/play_arrow:"):
    results = save_uploads(
        FOLDER, [(f.name, f.getvalue()) for f in files], max_bytes=MAX_BYTES, known_folders=KNOWN
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

st.subheader("Uploaded files")
rows = status_table()
if rows.empty:
    st.caption("No uploaded files yet.")
else:
    counts = rows["status"].value_counts()
    st.caption(
        f"{len(rows)} uploaded file{'s' if len(rows) != 1 else ''}: "
        + ", ".join(f"{counts.get(s, 0)} {s}" for s in admin.STATUSES if counts.get(s, 0))
        + ". Title, source, URL and date as the last analysis shows them."
    )
    with st.container(key="upload_status"):
        st.dataframe(
            rows,
            hide_index=True,
            width="stretch",
            column_config={
                "message": st.column_config.TextColumn("details", width="large"),
                "url": st.column_config.TextColumn("URL"),
            },
        )
if st.button("Re-analyse the corpus", icon=":material/refresh:"):
    ui.run_build()
    st.rerun()

if not rows.empty:
    st.subheader("Change an uploaded file")
    name = st.selectbox("Uploaded file", rows["file"].tolist(), key="upload_pick")
    shown = rows.set_index("file").loc[name]
    current = admin.details(FOLDER, name)
    st.markdown("**Details**")
    if name.lower().endswith(tuple(admin.CORPUS_SUFFIXES)):
        st.caption(
            "This file holds one article per row: its title, source, URL and date are its columns. "
            "Edit them in the file and replace it below."
        )
    else:
        with st.form(f"upload_details_{name}"):
            st.caption("An empty field takes what the article itself says (shown greyed).")
            left, right = st.columns(2)
            values = {
                "title": left.text_input("Title", current["title"], placeholder=shown["title"]),
                "source": right.text_input("Source", current["source"], placeholder=shown["source"]),
                "url": left.text_input("URL", current["url"], placeholder=shown["url"] or "https://…"),
                "published": right.text_input(
                    "Published (YYYY-MM-DD, YYYY-MM or YYYY)",
                    current["published"],
                    placeholder=shown["published"] or "undated",
                ),
            }
            if st.form_submit_button("Save details and re-analyse", icon=":material/save:"):
                result = admin.set_details(FOLDER, name, values)
                if result.status == "rejected":
                    st.error(ui.md(result.message))
                else:
                    done(result, "The corpus was re-analysed with the new details.")
    left, right = st.columns(2)
    with left:
        suffix = name.rpartition(".")[2].lower()
        if st.checkbox("Replace with a new version", key=f"replacing_{name}_{nonce}"):
            new = st.file_uploader(
                f"New version of {ui.md(name)} (a .{suffix} file; it keeps the name and details)",
                type=[suffix],
                key=f"replace_{name}_{nonce}",
                max_upload_size=WIDGET_MB,
                help=LIMIT_HELP,
            )
            if new is not None and st.button("Replace and re-analyse", icon=":material/swap_horiz:"):
                result = admin.replace_upload(
                    FOLDER, name, new.name, new.getvalue(), max_bytes=MAX_BYTES, known_folders=KNOWN
                )
                if result.status == "saved":
                    done(result, "The corpus was re-analysed with the new version.")
                else:
                    st.error(ui.md(result.message))
    with right:
        sure = st.checkbox(f"Remove {ui.md(name)} and its articles", key=f"remove_{name}_{nonce}")
        if st.button("Remove and re-analyse", icon=":material/delete:", disabled=not sure):
            result = admin.remove_upload(FOLDER, name)
            if result.status == "removed":
                done(result, "The corpus was re-analysed without it; every other article is kept.")
            else:
                st.error(ui.md(result.message))
