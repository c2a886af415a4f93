"""Suggester page: train on chosen projects (confirming how their codes map onto this codebook),
the held-out quality report, the versions, and the suggester coding documents as a coder."""

import pandas as pd
import streamlit as st

from coding.code_mapping import codable_paths, propose_code_mapping
from coding.suggester_training import (
    activate_version, delete_version, list_versions, model_label, train_suggester,
)
from coding.suggestions import code_with_suggester
from corpus.documents import list_documents
from corpus.projects import list_projects
from ui.common import act, coder, flash, reading, require_project, show_flash, tr

FIGURES = ("example_f1", "p_at_1", "r_at_3", "micro_f1", "macro_f1")

project_id = require_project()
st.title(tr("suggestions.title"))
st.caption(tr("suggestions.help"))
show_flash()

with reading() as session:
    projects = {p.id: p.name for p in list_projects(session)}
    targets = codable_paths(session, project_id)
    versions = list_versions(session, project_id)
    documents = {d.id: d.name for d in list_documents(session, project_id)}


def done(message: str) -> None:
    flash(message)
    st.rerun()


def percent(value) -> str:
    return "—" if value is None else f"{value:.0%}"


# -- training -------------------------------------------------------------------------------
st.header(tr("suggestions.train_header"))
sources = st.multiselect(tr("suggestions.sources"), list(projects), default=[project_id],
                         format_func=projects.__getitem__, key=f"suggester_sources_{project_id}",
                         help=tr("suggestions.sources_help"))
others = [pid for pid in sources if pid != project_id]
mapping: dict[int, int | None] = {}
if others:
    with reading() as session:
        rows = propose_code_mapping(session, project_id, others)
    st.subheader(tr("suggestions.mapping_header"))
    st.caption(tr("suggestions.mapping_help", unmatched=sum(r.match == "none" for r in rows)))
    unused = tr("suggestions.mapping_unused")
    frame = pd.DataFrame({
        "id": [r.source_code_id for r in rows],
        "project": [r.source_project for r in rows],
        "source": [r.source_path for r in rows],
        "codings": [r.codings for r in rows],
        "match": [tr(f"suggestions.match_{r.match}") for r in rows],
        "target": [r.target_path or unused for r in rows],
    })
    edited = st.data_editor(
        frame, hide_index=True, width="stretch", disabled=["project", "source", "codings", "match"],
        key=f"suggester_mapping_{project_id}_{'_'.join(map(str, others))}",
        column_config={
            "id": None,
            "project": st.column_config.TextColumn(tr("suggestions.col_project")),
            "source": st.column_config.TextColumn(tr("suggestions.col_source")),
            "codings": st.column_config.NumberColumn(tr("suggestions.col_codings")),
            "match": st.column_config.TextColumn(tr("suggestions.col_match")),
            "target": st.column_config.SelectboxColumn(tr("suggestions.col_target"),
                                                       options=[unused, *targets], required=True),
        })
    mapping = {int(row.id): targets.get(row.target) for row in edited.itertuples()}

report = st.checkbox(tr("suggestions.with_report"), value=True, key="suggester_with_report",
                     help=tr("suggestions.with_report_help"))
if st.button(tr("suggestions.train"), type="primary", key="suggester_train", disabled=not sources,
             icon=":material/model_training:"):
    bar = st.progress(0.0, text=tr("suggestions.stage_gather"))
    result = act(train_suggester, project_id, sources, mapping=mapping or None, coder=coder(),
                 progress=lambda fraction, key: bar.progress(fraction, text=tr(key)), report=report)
    if result is not None:
        st.session_state["suggester_shown"] = result.model_id
        done(tr("suggestions.trained", model=model_label(result.version),
                passages=result.meta["passages"], seconds=f"{result.meta['seconds']['total']:.1f}"))

if not versions:
    st.info(tr("suggestions.no_versions"))
    st.stop()

# -- versions -------------------------------------------------------------------------------
st.header(tr("suggestions.versions_header"))
by_id = {v.id: v for v in versions}
active = next((v for v in versions if v.active), None)
st.dataframe(pd.DataFrame([{
    tr("suggestions.col_version"): v.label,
    tr("suggestions.col_active"): "✓" if v.active else "",
    tr("suggestions.col_created"): v.created_at.strftime("%Y-%m-%d %H:%M"),
    tr("suggestions.col_coder"): v.coder or "",
    tr("suggestions.col_sources"): "、".join(p["name"] for p in v.meta.get("projects", [])),
    tr("suggestions.col_passages"): v.meta.get("coded_passages"),
    tr("suggestions.fig_example_f1"): percent(v.meta.get("held_out", {}).get("example_f1")),
    tr("suggestions.fig_p_at_1"): percent(v.meta.get("held_out", {}).get("p_at_1")),
} for v in versions]), hide_index=True, width="stretch", key="suggester_versions")
if st.session_state.get("suggester_shown") not in by_id:
    st.session_state["suggester_shown"] = active.id if active else versions[0].id
