"""Undo and redo of codebook, coding and memo changes, read from the event log.

The history of a project is linear and is rebuilt from its events each time: every step (the
events of one transaction, see ``codebook.changes``) is pushed on the undo stack; an ``undo``
event moves the top step to the redo stack and a ``redo`` event moves it back; a new step
clears the redo stack. A change the history cannot reverse (an event without a step, e.g. one
written before undo existed) and a ``baseline`` event (a new project's starting codebook)
clear both stacks: nothing before them can be undone.

Undoing a step applies the reverse of its events, newest first, with the rows the events
kept, so ids, guids and timestamps come back exactly as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from codebook import changes
from i18n import BianmaError, t
from storage import audit
from storage.tables import Code, Coder, Coding, Document, Event, Memo

UNDOABLE = ("code", "coding", "memo")
HISTORY = "history"


@dataclass(frozen=True, slots=True)
class Step:
    """One undoable user action: its token, its name (catalogue key and values), its events."""

    token: str
    key: str
    params: dict[str, Any]
    event_ids: tuple[int, ...]

    def label(self, lang: str = "zh") -> str:
        return t(self.key, lang, **self.params)


@dataclass(frozen=True, slots=True)
class History:
    undo: Step | None
    redo: Step | None
    undo_depth: int
    redo_depth: int


def history(session: Session, project_id: int) -> History:
    """What the undo and redo buttons would do now."""
    done, undone = _stacks(session, project_id)
    return History(_step(session, *done[-1]) if done else None,
                   _step(session, *undone[-1]) if undone else None, len(done), len(undone))


def undo(session: Session, project_id: int, *, coder: str | None = None) -> Step:
    """Reverse the newest step not yet undone; returns it (its label names the action)."""
    done, _undone = _stacks(session, project_id)
    if not done:
        raise BianmaError("E220")
    step = _step(session, *done[-1])
    for event in reversed(_events(session, step.event_ids)):
        _apply(session, event, backwards=True, step=step)
    _record(session, project_id, coder, "undo", step)
    return step


def redo(session: Session, project_id: int, *, coder: str | None = None) -> Step:
    """Apply again the step undone last."""
    _done, undone = _stacks(session, project_id)
    if not undone:
        raise BianmaError("E221")
    step = _step(session, *undone[-1])
    for event in _events(session, step.event_ids):
        _apply(session, event, backwards=False, step=step)
    _record(session, project_id, coder, "redo", step)
    return step


def mark_baseline(session: Session, project_id: int, *, coder: str | None = None) -> None:
    """Make the project's present state the start of its history (after a template or seed)."""
    session.flush()
    audit.record(session, project_id=project_id, coder=audit.coder_id(session, coder),
                 action="baseline", entity=HISTORY, entity_id=None)


def _record(session: Session, project_id: int, coder: str | None, action: str, step: Step) -> None:
    audit.record(session, project_id=project_id, coder=audit.coder_id(session, coder),
                 action=action, entity=HISTORY, entity_id=None, target=step.token,
                 label={"key": step.key, "params": step.params})


Stack = list[tuple[str, list[int]]]


def _stacks(session: Session, project_id: int) -> tuple[Stack, Stack]:
    """The undo and redo stacks as (step token, event ids), oldest first.

    Only the step token and the undo target are read from each payload (in SQL), so the
    page can ask for the history on every run even in a long project.
    """
    session.flush()
    rows = session.execute(
        select(Event.id, Event.entity, Event.action, Event.payload["step"].as_string(),
               Event.payload["target"].as_string())
        .where(Event.project_id == project_id, Event.entity.in_((*UNDOABLE, HISTORY)))
        .order_by(Event.id)
    )
    members: dict[str, list[int]] = {}
    done: list[str] = []
    undone: list[str] = []
    for event_id, entity, action, token, target in rows:
        if entity == HISTORY:
            if action == "baseline":
                done.clear()
                undone.clear()
            elif action == "undo" and done and done[-1] == target:
                undone.append(done.pop())
            elif action == "redo" and undone and undone[-1] == target:
                done.append(undone.pop())
        elif token is None:
            done.clear()
            undone.clear()
        else:
            if token not in members:
                members[token] = []
                done.append(token)
                undone.clear()
            members[token].append(event_id)
    return [(t, members[t]) for t in done], [(t, members[t]) for t in undone]


def _events(session: Session, ids: list[int] | tuple[int, ...]) -> list[Event]:
    return list(session.scalars(select(Event).where(Event.id.in_(ids)).order_by(Event.id)))


def _step(session: Session, token: str, ids: list[int]) -> Step:
    """A step with its name, from the first of its events that carries one."""
    label = None
    # The name travels on one of the step's first events (it is set before any change).
    for payload in session.scalars(select(Event.payload).where(Event.id.in_(ids))
                                   .order_by(Event.id).limit(20)):
        if payload and payload.get("label"):
            label = payload["label"]
            break
    label = label or {"key": "history.changes", "params": {"count": len(ids)}}
    return Step(token, label["key"], dict(label.get("params", {})), tuple(ids))


def _refuse(step: Step, backwards: bool) -> BianmaError:
    # Both languages' labels are in the catalogue; the message shows the Chinese one and
    # the English sentence names the action in English.
    return BianmaError("E222" if backwards else "E223", action=step.label("zh"),
                       action_en=step.label("en"))


