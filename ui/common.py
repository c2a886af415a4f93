"""What every page needs: the language, the current project and coder, actions and errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy.orm import Session

from i18n import DEFAULT_LANGUAGE, BianmaError, t
from ui.auth import auth_enabled, current_actor
from ui.resources import session_factory

T = TypeVar("T")


def lang() -> str:
    return st.session_state.get("lang", DEFAULT_LANGUAGE)


def tr(key: str, /, **params: Any) -> str:
    return t(key, lang(), **params)


@contextmanager
def reading() -> Iterator[Session]:
    """A session for reading what a page shows."""
    with session_factory()() as session:
        yield session


def query(function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T | None:
    """Run one read-only domain function; show a refusal instead of raising."""
    try:
        with reading() as session:
            return function(session, *args, **kwargs)
    except BianmaError as error:
        st.error(error.message(lang()), icon=":material/error:")
        return None


def act(action: Callable[..., T], /, *args: Any, **kwargs: Any) -> T | None:
    """Run one domain function in its own transaction; show a refusal instead of raising.

    The transaction commits only if the action succeeds, so a refused action changes nothing.
    """
    try:
        with session_factory().begin() as session:
            return action(session, *args, **kwargs)
    except BianmaError as error:
        st.error(error.message(lang()), icon=":material/error:")
        return None


def coder() -> str | None:
    """Who codes: the signed-in account in team mode, else the name typed in the sidebar."""
    if auth_enabled():
        actor = current_actor()
        return None if actor is None else actor.name
    return st.session_state.get("coder") or None


PROJECT_KEY = "sidebar_project"
NEXT_PROJECT_KEY = "sidebar_next_project"


def current_project_id() -> int | None:
    return st.session_state.get(PROJECT_KEY)


def open_project(project_id: int) -> None:
    """Make ``project_id`` the current project from the next run on."""
    st.session_state[NEXT_PROJECT_KEY] = project_id


def require_project() -> int:
    project_id = current_project_id()
    if project_id is None:
        st.info(tr("app.no_project"))
        st.stop()
    return project_id


def flash(message: str) -> None:
    """Show a message after the rerun that an action triggers."""
    st.session_state["_flash"] = message


def show_flash() -> None:
    message = st.session_state.pop("_flash", None)
    if message:
        st.success(message, icon=":material/check_circle:")
