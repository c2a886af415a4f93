"""Cases page: typed attributes, interviewees, and attaching them to documents or speakers."""

import streamlit as st

from corpus.cases import (
    ATTRIBUTE_TYPES, attach_case, create_case, define_attribute, list_attributes, list_cases,
    set_attributes,
)
from corpus.documents import list_documents
from ui.common import act, coder, flash, reading, require_project, show_flash, tr

project_id = require_project()
st.title(tr("cases.title"))
show_flash()

with reading() as session:
    attributes = [(a.name, a.type) for a in list_attributes(session, project_id)]
    cases = list_cases(session, project_id)
    documents = list_documents(session, project_id)

left, right = st.columns(2)
with left, st.form("cases_attribute", clear_on_submit=True):
    st.subheader(tr("cases.attributes"))
    if attributes:
        st.caption("、".join(f"{name}（{tr(f'cases.type.{kind}')}）" for name, kind in attributes))
    name = st.text_input(tr("cases.attribute_name"), key="cases_attribute_name")
    kind = st.selectbox(tr("cases.attribute_type"), ATTRIBUTE_TYPES, key="cases_attribute_type",
                        format_func=lambda k: tr(f"cases.type.{k}"))
    if st.form_submit_button(tr("cases.add_attribute")):
        if act(define_attribute, project_id, name, kind, coder=coder()) is not None:
            flash(tr("app.saved"))
            st.rerun()

with right, st.form("cases_new", clear_on_submit=True):
    st.subheader(tr("cases.new_case"))
    case_name = st.text_input(tr("cases.case_name"), key="cases_name")
    if st.form_submit_button(tr("cases.create")):
        if act(create_case, project_id, case_name, coder=coder()) is not None:
            flash(tr("app.saved"))
            st.rerun()

st.subheader(tr("cases.list"))
if not cases:
    st.info(tr("cases.none"))
    st.stop()
st.dataframe(
    [{tr("cases.case_name"): c.name, **{n: c.attributes.get(n, "") for n, _ in attributes}}
     for c in cases],
    hide_index=True, width="stretch",
)

names = {c.id: c.name for c in cases}
case_id = st.selectbox(tr("cases.choose_case"), list(names), format_func=names.__getitem__,
                       key="cases_choose")
case = next(c for c in cases if c.id == case_id)

if attributes:
    with st.form(f"cases_values_{case_id}"):
        st.subheader(tr("cases.edit"))
        values = {
            name: st.text_input(f"{name}（{tr(f'cases.type.{kind}')}）", value=case.attributes.get(name, ""),
                                key=f"cases_value_{case_id}_{name}")
            for name, kind in attributes
        }
        if st.form_submit_button(tr("cases.save_values")):
            if act(set_attributes, project_id, case_id, values, coder=coder()) is not None:
                flash(tr("app.saved"))
                st.rerun()

if documents:
    st.subheader(tr("cases.attach"))
    doc_names = {d.id: d for d in documents}
    document_id = st.selectbox(tr("cases.choose_document"), list(doc_names),
                               format_func=lambda i: doc_names[i].name, key="cases_document")
    scopes = [None, *doc_names[document_id].speakers]
    speaker = st.radio(tr("cases.attach_to"), scopes, key=f"cases_scope_{document_id}",
                       format_func=lambda s: tr("cases.whole_document") if s is None
                       else tr("cases.speaker_turns", speaker=s))
    if st.button(tr("cases.attach_button"), key="cases_attach"):
        count = act(attach_case, project_id, case_id, document_id, speaker=speaker, coder=coder())
        if count is not None:
            flash(tr("cases.attached", count=count))
            st.rerun()