shown_id = st.selectbox(tr("suggestions.choose_version"), list(by_id), key="suggester_shown",
                        format_func=lambda i: by_id[i].label + (f"（{tr('suggestions.active')}）"
                                                                if by_id[i].active else ""))
shown = by_id[shown_id]
use, remove = st.columns(2)
if use.button(tr("suggestions.activate"), key="suggester_activate", disabled=shown.active):
    if act(activate_version, project_id, shown.id, coder=coder()) is not None:
        done(tr("suggestions.activated", model=shown.label))
confirm = remove.checkbox(tr("suggestions.confirm_delete", model=shown.label), key="suggester_confirm")
if remove.button(tr("suggestions.delete"), key="suggester_delete", disabled=not confirm):
    if act(delete_version, project_id, shown.id, coder=coder()) is not None:
        st.session_state.pop("suggester_shown", None)
        done(tr("suggestions.deleted", model=shown.label))

# -- quality report -------------------------------------------------------------------------
st.header(tr("suggestions.report_header", model=shown.label))
meta = shown.meta
held_out = meta.get("held_out", {})
st.caption(tr("suggestions.report_summary", passages=meta.get("passages", 0),
              coded=meta.get("coded_passages", 0), documents=meta.get("documents", 0),
              rejections=meta.get("rejections", 0), seconds=f"{meta.get('seconds', {}).get('total', 0):.1f}"))
if held_out.get("skipped"):
    st.info(tr("suggestions.report_skipped"))
elif "example_f1" not in held_out:
    st.info(tr("suggestions.report_unavailable"))
else:
    st.caption(tr(f"suggestions.held_out_{held_out['split']}", passages=held_out["test_passages"],
                  documents=held_out.get("test_documents", 0)))
    st.dataframe(pd.DataFrame([{tr("suggestions.col_figure"): tr(f"suggestions.fig_{name}"),
                                tr("suggestions.col_value"): f"{held_out[name]:.3f}",
                                tr("suggestions.col_meaning"): tr(f"suggestions.fig_{name}_help")}
                               for name in FIGURES]),
                 hide_index=True, width="stretch", key="suggester_figures")
    st.dataframe(pd.DataFrame([{tr("suggestions.col_code"): row["code"],
                                tr("suggestions.col_precision"): percent(row["precision"]),
                                tr("suggestions.col_recall"): percent(row["recall"]),
                                tr("suggestions.col_support"): row["support"],
                                tr("suggestions.col_predicted"): row["predicted"]}
                               for row in held_out["per_code"]]),
                 hide_index=True, width="stretch", key="suggester_per_code")
with st.expander(tr("suggestions.training_data")):
    st.dataframe(pd.DataFrame([{tr("suggestions.col_code"): code, tr("suggestions.col_codings"): count,
                                tr("suggestions.col_passages"): meta.get("passages_per_code", {}).get(code, 0)}
                               for code, count in meta.get("codings_per_code", {}).items()]),
                 hide_index=True, width="stretch", key="suggester_training_data")
    for source, entries in meta.get("mapping", {}).items():
        st.caption(tr("suggestions.mapping_used", project=source))
        st.dataframe(pd.DataFrame([{tr("suggestions.col_source"): a, tr("suggestions.col_target"): b}
                                   for a, b in entries.items()]), hide_index=True, width="stretch")
    st.caption(tr("suggestions.versions_meta", sklearn=meta.get("sklearn_version", ""),
                  codebook=meta.get("codebook_hash", ""), dictionary=meta.get("dictionary_version", "")))

# -- the suggester as a coder ---------------------------------------------------------------
st.header(tr("suggestions.machine_header"))
st.caption(tr("suggestions.machine_help", coder=shown.label))
chosen = st.multiselect(tr("suggestions.machine_documents"), list(documents), key="suggester_machine_documents",
                        format_func=documents.__getitem__, placeholder=tr("suggestions.all_documents"))
if st.button(tr("suggestions.machine_run", model=shown.label), key="suggester_machine",
             icon=":material/smart_toy:"):
    result = act(code_with_suggester, project_id, chosen or None, model_id=shown.id, coder=coder())
    if result is not None:
        done(tr("suggestions.machine_done", coder=result.coder, added=result.added,
                removed=result.removed, documents=result.documents))
