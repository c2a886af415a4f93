"""Codebook page: the code tree, search, editing every field, merge/split/delete without losing
codings, memos on codes, templates, import/export, and undo/redo of the last changes."""

import pandas as pd
import streamlit as st

from codebook.codes import UNCHANGED, add_code, code_tree, update_code
from codebook.files import export_codebook, import_codebook
from codebook.search import search_codes
from codebook.templates import apply_template, list_templates
from codebook.tree import (
    deletion_impact, delete_code, merge_codes, reorder_code, set_example_from_coding, split_code,
)
from coding.codings import code_segments
from coding.memos import add_memo, list_memos
from coding.undo import history, redo, undo
from ui.common import act, coder, flash, lang, reading, require_project, show_flash, tr

SEGMENTS_SHOWN = 50
EXPORTS = (("csv", "text/csv"),
           ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
           ("qdc", "application/xml"))

project_id = require_project()
st.title(tr("codebook.title"))
st.caption(tr("codebook.help"))
show_flash()

with reading() as session:
    tree = code_tree(session, project_id)
    state = history(session, project_id)
by_id = {node.id: node for node in tree}


def done(message: str) -> None:
    flash(message)
    st.rerun()


# Labels are made once per run: a select box's format function may be called after the run.
labels: dict[int | None, str] = {None: tr("codebook.top_level")} | {
    n.id: n.path if n.is_codable else f"{n.path}（{tr('codebook2.category')}）" for n in tree}
label = labels.__getitem__


# Undo and redo, named after the change they reverse.
undo_column, redo_column = st.columns(2)
with undo_column:
    text = tr("history.undo", action=state.undo.label(lang())) if state.undo else tr("codebook2.undo_none")
    if st.button(text, key="codebook_undo", disabled=state.undo is None, icon=":material/undo:"):
        step = act(undo, project_id, coder=coder())
        if step is not None:
            done(tr("history.undone", action=step.label(lang())))
with redo_column:
    text = tr("history.redo", action=state.redo.label(lang())) if state.redo else tr("codebook2.redo_none")
    if st.button(text, key="codebook_redo", disabled=state.redo is None, icon=":material/redo:"):
        step = act(redo, project_id, coder=coder())
        if step is not None:
            done(tr("history.redone", action=step.label(lang())))

query = st.text_input(tr("codebook2.search"), key="codebook_search")
shown = tree
reasons: dict[int, str] = {}
if query.strip():
    with reading() as session:
        matches = search_codes(session, project_id, query)
    shown = [m.node for m in matches]
    reasons = {m.node.id: tr(f"codebook2.reason.{m.reason}") for m in matches}
    st.caption(tr("codebook2.search_found", count=len(matches)) if matches
               else tr("codebook2.search_none", query=query.strip()))

if shown:
    color_column = tr("codebook.color")
    table = pd.DataFrame([{
        color_column: node.color,
        tr("codebook.col_path"): ("\u3000" * node.depth + node.name) if not reasons else node.path,
        tr("codebook.col_codings"): node.codings,
        tr("codebook2.col_codable"): "✓" if node.is_codable else tr("codebook2.category"),
        tr("codebook.col_definition"): node.definition,
        **({tr("codebook2.col_reason"): reasons[node.id]} if reasons else {}),
    } for node in shown])
    styled = table.style.apply(lambda column: [f"background-color: {c}; color: {c}" for c in column],
                               subset=[color_column])
    st.dataframe(styled, hide_index=True, width="stretch", key="codebook_table")
elif not tree:
    st.info(tr("codebook.empty"))


def add_form() -> None:
    with st.expander(tr("codebook.add"), expanded=not tree), st.form("codebook_add", clear_on_submit=True):
        name = st.text_input(tr("codebook.name"), key="codebook_name")
        parent_id = st.selectbox(tr("codebook.parent"), [None, *by_id], format_func=label,
                                 key="codebook_parent")
        color = st.color_picker(tr("codebook.color"), value="#f4a261", key="codebook_color")
        definition = st.text_area(tr("codebook.definition"), key="codebook_definition")
        inclusion = st.text_area(tr("codebook2.inclusion"), key="codebook_inclusion")
        exclusion = st.text_area(tr("codebook2.exclusion"), key="codebook_exclusion")
        example = st.text_area(tr("codebook2.example"), key="codebook_example")
        codable = st.checkbox(tr("codebook2.codable"), value=True, key="codebook_codable")
        if st.form_submit_button(tr("codebook.add"), type="primary"):
            code = act(add_code, project_id, name, parent_id=parent_id, color=color,
                       definition=definition, inclusion=inclusion, exclusion=exclusion,
                       example=example, is_codable=codable, coder=coder())
            if code is not None:
                done(tr("codebook.added", name=code.name))


