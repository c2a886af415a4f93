"""Projects page: list, create and open projects."""

import streamlit as st

from corpus.projects import create_project, list_projects
from ui.common import act, coder, flash, open_project, reading, show_flash, tr

st.title(tr("projects.title"))
st.caption(tr("projects.intro"))
show_flash()

with reading() as session:
    projects = list_projects(session)

if projects:
    st.dataframe(
        [{tr("projects.name"): p.name, tr("projects.col_documents"): p.documents,
          tr("projects.col_codes"): p.codes, tr("projects.col_codings"): p.codings,
          tr("projects.description"): p.description} for p in projects],
        hide_index=True, width="stretch",
    )

with st.form("projects_create", clear_on_submit=True):
    st.subheader(tr("projects.create"))
    name = st.text_input(tr("projects.name"), key="projects_name")
    description = st.text_area(tr("projects.description"), key="projects_description")
    if st.form_submit_button(tr("projects.create"), type="primary"):
        project = act(create_project, name, description=description, coder=coder())
        if project is not None:
            open_project(project.id)
            flash(tr("projects.created", name=project.name))
            st.rerun()
