"""Signing in and out in team mode (``BIANMA_AUTH=on``): whom a browser session acts for.

Only the account's id is kept in ``st.session_state``. Every session a page opens reads the
account again and acts for it (``storage.access``), so disabling an account or changing a
role takes effect at the next click, and no page can read or write past its rights whatever
buttons it shows.
"""

from __future__ import annotations

import os
import time

import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from i18n import BianmaError
from storage.access import Actor, acting_as
from storage.accounts import authenticate, has_accounts, load_actor
from ui.resources import raw_session_factory

AUTH_VARIABLE = "BIANMA_AUTH"
ACCOUNT_KEY = "auth_account"
FAILURES_KEY = "auth_failures"
# After this many wrong passwords within the window, this browser session waits.
MAX_FAILURES, WINDOW_SECONDS = 5, 60
# Page state that belongs to the person signed in, cleared when they sign out.
PERSONAL_KEYS = ("sidebar_project", "sidebar_next_project", "coder")


def auth_enabled() -> bool:
    return os.environ.get(AUTH_VARIABLE, "off").strip().lower() in ("on", "1", "true", "yes")


def current_actor() -> Actor | None:
    """The signed-in account, read again from the store (None: nobody, or it was disabled)."""
    coder_id = st.session_state.get(ACCOUNT_KEY)
    if coder_id is None:
        return None
    with raw_session_factory()() as session:
        actor = load_actor(session, coder_id)
    if actor is None:
        sign_out()
    return actor


def signed_in_sessions(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """The factory every page uses: in team mode its sessions act for the signed-in account,
    and without one nothing is read at all (E421)."""
    if not auth_enabled():
        return factory
    actor = current_actor()
    if actor is None:
        raise BianmaError("E421")
    return acting_as(factory, actor)


def accounts_exist() -> bool:
    with raw_session_factory()() as session:
        return has_accounts(session)


def sign_in(name: str, password: str) -> Actor:
    """Check the password (storage.accounts.authenticate) and remember who signed in."""
    now = time.monotonic()
    failures = [t for t in st.session_state.get(FAILURES_KEY, []) if now - t < WINDOW_SECONDS]
    if len(failures) >= MAX_FAILURES:
        raise BianmaError("E424", seconds=int(WINDOW_SECONDS - (now - failures[0])) + 1)
    try:
        # A sign-in may renew the stored hash, so it runs in a transaction of its own.
        with raw_session_factory().begin() as session:
            actor = authenticate(session, name, password)
    except BianmaError:
        st.session_state[FAILURES_KEY] = [*failures, now]
        raise
    st.session_state.pop(FAILURES_KEY, None)
    st.session_state[ACCOUNT_KEY] = actor.coder_id
    return actor


def sign_out() -> None:
    for key in (ACCOUNT_KEY, *PERSONAL_KEYS):
        st.session_state.pop(key, None)
