"""Knowledge: help write the actors (the user's knowledge file) and the taxonomy of a new corpus.

Wiring only: the suggestions and edits are `analysis.knowledge.actors` and `analysis.knowledge.topics`.
"""

import os
from pathlib import Path

import streamlit as st
import yaml

from analysis import settings
from analysis.extract import kb_layers as knowledge_layers
from analysis.extract.kb import load_kb
from analysis.knowledge.actors import (
    add_actor,
    mark_not_actor,
    merge_actor,
    read_knowledge,
    suggest_actors,
    write_knowledge,
)
from analysis.knowledge.topics import merge_topics, preview, rename_topic, suggest_topics, taxonomy_yaml
from analysis.store import cache
from dashboard import loaders, state, ui

SHOWN = 25  # suggestions listed at once


@st.cache_resource(show_spinner=False, max_entries=2)
def _kb(key: str):
    return load_kb(settings.get_path("kb_path"))


@st.cache_resource(show_spinner="Loading the parser...", max_entries=1)
def _parser(model: str):
    import spacy

    return spacy.load(model, exclude=["ner"])


def _save(data: dict, message: str) -> None:
    write_knowledge(knowledge_layers.user_path(), data)
    st.session_state["kn_saved"] = message


def _rebuild_button(key: str) -> None:
    clicked = st.button("Rebuild with my knowledge", key=key, icon=":material/refresh:", type="primary")
    if clicked and ui.run_build():
        st.session_state["kn_saved"] = "Rebuilt: every page now uses your knowledge."
        st.rerun()


def actors_tab(tables: dict) -> None:
    path = knowledge_layers.user_path()
    st.caption(
        f"Your knowledge file: {ui.md(path)} (setting `knowledge_path`). Choices apply on the next build."
    )
    data = read_knowledge(path)
    kb = _kb(cache.kb_digest(settings.get_path("kb_path")))
    found = suggest_actors(tables, kb, limit=SHOWN)
    _rebuild_button("kn_rebuild_actors")
    if not found:
        st.info("Every person and organisation of the corpus is linked to the knowledge base.")
    names = [s["name"] for s in found]
    people = sorted(e.name for e in kb.entries.values())
    for i, s in enumerate(found):
        with st.container(border=True, key=f"kn_actor_{i}"):
            hint = f" · looks like a {s['hint'].rstrip('?')}" if s["hint"] else ""
            st.markdown(
                f"**{ui.md(s['name'])}** · {s['type']} · {s['mentions']} mentions in {s['articles']} "
                f"articles{ui.md(hint)}"
            )
            detail = [f"aliases found: {', '.join(s['aliases'])}" if s["aliases"] else "",
                      f"likely acts for: {s['affiliation']}" if s["affiliation"] else "",
                      f"may be the known actor: {s['kb_match']}" if s["kb_match"] else ""]  # fmt: skip
            if any(detail):
                st.caption(ui.md(" · ".join(d for d in detail if d)))
            for example in s["examples"]:
                st.text(example)
            add, block, target, merge = st.columns([1, 1, 3, 1], vertical_alignment="bottom")
            if add.button("Add", key=f"kn_add_{i}", icon=":material/person_add:"):
                entry = dict(affiliation=s["affiliation"], aliases=s["aliases"])
                _save(add_actor(data, s["name"], s["type"], **entry), f"Added {s['name']}.")
                st.rerun()
            if block.button("Not an actor", key=f"kn_block_{i}", icon=":material/block:"):
                _save(mark_not_actor(data, s["name"]), f"{s['name']} marked as not an actor.")
                st.rerun()
            options = [n for n in names if n != s["name"]] + people
            default = options.index(s["kb_match"]) if s["kb_match"] in options else None
            into = target.selectbox("Same actor as", options, index=default, key=f"kn_into_{i}")
            if merge.button("Merge", key=f"kn_merge_{i}", icon=":material/merge:", disabled=into is None):
                if into in names and not any(a.get("name") == into for a in data.get("actors") or ()):
                    other = found[names.index(into)]
                    data = add_actor(data, into, other["type"], affiliation=other["affiliation"])
                _save(merge_actor(data, s["name"], into, kb), f"{s['name']} merged into {into}.")
                st.rerun()
    with st.expander("Your knowledge file"):
        st.code(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False) if data else "(empty)", language="yaml"
        )


