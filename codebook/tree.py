"""Reshaping the code tree without losing a coding: reorder, merge, split, delete.

Each function is one user action and one step of the undo history. Codings move between codes
one by one with a recorded event; where two codings would become the same (same document,
span and coder under one code) they are folded into one and their memos joined, so frequency
tables never count a span twice and no memo text disappears.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from codebook import changes
from codebook.codes import (
    PATH_SEPARATOR, add_code, codings_count, get_code, lock_codes, lock_siblings, move_code,
    update_code,
)
from i18n import BianmaError
from storage import audit
from storage.tables import Code, Coding, Document, Memo, utcnow

DISPOSITIONS = ("parent", "code", "delete")
# Fields a merge carries over from the merged code when the target has none of its own.
TEXT_FIELDS = ("definition", "inclusion", "exclusion", "example")


@dataclass(frozen=True, slots=True)
class DeletionImpact:
    """What deleting a code touches, shown to the researcher before they choose."""

    code_id: int
    path: str
    codings: int
    coding_memos: int
    code_memos: int
    children: int
    parent_id: int | None


def code_path(session: Session, code: Code) -> str:
    names = [code.name]
    parent_id = code.parent_id
    while parent_id is not None:
        parent = session.get(Code, parent_id)
        names.append(parent.name)
        parent_id = parent.parent_id
    return PATH_SEPARATOR.join(reversed(names))


def descendant_ids(session: Session, project_id: int, code_id: int) -> set[int]:
    """Every code beneath ``code_id`` (not the code itself)."""
    children: dict[int | None, list[int]] = {}
    for child_id, parent_id in session.execute(
        select(Code.id, Code.parent_id).where(Code.project_id == project_id)
    ):
        children.setdefault(parent_id, []).append(child_id)
    found: set[int] = set()
    pending = list(children.get(code_id, []))
    while pending:
        current = pending.pop()
        if current not in found:
            found.add(current)
            pending.extend(children.get(current, []))
    return found


def _siblings(session: Session, project_id: int, parent_id: int | None, *,
              lock: bool = False) -> list[Code]:
    """The codes directly under ``parent_id`` in their order; ``lock``: locked for update
    (in id order, the order every change locks codes in) and read afresh."""
    query = select(Code).where(
        Code.project_id == project_id,
        Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id,
    )
    if not lock:
        return list(session.scalars(query.order_by(Code.position, Code.id)))
    locked = session.scalars(query.order_by(Code.id).with_for_update()
                             .execution_options(populate_existing=True))
    return sorted(locked, key=lambda code: (code.position, code.id))


def reorder_code(session: Session, project_id: int, code_id: int, index: int,
                 *, coder: str | None = None) -> Code:
    """Put a code at ``index`` among its siblings (clamped to the ends)."""
    # The sibling set first, so two reorders under one parent queue up instead of deadlocking.
    lock_siblings(session, project_id, get_code(session, project_id, code_id).parent_id)
    code = get_code(session, project_id, code_id, lock="update")
    siblings = _siblings(session, project_id, code.parent_id, lock=True)
    order = [c for c in siblings if c.id != code.id]
    order.insert(max(0, min(index, len(order))), code)
    before = {str(c.id): c.position for c in siblings}
    after = {str(c.id): position for position, c in enumerate(order)}
    if before == after:
        return code
    changes.name_step(session, "history.reorder", name=code.name)
    for c in order:
        c.position = after[str(c.id)]
    session.flush()
    changes.record(session, project_id=project_id, coder=audit.coder_id(session, coder),
                   action="reorder", entity="code", entity_id=code.id, before=before, after=after)
    return code


def merge_codes(session: Session, project_id: int, source_id: int, target_id: int,
                *, coder: str | None = None) -> Code:
    """Merge ``source`` into ``target``: its codings, memos and sub-codes move; it goes.

    Sub-codes whose names the target already uses are merged into those, level by level.
    Refused when the target is the source itself or lies beneath it.
    """
    # Locked, so that whoever renamed either code or coded with it meanwhile has committed
    # and is seen here, and no one else can until this merge is done.
    codes = lock_codes(session, project_id, (source_id, target_id))
    source, target = codes[source_id], codes[target_id]
    if source.id == target.id or target.id in descendant_ids(session, project_id, source.id):
        raise BianmaError("E208", source=code_path(session, source), target=code_path(session, target))
    changes.name_step(session, "history.merge", source=code_path(session, source),
                      target=code_path(session, target))
    who = audit.coder_id(session, coder)
    _merge_into(session, project_id, source, target, who, coder)
    return target


def _merge_into(session: Session, project_id: int, source: Code, target: Code, who: int,
                coder: str | None) -> None:
    lock_codes(session, project_id, (source.id, target.id))  # sub-codes merged level by level
    _move_codings(session, project_id, source, target, who)
    _move_code_memos(session, project_id, source, target.id, who)
    _carry_over_texts(session, project_id, source, target, who, coder)
    for child in _siblings(session, project_id, source.id):
        namesake = session.scalar(select(Code).where(Code.parent_id == target.id,
                                                     Code.name == child.name))
        if namesake is not None:
            _merge_into(session, project_id, child, namesake, who, coder)
        else:
            move_code(session, project_id, child.id, target.id, coder=coder)
    _delete_row(session, project_id, source, who)


def _carry_over_texts(session: Session, project_id: int, source: Code, target: Code, who: int,
                      coder: str | None) -> None:
    """Fill the target's empty fields from the source; keep differing ones in a memo."""
    fill, kept = {}, []
    for field in TEXT_FIELDS:
        mine, theirs = getattr(target, field), getattr(source, field)
        if theirs and not mine:
            fill[field] = theirs
        elif theirs and theirs != mine:
            kept.append(f"{field}: {theirs}")
    if fill:
        update_code(session, project_id, target.id, coder=coder, **fill)
    if kept:
        text = f"合并自“{source.name}” / merged from “{source.name}”\n" + "\n".join(kept)
        memo = Memo(project_id=project_id, code_id=target.id, author_id=who, text=text)
        session.add(memo)
        session.flush()
        changes.memo_written(session, project_id, who, memo.id, None, changes.snapshot(memo))


