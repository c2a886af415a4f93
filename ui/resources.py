"""The only shared, cached resources of the app: the engine and its session factory.

Sessions and ORM objects are never cached; pages keep ids in ``st.session_state`` and open
one session per user action.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from storage.engine import database_url, make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.tables import Project


def session_factory() -> sessionmaker[Session]:
    """The factory pages use: with BIANMA_AUTH=on its sessions act for the signed-in account,
    so storage.access limits every query and change to that account's projects and role."""
    from ui.auth import signed_in_sessions

    return signed_in_sessions(raw_session_factory())


def raw_session_factory() -> sessionmaker[Session]:
    """Sessions that act for nobody: only for signing in (ui.auth)."""
    return _session_factory(database_url())


@st.cache_resource(show_spinner=False)
def _session_factory(url: str) -> sessionmaker[Session]:
    """Migrate the database once per server and, on an empty one, create the demo project."""
    engine = make_engine(url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    with factory.begin() as session:
        if session.scalar(select(Project.id).limit(1)) is None:
            from demo.seed import seed_demo

            seed_demo(session)
    return factory
