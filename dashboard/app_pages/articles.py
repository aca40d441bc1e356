"""Articles: read one article with its actors, topics and time expressions highlighted, beside the
statements and events found in it and the problems met while reading it.

The reader's address names its article and sentence (`?article=ID&sentence=N`, beside the filters; N is the
sentence's `sentence_id`, 0 for the first): every evidence row links here, and a shared address opens the
same article at the same sentence, highlighted and scrolled into view."""

import streamlit as st

from analysis.query import views
from dashboard import corrections_ui, reader, state, ui

PICKER_ROWS = 2000  # the newest articles offered in the picker; the filters narrow them
ARTICLE, FOCUS = "reader_article", "reader_focus"  # the article and sentence read (kept across pages)
ctx = state.context()
st.title("Articles")
asked = state.reader_request()
if asked:
    st.session_state[ARTICLE], st.session_state[FOCUS] = asked
articles = ctx.view("article_list", limit=PICKER_ROWS)
labels = dict(zip(articles["article_id"], articles["label"], strict=True))
current = st.session_state.get(ARTICLE)
if current and current not in labels:  # a linked article the filters (or the picker's length) leave out
    meta = ctx.article_tables(current)["articles"]
    if meta.empty:
        st.warning(f"No article with the id {ui.md(current)} in this corpus (a link from another one?).")
        st.session_state.pop(ARTICLE, None)
    else:
        outside = views.label_articles(meta[["article_id", "file", "title", "source", "published"]])
        labels = {current: outside["label"].iloc[0] + " (outside the filters)"} | labels
if not labels:
    ui.empty_state("No articles match these filters. Clear a filter in the sidebar to see more.")
    st.stop()
if st.session_state.get(ARTICLE) in labels:
    st.session_state["article_pick"] = st.session_state[ARTICLE]


def _picked() -> None:
    st.session_state[ARTICLE] = st.session_state["article_pick"]
    st.session_state[FOCUS] = None


def _unfocus() -> None:
    st.session_state[FOCUS] = None


def _focus_on(sentence_ids: list, key: str):
    """Callback of the reader's statements table: the selected row's sentence becomes the focus."""

    def run() -> None:
        row = ui.selected_row(st.session_state[key])
        if row is not None:
            st.session_state[FOCUS] = int(sentence_ids[row])

    return run


matching = ctx.summary["articles"]
chosen = st.selectbox(
    f"Article ({matching:,} matching the filters"
    + (f"; the newest {len(articles):,} listed)" if matching > len(articles) else ")"),
    list(labels),
    key="article_pick",
    format_func=labels.get,
    on_change=_picked,
)
one = ctx.article_tables(chosen)
art = views.article(one, chosen)
focus = st.session_state.get(FOCUS) if st.session_state.get(ARTICLE, chosen) == chosen else None
span = reader.sentence_span(one, chosen, focus)
left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader("Text")
    st.caption("Highlighted: actors (their colour), topic terms (underlined), time expressions (dotted).")
    st.text(views.article_header(art))
    corrections_ui.article_form(art)
    link = views.safe_url(art["url"])
    if link:
        st.link_button("Open the original", link, icon=":material/open_in_new:")
    if focus is not None and span is None:
        st.warning(f"This article has no sentence {focus + 1}; the whole article is shown.")
    elif span is not None:
        total = int((one["sentences"]["article_id"] == chosen).sum())
        st.info(
            f"Sentence {focus + 1} of {total} is highlighted. This page's address opens it again: copy it "
            "to share it.",
            icon=":material/format_quote:",
        )
        st.button("Remove the highlight", on_click=_unfocus, icon=":material/format_clear:")
    marks = reader.spans(chosen, one, ctx.colors)
    st.html(reader.article_html(art["text"], marks, span, label=f"sentence {(focus or 0) + 1}"))
    if span is not None:  # scroll the sentence into view, once per article and sentence
        st.iframe(reader.scroll_script(f"{chosen}:{focus}"), height=1)
with right:
    st.subheader("Statements")
    statements = views.article_rows(one, chosen, "statements")
    st.caption("Select a statement or an event to highlight its sentence in the text.")
    ui.evidence_table(
        statements,
        key="art_statements",
        labels=ctx.labels,
        links=False,
        wrap=False,
        columns=("stance", "actor", "topic", "cue", "evidence"),
        select=_focus_on(statements["sentence_id"].tolist(), "art_statements"),
    )
    st.subheader("Events")
    events = views.article_rows(one, chosen, "events")
    ui.evidence_table(
        events,
        key="art_events",
        links=False,
        wrap=False,
        columns=("date", "actors", "topics", "evidence"),
        select=_focus_on(events["sentence_id"].tolist(), "art_events"),
    )
    st.subheader("Problems")
    problems = views.article_problems(one, art["file"])
    if problems.empty:
        st.caption("No problems were found while reading this article.")
    else:
        st.dataframe(problems, hide_index=True, width="stretch")
state.share_reader(chosen, focus if span is not None else None)