def split_code(session: Session, project_id: int, code_id: int, name: str, coding_ids: list[int],
               *, parent_id: int | None = None, same_parent: bool = True, color: str | None = None,
               definition: str = "", coder: str | None = None) -> Code:
    """A new code taking the chosen codings of ``code_id``; the rest stay where they are.

    The new code is a sibling of the old one unless ``same_parent`` is False, in which case it
    goes under ``parent_id`` (``None``: the top level).
    """
    code = get_code(session, project_id, code_id, lock="update")
    if not coding_ids:
        raise BianmaError("E214")
    codings = []
    for coding_id in sorted(set(coding_ids)):
        coding = session.get(Coding, coding_id, with_for_update=True, populate_existing=True)
        if coding is None or coding.code_id != code.id:
            raise BianmaError("E215", coding=coding_id, name=code.name)
        codings.append(coding)
    changes.name_step(session, "history.split", name=code_path(session, code), new=name.strip())
    new = add_code(session, project_id, name, parent_id=code.parent_id if same_parent else parent_id,
                   color=color, definition=definition, coder=coder)
    who = audit.coder_id(session, coder)
    for coding in codings:
        _recode(session, project_id, coding, new.id, who)
    return new


def deletion_impact(session: Session, project_id: int, code_id: int) -> DeletionImpact:
    code = get_code(session, project_id, code_id)
    coding_ids = select(Coding.id).where(Coding.code_id == code.id)
    return DeletionImpact(
        code_id=code.id,
        path=code_path(session, code),
        codings=codings_count(session, code.id),
        coding_memos=session.scalar(
            select(func.count(Memo.id)).where(Memo.coding_id.in_(coding_ids))) or 0,
        code_memos=session.scalar(select(func.count(Memo.id)).where(Memo.code_id == code.id)) or 0,
        children=len(_siblings(session, project_id, code.id)),
        parent_id=code.parent_id,
    )


def delete_code(session: Session, project_id: int, code_id: int, *, codings: str | None,
                target_id: int | None = None, coder: str | None = None) -> DeletionImpact:
    """Delete one code after the researcher chose what happens to its codings.

    ``codings``: ``"parent"`` moves them (and the code's memos) to the parent code, ``"code"``
    to ``target_id``, ``"delete"`` deletes them with their memos. A code without codings needs
    no choice. Sub-codes move up to the deleted code's parent. Returns what was affected.
    """
    # The code and the one receiving its codings, locked as a merge locks them.
    code = get_code(session, project_id, code_id)
    receiver = {"parent": code.parent_id, "code": target_id}.get(codings or "")
    lock_codes(session, project_id, {code.id} | ({receiver} if receiver is not None else set()))
    impact = deletion_impact(session, project_id, code_id)
    if codings not in DISPOSITIONS:
        if impact.codings or impact.code_memos:
            raise BianmaError("E210", name=impact.path, count=impact.codings, memos=impact.code_memos)
        codings = "delete"
    destination: Code | None = None
    if codings == "parent":
        if code.parent_id is None:
            raise BianmaError("E211", name=impact.path)
        destination = get_code(session, project_id, code.parent_id, lock="update")
    elif codings == "code":
        if target_id is None or target_id == code.id:
            raise BianmaError("E212", name=impact.path)
        destination = get_code(session, project_id, target_id, lock="update")
    changes.name_step(session, "history.delete", name=impact.path)
    who = audit.coder_id(session, coder)
    if destination is not None:
        _move_codings(session, project_id, code, destination, who)
        _move_code_memos(session, project_id, code, destination.id, who)
    else:
        for coding in list(session.scalars(select(Coding).where(Coding.code_id == code.id)
                                           .order_by(Coding.id).with_for_update()
                                           .execution_options(populate_existing=True))):
            _drop_coding(session, project_id, coding, who)
        for memo in list(session.scalars(select(Memo).where(Memo.code_id == code.id))):
            before = changes.snapshot(memo)
            session.delete(memo)
            session.flush()
            changes.memo_written(session, project_id, who, before["id"], before, None)
    for child in _siblings(session, project_id, code.id):
        move_code(session, project_id, child.id, code.parent_id, coder=coder)
    _delete_row(session, project_id, code, who)
    return impact


