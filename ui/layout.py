"""The sidebar shared by all pages: language, current project, coder name (in team mode the
signed-in account and a sign-out button)."""

from __future__ import annotations

import streamlit as st

from corpus.projects import list_projects
from i18n import LANGUAGES
from storage.audit import DEFAULT_CODER
from ui.auth import auth_enabled, current_actor, sign_out
from ui.common import NEXT_PROJECT_KEY, PROJECT_KEY, reading, tr

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}


def sidebar() -> None:
    with st.sidebar:
        st.selectbox(tr("app.language"), LANGUAGES, key="lang",
                     format_func=LANGUAGE_NAMES.__getitem__)
        with reading() as session:
            projects = list_projects(session)
        ids = [p.id for p in projects]
        names = {p.id: p.name for p in projects}
        # A page that creates a project asks for it here, before the widget exists.
        if st.session_state.get(NEXT_PROJECT_KEY) in ids:
            st.session_state[PROJECT_KEY] = st.session_state.pop(NEXT_PROJECT_KEY)
        if ids and st.session_state.get(PROJECT_KEY) not in ids:
            st.session_state[PROJECT_KEY] = ids[0]
        if ids:
            st.selectbox(tr("app.project"), ids, key=PROJECT_KEY, format_func=names.__getitem__)
        if auth_enabled():
            account()
            return
        st.session_state.setdefault("coder", DEFAULT_CODER)
        st.text_input(tr("app.coder"), key="coder", help=tr("app.coder_help"))


def account() -> None:
    """Team mode: who is signed in (and codes under that name), and signing out."""
    actor = current_actor()
    if actor is None:
        return
    st.caption(tr("team.signed_in_admin" if actor.is_admin else "team.signed_in_as", name=actor.name))
    if st.button(tr("team.signout"), key="sidebar_signout", icon=":material/logout:"):
        sign_out()
        st.rerun()
