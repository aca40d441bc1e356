"""The analyst's corrections of an evidence row: change stance, actor or topic, delete, add; undo.

Every decision goes to the corrections file through `analysis.store.corrections`; the cached tables are keyed
by that file's modification time, so the correction shows on every page at once.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import state, ui

STANCES = ["support", "oppose", "neutral"]


def _corrections():
    from analysis.store import corrections

    return corrections


def panel(rows: pd.DataFrame, selection, ctx: state.Context) -> None:
    """Correction form for the evidence row selected in `selection` (a dataframe selection event)."""
    try:
        selected = selection["selection"]["rows"] if selection is not None else []
    except (KeyError, TypeError):
        selected = []
    if not selected:
        st.caption(
            "Select a row (tick box at its left) to correct its stance, actor or topic, or to delete it."
        )
        return
    row = rows.iloc[selected[0]]
    cat = state.catalog(str(state.data_dir()), state.stamp())
    with st.form("correction", border=True):
        st.write("Correct this statement")
        st.text(str(row["evidence"]))
        c1, c2, c3 = st.columns(3)
        stance = c1.selectbox("Stance", STANCES, index=_index(STANCES, row["stance"]))
        actors = list(dict.fromkeys([row["actor"], *cat.actors]))
        actor = c2.selectbox("Actor", actors, index=0, accept_new_options=True)
        topics = list(dict.fromkeys([row["topic"], *cat.topics]))
        topic = c3.selectbox("Topic", topics, index=0, format_func=lambda t: ctx.labels.get(t, t))
        note = st.text_input("Note (why)", value="")
        save, delete, add = st.columns(3)
        do_save = save.form_submit_button("Save correction", type="primary")
        do_delete = delete.form_submit_button("Delete statement")
        do_add = add.form_submit_button("Add as a new statement")
    changes = {k: v for k, v in (("stance", stance), ("actor", actor), ("topic", topic)) if v != row[k]}
    if do_save:
        _save(row, changes, note)
    elif do_delete:
        _record(action="delete", statement_id=row["statement_id"], note=note)
    elif do_add:
        _record(
            action="add",
            article_id=row["article_id"],
            sentence_id=int(row["sentence_id"]),
            actor=actor,
            topic=topic,
            stance=stance,
            evidence=row["evidence"],
            note=note,
        )


def _index(options: list[str], value) -> int:
    return options.index(value) if value in options else 0


def _save(row: pd.Series, changes: dict, note: str) -> None:
    if not changes:
        st.warning("Nothing changed: pick a different stance, actor or topic.")
        return
    _record(action="change", statement_id=row["statement_id"], note=note, **changes)


def _record(*, action: str, **fields) -> None:
    """Write one correction and rerun so every view reloads the corrected tables."""
    try:
        _corrections().add_correction(state.corrections_path(), action=action, **fields)
    except (ValueError, KeyError, ImportError) as exc:
        st.error(f"The correction was not saved: {ui.md(exc)}")
        return
    st.toast(f"Correction saved ({action}). Undo below.", icon=":material/check:")
    st.rerun()


def history() -> None:
    """The corrections so far, newest first, with an Undo button for the last one."""
    path = state.corrections_path()
    if not path.exists():
        return
    try:
        log = _corrections().load_corrections(path)
    except Exception as exc:  # noqa: BLE001 - a broken file is shown, never a traceback
        st.error(f"The corrections file could not be read: {ui.md(exc)}")
        return
    frame = log if isinstance(log, pd.DataFrame) else pd.DataFrame(log)
    if frame.empty:
        return
    with st.expander(f"Corrections ({len(frame)})"):
        st.dataframe(frame.iloc[::-1], hide_index=True, width="stretch")
        if st.button("Undo the last correction", icon=":material/undo:"):
            _corrections().undo(path)
            st.rerun()
