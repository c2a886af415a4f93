"""De-identification page: find identifiers, review them (tick, rename), replace the ticked ones
with pseudonyms, and let an owner export the key.

Findings hold the interviewees' real names, so they are shown only as table cells and plain
text (never markdown or HTML) and kept in the session state only until they are applied.
"""

from collections import Counter
from dataclasses import asdict

import pandas as pd
import streamlit as st

from corpus.deidentify import KINDS
from corpus.pseudonyms import apply_pseudonyms, export_key, review
from storage.access import role_in
from ui.common import act, coder, flash, query, require_project, show_flash, tr

ROWS_KEY = "deidentify_rows"
KEY_FILE_KEY = "deidentify_key_file"
EDITOR_KEY = "deidentify_editor"

project_id = require_project()
st.title(tr("privacy.title"))
st.caption(tr("privacy.help"))
show_flash()

names = st.text_area(tr("privacy.user_list"), key="deidentify_names", height=80)
if st.button(tr("privacy.scan"), key="deidentify_scan", type="primary"):
    with st.spinner(tr("privacy.scanning")):
        found = query(review, project_id, user_list=names.splitlines())
    if found is not None:
        st.session_state[ROWS_KEY] = (project_id, [asdict(row) for row in found])
        st.session_state.pop(EDITOR_KEY, None)  # edits of an earlier scan belong to other rows

stored = st.session_state.get(ROWS_KEY)
rows = stored[1] if stored and stored[0] == project_id else None
if rows is None:
    st.info(tr("privacy.not_scanned"))
elif not rows:
    st.info(tr("privacy.none"))
else:
    st.success(tr("privacy.scanned", count=len(rows)))
    distinct = Counter(row["kind"] for row in rows)
    occurrences = Counter()
    for row in rows:
        occurrences[row["kind"]] += row["count"]
    for kind in (k for k in KINDS if distinct[k]):
        summary = tr("privacy.kind_summary", kind=tr(f"privacy.kind.{kind}"), distinct=distinct[kind],
                     count=occurrences[kind])
        st.markdown(f"**{summary}**")  # our words and numbers only
        first = next(row for row in rows if row["kind"] == kind)
        st.text(first["example"])  # plain text: a transcript may hold markup

    table = pd.DataFrame({
        "accept": [True] * len(rows),
        "kind": [tr(f"privacy.kind.{row['kind']}") for row in rows],
        "original": [row["original"] for row in rows],
        "pseudonym": [row["pseudonym"] for row in rows],
        "count": [row["count"] for row in rows],
        "documents": [row["documents"] for row in rows],
        "example": [row["example"] for row in rows],
        "in_key": [row["in_key"] for row in rows],
    })
    edited = st.data_editor(
        table, key=EDITOR_KEY, hide_index=True, width="stretch", num_rows="fixed",
        disabled=["kind", "original", "count", "documents", "example", "in_key"],
        column_config={
            "accept": st.column_config.CheckboxColumn(tr("privacy.col_accept")),
            "kind": st.column_config.TextColumn(tr("privacy.col_kind")),
            "original": st.column_config.TextColumn(tr("privacy.col_original")),
            "pseudonym": st.column_config.TextColumn(tr("privacy.col_pseudonym"), required=True),
            "count": st.column_config.NumberColumn(tr("privacy.col_count")),
            "documents": st.column_config.NumberColumn(tr("privacy.col_documents")),
            "example": st.column_config.TextColumn(tr("privacy.col_example"), width="large"),
            "in_key": st.column_config.CheckboxColumn(tr("privacy.col_in_key")),
        },
    )
    if st.button(tr("privacy.apply"), key="deidentify_apply", type="primary"):
        # Rows are matched by position: the table is fixed, so row i is still finding i.
        accepted = [(row["original"], row["kind"], str(edited.at[i, "pseudonym"] or "").strip() or None)
                    for i, row in enumerate(rows) if bool(edited.at[i, "accept"])]
        report = act(apply_pseudonyms, project_id, accepted, coder=coder())
        if report is not None:
            st.session_state.pop(ROWS_KEY, None)
            st.session_state.pop(EDITOR_KEY, None)
            flash(tr("privacy.applied", replacements=report.replacements, documents=report.documents,
                     codings=report.codings, keys=report.keys_added))
            st.rerun()

st.divider()
st.subheader(tr("privacy.key"))
if query(role_in, project_id) != "owner":
    st.info(tr("privacy.key_owner_only"))
else:
    if st.button(tr("privacy.key_prepare"), key="deidentify_key_prepare"):
        content = act(export_key, project_id, coder=coder())
        if content is not None:
            st.session_state[KEY_FILE_KEY] = (project_id, content)
    prepared = st.session_state.get(KEY_FILE_KEY)
    if prepared and prepared[0] == project_id:
        # The key leaves the server once: the prepared file is dropped when it is downloaded.
        st.download_button(tr("privacy.key_download"), prepared[1], file_name=f"pseudonym_key_{project_id}.csv",
                           mime="text/csv", key="deidentify_key_download",
                           on_click=lambda: st.session_state.pop(KEY_FILE_KEY, None))