def set_example_from_coding(session: Session, project_id: int, code_id: int, coding_id: int,
                            *, coder: str | None = None) -> str:
    """Take a coded segment's text as the code's example quote (the one-click action)."""
    code = get_code(session, project_id, code_id)
    row = session.execute(
        select(Coding, Document).join(Document, Document.id == Coding.document_id)
        .where(Coding.id == coding_id, Document.project_id == project_id)
    ).first()
    if row is None:
        raise BianmaError("E304", coding=coding_id)
    coding, document = row
    changes.name_step(session, "history.example", name=code.name)
    quote = document.text[coding.start:coding.end].strip()
    update_code(session, project_id, code.id, example=quote, coder=coder)
    return quote


def _move_codings(session: Session, project_id: int, source: Code, target: Code, who: int) -> None:
    # Locked: a coding removed or recoded meanwhile is not moved as well.
    moving = list(session.scalars(select(Coding).where(Coding.code_id == source.id)
                                  .order_by(Coding.id).with_for_update()
                                  .execution_options(populate_existing=True)))
    if moving and not target.is_codable:
        raise BianmaError("E213", name=target.name, count=len(moving))
    for coding in moving:
        twin = session.scalar(select(Coding).where(
            Coding.code_id == target.id, Coding.document_id == coding.document_id,
            Coding.coder_id == coding.coder_id, Coding.start == coding.start,
            Coding.end == coding.end,
        ))
        if twin is None:
            _recode(session, project_id, coding, target.id, who)
        else:
            _join_coding_memo(session, project_id, coding, twin, who)
            _drop_coding(session, project_id, coding, who)


def _move_code_memos(session: Session, project_id: int, source: Code, target_id: int, who: int) -> None:
    for memo in list(session.scalars(select(Memo).where(Memo.code_id == source.id).order_by(Memo.id))):
        before = changes.snapshot(memo)
        memo.code_id = target_id
        session.flush()
        changes.memo_written(session, project_id, who, memo.id, before, changes.snapshot(memo))


def _join_coding_memo(session: Session, project_id: int, folded: Coding, kept: Coding, who: int) -> None:
    """The folded coding's memo text goes onto the kept coding's memo (created if needed)."""
    theirs = session.scalar(select(Memo).where(Memo.coding_id == folded.id))
    if theirs is None or not theirs.text.strip():
        return
    mine = session.scalar(select(Memo).where(Memo.coding_id == kept.id))
    if mine is None:
        mine = Memo(project_id=project_id, coding_id=kept.id, author_id=theirs.author_id,
                    text=theirs.text)
        session.add(mine)
        session.flush()
        changes.memo_written(session, project_id, who, mine.id, None, changes.snapshot(mine))
    elif theirs.text.strip() not in mine.text:
        before = changes.snapshot(mine)
        mine.text, mine.updated_at = f"{mine.text}\n\n{theirs.text}", utcnow()
        session.flush()
        changes.memo_written(session, project_id, who, mine.id, before, changes.snapshot(mine))


def _recode(session: Session, project_id: int, coding: Coding, code_id: int, who: int) -> None:
    before = coding.code_id
    coding.code_id = code_id
    session.flush()
    changes.record(session, project_id=project_id, coder=who, action="recode", entity="coding",
                   entity_id=coding.id, before=before, after=code_id)


def _drop_coding(session: Session, project_id: int, coding: Coding, who: int) -> None:
    """Delete a coding and its memo, keeping both rows in the event for undo."""
    memo = session.scalar(select(Memo).where(Memo.coding_id == coding.id))
    changes.record(session, project_id=project_id, coder=who, action="remove", entity="coding",
                   entity_id=coding.id, document_id=coding.document_id, code_id=coding.code_id,
                   start=coding.start, end=coding.end, coder_id=coding.coder_id,
                   provenance=coding.provenance, row=changes.snapshot(coding),
                   memo=changes.snapshot(memo) if memo else None)
    if memo is not None:
        session.delete(memo)
        session.flush()
    session.delete(coding)
    session.flush()


def _delete_row(session: Session, project_id: int, code: Code, who: int) -> None:
    """Delete a code that no longer has codings, memos or sub-codes (the callers moved them)."""
    changes.record(session, project_id=project_id, coder=who, action="remove", entity="code",
                   entity_id=code.id, name=code.name, row=changes.snapshot(code))
    session.delete(code)
    session.flush()
