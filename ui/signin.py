"""Sign-in page: the only page while nobody is signed in (team mode, BIANMA_AUTH=on)."""

import streamlit as st

from i18n import LANGUAGES, BianmaError
from ui.auth import accounts_exist, sign_in
from ui.common import lang, tr

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}

st.selectbox(tr("app.language"), LANGUAGES, key="lang", format_func=LANGUAGE_NAMES.__getitem__)
st.title(tr("team.signin_title"))
st.caption(tr("team.signin_intro"))
if not accounts_exist():
    st.info(tr("team.no_accounts"))

with st.form("signin_form"):
    name = st.text_input(tr("team.name"), key="signin_name")
    password = st.text_input(tr("team.password"), type="password", key="signin_password")
    if st.form_submit_button(tr("team.signin"), type="primary"):
        try:
            sign_in(name, password)
        except BianmaError as error:
            st.error(error.message(lang()), icon=":material/error:")
        else:
            st.rerun()
