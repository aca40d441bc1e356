"""The analyst's corrections: of an evidence row (change stance, actor or topic, delete, add), of a review
queue item (confirm, flip, re-assign, delete: `review_card`), of an article (date, title, source:
`article_form`), and the history with an undo of any entry.

Every decision goes to the corrections file through `analysis.store.corrections`; the cached tables are keyed
by that file's modification time, so the correction shows on every page at once.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.query import review
from analysis.store import article_corrections, corrections
from dashboard import state, ui

STANCES = ["support", "oppose", "neutral"]


def panel(rows: pd.DataFrame, selection, ctx: state.Context) -> None:
    """Correction form for the evidence row selected in `selection` (a dataframe selection event)."""
    selected = ui.selected_row(selection)
    if selected is None:
        st.caption(
            "Select a row (tick box at its left) to correct its stance, actor or topic, or to delete it."
        )
        return
    row = rows.iloc[selected]
    actors, topics = _choices(row, ctx)
    with st.form("correction", border=True):
        st.write("Correct this statement")
        st.text(str(row["evidence"]))
        c1, c2, c3 = st.columns(3)
        stance = c1.selectbox("Stance", STANCES, index=_index(STANCES, row["stance"]))
        actor = c2.selectbox("Actor", actors, index=0, accept_new_options=True)
        topic = c3.selectbox("Topic", topics, index=0, format_func=lambda t: ctx.labels.get(t, t))
        note = st.text_input("Note (why)", value="")
        save, delete, add = st.columns(3)
        do_save = save.form_submit_button("Save correction", type="primary")
        do_delete = delete.form_submit_button("Delete statement")
        do_add = add.form_submit_button("Add as a new statement")
    if do_save:
        _save(row, _changed(row, stance=stance, actor=actor, topic=topic), note)
    elif do_delete:
        _record(action="delete", statement_id=row["statement_id"], note=note, old=_old(row))
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


def _choices(row: pd.Series, ctx: state.Context) -> tuple[list[str], list[str]]:
    """The actors and topics a statement can be re-assigned to: its own first, then the corpus's."""
    cat = ctx.catalog
    return list(dict.fromkeys([row["actor"], *cat.actors])), list(dict.fromkeys([row["topic"], *cat.topics]))


def _changed(row: pd.Series, **values) -> dict:
    """The `values` that differ from the row's (the fields a correction changes)."""
    return {k: v for k, v in values.items() if v != row[k]}


def _save(row: pd.Series, changes: dict, note: str) -> None:
    if not changes:
        st.warning("Nothing changed: pick a different stance, actor or topic.")
        return
    _record(action="change", statement_id=row["statement_id"], note=note, old=_old(row, changes), **changes)


def _old(row: pd.Series, keys=("stance", "actor", "topic")) -> dict:
    """The values the analyst saw before a change (the history's old -> new)."""
    return {k: None if pd.isna(row.get(k)) else str(row.get(k)) for k in keys}


def _write(*, action: str, **fields) -> str | None:
    """Write one log entry; an error is shown (never raised) and gives None."""
    try:
        return corrections.add_correction(state.corrections_path(), action=action, **fields)
    except (ValueError, KeyError, ImportError, OSError) as exc:
        st.error(f"The correction was not saved: {ui.md(exc)}")
        return None


def _record(*, action: str, **fields) -> None:
    """Write one correction and rerun so every view reloads the corrected tables."""
    if _write(action=action, **fields) is None:
        return
    st.toast(f"Correction saved ({action}). Undo it in the corrections history.", icon=":material/check:")
    st.rerun()


