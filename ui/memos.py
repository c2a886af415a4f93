"""Memos page: write memos on the project, a document or a code; list, search, edit, delete all
memos, coding memos included."""

import streamlit as st

from codebook.codes import code_tree
from coding.memos import KINDS, add_memo, delete_memo, edit_memo, list_memos
from corpus.documents import list_documents
from ui.common import act, coder, flash, reading, require_project, show_flash, tr

project_id = require_project()
st.title(tr("memos.title"))
st.caption(tr("memos.help"))
show_flash()

with reading() as session:
    documents = {d.id: d.name for d in list_documents(session, project_id)}
    codes = {n.id: n.path for n in code_tree(session, project_id)}

# Targets a new memo can be about: the project, a document or a code (coding memos are
# written next to the coding, on the Coding page).
targets = [("project", None)] + [("document", i) for i in documents] + [("code", i) for i in codes]
# Labels are made once per run: a select box's format function may be called after the run.
target_labels = {("project", None): tr("memos.kind.project")}
target_labels |= {("document", i): f"{tr('memos.kind.document')} · {name}" for i, name in documents.items()}
target_labels |= {("code", i): f"{tr('memos.kind.code')} · {path}" for i, path in codes.items()}
kind_labels = {k: tr(f"memos.kind.{k or 'all'}") for k in (None, *KINDS)}


with st.form("memos_new", clear_on_submit=True):
    st.subheader(tr("memos.new"))
    about = st.selectbox(tr("memos.about"), targets, format_func=target_labels.__getitem__, key="memos_about")
    text = st.text_area(tr("memos.text"), key="memos_text")
    if st.form_submit_button(tr("memos.add"), type="primary"):
        kind, target_id = about
        memo = act(add_memo, project_id, text, coder=coder(),
                   document_id=target_id if kind == "document" else None,
                   code_id=target_id if kind == "code" else None)
        if memo is not None:
            flash(tr("memos.added"))
            st.rerun()

search, scope = st.columns([3, 1])
query = search.text_input(tr("memos.search"), key="memos_search")
kind = scope.selectbox(tr("memos.kind"), [None, *KINDS], key="memos_kind",
                       format_func=kind_labels.__getitem__)
with reading() as session:
    memos = list_memos(session, project_id, kind=kind, query=query)

st.subheader(tr("memos.count", count=len(memos)))
if not memos:
    st.info(tr("memos.none"))
for memo in memos:
    with st.container(border=True):
        st.caption(tr("memos.meta", kind=tr(f"memos.kind.{memo.kind}"), target=memo.target,
                      author=memo.author, updated=f"{memo.updated_at:%Y-%m-%d %H:%M}"))
        st.text(memo.text)
        with st.expander(tr("memos.edit")):
            with st.form(f"memos_edit_{memo.id}"):
                new_text = st.text_area(tr("memos.text"), value=memo.text, key=f"memos_edit_text_{memo.id}")
                if st.form_submit_button(tr("memos.save")):
                    if act(edit_memo, project_id, memo.id, new_text, coder=coder()) is not None:
                        flash(tr("app.saved"))
                        st.rerun()
            if st.button(tr("memos.delete"), key=f"memos_delete_{memo.id}"):
                if act(delete_memo, project_id, memo.id, coder=coder()) is not None:
                    flash(tr("memos.deleted"))
                    st.rerun()
