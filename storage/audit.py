"""Who did what: coders and the event log every change writes to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.tables import Coder, Event

DEFAULT_CODER = "研究者"


def _coder_name(name: str | None) -> str:
    return (name or DEFAULT_CODER).strip() or DEFAULT_CODER


def existing_coder_id(session: Session, name: str | None) -> int | None:
    """The id of the coder called ``name`` if there is one (reading never creates a coder)."""
    return session.scalar(select(Coder.id).where(Coder.name == _coder_name(name)))


def coder_id(session: Session, name: str | None) -> int:
    """The id of the coder called ``name``, created on first use."""
    name = _coder_name(name)
    found = existing_coder_id(session, name)
    if found is not None:
        return found
    coder = Coder(name=name)
    try:
        # A savepoint: if another session created the same coder after we looked, only
        # this insert is undone, not the action it belongs to.
        with session.begin_nested():
            session.add(coder)
            session.flush()
    except IntegrityError:
        # The other session has committed it by now (the unique name made us wait for it).
        found = session.scalar(select(Coder.id).where(Coder.name == name))
        if found is None:
            raise
        return found
    return coder.id


def record(
    session: Session,
    *,
    project_id: int | None,
    coder: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    **payload: Any,
) -> None:
    """Append one event; it commits or rolls back with the change it describes."""
    session.add(
        Event(
            project_id=project_id,
            coder_id=coder,
            action=action,
            entity=entity,
            entity_id=entity_id,
            payload=payload,
        )
    )


def latest_event_id(session: Session, project_id: int) -> int:
    """The newest event's id: pages compare it to know whether someone else changed things."""
    from sqlalchemy import func

    return session.scalar(select(func.max(Event.id)).where(Event.project_id == project_id)) or 0
