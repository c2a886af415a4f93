"""Import and export page: the project as REFI-QDA .qdpx, its codebook as .qdc, all codings as
CSV or Excel; and a .qdpx from another tool imported as a new project."""

import streamlit as st

from codebook.codes import code_tree
from codebook.qdc import export_qdc
from coding.exports import coding_rows, codings_csv, codings_xlsx
from coding.qdpx_export import export_qdpx
from coding.qdpx_import import import_qdpx
from corpus.projects import find_project
from ui.common import act, coder, flash, lang, open_project, reading, require_project, show_flash, tr
from ui.resources import session_factory

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

project_id = require_project()
st.title(tr("exchange.title"))
show_flash()

with reading() as session:
    project_name = find_project(session, project_id).name
    has_codes = bool(code_tree(session, project_id))

# Downloads are made when clicked (deferred data), each in its own read-only session; the
# factory is fetched here because the callables run outside the page's script thread.
factory = session_factory()
language = lang()


def _read(export):
    def make() -> bytes:
        with factory() as session:
            return export(session)
    return make


st.subheader(tr("exchange.export_header"))
st.caption(tr("exchange.export_help"))
first, second = st.columns(2)
first.download_button(
    tr("exchange.download_qdpx"), data=_read(lambda s: export_qdpx(s, project_id)),
    file_name=f"{project_name}.qdpx", mime="application/zip", on_click="ignore",
    key="exchange_qdpx", type="primary", icon=":material/archive:")
if has_codes:
    second.download_button(
        tr("exchange.download_qdc"), data=_read(lambda s: export_qdc(s, project_id)),
        file_name=f"{project_name}.qdc", mime="application/xml", on_click="ignore",
        key="exchange_qdc", icon=":material/account_tree:")
else:
    second.caption(tr("exchange.no_codes"))
first.download_button(
    tr("exchange.download_codings_csv"), mime="text/csv", on_click="ignore", key="exchange_codings_csv",
    data=_read(lambda s: codings_csv(coding_rows(s, project_id), language)),
    file_name=f"{project_name}_编码.csv", icon=":material/download:")
second.download_button(
    tr("exchange.download_codings_xlsx"), mime=XLSX, on_click="ignore", key="exchange_codings_xlsx",
    data=_read(lambda s: codings_xlsx(coding_rows(s, project_id), language)),
    file_name=f"{project_name}_编码.xlsx", icon=":material/table:")

st.divider()
st.subheader(tr("exchange.import_header"))
st.caption(tr("exchange.import_help"))
with st.form("exchange_import", clear_on_submit=True):
    upload = st.file_uploader(tr("exchange.file"), type=["qdpx"], key="exchange_file")
    new_name = st.text_input(tr("exchange.new_name"), key="exchange_name")
    submitted = st.form_submit_button(tr("exchange.import"), type="primary")

if submitted:
    if upload is None:
        st.warning(tr("exchange.no_file"))
    else:
        summary = act(import_qdpx, upload.getvalue(), filename=upload.name, name=new_name or None,
                      coder=coder())
        if summary is not None:
            message = tr("exchange.imported", name=summary.name, documents=summary.documents,
                         codes=summary.codes, codings=summary.codings, cases=summary.cases,
                         memos=summary.memos)
            if summary.skipped:
                message += "\n\n" + tr("exchange.skipped", count=len(summary.skipped),
                                       names="、".join(summary.skipped))
            flash(message)
            open_project(summary.project_id)
            st.rerun()
