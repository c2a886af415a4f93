"""Inter-coder agreement page: figures per code with bootstrap intervals, disagreements side by
side, how each figure is computed, and the blind-coding switch."""

import pandas as pd
import streamlit as st

from codebook.codes import code_tree
from coding.agreement import MAX_BOOTSTRAP, UNITS, blind_coding, coder_agreement, set_blind_coding
from coding.filters import project_coders
from coding.frequencies import table_csv, table_xlsx
from corpus.documents import list_documents
from ui.common import act, coder, flash, lang, query, reading, require_project, show_flash, tr

project_id = require_project()
st.title(tr("reports.agreement_title"))
show_flash()

with reading() as session:
    coders = project_coders(session, project_id)
    documents = {d.id: d.name for d in list_documents(session, project_id)}
    paths = {node.id: node.path for node in code_tree(session, project_id)}
    blind = blind_coding(session, project_id, coder())

wanted = st.toggle(tr("reports.blind"), value=blind, key=f"agreement_blind_{coder()}",
                   help=tr("reports.blind_help"))
if wanted != blind and act(set_blind_coding, project_id, wanted, coder=coder()) is not None:
    flash(tr("reports.blind_on" if wanted else "reports.blind_off"))
    st.rerun()

with st.expander(tr("reports.agreement_how")):
    st.markdown(tr("reports.agreement_explained"))

with st.form("agreement_form"):
    chosen_coders = st.multiselect(tr("reports.agreement_coders"), coders, key="agreement_coders",
                                   max_selections=10, placeholder=tr("reports.choose_coders"))
    chosen_documents = st.multiselect(tr("reports.filter_documents"), list(documents),
                                      format_func=documents.__getitem__, key="agreement_documents",
                                      placeholder=tr("reports.agreement_all_documents"))
    chosen_codes = st.multiselect(tr("reports.agreement_codes"), list(paths), key="agreement_codes",
                                  format_func=paths.__getitem__,
                                  placeholder=tr("reports.agreement_all_codes"))
    unit = st.radio(tr("reports.agreement_unit"), UNITS, index=UNITS.index("sentence"),
                    horizontal=True, key="agreement_unit",
                    format_func=lambda u: tr(f"reports.agreement_unit_{u}"))
    columns = st.columns(3)
    bootstrap = columns[0].number_input(tr("reports.bootstrap"), 0, MAX_BOOTSTRAP, 1000, step=100,
                                        key="agreement_bootstrap")
    seed = columns[1].number_input(tr("reports.seed"), 0, 2**31 - 1, 20240501, key="agreement_seed")
    confidence = columns[2].selectbox(tr("reports.confidence"), [0.9, 0.95, 0.99], index=1,
                                      format_func=lambda c: f"{c:.0%}", key="agreement_confidence")
    submitted = st.form_submit_button(tr("reports.agreement_compute"), type="primary")

if submitted:
    # Plain data (no ORM objects), so it may stay in the session state between reruns.
    st.session_state["agreement_report"] = query(
        coder_agreement, project_id, chosen_coders, unit=unit,
        documents=chosen_documents or None, code_ids=chosen_codes or None,
        bootstrap=int(bootstrap), seed=int(seed), confidence=confidence, lang=lang())

report = st.session_state.get("agreement_report")
if report is None:
    st.info(tr("reports.agreement_start"))
    st.stop()


def figure(estimate) -> str:
    if estimate is None:
        return tr("reports.not_applicable")
    if estimate.value is None:
        return tr("reports.undefined")
    if estimate.low is None:
        return f"{estimate.value:.3f}"
    return f"{estimate.value:.3f} [{estimate.low:.3f}, {estimate.high:.3f}]"


st.subheader(tr("reports.agreement_result", coders="、".join(report.coders),
                unit=tr(f"reports.agreement_unit_{report.unit}")))
st.caption(tr("reports.agreement_settings", documents=len(report.documents), bootstrap=report.bootstrap,
              seed=report.seed, confidence=f"{report.confidence:.0%}"))
for name, missing in report.uncoded.items():
    if missing:
        st.warning(tr("reports.agreement_uncoded", coder=name, documents="、".join(missing)))
headers = [tr("reports.col_path"), tr(f"reports.col_units_{report.unit}"), tr("reports.col_coded_units"),
           tr("reports.col_percent"), tr("reports.col_kappa"), tr("reports.col_alpha")]
rows = [[row.label, row.units, row.coded, figure(row.percent), figure(row.kappa), figure(row.alpha)]
        for row in [*report.codes, report.overall]]
st.dataframe(pd.DataFrame(rows, columns=headers), hide_index=True, width="stretch",
             height="content", key="agreement_table")
st.caption(tr("reports.agreement_overall_note"))
csv_column, xlsx_column = st.columns(2)
name = tr("reports.file_agreement")
csv_column.download_button(tr("reports.download_csv"), table_csv(headers, rows), file_name=f"{name}.csv",
                           mime="text/csv", key="agreement_csv")
xlsx_column.download_button(
    tr("reports.download_xlsx"), table_xlsx(headers, rows, sheet=name), file_name=f"{name}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="agreement_xlsx")

st.subheader(tr("reports.disagreements", count=len(report.disagreements)))
codes_with = list(dict.fromkeys(d.code for d in report.disagreements))
if not codes_with:
    st.success(tr("reports.no_disagreements"))
    st.stop()
code = st.selectbox(tr("reports.disagreements_code"), [None, *codes_with], key="agreement_disagreement_code",
                    format_func=lambda c: tr("reports.overall") if c is None else c)
not_coded, no_values = tr("reports.not_coded"), tr("reports.no_values")


def coded_text(disagreement, name: str) -> str:
    value = disagreement.values[name]
    return no_values if value is None else not_coded if not value else disagreement.coded[name]


st.dataframe(
    [{tr("reports.col_path"): d.code, tr("reports.col_document"): d.document,
      tr("reports.col_position"): f"[{d.start}, {d.end})", tr("reports.col_excerpt"): d.text,
      **{tr("reports.coder_column", coder=name): coded_text(d, name) for name in report.coders}}
     for d in report.disagreements if code is None or d.code == code],
    hide_index=True, width="stretch", key="agreement_disagreements",
    column_config={tr("reports.col_excerpt"): st.column_config.TextColumn(width="medium")})
