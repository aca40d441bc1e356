"""Articles: read one article with its actors, topics and time expressions highlighted, beside the
statements and events found in it and the problems met while reading it."""

import streamlit as st

from analysis.query import views
from dashboard import corrections_ui, reader, state, ui

PICKER_ROWS = 2000  # the newest articles offered in the picker; the filters narrow them
ctx = state.context()
st.title("Articles")
articles = ctx.view("article_list", limit=PICKER_ROWS)
matching = ctx.summary["articles"]
if articles.empty:
    ui.empty_state("No articles match these filters. Clear a filter in the sidebar to see more.")
    st.stop()

labels = dict(zip(articles["article_id"], articles["label"], strict=True))
chosen = st.selectbox(
    f"Article ({matching:,} matching the filters"
    + (f"; the newest {len(articles):,} listed)" if matching > len(articles) else ")"),
    list(labels),
    key="article_pick",
    format_func=labels.get,
)
one = ctx.article_tables(chosen)
art = views.article(one, chosen)
left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader("Text")
    st.caption("Highlighted: actors (their colour), topic terms (underlined), time expressions (dotted).")
    st.text(views.article_header(art))
    corrections_ui.article_form(art)
    link = views.safe_url(art["url"])
    if link:
        st.link_button("Open the original", link, icon=":material/open_in_new:")
    marked = reader.highlight(art["text"], reader.spans(chosen, one, ctx.colors))
    st.html(reader.paragraphs_html(marked))
with right:
    st.subheader("Statements")
    ui.evidence_table(views.article_rows(one, chosen, "statements"), key="art_statements", labels=ctx.labels)
    st.subheader("Events")
    ui.evidence_table(views.article_rows(one, chosen, "events"), key="art_events")
    st.subheader("Problems")
    problems = views.article_problems(one, art["file"])
    if problems.empty:
        st.caption("No problems were found while reading this article.")
    else:
        st.dataframe(problems, hide_index=True, width="stretch")
