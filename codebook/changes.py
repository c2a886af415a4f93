"""Recording codebook, coding and memo changes so that each one can be reversed exactly.

Every change appends an ``Event`` (``storage.audit.record``) whose payload holds what undo
needs: whole rows (``row``) for what was created or deleted, ``before``/``after`` values for
what was edited. Events written in one transaction share a ``step`` token: one user action
(a merge, an import) is one step of the undo history, however many rows it touched. The
step's name for the interface (``label``: a catalogue key and its parameters) travels on the
step's first event.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from storage import audit
from storage.tables import Code, Coding, Memo

_STEP_KEY = "bianma.history_step"

CODE_FIELDS = ("id", "project_id", "parent_id", "name", "color", "definition", "inclusion",
               "exclusion", "example", "is_codable", "position", "guid", "created_at", "gt_level",
               "relation_type", "relation_meaning", "paradigm_role")
CODING_FIELDS = ("id", "document_id", "code_id", "coder_id", "start", "end", "provenance",
                 "model_id", "created_at")
MEMO_FIELDS = ("id", "project_id", "document_id", "code_id", "coding_id", "author_id", "text",
               "created_at", "updated_at")
# Fields a code edit may change (the rest are identity, place in the tree, or timestamps).
CODE_EDITABLE = ("name", "color", "definition", "inclusion", "exclusion", "example", "is_codable",
                 "gt_level", "relation_type", "relation_meaning", "paradigm_role")
TABLES = {"code": (Code, CODE_FIELDS), "coding": (Coding, CODING_FIELDS), "memo": (Memo, MEMO_FIELDS)}


def _current_step(session: Session) -> dict[str, Any]:
    """The step of the session's current transaction, created on first use.

    The token is tied to the root transaction object, so a session reused for a second
    transaction starts a new step.
    """
    transaction = session.get_transaction()
    stored = session.info.get(_STEP_KEY)
    if stored is None or stored[0] is not transaction or transaction is None:
        stored = (transaction, {"id": uuid.uuid4().hex, "label": None, "labelled": False})
        session.info[_STEP_KEY] = stored
    return stored[1]


def name_step(session: Session, key: str, /, **params: Any) -> None:
    """Name the current step for the undo button; the outermost action names it first."""
    step = _current_step(session)
    if step["label"] is None:
        step["label"] = {"key": key, "params": params}


def record(
    session: Session,
    *,
    project_id: int,
    coder: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    **payload: Any,
) -> None:
    """``audit.record`` with the step token (and the step's name on its first event)."""
    step = _current_step(session)
    payload["step"] = step["id"]
    if step["label"] is not None and not step["labelled"]:
        payload["label"] = step["label"]
        step["labelled"] = True
    audit.record(session, project_id=project_id, coder=coder, action=action, entity=entity,
                 entity_id=entity_id, **payload)


def snapshot(record_row: Code | Coding | Memo) -> dict[str, Any]:
    """Every column of a row as JSON-safe values (timestamps as ISO strings)."""
    fields = {Code: CODE_FIELDS, Coding: CODING_FIELDS, Memo: MEMO_FIELDS}[type(record_row)]
    return {field: _json_value(getattr(record_row, field)) for field in fields}


def restore(entity: str, row: dict[str, Any]) -> Code | Coding | Memo:
    """A new ORM object equal to the snapshot ``row`` (same id, same timestamps)."""
    table, fields = TABLES[entity]
    values = {}
    for field in fields:
        value = row.get(field)
        if field in ("created_at", "updated_at") and isinstance(value, str):
            value = datetime.fromisoformat(value)
        values[field] = value
    return table(**values)


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def memo_written(session: Session, project_id: int, coder: int | None, memo_id: int | None,
                 before_row: dict[str, Any] | None, after_row: dict[str, Any] | None) -> None:
    """A memo created (no ``before_row``), edited, re-attached or deleted (no ``after_row``)."""
    record(session, project_id=project_id, coder=coder, action="write", entity="memo",
           entity_id=memo_id, before_row=before_row, after_row=after_row)
