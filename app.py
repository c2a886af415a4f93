"""编码 Bianma: the Streamlit entry point, a router over the pages in ui/."""

import streamlit as st

from ui.auth import auth_enabled, current_actor
from ui.common import tr
from ui.layout import sidebar

st.set_page_config(page_title="编码 Bianma", page_icon=":material/bookmark:", layout="wide")
if auth_enabled() and current_actor() is None:
    # Team mode: nothing but the sign-in page until someone signs in.
    st.navigation([st.Page("ui/signin.py", title=tr("team.signin_title"), icon=":material/login:",
                           url_path="signin", default=True)]).run()
    st.stop()
sidebar()
team = [st.Page("ui/team.py", title=tr("team.nav"), icon=":material/group:", url_path="team")] \
    if auth_enabled() else []
st.navigation({
    tr("nav.section_material"): [
        st.Page("ui/projects.py", title=tr("nav.projects"), icon=":material/folder:",
                url_path="projects", default=True),
        st.Page("ui/guide.py", title=tr("guide.nav"), icon=":material/menu_book:", url_path="guide"),
        st.Page("ui/documents.py", title=tr("nav.documents"), icon=":material/description:",
                url_path="documents"),
        st.Page("ui/cases.py", title=tr("nav.cases"), icon=":material/badge:", url_path="cases"),
        st.Page("ui/deidentify.py", title=tr("privacy.nav"), icon=":material/visibility_off:",
                url_path="deidentify"),
        *team,
    ],
    tr("nav.section_coding"): [
        st.Page("ui/codebook.py", title=tr("nav.codebook"), icon=":material/account_tree:",
                url_path="codebook"),
        st.Page("ui/coding.py", title=tr("nav.coding"), icon=":material/ink_highlighter:",
                url_path="coding"),
        st.Page("ui/review.py", title=tr("suggestions.review_nav"), icon=":material/fact_check:",
                url_path="review"),
        st.Page("ui/suggester.py", title=tr("suggestions.nav"), icon=":material/model_training:",
                url_path="suggester"),
        st.Page("ui/memos.py", title=tr("memos.nav"), icon=":material/sticky_note_2:", url_path="memos"),
    ],
    tr("nav.section_output"): [
        st.Page("ui/grounded.py", title=tr("grounded.nav"), icon=":material/hub:",
                url_path="grounded"),
        st.Page("ui/frequencies.py", title=tr("reports.nav_analysis"), icon=":material/bar_chart:",
                url_path="analysis"),
        st.Page("ui/words.py", title=tr("reports.nav_words"), icon=":material/text_fields:",
                url_path="words"),
        st.Page("ui/agreement.py", title=tr("reports.nav_agreement"), icon=":material/handshake:",
                url_path="agreement"),
        st.Page("ui/retrieval.py", title=tr("exchange.nav_retrieval"), icon=":material/format_quote:",
                url_path="retrieval"),
        st.Page("ui/exchange.py", title=tr("exchange.nav_exchange"), icon=":material/sync_alt:",
                url_path="exchange"),
    ],
}, expanded=True).run()
