"""Documents page: import transcripts and notes, see their turns, switch their kind."""

import streamlit as st

from corpus.documents import get_document, import_document, list_documents, set_document_kind
from ui.common import act, coder, flash, reading, require_project, show_flash, tr

KINDS = ("interview", "notes")

project_id = require_project()
st.title(tr("documents.title"))
show_flash()

with st.form("documents_upload", clear_on_submit=True):
    files = st.file_uploader(tr("documents.upload"), accept_multiple_files=True,
                             help=tr("documents.upload_help"), key="documents_files")
    kind = st.radio(tr("documents.kind"), KINDS, horizontal=True, key="documents_kind",
                    format_func=lambda k: tr(f"documents.kind_{k}"))
    submitted = st.form_submit_button(tr("documents.import"), type="primary")

if submitted and not files:
    st.info(tr("documents.no_files"))
if submitted and files:
    progress = st.progress(0.0)
    messages = []
    for number, upload in enumerate(files, start=1):
        progress.progress((number - 1) / len(files),
                          text=tr("documents.importing", name=upload.name, done=number, total=len(files)))
        # One transaction per file: a refused file does not undo the others.
        document = act(import_document, project_id, upload.name, upload.getvalue(),
                       kind=kind, coder=coder())
        if document is not None:
            speakers = "、".join(dict.fromkeys(p.speaker for p in document.passages if p.speaker)) or "—"
            messages.append(tr("documents.imported", name=document.name, encoding=document.encoding,
                               passages=len(document.passages), speakers=speakers))
    progress.progress(1.0)
    for message in messages:
        st.success(message, icon=":material/check_circle:")

with reading() as session:
    documents = list_documents(session, project_id)

if not documents:
    st.info(tr("documents.none"))
    st.stop()

st.dataframe(
    [{tr("documents.col_name"): d.name, tr("documents.col_kind"): tr(f"kind.{d.kind}"),
      tr("documents.col_encoding"): d.encoding, tr("documents.col_chars"): d.characters,
      tr("documents.col_passages"): d.passages, tr("documents.col_speakers"): "、".join(d.speakers),
      tr("documents.col_codings"): d.codings, tr("documents.col_case"): d.case or ""}
     for d in documents],
    hide_index=True, width="stretch",
)

names = {d.id: d.name for d in documents}
document_id = st.selectbox(tr("documents.open"), list(names), format_func=names.__getitem__,
                           key="documents_open")
summary = next(d for d in documents if d.id == document_id)
new_kind = st.radio(tr("documents.set_kind"), KINDS, index=KINDS.index(summary.kind), horizontal=True,
                    format_func=lambda k: tr(f"kind.{k}"), key=f"documents_kind_{document_id}")
if new_kind != summary.kind:
    if act(set_document_kind, document_id, new_kind, coder=coder()) is not None:
        flash(tr("app.saved"))
        st.rerun()

with reading() as session:
    document = get_document(session, document_id, project_id)
    rows = [{tr("documents.col_index"): p.index + 1, tr("documents.col_speaker"): p.speaker or "",
             tr("documents.col_time"): p.timestamp or "",
             tr("documents.col_text"): document.text[p.start:p.end]} for p in document.passages]
st.subheader(tr("documents.passages"))
st.dataframe(rows, hide_index=True, width="stretch")