def topics_tab(tables: dict) -> None:
    sentences = tables["sentences"]
    pairs = list(zip(sentences["article_id"], sentences["text"], strict=True))
    st.caption(
        "Candidate topics from the corpus's own noun phrases. Accept, rename or merge them, then save them "
        "as your taxonomy (Parley's topics.yaml layout) in the data folder."
    )
    if st.button("Suggest topics", icon=":material/auto_awesome:", key="kn_suggest"):
        st.session_state["kn_topics"] = suggest_topics(pairs, _parser(settings.get("model")))
    topics = st.session_state.get("kn_topics")
    if not topics:
        return
    texts = [t for _, t in pairs]
    accepted = []
    for i, t in enumerate(topics):
        with st.container(border=True, key=f"kn_topic_{i}"):
            keep, label = st.columns([1, 4], vertical_alignment="bottom")
            if keep.checkbox("Accept", key=f"kn_accept_{t['id']}"):
                accepted.append(t["id"])
            new = label.text_input("Label", t["label"], key=f"kn_label_{t['id']}")
            if new.strip() and new != t["label"]:
                st.session_state["kn_topics"] = rename_topic(topics, t["id"], new.strip())
                st.rerun()
            st.caption(
                ui.md(
                    f"{t['sentences']} sentences in {t['articles']} articles · terms: {', '.join(t['terms'])}"
                )
            )
            for term, why in t["flags"].items():
                st.caption(ui.md(f"ambiguous: {term} ({why})"))
            for example in t["examples"]:
                st.text(example)
            others = [o["id"] for o in topics if o["id"] != t["id"]]
            target, go = st.columns([4, 1], vertical_alignment="bottom")
            into = target.selectbox("Merge into", others, index=None, key=f"kn_tmerge_{t['id']}")
            if go.button("Merge", key=f"kn_tgo_{t['id']}", disabled=into is None):
                st.session_state["kn_topics"] = merge_topics(topics, into, t["id"])
                st.rerun()
    _preview(texts)
    out = settings.get_path("data_dir") / "taxonomy.yaml"
    chosen = [t for t in topics if t["id"] in accepted]
    if st.button(f"Save {len(chosen)} accepted topics", key="kn_save_topics", disabled=not chosen):
        out.write_text(taxonomy_yaml(chosen), encoding="utf-8")
        st.session_state["kn_saved"] = f"Saved {len(chosen)} topics to {out}."
    if out.exists() and st.button("Use my taxonomy and rebuild", key="kn_use_topics", type="primary"):
        os.environ[settings.env_var("taxonomy_path")] = str(out)
        if ui.run_build():
            st.session_state["kn_saved"] = f"Rebuilt with the taxonomy {out}."
            st.rerun()


def _preview(texts: list[str]) -> None:
    st.subheader("Preview terms")
    raw = st.text_input(
        "Terms, comma-separated", key="kn_preview_terms", placeholder="prisoner exchange, hostage*"
    )
    terms = [t.strip() for t in raw.split(",") if t.strip()]
    if not terms:
        return
    found = preview(terms, texts)
    st.caption(ui.md(f"{len(found['tagged'])} of {len(texts)} sentences tagged"))
    st.dataframe(
        [
            {"term": t, "sentences": n, "ambiguous": found["flags"].get(t, "")}
            for t, n in found["by_term"].items()
        ],
        hide_index=True,
        width="stretch",
    )
    for i in found["tagged"][:5]:
        st.text(texts[i])


st.title("Knowledge")
st.write(
    "Teach Parley the actors and topics of your corpus: add the people and organisations it found but does "
    "not know, merge two names of one actor, mark places and outlets as not actors, and draft a taxonomy."
)
if "kn_saved" in st.session_state:
    st.success(ui.md(st.session_state.pop("kn_saved")))
tables = loaders.whole_tables(str(state.data_dir()), state.stamp(), ("mentions", "sentences"))
# a radio, not st.tabs: the choice is session state, so it survives the reruns the buttons cause
view = st.radio("Show", ["Actors", "Topics"], horizontal=True, key="kn_view", label_visibility="collapsed")
if view == "Actors":
    actors_tab(tables)
else:
    topics_tab(tables)
st.caption(ui.md(f"Taxonomy in use: {Path(settings.get_path('taxonomy_path'))}"))
