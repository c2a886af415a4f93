"""User guide: the five-minute walkthrough, PostgreSQL, backups, where results are."""

import streamlit as st
from sqlalchemy.engine import make_url

from demo.seed import DEMO_NAME
from storage.engine import database_url
from ui.common import tr

# Page names as the sidebar shows them, in the interface language.
pages = {
    "projects": tr("nav.projects"), "documents": tr("nav.documents"),
    "codebook": tr("nav.codebook"), "coding": tr("nav.coding"), "memos": tr("memos.nav"),
    "analysis": tr("reports.nav_analysis"), "words": tr("reports.nav_words"),
    "agreement": tr("reports.nav_agreement"), "retrieval": tr("exchange.nav_retrieval"),
    "exchange": tr("exchange.nav_exchange"),
}

st.title(tr("guide.title"))
st.write(tr("guide.intro"))
st.caption(tr("guide.terms"))

st.header(tr("guide.walkthrough_title"), divider="gray")
steps = [
    tr("guide.step_project", demo=DEMO_NAME, **pages),
    tr("guide.step_documents", **pages),
    tr("guide.step_codebook", **pages),
    tr("guide.step_coding", apply=tr("coding.apply"), **pages),
    tr("guide.step_memos", **pages),
    tr("guide.step_analysis", **pages),
    tr("guide.step_retrieval", **pages),
]
st.markdown("\n".join(f"{number}. {step}" for number, step in enumerate(steps, start=1)))

st.header(tr("guide.output_title"), divider="gray")
st.markdown("\n".join(f"- {tr(key, **pages)}" for key in (
    "guide.output_analysis", "guide.output_words", "guide.output_agreement",
    "guide.output_retrieval", "guide.output_codebook", "guide.output_exchange")))
st.write(tr("guide.output_files"))
st.code(tr("guide.output_command"), language="bash")

st.header(tr("guide.postgres_title"), divider="gray")
st.write(tr("guide.postgres_body"))
st.code(tr("guide.postgres_command"), language="bash")
st.write(tr("guide.postgres_move", **pages))
# The URL may carry a password; only the rest of it is shown.
st.caption(tr("guide.current_store", url=make_url(database_url()).render_as_string(hide_password=True)))

st.header(tr("guide.backup_title"), divider="gray")
st.write(tr("guide.backup_body"))
st.code(tr("guide.backup_command"), language="bash")
st.write(tr("guide.backup_postgres"))