def tools() -> None:
    with st.expander(tr("codebook2.tools"), expanded=not tree):
        templates = {t.id: t for t in list_templates()}
        names = {i: t.name if lang() == "zh" else t.name_en for i, t in templates.items()}
        template_id = st.selectbox(tr("codebook2.template"), list(templates), key="codebook_template",
                                   format_func=names.__getitem__)
        st.caption(templates[template_id].description)
        if st.button(tr("codebook2.template_apply"), key="codebook_template_apply"):
            report = act(apply_template, project_id, template_id, coder=coder())
            if report is not None:
                done(tr("codebook2.template_applied", added=report.added, updated=report.updated))
        upload = st.file_uploader(tr("codebook2.import_file"), type=["csv", "xlsx", "qdc"],
                                  help=tr("codebook2.import_help"), key="codebook_import_file")
        if st.button(tr("codebook2.import_button"), key="codebook_import", disabled=upload is None):
            report = act(import_codebook, project_id, upload.name, upload.getvalue(), coder=coder())
            if report is not None:
                done(tr("codebook2.imported", added=report.added, updated=report.updated,
                        unchanged=report.unchanged))
        if tree:
            st.markdown(f"**{tr('codebook2.export')}**")
            for column, (extension, mime) in zip(st.columns(len(EXPORTS)), EXPORTS):
                with reading() as session:
                    data = export_codebook(session, project_id, f"codebook.{extension}", lang=lang())
                column.download_button(tr(f"codebook2.export_{extension}"), data, mime=mime,
                                       file_name=f"编码本.{extension}", key=f"codebook_export_{extension}")


tools()
add_form()
if not tree:
    st.stop()

st.divider()
choices = [n.id for n in shown] or list(by_id)
# An action that moves attention to another code (a merge) asks for it before the widget exists.
if st.session_state.get("codebook_next_choice") in choices:
    st.session_state["codebook_choose"] = st.session_state.pop("codebook_next_choice")
if st.session_state.get("codebook_choose") not in choices:
    st.session_state.pop("codebook_choose", None)
code_id = st.selectbox(tr("codebook.choose"), choices, format_func=label, key="codebook_choose")
node = by_id[code_id]
subtree = {code_id} | {n.id for n in tree if n.path.startswith(node.path + "/")}
siblings = [n.id for n in tree if n.parent_id == node.parent_id]
position = siblings.index(code_id)
up, down, _ = st.columns([1, 1, 6])
if up.button(tr("codebook2.up"), key="codebook_up", disabled=position == 0):
    if act(reorder_code, project_id, code_id, position - 1, coder=coder()) is not None:
        st.rerun()
if down.button(tr("codebook2.down"), key="codebook_down", disabled=position == len(siblings) - 1):
    if act(reorder_code, project_id, code_id, position + 1, coder=coder()) is not None:
        st.rerun()

edit, segments_tab, merge, split, delete, memos = st.tabs([
    tr("codebook2.tab_edit"), tr("codebook2.tab_segments"), tr("codebook2.tab_merge"),
    tr("codebook2.tab_split"), tr("codebook2.tab_delete"), tr("codebook2.tab_memos")])

with edit, st.form(f"codebook_edit_{code_id}"):
    key = f"codebook_edit_{code_id}"
    new_name = st.text_input(tr("codebook.name"), value=node.name, key=f"{key}_name")
    parents = [p for p in [None, *by_id] if p not in subtree]
    new_parent = st.selectbox(tr("codebook.parent"), parents, index=parents.index(node.parent_id),
                              format_func=label, key=f"{key}_parent")
    new_color = st.color_picker(tr("codebook.color"), value=node.color, key=f"{key}_color")
    new_definition = st.text_area(tr("codebook.definition"), value=node.definition, key=f"{key}_definition")
    new_inclusion = st.text_area(tr("codebook2.inclusion"), value=node.inclusion, key=f"{key}_inclusion")
    new_exclusion = st.text_area(tr("codebook2.exclusion"), value=node.exclusion, key=f"{key}_exclusion")
    new_example = st.text_area(tr("codebook2.example"), value=node.example, key=f"{key}_example")
    new_codable = st.checkbox(tr("codebook2.codable"), value=node.is_codable, key=f"{key}_codable")
    if st.form_submit_button(tr("codebook.save"), type="primary"):
        saved = act(update_code, project_id, code_id, name=new_name, color=new_color,
                    definition=new_definition, inclusion=new_inclusion, exclusion=new_exclusion,
                    example=new_example, is_codable=new_codable,
                    parent_id=UNCHANGED if new_parent == node.parent_id else new_parent, coder=coder())
        if saved is not None:
            done(tr("app.saved"))