def _apply(session: Session, event: Event, *, backwards: bool, step: Step) -> None:
    handler = _HANDLERS.get((event.entity, event.action))
    if handler is None:
        raise _refuse(step, backwards)
    if not handler(session, event, backwards):
        raise _refuse(step, backwards)
    session.flush()


def _exists(session: Session, table: type, row_id: int | None) -> bool:
    return row_id is None or session.get(table, row_id) is not None


def _insert(session: Session, entity: str, row: dict[str, Any]) -> bool:
    table = changes.TABLES[entity][0]
    if session.get(table, row["id"]) is not None:
        return False
    needed = {
        "code": [(Code, row.get("parent_id"))],
        "coding": [(Document, row.get("document_id")), (Code, row.get("code_id")),
                   (Coder, row.get("coder_id"))],
        "memo": [(Document, row.get("document_id")), (Code, row.get("code_id")),
                 (Coding, row.get("coding_id")), (Coder, row.get("author_id"))],
    }[entity]
    if not all(_exists(session, t_, i) for t_, i in needed):
        return False
    session.add(changes.restore(entity, row))
    session.flush()
    return True


def _delete(session: Session, entity: str, row_id: int) -> bool:
    """Delete a row that nothing else hangs on; refuse rather than let a cascade take more."""
    table = changes.TABLES[entity][0]
    found = session.get(table, row_id)
    if found is None:
        return False
    dependants = {
        "code": [select(Code.id).where(Code.parent_id == row_id),
                 select(Coding.id).where(Coding.code_id == row_id),
                 select(Memo.id).where(Memo.code_id == row_id)],
        "coding": [select(Memo.id).where(Memo.coding_id == row_id)],
        "memo": [],
    }[entity]
    if any(session.scalar(query.limit(1)) is not None for query in dependants):
        return False
    session.delete(found)
    session.flush()
    return True


def _code_added(session: Session, event: Event, backwards: bool) -> bool:
    payload = event.payload
    row = payload["row"]
    return _delete(session, "code", row["id"]) if backwards else _insert(session, "code", row)


def _code_removed(session: Session, event: Event, backwards: bool) -> bool:
    payload = event.payload
    row = payload["row"]
    return _insert(session, "code", row) if backwards else _delete(session, "code", row["id"])


def _code_updated(session: Session, event: Event, backwards: bool) -> bool:
    payload = event.payload
    code = session.get(Code, event.entity_id)
    if code is None:
        return False
    for field, value in (payload["before"] if backwards else payload["after"]).items():
        setattr(code, field, value)
    return True


def _code_moved(session: Session, event: Event, backwards: bool) -> bool:
    payload = event.payload
    code = session.get(Code, event.entity_id)
    side = "before" if backwards else "after"
    parent_id = payload[side]
    if code is None or not _exists(session, Code, parent_id):
        return False
    code.parent_id = parent_id
    if f"{side}_position" in payload:
        code.position = payload[f"{side}_position"]
    return True


def _code_reordered(session: Session, event: Event, backwards: bool) -> bool:
    payload = event.payload
    for code_id, position in (payload["before"] if backwards else payload["after"]).items():
        code = session.get(Code, int(code_id))
        if code is None:
            return False
        code.position = position
    return True


def _coding_added(session: Session, event: Event, backwards: bool) -> bool:
    payload = event.payload
    row = payload["row"]
    return _delete(session, "coding", row["id"]) if backwards else _insert(session, "coding", row)


def _coding_removed(session: Session, event: Event, backwards: bool) -> bool:
    payload = event.payload
    row, memo = payload["row"], payload.get("memo")
    if backwards:
        return _insert(session, "coding", row) and (memo is None or _insert(session, "memo", memo))
    return (memo is None or _delete(session, "memo", memo["id"])) and _delete(session, "coding", row["id"])


def _coding_recoded(session: Session, event: Event, backwards: bool) -> bool:
    payload = event.payload
    coding = session.get(Coding, event.entity_id)
    code_id = payload["before"] if backwards else payload["after"]
    if coding is None or not _exists(session, Code, code_id):
        return False
    coding.code_id = code_id
    return True


def _memo_written(session: Session, event: Event, backwards: bool) -> bool:
    payload = event.payload
    current, wanted = payload["after_row"], payload["before_row"]
    if not backwards:
        current, wanted = wanted, current
    if wanted is None:
        return _delete(session, "memo", current["id"])
    memo = session.get(Memo, wanted["id"])
    if memo is None:
        return _insert(session, "memo", wanted)
    restored = changes.restore("memo", wanted)
    for field in changes.MEMO_FIELDS[1:]:
        setattr(memo, field, getattr(restored, field))
    return True


_HANDLERS: dict[tuple[str, str], Callable[[Session, Event, bool], bool]] = {
    ("code", "add"): _code_added,
    ("code", "remove"): _code_removed,
    ("code", "update"): _code_updated,
    ("code", "move"): _code_moved,
    ("code", "reorder"): _code_reordered,
    ("coding", "add"): _coding_added,
    ("coding", "remove"): _coding_removed,
    ("coding", "recode"): _coding_recoded,
    ("coding", "memo"): _memo_written,
    ("memo", "write"): _memo_written,
}