def history(ctx: state.Context, *, expanded: bool = False) -> None:
    """The corrections so far as sentence, old -> new, who and when, newest first; any entry in force can
    be undone (select its row), and so can the last one. An undo is no correction: it is shown as the
    status of the entry it reverts, and not counted."""
    path = state.corrections_path()
    if not path.exists():
        return
    try:
        log = corrections.load_corrections(path)
    except Exception as exc:  # noqa: BLE001 - a broken file is shown, never a traceback
        st.error(f"The corrections file could not be read: {ui.md(exc)}")
        return
    if log.empty:
        return
    n = corrections.tally(log)
    label = f"Corrections history ({n['corrections']} corrections, {n['confirmed']} confirmed"
    label += f", {n['undone']} undone)" if n["undone"] else ")"
    with st.expander(label, expanded=expanded):
        if st.session_state.get("undo_error"):
            st.error(f"Not undone: {ui.md(st.session_state.pop('undo_error'))}")
        rows = review.history(ctx.q, log, labels=ctx.labels)
        st.caption("Newest first. Tick an entry to undo it (any entry, not only the last); an undo is kept "
                   "in the log too, and the entry shows as undone.")  # fmt: skip
        config = {
            "sentence": st.column_config.TextColumn("sentence", width="large"),
            "change": st.column_config.TextColumn("old → new", width="medium"),
        }
        shown = rows[["sentence", "change", "status", "who", "when", "action", "note"]]
        picked = st.dataframe(shown, hide_index=True, width="stretch", column_config=config,
                              key=f"history_table_{len(log)}", on_select="rerun",
                              selection_mode="single-row")  # fmt: skip
        chosen = ui.selected_row(picked)
        left, right = st.columns(2)
        entry = rows.iloc[chosen] if chosen is not None and chosen < len(rows) else None
        can = entry is not None and bool(entry["undoable"])
        left.button("Undo the selected entry", icon=":material/undo:", disabled=not can, key="undo_selected",
                    on_click=_undo, args=(entry["id"] if can else None,))  # fmt: skip
        right.button("Undo the last correction", icon=":material/undo:", key="undo_last", on_click=_undo,
                     args=(None,))  # fmt: skip


def _undo(correction_id: str | None) -> None:
    """Button callback: append an undo of `correction_id` (None: the last entry in force)."""
    try:
        done = corrections.undo(state.corrections_path(), correction_id)
    except (ValueError, OSError) as exc:
        st.session_state["undo_error"] = str(exc)
        return
    st.toast("Undone." if done else "Nothing left to undo.", icon=":material/undo:")


# ---- the review queue: one statement at a time, least sure first ----------------------------------------
KEYS = {"confirm": "Y", "flip": "F", "delete": "D", "skip": "N"}  # "C" and "R" are Streamlit's own
FLIP = {"support": "oppose", "oppose": "support"}


def review_card(row: pd.Series, ctx: state.Context, *, position: str) -> None:
    """One statement of the review queue with its decisions, always in the same order and with the same
    keys: Confirm (Y), Flip (F), Delete (D), Skip (N); re-assign (actor, topic, stance) below. Each
    decision is written by a button callback, so the next statement comes up in the same rerun."""
    sid, stance = str(row["statement_id"]), str(row["stance"])
    with st.container(border=True, key="review_card"):
        conf = "—" if pd.isna(row["confidence"]) else f"{float(row['confidence']):.2f}"
        cue = f" · cue “{ui.md(row['cue'])}”" if isinstance(row["cue"], str) and row["cue"] else " · no cue"
        rule = row.get("rule")
        rule = f" · rule {ui.md(rule)}" if isinstance(rule, str) and rule else ""
        st.caption(f"{position} · confidence {conf}{cue}{rule}")
        topic = ctx.labels.get(row["topic"], row["topic"])
        st.markdown(f"**{ui.md(row['actor'])}** · {ui.md(topic)} · **{ui.md(stance)}**")
        st.text(str(row["evidence"] or ""))
        meta = [str(row.get(k) or "") for k in ("title", "source", "published")]
        st.caption(" · ".join(ui.md(m) for m in meta if m) or "article without title, source or date")
        old = _old(row)
        flipped = FLIP.get(stance)
        with st.container(horizontal=True, key="review_buttons"):  # the shortcut key is shown beside each
            st.button("Confirm", type="primary", icon=":material/check:", shortcut=KEYS["confirm"],
                      on_click=_decide, key="rv_confirm", args=("confirm", sid), kwargs={"old": old},
                      help="Right as it is: it leaves the queue and counts as checked")  # fmt: skip
            st.button(f"Flip to {flipped}" if flipped else "Flip", icon=":material/swap_horiz:",
                      shortcut=KEYS["flip"], disabled=flipped is None, key="rv_flip", on_click=_decide,
                      args=("change", sid), kwargs={"old": old, "stance": flipped},
                      help="support ↔ oppose (a neutral statement has no side to flip)")  # fmt: skip
            st.button("Delete", icon=":material/delete:", shortcut=KEYS["delete"], on_click=_decide,
                      key="rv_delete", args=("delete", sid), kwargs={"old": old},
                      help="Not a statement of this actor on this topic")  # fmt: skip
            st.button("Skip", icon=":material/skip_next:", shortcut=KEYS["skip"], on_click=_skip,
                      args=(sid,), key="rv_skip", help="Leave it unchecked for now")  # fmt: skip
        _reassign(row, ctx, sid, old)