with reading() as session:
    own_segments = code_segments(session, project_id, code_id)

with segments_tab:
    include_children = st.toggle(tr("codebook.include_children"), key="codebook_children")
    listed = own_segments
    if include_children:
        with reading() as session:
            listed = code_segments(session, project_id, code_id, include_children=True)
    st.subheader(tr("codebook.segments", path=node.path, count=len(listed)))
    if len(listed) > SEGMENTS_SHOWN:
        st.caption(tr("codebook2.more_segments", shown=SEGMENTS_SHOWN, count=len(listed)))
    for segment in listed[:SEGMENTS_SHOWN]:
        quote, button = st.columns([6, 1])
        quote.markdown(f"**{segment.document}** · {segment.speaker or ''} · {segment.coder} · "
                       f"`{segment.code_path}`")
        quote.text(segment.text)
        if button.button(tr("codebook2.use_example"), key=f"codebook_example_{segment.id}"):
            if act(set_example_from_coding, project_id, code_id, segment.id, coder=coder()) is not None:
                done(tr("codebook2.example_set", name=node.name))

with merge:
    st.caption(tr("codebook2.merge_help", name=node.path, count=node.codings))
    targets = [i for i in by_id if i not in subtree]
    target = st.selectbox(tr("codebook2.merge_target"), targets, format_func=label,
                          key=f"codebook_merge_target_{code_id}", index=None)
    if st.button(tr("codebook2.merge_button"), key="codebook_merge", type="primary",
                 disabled=target is None):
        if act(merge_codes, project_id, code_id, target, coder=coder()) is not None:
            st.session_state["codebook_next_choice"] = target
            done(tr("codebook2.merged", source=node.path, target=by_id[target].path))

with split:
    if not own_segments:
        st.info(tr("codebook2.no_segments"))
    else:
        with st.form(f"codebook_split_{code_id}", clear_on_submit=True):
            st.caption(tr("codebook2.split_help", name=node.path))
            texts = {s.id: f"{s.document} · {s.coder} · {s.text[:60]}" for s in own_segments}
            new_code_name = st.text_input(tr("codebook2.split_name"), key="codebook_split_name")
            chosen = st.multiselect(tr("codebook2.split_codings"), list(texts),
                                    format_func=texts.__getitem__, key="codebook_split_codings")
            if st.form_submit_button(tr("codebook2.split_button"), type="primary"):
                new = act(split_code, project_id, code_id, new_code_name, chosen, coder=coder())
                if new is not None:
                    done(tr("codebook2.split_done", name=new.name))

with delete:
    with reading() as session:
        impact = deletion_impact(session, project_id, code_id)
    st.warning(tr("codebook2.delete_impact", name=impact.path, codings=impact.codings,
                  coding_memos=impact.coding_memos, code_memos=impact.code_memos,
                  children=impact.children))
    # Codings can only go to a code that may be applied (not a category-only one).
    parent_takes = node.parent_id is not None and by_id[node.parent_id].is_codable
    options = (["parent"] if parent_takes else []) + ["code", "delete"]
    choices_text = {o: tr(f"codebook2.delete.{o}", parent=label(node.parent_id) if node.parent_id else "")
                    for o in options}
    how = st.radio(tr("codebook2.delete_choice"), options, index=None, key=f"codebook_delete_how_{code_id}",
                   format_func=choices_text.__getitem__)
    receiver = None
    if how == "code":
        receiver = st.selectbox(tr("codebook2.delete_target"),
                                [i for i in by_id if i != code_id and by_id[i].is_codable],
                                format_func=label, key=f"codebook_delete_target_{code_id}")
    if st.button(tr("codebook2.delete_button"), key="codebook_delete", type="primary",
                 disabled=how is None and bool(impact.codings or impact.code_memos)):
        if act(delete_code, project_id, code_id, codings=how, target_id=receiver, coder=coder()) is not None:
            done(tr("codebook2.deleted", name=impact.path))

with memos:
    with reading() as session:
        notes = list_memos(session, project_id, kind="code", target_id=code_id)
    for memo in notes:
        st.caption(f"{memo.author} · {memo.updated_at:%Y-%m-%d %H:%M}")
        st.text(memo.text)
    with st.form(f"codebook_memo_{code_id}", clear_on_submit=True):
        memo_text = st.text_area(tr("codebook2.memo_new"), key=f"codebook_memo_text_{code_id}")
        if st.form_submit_button(tr("codebook2.memo_add")):
            if act(add_memo, project_id, memo_text, code_id=code_id, coder=coder()) is not None:
                done(tr("codebook2.memo_added"))
