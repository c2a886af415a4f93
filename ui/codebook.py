"""Codebook page: the code tree, adding and editing codes, and each code's segments."""

import streamlit as st

from codebook.codes import add_code, code_tree, update_code
from coding.codings import code_segments
from ui.common import act, coder, flash, reading, require_project, show_flash, tr

project_id = require_project()
st.title(tr("codebook.title"))
st.caption(tr("codebook.help"))
show_flash()

with reading() as session:
    tree = code_tree(session, project_id)
by_id = {node.id: node for node in tree}

if tree:
    st.dataframe(
        [{tr("codebook.color"): node.color,
          tr("codebook.col_path"): "\u3000" * node.depth + node.name,
          tr("codebook.col_codings"): node.codings,
          tr("codebook.col_definition"): node.definition} for node in tree],
        hide_index=True, width="stretch",
        column_config={tr("codebook.color"): st.column_config.TextColumn(width="small")},
    )
else:
    st.info(tr("codebook.empty"))

parents = [None, *by_id]


def _label(code_id: int | None) -> str:
    return tr("codebook.top_level") if code_id is None else by_id[code_id].path


with st.form("codebook_add", clear_on_submit=True):
    st.subheader(tr("codebook.add"))
    name = st.text_input(tr("codebook.name"), key="codebook_name")
    parent_id = st.selectbox(tr("codebook.parent"), parents, format_func=_label, key="codebook_parent")
    color = st.color_picker(tr("codebook.color"), value="#f4a261", key="codebook_color")
    definition = st.text_area(tr("codebook.definition"), key="codebook_definition")
    if st.form_submit_button(tr("codebook.add"), type="primary"):
        code = act(add_code, project_id, name, parent_id=parent_id, color=color,
                   definition=definition, coder=coder())
        if code is not None:
            flash(tr("codebook.added", name=code.name))
            st.rerun()

if not tree:
    st.stop()

st.subheader(tr("codebook.edit"))
code_id = st.selectbox(tr("codebook.choose"), list(by_id), format_func=_label, key="codebook_choose")
node = by_id[code_id]
with st.form(f"codebook_edit_{code_id}"):
    new_name = st.text_input(tr("codebook.name"), value=node.name, key=f"codebook_edit_name_{code_id}")
    own_subtree = {code_id} | {n.id for n in tree if n.path.startswith(node.path + "/")}
    choices = [p for p in parents if p not in own_subtree]
    new_parent = st.selectbox(tr("codebook.parent"), choices, index=choices.index(node.parent_id),
                              format_func=_label, key=f"codebook_edit_parent_{code_id}")
    new_color = st.color_picker(tr("codebook.color"), value=node.color, key=f"codebook_edit_color_{code_id}")
    new_definition = st.text_area(tr("codebook.definition"), value=node.definition,
                                  key=f"codebook_edit_definition_{code_id}")
    if st.form_submit_button(tr("codebook.save")):
        saved = act(update_code, project_id, code_id, name=new_name, color=new_color,
                    definition=new_definition, parent_id=new_parent, coder=coder())
        if saved is not None:
            flash(tr("app.saved"))
            st.rerun()

include_children = st.toggle(tr("codebook.include_children"), key="codebook_children")
with reading() as session:
    segments = code_segments(session, project_id, code_id, include_children=include_children)
st.subheader(tr("codebook.segments", path=node.path, count=len(segments)))
st.dataframe(
    [{tr("documents.col_name"): s.document, tr("coding.col_speaker"): s.speaker or "",
      tr("coding.col_code"): s.code_path, tr("coding.col_text"): s.text,
      tr("coding.col_coder"): s.coder, tr("coding.col_memo"): s.memo} for s in segments],
    hide_index=True, width="stretch",
)