def _reassign(row: pd.Series, ctx: state.Context, sid: str, old: dict) -> None:
    actors, topics = _choices(row, ctx)
    # keyed by statement: the next statement's form opens on its own actor, topic and stance
    with st.form(f"rv_reassign_{sid}", border=False, enter_to_submit=True):
        c1, c2, c3, c4 = st.columns([3, 3, 2, 2], vertical_alignment="bottom")
        actor = c1.selectbox("Re-assign: actor", actors, accept_new_options=True, key=f"rv_actor_{sid}")
        topic = c2.selectbox(
            "Topic", topics, key=f"rv_topic_{sid}", format_func=lambda t: ctx.labels.get(t, t)
        )
        stance = c3.selectbox("Stance", STANCES, index=_index(STANCES, row["stance"]), key=f"rv_stance_{sid}")
        go = c4.form_submit_button("Re-assign", icon=":material/edit:")
    if go:
        changes = _changed(row, actor=actor, topic=topic, stance=stance)
        if not changes:
            st.warning("Nothing changed: pick another actor, topic or stance (or confirm the statement).")
            return
        if _write(action="change", statement_id=sid, old=old, **changes) is not None:
            st.rerun()


def _decide(action: str, sid: str, **fields) -> None:
    """Button callback: one decision on a queue item, written before the page reruns."""
    if _write(action=action, statement_id=sid, **fields) is not None:
        st.session_state["rv_last"] = action


def _skip(sid: str) -> None:
    skipped = st.session_state.setdefault("rv_skipped", [])
    if sid not in skipped:
        skipped.append(sid)


def skipped() -> list[str]:
    """The statements skipped in this session (they come up again when the session ends)."""
    return list(st.session_state.get("rv_skipped", []))


# ---- article corrections: date, title, source --------------------------------------------------------------
DATE_LABEL = "Publication date (YYYY-MM-DD, YYYY-MM or YYYY; empty: undated)"


def article_form(art: dict) -> None:
    """The reader's form to correct an article's publication date, title or source: an `article` entry of
    the corrections log, applied by every build (`analysis.store.article_corrections`), so the date shows
    everywhere (timeline, coverage, filters) after the next re-analysis, offered at once."""
    fixes, _ = article_corrections.load_fixes(state.corrections_path())
    waiting = article_corrections.pending(art, fixes)
    with st.expander("Correct this article's date, title or source", expanded=bool(waiting)):
        if waiting:
            listed = "; ".join(f"{k}: {v or '(none)'}" for k, v in waiting.items())
            st.info(f"Corrected, not yet in the tables: {ui.md(listed)}. A re-analysis applies it "
                    "(only this article is analysed again).", icon=":material/schedule:")  # fmt: skip
            if st.button("Re-analyse now", icon=":material/refresh:", key="art_fix_build") and ui.run_build():
                st.rerun()
        with st.form(f"art_fix_{art['article_id']}", border=False):
            key = f"art_fix_{art['article_id']}"  # per article: another article opens on its own values
            published = st.text_input(
                DATE_LABEL, value=str(art.get("published") or ""), key=f"{key}_published"
            )
            title = st.text_input("Title", value=str(art.get("title") or ""), key=f"{key}_title")
            source = st.text_input("Source", value=str(art.get("source") or ""), key=f"{key}_source")
            note = st.text_input("Note (why)", value="", key=f"{key}_note")
            save = st.form_submit_button("Save the article correction", type="primary")
    if not save:
        return
    typed = {"published": published.strip(), "title": title.strip(), "source": source.strip()}
    changes = {k: v for k, v in typed.items() if v != str(art.get(k) or "")}
    if not changes:
        st.warning("Nothing changed: edit the date, title or source first.")
        return
    old = {k: str(art.get(k) or "") for k in changes}
    if _write(action="article", article_id=str(art["article_id"]), old=old, note=note, **changes):
        st.toast("Article correction saved: re-analyse to apply it.", icon=":material/check:")
        st.rerun()
